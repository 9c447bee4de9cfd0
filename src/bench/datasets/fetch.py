"""Obtain a dataset file: from the cache, an offline mirror, or its canonical URL, always sha256-checked.

Lookup order for a card's ``SourceFile``:
1. the cache (``BENCH_DATA_CACHE``, default ``~/.cache/health-synth-bench``), if the file is there
   and its checksum matches;
2. the offline mirror (``BENCH_DATA_MIRROR``), looked up by file name; read in place, never copied;
3. the canonical URLs, downloaded with a progress bar into a temporary file that is renamed into the
   cache only once its checksum matches, so a failed download leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

from tqdm import tqdm

from bench.datasets.cards import SourceFile
from bench.errors import BenchError

MIRROR_ENV = "BENCH_DATA_MIRROR"
CACHE_ENV = "BENCH_DATA_CACHE"


def cache_dir() -> Path:
    """The download cache, outside git. Example: ``cache_dir().name == 'health-synth-bench'``."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else Path.home() / ".cache" / "health-synth-bench"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks.

    Example:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"abc")
        >>> sha256_of(p)[:12]
        'ba7816bf8f01'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def resolve(source: SourceFile) -> Path:
    """Return a local path to ``source`` whose sha256 matches the card, fetching it if needed."""
    cached = cache_dir() / source.name
    if cached.is_file() and sha256_of(cached) == source.sha256:
        return cached
    mirror = os.environ.get(MIRROR_ENV)
    if mirror:
        candidate = Path(mirror) / source.name
        if candidate.is_file():
            _verify(candidate, source, origin=f"mirror {mirror}")
            return candidate
    if not source.urls:
        where = f"the mirror {mirror}" if mirror else f"a mirror (set {MIRROR_ENV})"
        raise BenchError(f"{source.name} has no public download URL; put the file in {cache_dir()} or {where}")
    errors = []
    for url in source.urls:
        try:
            return _download(url, source, cached)
        except OSError as exc:  # network errors; checksum errors are BenchError and stop at once
            errors.append(f"{url}: {exc}")
    hint = f" (or set {MIRROR_ENV} to a folder that holds {source.name})" if not mirror else ""
    raise BenchError(f"could not download {source.name}{hint}:\n  " + "\n  ".join(errors))


def _verify(path: Path, source: SourceFile, origin: str) -> None:
    actual = sha256_of(path)
    if actual != source.sha256:
        raise BenchError(f"{path} (from {origin}) has sha256 {actual}, but the card expects "
                         f"{source.sha256}: the file is not the published one")


def _download(url: str, source: SourceFile, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{source.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=f"download {source.name}") as bar:
                for chunk in iter(lambda: response.read(1 << 16), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
        _verify(tmp, source, origin=url)
        tmp.replace(target)
        return target
    finally:
        tmp.unlink(missing_ok=True)
