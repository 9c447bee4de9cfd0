"""``results/report.html``: one page that shows every figure of a benchmark's report and links every table.

The page holds aggregates only (the runs table's metric columns never reach it; failed cells are
listed with the first line of their error). Figures are the PNGs, each linked to its PDF and SVG; tables
link their CSV, Markdown and LaTeX files. Paths are relative, so the ``results`` folder can be
moved or zipped as a whole.
"""

from __future__ import annotations

import html
import time
from pathlib import Path

import pandas as pd

from bench.errors import headline
from bench.report.verdicts import VERDICT_RULE, has_verdicts, unavailable_table, verdict_comparison

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
def _links(paths: list[Path], root: Path) -> str:
    return " · ".join(f'<a href="{html.escape(p.relative_to(root).as_posix())}">{p.suffix[1:]}</a>' for p in paths)


def html_table(table: pd.DataFrame, index: bool = True) -> str:
    """A plain HTML table of a text DataFrame (escaped), its index as the first column when ``index``.

    Example:
        >>> html_table(pd.DataFrame({"pima": ["1 fail of 1"]}, index=pd.Index(["copy"], name="generator")))
        '<table><tr><th>generator</th><th>pima</th></tr><tr><td>copy</td><td>1 fail of 1</td></tr></table>'
    """
    frame = table.reset_index() if index else table
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f"<table><tr>{head}</tr>{rows}</table>"


def verdict_section(runs: pd.DataFrame) -> str:
    """The privacy verdicts (generator x dataset) as a page section; '' when no cell scored privacy."""
    if not has_verdicts(runs):
        return ""
    return (f"<h2>Privacy verdicts</h2><p>Each cell's verdict {html.escape(VERDICT_RULE)}. Table: "
            "<code>privacy_verdicts</code>.</p>"
            + html_table(verdict_comparison(runs).rename_axis("generator")))


def unavailable_section(runs: pd.DataFrame) -> str:
    """The metrics that have no value in some finished cells, with the reason; '' when there are none."""
    table = unavailable_table(runs)
    if table.empty:
        return ""
    grouped = table.groupby(["metric", "status", "reason", "dataset"], sort=True).agg(
        generators=("generator", lambda names: ", ".join(sorted(names))), cells=("cells", "sum")).reset_index()
    return ("<h2>Metrics without a value</h2><p>These metrics were not computed for the cells counted here, "
            "so they are missing from the tables and figures above. Per generator: "
            "<code>unavailable.csv</code>.</p>" + html_table(grouped, index=False))


def render(results_dir: Path, name: str, sections: list[tuple[str, list[Path]]], runs: pd.DataFrame) -> str:
    """The page's HTML for the report's ``sections`` (title, files under ``results_dir``), in their order:
    each section's figures under its title, with links to the files of the same name; the tables no
    figure shows under "Other tables".

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
    failed = runs[runs["status"] != "FINISHED"]
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(name)} report</title>",
             f"<style>{STYLE}</style></head><body>",
             f"<h1>Benchmark <code>{html.escape(name)}</code></h1>",
             f"<p>{len(runs)} cells: {len(runs) - len(failed)} finished, {len(failed)} failed. "
             f"Built {time.strftime('%Y-%m-%d %H:%M')} from the MLflow store. Every number is an aggregate over "
             f"seeds or cells; no patient row is shown.</p>"]
    if len(failed):
        rows = "".join(f"<tr><td>{html.escape(str(r.cell))}</td><td class='failed'>"
                       f"{html.escape(headline(str(r.error)) if str(r.error) else 'no error recorded')}</td></tr>"
                       for r in failed.itertuples())
        parts.append(f"<h2>Failed cells</h2><table><tr><th>cell</th><th>error</th></tr>{rows}</table>")
    parts.append(verdict_section(runs))
    for title, paths in sections:
        figures = sorted(p for p in paths if p.suffix == ".png")
        if not figures:
            continue
        parts.append(f"<h2>{html.escape(title)}</h2>")
        for png in figures:
            related = sorted(p for p in by_stem.get(png.stem, []) if p != png)
            source = html.escape(png.relative_to(results_dir).as_posix())
            parts.append(f"<figure><a href='{source}'><img src=\"{source}\" alt='{html.escape(png.stem)}' "
                         f"loading='lazy'></a><figcaption><code>{html.escape(png.stem)}</code>: "
                         f"{_links(related, results_dir)}</figcaption></figure>")
    parts.append(unavailable_section(runs))
    tables = sorted(p for p in files if p.suffix in (".csv", ".md", ".tex") and p.stem not in
                    {f.stem for f in files if f.suffix == ".png"})
    if tables:
        parts.append("<h2>Other tables</h2><ul>" + "".join(
            f"<li><a href='{html.escape(p.relative_to(results_dir).as_posix())}'>"
            f"{html.escape(p.name)}</a></li>" for p in tables) + "</ul>")
    parts.append(f"{FIGURE_CHECK}</body></html>")
    return "\n".join(parts)


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
