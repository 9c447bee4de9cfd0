"""Headless Chromium for the suite's HTML pages: print a declaration to PDF, check and photograph a report.

Chromium is found on the ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``) or at
``$BENCH_CHROMIUM``; on Debian, ``apt-get install chromium``. It runs with a throw-away profile and no
network beyond the page's own files, so nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.errors import BenchError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No background services: on a closed network Chromium would otherwise retry Google's hosts at every start.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio")
TIMEOUT_S = 120
# Virtual time the page gets to load its images and run its scripts before Chromium acts.
SETTLE_MS = 20000


def find_chromium() -> str | None:
    """The Chromium executable to use: ``$BENCH_CHROMIUM`` if set, else the first candidate on the PATH.

    Example:
        >>> path = find_chromium()
        >>> path is None or Path(path).name.startswith(("chromium", "google-chrome", "chrome"))
        True
    """
    configured = os.environ.get("BENCH_CHROMIUM")
    if configured:
        return configured if shutil.which(configured) else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def require_chromium() -> str:
    """``find_chromium()``, or a BenchError that says what to install."""
    executable = find_chromium()
    if executable is None:
        raise BenchError("headless Chromium is needed and was not found (looked for "
                         f"{', '.join(CANDIDATES)} on the PATH and $BENCH_CHROMIUM); install it, e.g. "
                         "`apt-get install chromium` on Debian, or open the HTML page in a browser and print it")
    return executable


def _run(page: Path, *arguments: str) -> str:
    """Run headless Chromium on ``page`` with ``arguments``; its standard output, or a BenchError."""
    executable = require_chromium()
    page = Path(page).resolve()
    if not page.is_file():
        raise BenchError(f"no page to render at {page}")
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        command = [executable, *FLAGS, f"--user-data-dir={profile}", *arguments, page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise BenchError(f"Chromium did not finish rendering {page.name} within {TIMEOUT_S} s") from None
    if done.returncode != 0:
        raise BenchError(f"Chromium failed on {page.name} (exit {done.returncode}): "
                         f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'no message'}")
    return done.stdout


def _render_to_file(page: Path, out: Path, what: str, *arguments: str) -> Path:
    """Run Chromium with ``arguments`` (each may hold ``{file}``, where Chromium writes) and move its
    output to ``out`` atomically; a BenchError when it wrote nothing. Nothing half-written is left."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.partial{out.suffix}")
    try:
        _run(page, *(argument.format(file=tmp) for argument in arguments), f"--virtual-time-budget={SETTLE_MS}")
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise BenchError(f"Chromium wrote no {what} for {out.name}")
        os.replace(tmp, out)
        return out
    finally:
        tmp.unlink(missing_ok=True)


def print_to_pdf(page: Path, out: Path) -> Path:
    """Print an HTML page to ``out`` as PDF (A4, backgrounds kept, no header or footer); nothing half-written.

    Example (needs Chromium):
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.html").write_text("<h1>Declaration</h1>")
        >>> find_chromium() is None or print_to_pdf(folder / "a.html", folder / "a.pdf").read_bytes()[:4] == b"%PDF"
        True
    """
    return _render_to_file(page, out, "PDF", "--print-to-pdf={file}", "--no-pdf-header-footer")


def screenshot(page: Path, out: Path, width: int = 1280, height: int = 2400) -> Path:
    """A PNG of the top ``width`` x ``height`` pixels of the page as a browser shows it."""
    return _render_to_file(page, out, "screenshot", "--screenshot={file}", f"--window-size={width},{height}")


def rendered_dom(page: Path) -> str:
    """The page's HTML after Chromium loaded it and ran its scripts (e.g. the report's figure check)."""
    return _run(page, f"--virtual-time-budget={SETTLE_MS}", "--dump-dom")


__all__ = ["find_chromium", "print_to_pdf", "rendered_dom", "require_chromium", "screenshot"]
