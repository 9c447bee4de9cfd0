"""The documentation: the MkDocs site builds strictly, its nav and docs/ agree, the README stays short and
opens with the two commands, and neither holds test counts (they go stale with every change)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

README_LIMIT_BYTES = 10_240
TEST_COUNT = re.compile(r"\d[\d,]* (tests|passed)\b")


def repository_root() -> Path:
    """The nearest folder above this file that holds ``mkdocs.yml`` (the file may move deeper in ``tests/``)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise AssertionError(f"no mkdocs.yml in any folder above {__file__}")


ROOT = repository_root()
DOCS = ROOT / (yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("docs_dir") or "docs")


def nav_pages() -> list[str]:
    """Every page the ``nav`` of ``mkdocs.yml`` lists, as paths relative to ``docs/``, in order."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def walk(entries: object) -> list[str]:
        if isinstance(entries, str):
            return [entries]
        if isinstance(entries, list):
            return [page for entry in entries for page in walk(entry)]
        if isinstance(entries, dict):
            return [page for value in entries.values() for page in walk(value)]
        return []

    pages = walk(config.get("nav"))
    assert pages, "mkdocs.yml has no nav"
    return [page for page in pages if not re.match(r"[a-z]+://", page)]


def doc_files() -> list[Path]:
    return sorted([ROOT / "README.md", *DOCS.rglob("*.md")])


def test_site_builds_strictly_with_a_page_per_nav_entry(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                           check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout}\n{build.stderr}"
    assert (site / "index.html").is_file()
    for page in nav_pages():
        stem = page[:-len(".md")]
        built = site / "index.html" if stem == "index" else site / stem / "index.html"
        assert built.is_file(), f"no page built for nav entry {page} (expected {built.relative_to(site)})"


def test_readme_is_short_and_opens_with_the_two_commands() -> None:
    readme = ROOT / "README.md"
    size = readme.stat().st_size
    assert size <= README_LIMIT_BYTES, (f"README.md is {size} bytes; keep it at most {README_LIMIT_BYTES} "
                                        "(move the text to docs/)")
    opening = "\n".join(readme.read_text(encoding="utf-8").splitlines()[:8])
    assert "make bench" in opening and "make test" in opening, f"README.md must open with the two commands:\n{opening}"


def test_nav_and_docs_folder_agree() -> None:
    listed = nav_pages()
    missing = [page for page in listed if not (DOCS / page).is_file()]
    assert not missing, f"mkdocs.yml nav lists pages that do not exist in {DOCS.name}/: {missing}"
    present = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    unlisted = [page for page in present if page not in listed]
    assert not unlisted, f"pages in {DOCS.name}/ missing from the nav of mkdocs.yml: {unlisted}"
    assert len(listed) == len(set(listed)), f"pages listed twice in the nav: {listed}"


def test_no_test_counts_in_readme_or_docs() -> None:
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in doc_files()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if TEST_COUNT.search(line)]
    assert not found, ("test counts go stale with every change; leave them out of README.md and docs/:\n"
                       + "\n".join(found))
