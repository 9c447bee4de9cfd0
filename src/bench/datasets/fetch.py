"""Obtain a dataset file: from the cache, an offline mirror, or its canonical URL, always sha256-checked.

Lookup order for a card's ``SourceFile``:
1. the cache (``BENCH_DATA_CACHE``, default ``~/.cache/health-synth-bench``), if the file is there
   and its checksum matches;
2. the offline mirror (``BENCH_DATA_MIRROR``), looked up by file name; read in place, never copied;
3. the canonical URLs, downloaded with a progress bar into a temporary file that is renamed into the
   cache only once its checksum matches, so a failed download leaves nothing half-written.

A source file with a ``member`` comes inside a zip archive (UCI serves its datasets so): each URL is
downloaded to a temporary archive, the member is extracted to a temporary file (through nested zips
where the member path names one, e.g. ``inner.zip/data.csv``), its sha256 is checked, and only then
is it moved into the cache under the source file's ``name``. The cache and the mirror always hold
the extracted file, looked up by ``name``; archives are never kept.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.request
import zipfile
import zlib
from pathlib import Path
from typing import IO, MutableMapping

from tqdm import tqdm

from bench.datasets.cards import SourceFile
from bench.errors import BenchError

MIRROR_ENV = "BENCH_DATA_MIRROR"
CACHE_ENV = "BENCH_DATA_CACHE"


def anchor_data_folders(environ: MutableMapping[str, str] = os.environ) -> None:
    """Make relative ``BENCH_DATA_MIRROR`` and ``BENCH_DATA_CACHE`` absolute against the working directory
    now: the entry points call this before any cell starts, since each cell's kernel runs in a folder
    of its own and would read a relative folder from there (``BENCH_DATA_MIRROR=../shared/datasets``
    then pointed nowhere and every cell tried to download).

    Example:
        >>> environ = {"BENCH_DATA_MIRROR": "mirror", "BENCH_DATA_CACHE": "/abs/cache"}
        >>> anchor_data_folders(environ)
        >>> environ["BENCH_DATA_MIRROR"] == os.path.join(os.getcwd(), "mirror"), environ["BENCH_DATA_CACHE"]
        (True, '/abs/cache')
    """
    for name in (MIRROR_ENV, CACHE_ENV):
        value = environ.get(name)
        if value and not Path(value).expanduser().is_absolute():
            environ[name] = os.path.abspath(Path(value).expanduser())


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


def find_offline(source: SourceFile) -> tuple[Path, str] | None:
    """Where ``source`` is available without downloading: ``(path, "cache")`` or ``(path, "mirror")``, else ``None``.

    A cached copy counts only if its sha256 matches; a mirror copy is returned by name, unverified
    (``resolve`` verifies it). Nothing is downloaded.

    Example:
        >>> find_offline(SourceFile("no-such-file.csv", "0" * 64)) is None
        True
    """
    cached = cache_dir() / source.name
    if cached.is_file() and sha256_of(cached) == source.sha256:
        return cached, "cache"
    mirror = os.environ.get(MIRROR_ENV)
    if mirror and (Path(mirror) / source.name).is_file():
        return Path(mirror) / source.name, "mirror"
    return None


def resolve(source: SourceFile) -> Path:
    """Return a local path to ``source`` whose sha256 matches the card, fetching it if needed."""
    found = find_offline(source)
    if found is not None:
        path, origin = found
        if origin == "mirror":
            _verify(path, source, origin=f"mirror {path.parent}")
        return path
    cached = cache_dir() / source.name
    mirror = os.environ.get(MIRROR_ENV)
    if not source.urls:
        where = f"the mirror {mirror}" if mirror else f"a mirror (set {MIRROR_ENV})"
        raise BenchError(f"{source.name} has no public download URL; put the file in {cache_dir()} or {where}")
    errors = []
    for url in source.urls:
        try:
            return _download(url, source, cached)
        except OSError as exc:  # network errors; checksum and archive errors are BenchError and stop at once
            errors.append(f"{url}: {exc}")
    hint = (f" (it is not in the mirror {MIRROR_ENV}={mirror} either)" if mirror else
            f" (or set {MIRROR_ENV} to a folder that holds {source.name})")
    raise BenchError(f"could not download {source.name}{hint}:\n  " + "\n  ".join(errors))


def _verify(path: Path, source: SourceFile, origin: str, label: str | None = None) -> None:
    actual = sha256_of(path)
    if actual != source.sha256:
        raise BenchError(f"{label or path} (from {origin}) has sha256 {actual}, but the card expects "
                         f"{source.sha256}: the file is not the published one")


def _download(url: str, source: SourceFile, target: Path) -> Path:
    """Fetch ``url`` into ``target`` (the cache) through temporary files removed whatever happens.

    Without a member, the download itself is checked and renamed into place; with one, the download
    is an archive from which the member is extracted, checked and renamed into place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary: list[Path] = []

    def scratch(suffix: str) -> Path:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{source.name}.", suffix=suffix)
        os.close(handle)
        temporary.append(Path(name))
        return temporary[-1]

    try:
        fetched = scratch(".archive.part" if source.member else ".part")
        _fetch_url(url, fetched, source)
        origin = url
        if source.member:
            extracted = scratch(".part")
            try:
                with open(extracted, "wb") as out:
                    _extract_member(fetched, source.member, out, origin=url)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:  # corrupt or odd archive
                raise BenchError(f"{url}: cannot extract '{source.member}' from the downloaded archive: "
                                 f"{type(exc).__name__}: {exc}") from exc
            fetched.unlink()
            fetched, origin = extracted, f"member '{source.member}' of {url}"
        _verify(fetched, source, origin=origin, label=f"the downloaded {source.name}")
        fetched.replace(target)
        return target
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)


