"""The tutorial notebooks 1-3 run top to bottom with tiny budgets, show what they claim, and leak no real row.

nbval runs every committed notebook with its default parameters as well; these tests run them through
Papermill with small settings and check their results.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import papermill
import pytest

from bench import datasets
from notebook_checks import NOTEBOOKS, errors, execute, images, leaked_rows, tagged_output

SEPSIS = {"n_patients": 1000}
SEPSIS_SUBGROUPS = {"n_patients": 8000}  # two sex subgroups with well over 20 holdout patients per class
CASES = {
    "01_start_here": {"dataset": "sepsis_like", "dataset_options": SEPSIS_SUBGROUPS, "generator": "gaussian_copula",
                      "metric_options": {"n_attacks": 100}},
    "02_privacy_attacks": {"dataset": "sepsis_like", "dataset_options": SEPSIS, "generator": "marginals",
                           "n_attacks": 120, "small_budget": 30},
    "03_fairness_and_rare_patients": {"dataset_options": SEPSIS_SUBGROUPS,
                                      "generators_to_compare": {"marginals": {}, "gaussian_copula": {}},
                                      "rebalance_generator": "gaussian_copula", "pool_factor": 2},
}
TUTORIALS = sorted(NOTEBOOKS.glob("0[1-9]_*.ipynb"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    """Each notebook executed once with its tiny settings, two at a time (each in its own kernel)."""
    out = tmp_path_factory.mktemp("tutorials")

    def run(name: str) -> nbformat.NotebookNode:
        return execute(NOTEBOOKS / f"{name}.ipynb", out / f"{name}.ipynb", CASES[name])

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(CASES, pool.map(run, CASES)))


def test_the_five_tutorials_are_there_in_reading_order():
    assert [path.name[:3] for path in TUTORIALS] == ["01_", "02_", "03_", "04_", "05_"]


@pytest.mark.parametrize("notebook", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_parameters_are_tagged_and_documented(notebook: Path):
    inferred = papermill.inspect_notebook(str(notebook))
    assert inferred, f"{notebook.name} has no tagged parameters cell"
    for name, parameter in inferred.items():
        assert parameter["help"], f"{notebook.name}: parameter {name} has no help text"
        assert parameter["inferred_type_name"] != "None", f"{notebook.name}: parameter {name} has no type hint"


@pytest.mark.parametrize("name", list(CASES))
def test_tutorial_runs_and_shows_no_real_row(name: str, executed):
    notebook = executed[name]
    assert errors(notebook) == []
    options = CASES[name].get("dataset_options", {})
    frame, _ = datasets.load(CASES[name].get("dataset", "sepsis_like"), **options)
    assert leaked_rows(notebook, frame) == []


def test_start_here_reads_a_scorecard_family_by_family(executed):
    notebook = executed["01_start_here"]
    summary = tagged_output(notebook, "summary")
    assert summary["generator"] == "gaussian_copula" and summary["synthetic_rows"] == 4800  # 60% of 8,000
    assert summary["verdict"] in {"pass", "fail", "inconclusive"}
    assert 0 < summary["fidelity.univariate_similarity"] <= 1 and -1 <= summary["utility.tstr_gap"] <= 1
    markdown = "\n".join(o["data"]["text/markdown"] for c in notebook.cells for o in c.get("outputs", [])
                         if "text/markdown" in o.get("data", {}))
    for label in ("Columns one by one", "Train on synthetic, test on real", "Smallest representation", "Verdict",
                  "Fitting"):
        assert f"**{label}**" in markdown
    assert images(notebook) == 3  # distributions, per-subgroup AUROC, attacks


def test_privacy_tutorial_fails_the_copy_and_shows_the_interval_widen(executed):
    notebook = executed["02_privacy_attacks"]
    summary = tagged_output(notebook, "summary")
    assert list(summary) == ["copy", "kanon[k=5]", "marginals"]
    assert summary["copy"]["verdict"] == "fail" and summary["copy"]["exact_copy_rate"] == 1.0
    assert summary["copy"]["max_risk"] > 0.5
    assert summary["marginals"]["max_risk"] < summary["copy"]["max_risk"]
    assert summary["kanon[k=5]"]["exact_copy_rate"] < 1.0  # the quasi-identifiers were generalised
    assert images(notebook) == 2  # three tables attacked; one generator at two budgets


def test_fairness_tutorial_rebalances_to_equal_shares(executed):
    summary = tagged_output(executed["03_fairness_and_rare_patients"], "summary")
    assert set(summary["scores"]) == {"marginals", "gaussian_copula", "gaussian_copula rebalanced"}
    shares = summary["rebalanced_shares"]
    assert set(shares) == {"18-39", "40-59", "60-79", "80+"}
    assert all(share == pytest.approx(0.25, abs=0.002) for share in shares.values())
    original = summary["scores"]["gaussian_copula"]["fairness.representation_ratio_min"]
    assert summary["scores"]["gaussian_copula rebalanced"]["fairness.representation_ratio_min"] != original
    assert images(executed["03_fairness_and_rare_patients"]) == 4
