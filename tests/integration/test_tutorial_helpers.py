"""What the tutorials call: plain-language readings, rebalancing, the attack figure, real-vs-synthetic plots."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench import datasets
from bench.datasets import explore_figures
from bench.datasets.rebalancing import rebalance
from bench.errors import BenchError
from bench.metrics import MetricResult, Scorecard, Unavailable
from bench.metrics.plain_language import BANDS, READERS, band, reading
from bench.metrics.registry import METRICS, stack_details
from bench.report.figures.privacy import plot_attacks


def test_every_reader_reads_a_registered_metric():
    assert set(READERS) <= set(METRICS)


@pytest.mark.parametrize("kind", list(BANDS))
def test_bands_cover_the_whole_line_in_increasing_order(kind):
    bounds = [bound for bound, _ in BANDS[kind]]
    assert bounds == sorted(bounds) and bounds[-1] == float("inf")
    assert band(kind, -1e9) == BANDS[kind][0][1] and band(kind, 1e9) == BANDS[kind][-1][1]


def test_reading_judges_the_number_and_names_the_subgroup():
    details = pd.DataFrame({"attribute": ["age", "age"], "subgroup": ["18-39", "80+"], "ratio": [0.0, 1.1],
                            "status": ["ok", "ok"]})
    scores = Scorecard([MetricResult("fidelity.detection_auroc", 0.93, 0.9, 0.95),
                        MetricResult("fairness.representation_ratio_min", 0.0, details=details)],
                       [Unavailable("fairness.worst_subgroup_gap", "no subgroup large enough")])
    fidelity, fairness = reading(scores, "fidelity"), reading(scores, "fairness")
    assert "0.930 [0.900, 0.950]" in fidelity and "easily tells" in fidelity
    assert "age = 18-39" in fairness and "has vanished" in fairness
    assert "no subgroup large enough" in fairness
    assert reading(scores, "privacy") == "No privacy metric was computed."


def test_privacy_reading_reports_the_verdict_and_its_reason():
    verdict = MetricResult("privacy.max_risk", 0.4, 0.3, 0.5, tags={
        "privacy.verdict": "fail", "privacy.max_risk_attack": "linkability", "privacy.risk_threshold": "0.09",
        "privacy.verdict_reason": "risk above 0.09 for linkability"})
    text = reading(Scorecard([verdict]), "privacy")
    assert "**fail**" in text and "(linkability)" in text and "0.400 [0.300, 0.500]" in text


def test_headline_table_keeps_only_headline_metrics():
    scores = Scorecard([MetricResult("utility.tstr_gap", -0.1), MetricResult("utility.trtr_auroc", 0.8)])
    assert scores.table(headline_only=True)["metric"].tolist() == ["utility.tstr_gap"]
    assert len(scores.table()) == 2


def test_stack_details_labels_each_generator_and_skips_missing_tables():
    table = pd.DataFrame({"attack": ["a", "b"]})
    stacked = stack_details({"x": Scorecard([MetricResult("privacy.max_risk", 0.1, details=table)]),
                             "y": Scorecard([MetricResult("privacy.max_risk", 0.2)])}, "privacy.max_risk", seed=3)
    assert stacked["generator"].tolist() == ["x", "x"] and stacked["seed"].tolist() == [3, 3]
    assert stack_details({}, "privacy.max_risk").empty


@pytest.fixture(scope="module")
def sepsis():
    return datasets.load("sepsis_like", n_patients=1000)


def test_rebalance_draws_equal_subgroups_without_repeating_when_it_can(sepsis):
    frame, card = sepsis
    balanced = rebalance(frame, card, "ethnic_group", 400, seed=1)
    counts = balanced["ethnic_group"].value_counts()
    assert len(balanced) == 400 and counts.nunique() == 1 and len(counts) == frame["ethnic_group"].nunique()
    real_counts = frame["ethnic_group"].value_counts()
    common, rare = real_counts.index[0], real_counts.index[-1]
    assert real_counts[common] >= 100 and not balanced[balanced["ethnic_group"] == common].duplicated().any()
    assert real_counts[rare] < 100 and balanced[balanced["ethnic_group"] == rare].duplicated().any()  # repeated
    assert balanced.equals(rebalance(frame, card, "ethnic_group", 400, seed=1))
    assert not balanced.equals(rebalance(frame, card, "ethnic_group", 400, seed=2))


def test_rebalance_uses_the_card_bands_and_refuses_bad_requests(sepsis):
    frame, card = sepsis
    balanced = rebalance(frame, card, "age", 101)
    assert sorted(pd.cut(balanced["age"], [18, 40, 60, 80, 120], right=False).value_counts().tolist()) == [
        25, 25, 25, 26]
    with pytest.raises(BenchError, match="'heart_rate' is not a sensitive attribute"):
        rebalance(frame, card, "heart_rate", 10)
    with pytest.raises(BenchError, match="positive number of rows"):
        rebalance(frame, card, "age", 0)
    with pytest.raises(BenchError, match="no row in any subgroup"):
        rebalance(frame.assign(age=np.nan), card, "age", 10)


def test_attack_figure_has_rates_and_risks_and_refuses_incomplete_details():
    details = pd.DataFrame({"generator": ["copy", "copy", "ctgan", "ctgan"], "attack": ["linkability", "inference"] * 2,
                            "attack_rate": [0.9, 0.8, 0.2, 0.3], "control_rate": [0.1, 0.2, 0.2, 0.25],
                            "baseline_rate": [0.01] * 4, "risk": [0.89, 0.75, 0.0, 0.07],
                            "risk_ci_low": [0.85, 0.7, 0.0, 0.0], "risk_ci_high": [0.93, 0.8, 0.03, 0.14],
                            "trusted": [True, True, True, False]})
    fig = plot_attacks(details, 0.09)
    rates, risks = fig.axes[:2]
    assert [t.get_text() for t in rates.get_yticklabels()] == ["linkability", "inference"]
    assert len(risks.containers) == 4  # one error bar per attack and generator
    with pytest.raises(ValueError, match="control_rate"):
        plot_attacks(details.drop(columns="control_rate"), 0.09)


def test_real_and_synthetic_share_the_real_bins(sepsis):
    frame, card = sepsis
    synthetic = frame.assign(sex="F")  # every synthetic patient female
    fig = explore_figures.plot_distributions(frame, card, columns=["age", "sex"], synthetic=synthetic)
    age, sex = fig.axes[:2]
    assert len(age.patches) == 3  # real filled + real outline + synthetic line (stairs)
    real_bars, synthetic_bars = sex.patches[:2], sex.patches[2:]
    labels = [t.get_text() for t in sex.get_xticklabels()]
    assert dict(zip(labels, (round(b.get_height(), 3) for b in synthetic_bars))) == {"F": 1.0, "M": 0.0}
    assert sum(b.get_height() for b in real_bars) == pytest.approx(1.0)
    assert fig.legends and "synthetic" in fig.get_suptitle()
