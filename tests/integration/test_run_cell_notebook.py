"""End to end: the runner executes the package's run_cell.ipynb with Papermill and logs to MLflow."""

import re

import nbformat
import papermill
import pytest
from mlflow.tracking import MlflowClient

from bench.cli import main
from bench.sweep.config import Cell
from bench.sweep.runner import NOTEBOOK

TINY = """
name: tiny
datasets:
  - sepsis_like[n_patients=1000]
  - sepsis_like[n_patients=10]   # below the simulator's minimum: this cell must fail, the sweep go on
generators: [marginals]
seeds: [0]
timeout_s: 300
"""


def test_notebook_parameters_are_documented_for_papermill():
    inferred = papermill.inspect_notebook(str(NOTEBOOK))
    expected = set(Cell("b", "pima", {}, "marginals", {}, 0).notebook_parameters()) | {"run_id", "tracking_uri",
                                                                                        "outbox"}
    assert set(inferred) == expected
    for name, parameter in inferred.items():
        assert parameter["help"], f"parameter {name} has no help text"


def test_committed_notebooks_have_no_outputs():
    for path in NOTEBOOK.parent.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    config = root / "tiny.yaml"
    config.write_text(TINY)
    results = root / "results"
    exit_code = main(["run", str(config), "--results", str(results)])
    return exit_code, config, results


def test_sweep_logs_a_parent_run_and_linked_child_runs_with_metrics_in_range(sweep):
    exit_code, _, results = sweep
    assert exit_code == 1, "one cell fails on purpose, so the sweep reports failure"
    client = MlflowClient(tracking_uri=f"sqlite:///{results / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("tiny")
    runs = client.search_runs([experiment.experiment_id])
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(parents) == 1 and len(children) == 2
    assert all(c.data.tags["mlflow.parentRunId"] == parents[0].info.run_id for c in children)
    assert parents[0].data.tags["git.commit"] and parents[0].data.tags["version.synthcity"] == "0.2.12"

    by_status = {c.data.tags["bench.status"]: c for c in children}
    finished, failed = by_status["FINISHED"], by_status["FAILED"]
    assert finished.info.status == "FINISHED" and failed.info.status == "FAILED"
    m = finished.data.metrics
    assert 0.5 < m["fidelity.univariate_similarity"] <= 1.0
    assert 0.0 <= m["utility.tstr_auroc"] <= 1.0 and 0.5 < m["utility.trtr_auroc"] <= 1.0
    assert m["utility.tstr_auroc.ci_low"] <= m["utility.tstr_auroc"] <= m["utility.tstr_auroc.ci_high"]
    assert m["utility.tstr_gap"] == pytest.approx(m["utility.tstr_auroc"] - m["utility.trtr_auroc"])
    assert m["cost.fit_wall_s"] >= 0 and m["cost.evaluate_peak_rss_mb"] > 0
    stages = sum(m[f"cost.{stage}_wall_s"] for stage in ("load", "fit", "sample", "evaluate"))
    assert (m["cost.harness_overhead_s"] == pytest.approx(m["cost.cell_wall_s"] - stages)
            and m["cost.harness_overhead_s"] > 0)
    assert 0.0 <= m["fairness.representation_ratio_min"] and 0.0 <= m["privacy.max_risk"] <= 1.0
    assert finished.data.tags["privacy.verdict"] in ("pass", "fail", "inconclusive")
    assert (m["cost.energy_kwh_per_1k_rows"] > 0 and m["cost.fit_energy_kwh"] >= 0
            and finished.data.tags["cost.energy_method"] in ("rapl", "nvml", "estimate"))
    assert finished.data.params["metric.risk_threshold"] == "0.09"
    assert finished.data.params["generator"] == "marginals" and finished.data.params["seed"] == "0"
    # The generator's resolved settings and the scored training size cross the process boundary too.
    assert finished.data.params["gen.random_state"] == "0" and int(finished.data.params["train_rows"]) > 0
    assert "n_patients" in failed.data.tags["bench.error"]
    artifacts = {a.path for a in client.list_artifacts(finished.info.run_id)}
    assert {"cell_spec.json", "details", "notebook"} <= artifacts


def test_sweep_keeps_executed_notebooks_tables_and_figures(sweep):
    _, _, results = sweep
    (sweep_dir,) = (results / "runs").iterdir()
    notebooks = sorted(p.name for p in sweep_dir.glob("*.ipynb"))
    assert len(notebooks) == 2
    executed = nbformat.read(sweep_dir / [n for n in notebooks if "n_patients=1000" in n][0], as_version=4)
    assert any(cell.get("outputs") for cell in executed.cells if cell.cell_type == "code")
    tables, figures = results / "tables" / "tiny", results / "figures" / "tiny"
    for stem in ("fidelity_univariate_similarity", "utility_tstr_auroc"):
        assert (tables / f"{stem}.csv").is_file() and (tables / f"{stem}.md").is_file()
        assert (figures / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"
        assert (figures / f"{stem}.pdf").read_bytes()[:4] == b"%PDF"
    cells = (tables / "cells.csv").read_text()
    assert "FAILED" in cells and "FINISHED" in cells
    page = (results / "report.html").read_text(encoding="utf-8")
    shown = set(re.findall(r'<img src="([^"]+)"', page))
    assert shown == {p.relative_to(results).as_posix() for p in figures.glob("*.png")}, "every figure, no dead image"
    assert all((results / link).is_file() for link in re.findall(r"href='([^']+)'", page))
    assert "1 failed" in page and re.search(r"class='failed'>[^<]*n_patients", page)  # listed with its error


def test_rerun_skips_finished_cells_and_retries_failed_ones(sweep, capsys):
    _, config, results = sweep
    capsys.readouterr()
    assert main(["run", str(config), "--results", str(results)]) == 1
    out = capsys.readouterr().out
    assert "0 finished, 1 failed, 1 skipped" in out
    assert main(["report", "tiny", "--results", str(results)]) == 0


def test_declaration_of_a_cell_shows_its_verdict_attacks_utility_and_provenance(sweep, tmp_path, capsys):
    _, _, results = sweep
    name = "sepsis_like[n_patients=1000]/marginals/seed=0"
    out = tmp_path / "declaration.html"
    assert main(["declare", name, "--benchmark", "tiny", "--results", str(results), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    client = MlflowClient(tracking_uri=f"sqlite:///{results / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("tiny")
    (run,) = [r for r in client.search_runs([experiment.experiment_id]) if r.data.tags.get("mlflow.runName") == name]
    parent = client.get_run(run.data.tags["mlflow.parentRunId"])
    assert f"Privacy verdict: <b>{run.data.tags['privacy.verdict'].upper()}</b>" in page
    assert f"{run.data.metrics['utility.tstr_auroc']:.3f} [" in page
    assert f"{run.data.metrics['privacy.exact_copy_rate']:.3f}" in page
    assert parent.data.tags["git.commit"] in page and "synthcity" in page
    for attack in ("singling_out", "linkability", "inference["):
        assert f"<td>{attack}" in page
    subgroup_figure = "fairness.worst_subgroup_gap" in run.data.metrics  # needs 20 holdout patients per class
    assert page.count("src='data:image/png;base64,") == 1 + subgroup_figure  # attack risks (and per-subgroup AUROC)
    assert "no real patient row appears on this page" in page and "<script" not in page
    capsys.readouterr()
    assert main(["declare", "sepsis/marginals/seed=9", "--benchmark", "tiny", "--results", str(results)]) == 2
    assert "no cell 'sepsis/marginals/seed=9' in benchmark 'tiny'" in capsys.readouterr().err
