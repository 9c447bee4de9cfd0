"""Use-case ranking: the shipped weights file, its validation, the scores and their stability."""

import pandas as pd
import pytest

from bench.errors import BenchError
from bench.metrics.base import FAMILIES, MetricSpec
from bench.report.figures.use_cases import UseCase, family_scores, load_use_cases, rank_use_cases, write_use_cases

TSTR = MetricSpec("utility.tstr_gap", goal="maximize", range=(-1.0, 1.0), description="gap")
RISK = MetricSpec("privacy.max_risk", goal="minimize", range=(0.0, 1.0), description="risk")
# copy: useful and risky; marginals: safe and useless; ctgan in between, failed on one dataset.
CELLS = {("copy", "pima"): (0.0, 0.6), ("copy", "cardio"): (0.0, 0.5),
         ("marginals", "pima"): (-0.3, 0.0), ("marginals", "cardio"): (-0.2, 0.01),
         ("ctgan", "pima"): (-0.1, 0.1), ("ctgan", "cardio"): None}


def make_runs():
    return pd.DataFrame([{"generator": g, "dataset": d, "seed": 0, "status": "FAILED" if v is None else "FINISHED",
                          "utility.tstr_gap": None if v is None else v[0],
                          "privacy.max_risk": None if v is None else v[1]}
                         for (g, d), v in CELLS.items()])


def test_the_shipped_use_cases_load_and_name_their_purpose():
    cases = {case.name: case for case in load_use_cases()}
    assert {"ml_development", "education", "software_testing", "data_release"} <= set(cases)
    assert all(case.description and abs(case.normalised().sum() - 1) < 1e-12 for case in cases.values())
    assert cases["data_release"].weights["privacy"] > cases["data_release"].weights["utility"]


@pytest.mark.parametrize("text, message", [
    ("use_cases: {x: {weights: {privcy: 1}}}", "unknown family 'privcy'; did you mean 'privacy'"),
    ("use_cases: {x: {weights: {privacy: -1}}}", "weight of 'privacy' must be a non-negative number"),
    ("use_cases: {x: {weights: {privacy: 0}}}", "all weights are 0"),
    ("use_cases: {x: [1]}", "expected {description"),
    ("cases: {}", "expected one key 'use_cases'"),
])
def test_bad_use_case_files_are_refused_with_the_file_and_the_case(tmp_path, text, message):
    path = tmp_path / "cases.yaml"
    path.write_text(text)
    with pytest.raises(BenchError, match=message) as info:
        load_use_cases(path)
    assert str(path) in str(info.value)


def test_family_scores_follow_goals_and_a_failed_pair_scores_zero():
    scores = family_scores(make_runs(), [TSTR, RISK])
    assert scores.loc["copy", "utility"] == 1.0 and scores.loc["marginals", "utility"] == 0.0
    assert scores.loc["marginals", "privacy"] == 1.0 and scores.loc["copy", "privacy"] == 0.0
    assert scores.loc["ctgan", "utility"] == pytest.approx((2 / 3 + 0) / 2)  # cardio failed: 0 there
    assert scores[["fidelity", "fairness", "cost"]].isna().all().all()


def test_weights_decide_the_winner_and_stability_says_how_firmly():
    scores = family_scores(make_runs(), [TSTR, RISK])
    cases = [UseCase("development", "", {"utility": 1}), UseCase("release", "", {"privacy": 1}),
             UseCase("balanced", "", {"utility": 1, "privacy": 1, "fidelity": 5})]  # fidelity unmeasured: ignored
    ranking = rank_use_cases(scores, cases).set_index(["use_case", "rank"])
    assert ranking.loc[("development", 1), "generator"] == "copy"
    assert ranking.loc[("release", 1), "generator"] == "marginals"
    assert ranking.loc[("development", 1), "first_share"] == 1.0  # one family: no weight can move it
    balanced = ranking.loc["balanced"]
    assert balanced["first_share"].sum() == pytest.approx(1.0) and 0 < balanced["first_share"].max() < 1
    with pytest.raises(BenchError, match="weighs only families this sweep did not measure"):
        rank_use_cases(scores, [UseCase("looks", "", {"fidelity": 1})])


def test_the_report_writes_the_use_case_table_and_figure(tmp_path):
    paths = write_use_cases(make_runs(), [TSTR, RISK], tmp_path, tmp_path, dpi=50)
    assert [p.name for p in paths] == ["use_cases.csv", "use_cases.png", "use_cases.pdf", "use_cases.svg"]
    table = pd.read_csv(paths[0])
    assert set(table["use_case"]) == {case.name for case in load_use_cases()}
    assert table.groupby("use_case")["rank"].apply(sorted).map(lambda r: r == [1, 2, 3]).all()
    assert set(FAMILIES) >= {"utility", "privacy"}
