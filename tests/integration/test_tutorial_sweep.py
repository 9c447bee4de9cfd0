"""Tutorial 4, notebooks/04_comparing_generators.ipynb: load a finished sweep from MLflow by id, rebuild
the trade-off figure for a subset in a paper style, tables in Markdown and LaTeX, export; and the
functions it stands on (``reads.sweeps_table``, ``reads.sweep_runs``, style overrides, SVG output).

One tiny sweep (sepsis_like, 1,000 patients, marginals and copy, utility and privacy, 100 attacks) is
built once for the module, then the notebook runs on it through Papermill.
"""

from __future__ import annotations

import re

import matplotlib
import papermill
import pytest
from matplotlib.figure import Figure
from mlflow.tracking import MlflowClient

from bench import datasets
from bench.errors import BenchError
from bench.metrics import METRICS
from bench.plotting.style import merged_style, report_style, save_figure
from bench.report.figures import tradeoff
from bench.report.figures.metrics import plot_metric
from bench.report.tables import select_generators
from bench.sweep.config import load_benchmark
from bench.sweep.runner import run_benchmark
from bench.tracking import reads
from notebook_checks import NOTEBOOKS, errors, execute, images, leaked_rows, tagged_output

NOTEBOOK = NOTEBOOKS / "04_comparing_generators.ipynb"
GAP, RISK = METRICS[tradeoff.UTILITY], METRICS[tradeoff.RISK]
TINY = """
name: tiny_compare
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals, copy]
seeds: [0]
metrics: [utility, privacy]
metric_options: {n_attacks: 100}
timeout_s: 300
"""


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """A finished two-cell sweep: (results folder, tracking URI, parent run id)."""
    root = tmp_path_factory.mktemp("compare")
    (root / "tiny_compare.yaml").write_text(TINY)
    results = root / "results"
    summary = run_benchmark(load_benchmark(root / "tiny_compare.yaml"), results)
    assert len(summary.finished) == 2, summary.failed
    return results, summary.tracking_uri, summary.parent_run_id


@pytest.fixture(scope="module")
def executed(sweep, tmp_path_factory):
    """Notebook 4 run on the sweep, by id, for the subset ['marginals']: (notebook, export folder)."""
    results, _, sweep_id = sweep
    out = tmp_path_factory.mktemp("nb4")
    notebook = execute(NOTEBOOK, out / "executed.ipynb", {
        "results": str(results), "sweep_id": sweep_id, "generators": ["marginals"],
        "export_dir": str(out / "export")})
    return notebook, out / "export"


def mlflow_cells(uri: str, sweep_id: str) -> dict[str, dict[str, float]]:
    """Straight from MLflow, not through bench: each child run's generator and metrics."""
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_run(sweep_id).info.experiment_id
    runs = client.search_runs([experiment], filter_string=f"tags.`mlflow.parentRunId` = '{sweep_id}'")
    return {run.data.params["generator"]: run.data.metrics for run in runs}


# --------------------------------------------------------------------------------------------- the notebook


def test_every_parameter_has_a_type_and_a_help_text():
    parameters = papermill.inspect_notebook(str(NOTEBOOK))
    assert {"results", "sweep_id", "generators", "export_dir"} <= set(parameters)
    for name, parameter in parameters.items():
        assert parameter["help"] and parameter["inferred_type_name"] != "None", f"{name} is undocumented"


def test_the_notebook_runs_and_its_summary_matches_what_mlflow_holds(sweep, executed):
    results, uri, sweep_id = sweep
    notebook, export = executed
    assert errors(notebook) == []
    summary = tagged_output(notebook, "summary")
    cells = mlflow_cells(uri, sweep_id)
    assert summary["sweep_id"] == sweep_id and summary["benchmark"] == "tiny_compare"
    assert summary["cells_loaded"] == len(cells) == 2 and summary["cells_finished"] == 2
    assert summary["generators_plotted"] == ["marginals"]
    assert summary["export_dir"] == str(export)
    assert summary["exported"] == sorted(p.name for p in export.iterdir())
    assert images(notebook) >= 2  # the report's trade-off and the paper figure
    page = (results / "report.html").read_text(encoding="utf-8")
    assert "tradeoff_privacy_utility.png" in page and summary["report_files"] > 10


def test_the_exported_figure_is_a_real_pdf_png_and_svg_of_the_chosen_generators_only(executed):
    _, export = executed
    assert (export / "tradeoff_paper.pdf").read_bytes()[:4] == b"%PDF"
    assert (export / "tradeoff_paper.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (export / "tradeoff_paper.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)  # the paper style keeps SVG text as text
    assert "marginals" in texts and "copy" not in texts
    assert "font-family" in svg and "serif" in svg  # the serif paper font, not the report's sans-serif
    assert all(p.stat().st_size > 0 for p in export.iterdir())


def test_the_exported_latex_table_holds_the_mean_of_the_chosen_generators_runs(sweep, executed):
    _, uri, sweep_id = sweep
    _, export = executed
    cells = mlflow_cells(uri, sweep_id)
    tex = (export / "utility_tstr_gap.tex").read_text(encoding="utf-8")
    assert r"\begin{tabular}" in tex and r"\bottomrule" in tex
    row = next(line for line in tex.splitlines() if line.startswith("marginals &"))
    assert f"{cells['marginals'][tradeoff.UTILITY]:.3f}" in row  # one seed: the mean is that cell's value
    assert not any(line.startswith("copy &") for line in tex.splitlines())
    risk_tex = (export / "privacy_max_risk.tex").read_text(encoding="utf-8")
    assert f"{cells['marginals'][tradeoff.RISK]:.3f}" in risk_tex


