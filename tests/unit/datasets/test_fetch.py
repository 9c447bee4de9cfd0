import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest

from bench.datasets import fetch
from bench.datasets.cards import SourceFile, parse_card
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


# --- files inside zip archives (source.files[].member) -----------------------------------------------------

CSV = b"a,b\n1,2\n"


def _zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def _serve(tmp_path: Path, payload: bytes, name: str = "archive.zip") -> str:
    path = tmp_path / "origin" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(payload)
    return path.as_uri()


def _member_source(*urls: str, member: str = "data/table.csv", digest: str | None = None) -> SourceFile:
    return SourceFile("table.csv", digest or hashlib.sha256(CSV).hexdigest(), urls, member=member)


@pytest.fixture
def no_mirror(monkeypatch):
    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)


def test_member_is_extracted_checked_and_cached_under_the_source_name(tmp_path, no_mirror, isolated_cache):
    url = _serve(tmp_path, _zip_bytes({"data/table.csv": CSV, "data/other.csv": b"x\n"}))
    assert fetch.resolve(_member_source(url)) == isolated_cache / "table.csv"
    assert (isolated_cache / "table.csv").read_bytes() == CSV
    assert [p.name for p in isolated_cache.iterdir()] == ["table.csv"], "no archive or temporary file is kept"
    # Cached now: resolved again without the archive.
    (tmp_path / "origin" / "archive.zip").unlink()
    assert fetch.resolve(_member_source(url)) == isolated_cache / "table.csv"


def test_member_of_a_zip_nested_in_the_archive(tmp_path, no_mirror, isolated_cache):
    inner = _zip_bytes({"cohort.csv": CSV})
    url = _serve(tmp_path, _zip_bytes({"readme.txt": b"hello", "inner.zip": inner}))
    assert fetch.resolve(_member_source(url, member="inner.zip/cohort.csv")).read_bytes() == CSV


def test_member_with_the_wrong_checksum_leaves_nothing_in_the_cache(tmp_path, no_mirror, isolated_cache):
    url = _serve(tmp_path, _zip_bytes({"data/table.csv": CSV}))
    with pytest.raises(BenchError, match=r"downloaded table.csv \(from member 'data/table.csv' of file:.*"
                                         r"but the card expects ffff.*not the published one"):
        fetch.resolve(_member_source(url, digest="f" * 64))
    assert list(isolated_cache.iterdir()) == []


def test_missing_member_names_what_the_archive_holds(tmp_path, no_mirror, isolated_cache):
    url = _serve(tmp_path, _zip_bytes({"data/other.csv": CSV, "README": b"r"}))
    with pytest.raises(BenchError, match=r"archive.zip: the zip archive has no member 'data/table.csv'; "
                                         r"it holds: data/other.csv, README"):
        fetch.resolve(_member_source(url))
    assert list(isolated_cache.iterdir()) == []
    nested = _serve(tmp_path, _zip_bytes({"inner.zip": _zip_bytes({"a.csv": CSV})}), name="nested.zip")
    with pytest.raises(BenchError, match=r"nested.zip > inner.zip: the zip archive has no member 'b.csv'"):
        fetch.resolve(_member_source(nested, member="inner.zip/b.csv"))
    assert list(isolated_cache.iterdir()) == []


def test_download_that_is_not_a_zip_is_refused(tmp_path, no_mirror, isolated_cache):
    url = _serve(tmp_path, b"<html>Not Found</html>", name="page.zip")
    with pytest.raises(BenchError, match="expected a zip archive holding 'data/table.csv', but the download is not"):
        fetch.resolve(_member_source(url))
    assert list(isolated_cache.iterdir()) == []


def test_corrupt_member_is_refused(tmp_path, no_mirror, isolated_cache):
    payload = bytearray(_zip_bytes({"data/table.csv": CSV}, compression=zipfile.ZIP_STORED))
    at = payload.index(CSV)
    payload[at] ^= 0xFF  # same size, wrong CRC
    url = _serve(tmp_path, bytes(payload))
    with pytest.raises(BenchError, match=r"cannot extract 'data/table.csv' from the downloaded archive: BadZipFile"):
        fetch.resolve(_member_source(url))
    assert list(isolated_cache.iterdir()) == []


def test_unreachable_archive_falls_back_to_the_next_url(tmp_path, no_mirror, isolated_cache):
    gone = (tmp_path / "gone.zip").as_uri()
    good = _serve(tmp_path, _zip_bytes({"data/table.csv": CSV}))
    assert fetch.resolve(_member_source(gone, good)).read_bytes() == CSV
    (isolated_cache / "table.csv").unlink()
    with pytest.raises(BenchError, match=r"could not download table.csv .*BENCH_DATA_MIRROR.*\n  file:.*gone.zip"):
        fetch.resolve(_member_source(gone))
    assert list(isolated_cache.iterdir()) == []


def test_mirror_and_cache_are_looked_up_by_name_not_by_member(tmp_path, monkeypatch, isolated_cache):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "table.csv").write_bytes(CSV)
    monkeypatch.setenv("BENCH_DATA_MIRROR", str(mirror))
    unreachable = (tmp_path / "never-downloaded.zip").as_uri()
    assert fetch.resolve(_member_source(unreachable)) == mirror / "table.csv"
    assert not isolated_cache.exists() or list(isolated_cache.iterdir()) == []


@pytest.mark.parametrize("entry, message", [
    ({"member": "../escape.csv"}, ".member must be a relative path inside the archive"),
    ({"member": "/etc/passwd"}, ".member must be a relative path inside the archive"),
    ({"member": ""}, ".member must be a relative path inside the archive"),
    ({"members": "x.csv"}, " has unknown key(s) ['members']"),
    ({"urls": "https://example.org/x.zip"}, ".urls must be a list of URLs"),
    ({"name": "sub/x.csv"}, ".name must be a plain file name"),
])
def test_bad_source_file_entries_are_refused(entry, message):
    raw = {"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-", "target": "y",
           "positive_label": 1, "columns": {"y": "categorical"},
           "source": {"files": [{"name": "x.csv", "sha256": "a" * 64, **entry}]}}
    with pytest.raises(BenchError, match=re.escape(f"c.yaml: source.files[0]{message}")):
        parse_card(raw, where="c.yaml")


def test_member_is_parsed_from_the_card():
    raw = {"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-", "target": "y",
           "positive_label": 1, "columns": {"y": "categorical"},
           "source": {"files": [{"name": "x.csv", "sha256": "A" * 64, "urls": ["https://e.org/x.zip"],
                                 "member": "dir/x.csv"}]}}
    (source,) = parse_card(raw).sources
    assert source == SourceFile("x.csv", "a" * 64, ("https://e.org/x.zip",), member="dir/x.csv")