def _fetch_url(url: str, path: Path, source: SourceFile) -> None:
    with open(path, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=total, unit="B", unit_scale=True, desc=f"download {source.name}") as bar:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                out.write(chunk)
                bar.update(len(chunk))


def _extract_member(archive: Path | IO[bytes], member: str, out: IO[bytes], origin: str) -> None:
    """Copy ``member`` of the zip ``archive`` into ``out``; a path through a nested zip opens that zip in turn.

    A file that is not a zip archive, or an archive without the member, is a ``BenchError`` naming
    the URL, the member and (some of) the archive's members. Example:
        >>> import io, zipfile
        >>> inner, outer = io.BytesIO(), io.BytesIO()
        >>> with zipfile.ZipFile(inner, "w") as z: z.writestr("data/a.csv", "x\\n1\\n")
        >>> with zipfile.ZipFile(outer, "w") as z: z.writestr("inner.zip", inner.getvalue())
        >>> out = io.BytesIO(); _extract_member(outer, "inner.zip/data/a.csv", out, origin="test")
        >>> out.getvalue()
        b'x\\n1\\n'
    """
    try:
        archive_file = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as exc:
        raise BenchError(f"{origin}: expected a zip archive holding '{member}', but the download is not a zip "
                         f"file ({exc})") from exc
    with archive_file:
        names = [n for n in archive_file.namelist() if not n.endswith("/")]
        if member in names:
            with archive_file.open(member) as data:
                shutil.copyfileobj(data, out, 1 << 20)
            return
        parts = member.split("/")
        for cut in range(len(parts) - 1, 0, -1):  # the longest leading path that names a nested zip
            inner = "/".join(parts[:cut])
            if inner in names and inner.lower().endswith(".zip"):
                with archive_file.open(inner) as nested:
                    _extract_member(nested, "/".join(parts[cut:]), out, origin=f"{origin} > {inner}")
                return
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    raise BenchError(f"{origin}: the zip archive has no member '{member}'; it holds: {shown or 'nothing'}")