def test_the_notebook_prints_no_real_patient_row(executed):
    notebook, _ = executed
    frame, _ = datasets.load("sepsis_like", n_patients=1000)
    assert leaked_rows(notebook, frame) == []


# --------------------------------------------------------------------------------------------- tracking


def test_sweeps_table_lists_the_sweep_with_its_counts(sweep):
    _, uri, sweep_id = sweep
    sweeps = reads.sweeps_table(uri)
    row = sweeps.set_index("sweep_id").loc[sweep_id]
    assert row["benchmark"] == "tiny_compare" and row["sweep"].startswith("tiny_compare-")
    assert row["status"] == "FINISHED" and row["cells_run"] == 2
    assert (row["cells_finished"], row["cells_failed"], row["cells_skipped"]) == (2, 0, 0)
    assert reads.latest_sweep_id(uri) == sweep_id  # the only sweep so far (the resumed one comes later)


def test_sweep_runs_are_that_sweeps_cells_in_the_runs_table_format(sweep):
    results, uri, sweep_id = sweep
    runs = reads.sweep_runs(uri, sweep_id)
    experiment = MlflowClient(tracking_uri=uri).get_run(sweep_id).info.experiment_id
    everything = reads.runs_table(uri, experiment)
    assert list(runs.columns) == list(everything.columns)
    assert set(runs["run_id"]) == set(everything["run_id"]) and set(runs["sweep_id"]) == {sweep_id}
    assert sorted(runs["generator"]) == ["copy", "marginals"]


def test_a_resumed_sweep_is_listed_first_and_holds_only_the_cells_it_ran(sweep):
    results, uri, first = sweep
    again = run_benchmark(load_benchmark(results.parent / "tiny_compare.yaml"), results)  # both cells are skipped
    sweeps = reads.sweeps_table(uri)
    assert list(sweeps["sweep_id"][:2]) == [again.parent_run_id, first]
    assert sweeps["cells_run"].iloc[0] == 0 and sweeps["cells_skipped"].iloc[0] == 2
    assert reads.sweep_runs(uri, again.parent_run_id).empty
    assert len(reads.sweep_runs(uri, first)) == 2


def test_an_unknown_id_or_a_cell_run_id_is_a_clear_error(sweep):
    _, uri, sweep_id = sweep
    with pytest.raises(BenchError, match="no run with id 'feedbeef'.*expected the id of a sweep's parent run"):
        reads.sweep_runs(uri, "feedbeef")
    cell_run = reads.sweep_runs(uri, sweep_id)["run_id"].iloc[0]
    with pytest.raises(BenchError, match=f"run '{cell_run}' .* is not a sweep"):
        reads.sweep_runs(uri, cell_run)


def test_an_empty_store_has_no_sweeps(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    assert reads.sweeps_table(uri).empty
    with pytest.raises(BenchError, match="no sweeps found"):
        reads.latest_sweep_id(uri)


# --------------------------------------------------------------------------------------------- style and export


def test_style_overrides_apply_inside_the_block_only_and_unknown_settings_are_refused():
    before = matplotlib.rcParams["font.family"]
    with report_style({"font.family": "serif", "font.size": 6}):
        assert matplotlib.rcParams["font.family"] == ["serif"] and matplotlib.rcParams["font.size"] == 6
        assert matplotlib.rcParams["axes.spines.top"] is False  # the report style is still underneath
    assert matplotlib.rcParams["font.family"] == before
    with pytest.raises(BenchError, match="font.colour"):
        merged_style({"font.colour": "red"})


def test_plots_take_a_style_and_a_subset_of_generators():
    runs = tradeoff._example_runs()
    fig = plot_metric(runs, GAP, style={"font.family": "serif"})
    assert fig.axes[0].title.get_fontfamily() == ["serif"]
    assert plot_metric(runs, GAP).axes[0].title.get_fontfamily() != ["serif"]
    subset = select_generators(runs, ["copy", "ctgan"])
    paper = tradeoff.plot_tradeoff(subset, RISK, GAP, 0.09, style={"font.size": 6}, figsize=(3.4, 3.0), title="")
    labels = [text.get_text() for text in paper.legends[0].get_texts()]
    assert "copy" in labels and "ctgan" in labels and "marginals" not in labels
    assert list(paper.get_size_inches()) == pytest.approx([3.4, 3.0]) and paper.get_suptitle() == ""
    with pytest.raises(BenchError, match="tvae.*expected some of: copy, ctgan, marginals"):
        select_generators(runs, ["tvae"])


def test_save_figure_writes_png_pdf_and_svg(tmp_path):
    fig = Figure(figsize=(2, 1))
    fig.text(0.5, 0.5, "hello")
    paths = save_figure(fig, tmp_path, "f", dpi=50, style={"svg.fonttype": "none"})
    assert [p.name for p in paths] == ["f.png", "f.pdf", "f.svg"]
    assert paths[0].read_bytes()[:4] == b"\x89PNG" and paths[1].read_bytes()[:4] == b"%PDF"
    assert ">hello</text>" in paths[2].read_text(encoding="utf-8")
