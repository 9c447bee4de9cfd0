from pathlib import Path

import pytest

from bench.datasets import fetch
from bench.datasets.cards import SourceFile
from bench.errors import BenchError


def _source_for(path: Path, urls: tuple[str, ...] = ()) -> SourceFile:
    return SourceFile(name=path.name, sha256=fetch.sha256_of(path), urls=urls)


def test_mirror_file_is_used_in_place_after_checksum(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "data.csv").write_text("a,b\n1,2\n")
    monkeypatch.setenv("BENCH_DATA_MIRROR", str(mirror))
    assert fetch.resolve(_source_for(mirror / "data.csv")) == mirror / "data.csv"


def test_mirror_file_with_wrong_checksum_is_refused(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "data.csv").write_text("tampered\n")
    monkeypatch.setenv("BENCH_DATA_MIRROR", str(mirror))
    source = SourceFile("data.csv", "0" * 64)
    with pytest.raises(BenchError, match="has sha256 .* but the card expects 0000"):
        fetch.resolve(source)


def test_download_lands_in_cache_only_when_checksum_matches(tmp_path, monkeypatch, isolated_cache):
    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)
    origin = tmp_path / "origin" / "data.csv"
    origin.parent.mkdir()
    origin.write_text("a,b\n1,2\n")
    good = _source_for(origin, urls=(origin.as_uri(),))
    assert fetch.resolve(good) == isolated_cache / "data.csv"
    assert (isolated_cache / "data.csv").read_text() == "a,b\n1,2\n"

    (isolated_cache / "data.csv").unlink()
    bad = SourceFile("data.csv", "f" * 64, urls=(origin.as_uri(),))
    with pytest.raises(BenchError, match="not the published one"):
        fetch.resolve(bad)
    assert list(isolated_cache.iterdir()) == [], "a failed download must leave nothing behind"


def test_unreachable_source_names_the_file_and_the_mirror_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)
    source = SourceFile("data.csv", "f" * 64, urls=((tmp_path / "missing.csv").as_uri(),))
    with pytest.raises(BenchError, match="could not download data.csv.*BENCH_DATA_MIRROR"):
        fetch.resolve(source)


def test_source_without_urls_asks_for_a_local_copy(monkeypatch):
    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)
    with pytest.raises(BenchError, match="no public download URL"):
        fetch.resolve(SourceFile("private.csv", "f" * 64))
