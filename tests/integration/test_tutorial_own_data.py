"""Tutorial notebook 5, notebooks/05_your_own_data.ipynb: write a card, validate it, benchmark a CSV.

The notebook runs twice with tiny settings, at the same time (each in its own kernel): as the demo
(the public Heart Failure table written to a CSV) and with a made-up ward table and card that the
test writes, passed as parameters. Both must finish, report consistent numbers that match MLflow,
and print no real row.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from bench import datasets
from bench.datasets.user_data import check_card
from bench.metrics import METRICS
from bench.report.build import benchmark_runs
from notebook_checks import NOTEBOOKS, errors, execute, images, leaked_rows, tagged_output

NOTEBOOK = NOTEBOOKS / "05_your_own_data.ipynb"
PARAMETERS = {"csv", "card", "broken_range", "generators", "seeds", "metrics", "metric_options", "headline",
              "workers", "results"}
TINY = {"seeds": [0], "metric_options": {"n_attacks": 10, "distance_rows": 100}}
WARD_CARD = """\
name: ward_test
family: other
title: Made-up ICU ward extract
licence: test data
citation: none
target: died
positive_label: 1
columns:
  age: {type: numerical, range: [18, 105]}
  sex: {type: categorical, values: [F, M]}
  lactate: {type: numerical, range: [0, 30]}
  heart_rate: {type: numerical, range: [20, 250]}
  sofa: {type: ordinal, range: [0, 24]}
  died: {type: categorical, values: [0, 1]}
sensitive:
  sex: {}
quasi_identifiers: [age, sex]
secrets: [died, lactate]
rules:
  - "heart_rate >= 30"
"""


def ward_table(rows: int = 240, seed: int = 7) -> pd.DataFrame:
    """A made-up ward extract whose outcome depends on lactate and SOFA (so TSTR has something to learn).

    Example: ``ward_table(10).shape == (10, 6)``.
    """
    rng = np.random.default_rng(seed)
    lactate = np.round(rng.lognormal(0.5, 0.5, rows), 2)
    sofa = rng.integers(0, 16, rows)
    risk = 1 / (1 + np.exp(-(0.5 * lactate + 0.25 * sofa - 3.5)))
    return pd.DataFrame({
        "age": rng.integers(18, 95, rows), "sex": rng.choice(["F", "M"], rows),
        "lactate": lactate, "heart_rate": rng.integers(45, 160, rows), "sofa": sofa,
        "died": (rng.random(rows) < risk).astype(int),
    })


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The made-up table as a CSV with its card, in a folder of their own."""
    folder = tmp_path_factory.mktemp("ward")
    ward_table().to_csv(folder / "ward.csv", index=False)
    (folder / "ward.yaml").write_text(WARD_CARD)
    return {"csv": folder / "ward.csv", "card": folder / "ward.yaml", "folder": folder}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory, ward: dict[str, Path]) -> dict[str, tuple]:
    """``{"demo" | "ward": (executed notebook, results folder)}``, both run at once."""
    out = tmp_path_factory.mktemp("own_data")
    cases = {
        "demo": {**TINY, "generators": ["marginals", "gaussian_copula"], "metrics": ["fidelity", "utility"],
                 "workers": 2},
        "ward": {**TINY, "generators": ["marginals"], "metrics": ["fidelity"], "workers": 1,
                 "headline": "fidelity.univariate_similarity", "csv": str(ward["csv"]), "card": str(ward["card"]),
                 "broken_range": {"lactate": [0, 0.5]}},
    }

    def run(case: str) -> tuple:
        results = out / f"results_{case}"
        notebook = execute(NOTEBOOK, out / f"{case}.ipynb", {**cases[case], "results": str(results)})
        return notebook, results

    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        return dict(zip(cases, pool.map(run, cases)))


def mlflow_means(results: Path, headline: str) -> dict[str, float]:
    """The headline metric's mean per generator over the FINISHED cells, as MLflow holds it."""
    _, _, runs = benchmark_runs(results, "own_data")
    finished = runs[runs["status"] == "FINISHED"]
    return finished.groupby("generator")[headline].mean().to_dict()


def assert_in_range(values: list[float], metric: str) -> None:
    low, high = METRICS[metric].range
    assert values and all(math.isfinite(v) and low <= v <= high for v in values), (metric, values)


# --------------------------------------------------------------------------------------------- the demo


