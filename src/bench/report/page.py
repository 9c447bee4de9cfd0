"""``results/report.html``: one page that shows every figure of a benchmark's report and links every table.

The page holds aggregates only (the runs table's metric columns never reach it; failed cells are
listed with the first line of their error). Figures are the PNGs, each linked to its PDF and SVG; tables
link their CSV, Markdown and LaTeX files. Paths are relative, so the ``results`` folder can be
moved or zipped as a whole.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bench.errors import headline
from bench.paths import REPORT_TEMPLATES
from bench.report.verdicts import VERDICT_RULE, has_verdicts, unavailable_table, verdict_comparison

# The suite's two HTML pages (this one and the declaration) are templates in report/templates: autoescaped, and
# a name the template uses but the code does not pass is an error, never an empty string.
TEMPLATES = Environment(loader=FileSystemLoader(REPORT_TEMPLATES), autoescape=True, undefined=StrictUndefined,
                        keep_trailing_newline=True)
# The suite's HTML pages share this; each adds its own width and parts (see ``declaration.STYLE``).
BASE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } td, th { padding: 0.2rem 0.6rem; border-bottom: 1px solid #eee; text-align: left; }
"""
STYLE = BASE_STYLE + """
body { max-width: 1100px; } table { font-size: 0.9rem; }
figure { margin: 1.5rem 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9rem; color: #555; } .failed, .missing { color: #b2182b; }
"""
# Once the page has loaded, every figure is fetched (lazy ones too) and marked data-loaded="true" or
# "false"; a figure whose file is missing gets a visible note. Headless Chromium reads the marks in
# the tests (bench.report.browser.rendered_dom), so "every figure shows" is checked, not assumed.
FIGURE_CHECK = """<script>
window.addEventListener("load", async () => {
  for (const img of document.images) {
    img.loading = "eager";
    if (!img.complete) await new Promise(done => { img.onload = img.onerror = done; });
    const ok = img.naturalWidth > 0;
    img.dataset.loaded = String(ok);
    if (!ok) img.insertAdjacentHTML("afterend", `<p class="missing">figure not found: ${img.getAttribute("src")}</p>`);
  }
  document.body.dataset.figuresChecked = "true";
});
</script>"""
@dataclass(frozen=True)
class TextTable:
    """A table as the page shows it: column names and rows of text."""

    columns: list[str]
    rows: list[list[str]]

    @classmethod
    def of(cls, frame: pd.DataFrame, index: bool = True) -> TextTable:
        """The frame's values as text, its index as the first column when ``index``.

        Example:
            >>> TextTable.of(pd.DataFrame({"pima": ["1 fail of 1"]}, index=pd.Index(["copy"], name="generator")))
            TextTable(columns=['generator', 'pima'], rows=[['copy', '1 fail of 1']])
        """
        frame = frame.reset_index() if index else frame
        return cls([str(c) for c in frame.columns], [[str(v) for v in row] for row in frame.itertuples(index=False)])


def verdict_table(runs: pd.DataFrame) -> TextTable | None:
    """The privacy verdicts (generator x dataset); None when no cell scored privacy."""
    if not has_verdicts(runs):
        return None
    return TextTable.of(verdict_comparison(runs).rename_axis("generator"))


def unavailable_summary(runs: pd.DataFrame) -> TextTable | None:
    """The metrics that have no value in some finished cells, with the reason; None when there are none."""
    table = unavailable_table(runs)
    if table.empty:
        return None
    grouped = table.groupby(["metric", "status", "reason", "dataset"], sort=True).agg(
        generators=("generator", lambda names: ", ".join(sorted(names))), cells=("cells", "sum")).reset_index()
    return TextTable.of(grouped, index=False)


def _figures(paths: list[Path], by_stem: dict[str, list[Path]], root: Path) -> list[dict[str, Any]]:
    """Each PNG among ``paths``: its source, its name and links to the other files of the same name."""
    figures = []
    for png in sorted(p for p in paths if p.suffix == ".png"):
        related = sorted(p for p in by_stem[png.stem] if p != png)
        figures.append({"src": png.relative_to(root).as_posix(), "stem": png.stem,
                        "links": [{"href": p.relative_to(root).as_posix(), "label": p.suffix[1:]} for p in related]})
    return figures


def render(results_dir: Path, name: str, sections: list[tuple[str, list[Path]]], runs: pd.DataFrame) -> str:
    """The page's HTML (``templates/report_page.html.j2``) for the report's ``sections`` (title, files under
    ``results_dir``), in their order: each section's figures under its title, with links to the files of
    the same name; the tables no figure shows under "Other tables".

    Example:
        >>> page = render(Path("r"), "quick", [("Metrics", [Path("r/figures/quick/a.png")])],
        ...               pd.DataFrame({"status": ["FINISHED"], "cell": ["pima/copy/seed=0"], "error": [""]}))
        >>> '<h2>Metrics</h2>' in page and '<img src="figures/quick/a.png"' in page
        True
        >>> "1 cells: 1 finished, 0 failed" in page
        True
    """
    files = [p for _, paths in sections for p in paths]
    by_stem: dict[str, list[Path]] = {}
    for path in files:
        by_stem.setdefault(path.stem, []).append(path)
    shown = [(title, _figures(paths, by_stem, results_dir)) for title, paths in sections]
    failed = runs[runs["status"] != "FINISHED"]
    tables = sorted(p for p in files if p.suffix in (".csv", ".md", ".tex")
                    and not any(f.suffix == ".png" for f in by_stem[p.stem]))
    return TEMPLATES.get_template("report_page.html.j2").render(
        name=name, style=Markup(STYLE), figure_check=Markup(FIGURE_CHECK), n_cells=len(runs),
        built=time.strftime("%Y-%m-%d %H:%M"), verdict_rule=VERDICT_RULE,
        failed=[(str(r.cell), headline(str(r.error)) if str(r.error) else "no error recorded")
                for r in failed.itertuples()],
        verdicts=verdict_table(runs), unavailable=unavailable_summary(runs),
        sections=[{"title": title, "figures": figures} for title, figures in shown if figures],
        tables=[{"href": p.relative_to(results_dir).as_posix(), "name": p.name} for p in tables])


def write_text_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a ``.partial`` file renamed into place: never a half-written page.

    Example:
        >>> import tempfile
        >>> write_text_atomically(Path(tempfile.mkdtemp()) / "a" / "page.html", "<p>hi</p>").read_text()
        '<p>hi</p>'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


def write_page(results_dir: Path, name: str, sections: list[tuple[str, list[Path]]], runs: pd.DataFrame) -> Path:
    """Write ``results_dir/report.html`` (atomically) and return its path."""
    return write_text_atomically(Path(results_dir) / "report.html", render(Path(results_dir), name, sections, runs))


__all__ = ["render", "write_page"]
