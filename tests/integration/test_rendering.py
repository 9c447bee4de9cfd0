"""The report as a reader gets it: report.html in headless Chromium shows every figure, the LaTeX tables
compile as fragments, and a declaration prints to PDF.

These need Chromium and pdflatex (Debian: chromium, texlive-latex-base, texlive-latex-recommended).
Without them the tests are skipped with the reason, except where BENCH_REQUIRE_RENDER_TOOLS=1 (CI
installs the tools and sets it), where a missing tool fails them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image
import pytest

from bench.cli import main
from bench.report import browser
from bench.sweep.config import load_benchmark
from bench.sweep.runner import run_benchmark

SWEEP = """
name: render
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals, copy, gaussian_copula]
seeds: [0]
metric_options: {n_attacks: 100}
timeout_s: 300
"""
LATEX = r"""\documentclass{article}
\usepackage{booktabs}
\begin{document}
\begin{table}
\input{%s}
\end{table}
\end{document}
"""


def needs(tool: str) -> str:
    """The tool's path; skip (or fail, where CI requires the tools) when it is not installed."""
    found = browser.find_chromium() if tool == "chromium" else shutil.which(tool)
    if found is None:
        message = (f"{tool} is not installed "
                   "(Debian: apt-get install chromium texlive-latex-base texlive-latex-recommended)")
        if os.environ.get("BENCH_REQUIRE_RENDER_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished three-cell sweep with every metric family, and its report (written by the runner)."""
    root = tmp_path_factory.mktemp("render")
    (root / "render.yaml").write_text(SWEEP)
    summary = run_benchmark(load_benchmark(root / "render.yaml"), root / "results")
    assert len(summary.finished) == 3, summary.failed
    assert main(["report", "render", "--results", str(root / "results")]) == 0
    return root / "results"


def loaded_marks(dom: str) -> list[str]:
    """The data-loaded mark the page's figure check gave each image, in page order."""
    return re.findall(r'<img[^>]*data-loaded="(\w+)"', dom)


def missing_notes(dom: str) -> list[str]:
    """The figures the page itself reports as not found (the script's own template text is not a note)."""
    return re.findall(r'<p class="missing">figure not found: ([^<$][^<]*)</p>', dom)


def test_every_figure_of_the_report_loads_in_headless_chromium(results):
    needs("chromium")
    dom = browser.rendered_dom(results / "report.html")
    figures = sorted((results / "figures" / "render").glob("*.png"))
    assert len(figures) >= 10  # metrics, trade-off, heatmaps, ranks, fairness, cost, use cases
    assert 'data-figures-checked="true"' in dom
    assert loaded_marks(dom) == ["true"] * len(figures)
    assert missing_notes(dom) == []


def test_a_missing_figure_is_flagged_on_the_page(results, tmp_path):
    needs("chromium")
    copy = Path(shutil.copytree(results, tmp_path / "results"))
    gone = copy / "figures" / "render" / "tradeoff_privacy_utility.png"
    gone.unlink()
    dom = browser.rendered_dom(copy / "report.html")
    assert loaded_marks(dom).count("false") == 1
    assert missing_notes(dom) == ["figures/render/tradeoff_privacy_utility.png"]


def test_a_screenshot_of_the_report_shows_figures_not_a_blank_page(results, tmp_path):
    needs("chromium")
    shot = browser.screenshot(results / "report.html", tmp_path / "report.png", width=1200, height=1800)
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1800, 1200)
    assert pixels[..., :3].std() > 0.05  # text and coloured plots, not a uniform page
    coloured = (pixels[..., :3].max(axis=2) - pixels[..., :3].min(axis=2)) > 0.2
    assert coloured.mean() > 0.002  # the figures' colours are there, not only black text on white


def test_every_latex_table_compiles_as_a_fragment_in_a_table_float(results, tmp_path):
    pdflatex = needs("pdflatex")
    fragments = sorted((results / "tables" / "render").glob("*.tex"))
    assert fragments
    for fragment in fragments:
        document = tmp_path / f"{fragment.stem}_doc.tex"
        document.write_text(LATEX % fragment.as_posix())
        done = subprocess.run([pdflatex, "-halt-on-error", "-interaction=nonstopmode", document.name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{fragment.name} does not compile:\n{done.stdout[-1500:]}"
        assert (tmp_path / f"{fragment.stem}_doc.pdf").read_bytes()[:4] == b"%PDF"


def test_the_latex_check_catches_a_broken_fragment(tmp_path):
    pdflatex = needs("pdflatex")
    fragment = tmp_path / "broken.tex"
    fragment.write_text("\\begin{tabular}{lr}\n\\toprule\nctgan & 0.5 & extra \\\\\n\\bottomrule\n\\end{tabular}\n")
    (tmp_path / "doc.tex").write_text(LATEX % fragment.as_posix())
    done = subprocess.run([pdflatex, "-halt-on-error", "-interaction=nonstopmode", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Extra alignment tab" in done.stdout


def test_a_declaration_prints_to_pdf(results, tmp_path, capsys):
    needs("chromium")
    out = tmp_path / "declaration.html"
    assert main(["declare", "sepsis_like[n_patients=1000]/gaussian_copula/seed=0", "--results", str(results),
                 "--out", str(out), "--pdf"]) == 0
    pdf = out.with_suffix(".pdf")
    data = pdf.read_bytes()
    assert data[:4] == b"%PDF" and len(data) > 20_000  # the page with its embedded figures
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 2
    assert str(pdf) in capsys.readouterr().out
    assert not list(tmp_path.glob(".*partial*"))


def test_declare_pdf_without_chromium_is_a_clear_error_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCH_CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "declaration.html"
    code = main(["declare", "any/cell/seed=0", "--results", str(tmp_path / "results"), "--out", str(out), "--pdf"])
    assert code == 2
    assert "headless Chromium is needed" in capsys.readouterr().err
    assert not out.exists() and not out.with_suffix(".pdf").exists()