def test_demo_runs_clean_and_its_summary_matches_mlflow(executed):
    notebook, results = executed["demo"]
    assert errors(notebook) == []
    summary = tagged_output(notebook, "summary")
    frame, _ = datasets.load("heart_failure")
    assert summary["demo"] is True and summary["card_ok"] is True
    assert summary["rows_kept"] == len(frame) == 299
    assert (summary["cells"], summary["cells_finished"], summary["cells_failed"]) == (2, 2, 0)
    assert summary["generators"] == ["gaussian_copula", "marginals"]
    assert_in_range(summary["headline_means"], "utility.tstr_auroc")
    assert dict(zip(summary["generators"], summary["headline_means"])) == mlflow_means(results, "utility.tstr_auroc")
    assert summary["headline"] == "utility.tstr_auroc"  # the default
    assert images(notebook) == 3  # a heatmap per family (fidelity, utility) and the headline metric


def test_demo_broken_card_reports_the_missing_column_and_the_unit_mistake(executed):
    problems = tagged_output(executed["demo"][0], "summary")["broken_problems"]
    assert len(problems) == 2, problems
    missing, out_of_range = problems
    assert "['weight_kg']" in missing and "are missing" in missing
    assert out_of_range.startswith("column 'ejection_fraction': out_of_range: 299 of 299 rows")
    assert "outside [0, 1]" in out_of_range


def test_demo_prints_no_real_row(executed):
    frame, _ = datasets.load("heart_failure")
    assert leaked_rows(executed["demo"][0], frame) == []


# --------------------------------------------------------------------------------------------- your own CSV


def test_own_csv_and_card_given_as_parameters_are_benchmarked(executed, ward):
    notebook, results = executed["ward"]
    assert errors(notebook) == []
    summary = tagged_output(notebook, "summary")
    assert summary["demo"] is False and summary["card_ok"] is True and summary["rows_kept"] == 240
    assert (summary["cells"], summary["cells_finished"], summary["cells_failed"]) == (1, 1, 0)
    assert summary["generators"] == ["marginals"] and summary["headline"] == "fidelity.univariate_similarity"
    assert_in_range(summary["headline_means"], "fidelity.univariate_similarity")
    assert dict(zip(summary["generators"], summary["headline_means"])) == mlflow_means(
        results, "fidelity.univariate_similarity")
    assert images(notebook) == 2  # the fidelity heatmap and the headline metric
    _, _, runs = benchmark_runs(results, "own_data")  # the cell read the test's files, not the demo's
    assert (runs["dataset"] == "ward_test").all()  # named by its card, not by the server's paths
    assert (runs["cell"] == "ward_test/marginals/seed=0").all()
    assert not list(ward["folder"].glob("broken*"))  # the broken card goes to the notebook's own folder


def test_own_broken_card_reports_its_range_problem(executed):
    problems = tagged_output(executed["ward"][0], "summary")["broken_problems"]
    assert len(problems) == 2, problems
    assert "['weight_kg']" in problems[0]
    assert problems[1].startswith("column 'lactate': out_of_range:") and "outside [0, 0.5]" in problems[1]


def test_own_csv_prints_no_real_row(executed):
    assert leaked_rows(executed["ward"][0], ward_table()) == []


def test_a_card_with_problems_stops_the_notebook_before_the_benchmark(tmp_path, ward):
    bad_card = tmp_path / "bad.yaml"
    bad_card.write_text(WARD_CARD.replace("range: [0, 30]", "range: [0, 1]"))
    assert check_card(bad_card, ward["csv"]).problems  # the premise: this card does not fit the file
    with pytest.raises(papermill.PapermillExecutionError, match="fix the card's problems"):
        execute(NOTEBOOK, tmp_path / "bad.ipynb", {"csv": str(ward["csv"]), "card": str(bad_card),
                                                   "results": str(tmp_path / "results")})
    assert not (tmp_path / "results").exists()  # nothing ran


# --------------------------------------------------------------------------------------------- the committed file


def test_every_parameter_has_a_type_and_a_help_text():
    inferred = papermill.inspect_notebook(str(NOTEBOOK))
    assert set(inferred) == PARAMETERS
    assert all(p["help"] and p["inferred_type_name"] != "None" for p in inferred.values()), inferred
    assert inferred["csv"]["default"] == inferred["card"]["default"] == '""'  # empty: the demo


def test_committed_notebook_has_no_outputs_and_prints_no_rows():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    tags = [tag for cell in code for tag in cell.metadata.get("tags", [])]
    assert tags.count("parameters") == 1 and tags.count("summary") == 1
    source = "\n".join(cell.source for cell in code)
    for forbidden in (".head(", ".tail(", ".sample(", ".iloc", ".loc[", "print(table", "display(table"):
        assert forbidden not in source
