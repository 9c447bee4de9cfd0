"""Fairness metrics against known answers: erased subgroups, added bias, small subgroups, fairlearn."""

import numpy as np
import pytest
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

from bench import datasets, generators, metrics
from bench.metrics import bootstrap
from bench.metrics.context import ScoringContext
from bench.metrics.fairness import MIN_CLASS_ROWS, MIN_SUBGROUP_ROWS, group_fairness, group_gaps, holdout_subgroups
from bench.metrics.models import Prediction

pytestmark = pytest.mark.slow  # the tests here score whole tables with the scorecard (seconds each)

FAIRNESS = ["fairness"]


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=3000, seed=1)


@pytest.fixture(scope="module")
def cardio(mirror):
    return datasets.load_split("cardio", split_seed=0, max_train=3000, max_eval=1500)


def copy_of(split):
    return generators.create("copy").fit(split.train, split.card).sample(len(split.train), seed=0)


@pytest.fixture(scope="module")
def cardio_scores(cardio):
    """Fairness of a copy of cardio, and of the copy with no woman ill (bias added by synthesis)."""
    synthetic = copy_of(cardio)
    biased = synthetic.copy()
    biased.loc[biased["gender"] == 1, "cardio"] = 0
    return {name: metrics.score(cardio, table, FAIRNESS).by_name()
            for name, table in (("copy", synthetic), ("biased", biased))}


def test_a_copy_represents_every_subgroup_and_adds_no_bias(cardio_scores):
    result = cardio_scores["copy"]
    assert result["fairness.representation_ratio_min"].value == pytest.approx(1.0)
    assert result["fairness.vanished_subgroups"].value == 0
    assert result["fairness.worst_subgroup_fidelity"].value == pytest.approx(1.0)
    assert abs(result["fairness.worst_subgroup_gap"].value) < 0.05
    for key in ("equalized_odds", "demographic_parity", "subgroup_auroc_spread"):
        added = result[f"fairness.{key}_added"]
        assert abs(added.value) < 0.05 and added.ci_low < 0.01 and added.ci_high > -0.01, key
    # Every attribute's added bias is in the details with its interval, not only the headline's.
    per_attribute = result["fairness.equalized_odds_added"].details.set_index("attribute")
    assert set(per_attribute.index) == {"gender", "age_years"} and (per_attribute["status"] == "ok").all()
    assert (per_attribute["equalized_odds_added_ci_low"] <= per_attribute["equalized_odds_added"]).all()
    # The headline's attribute is the one where the TSTR model is least fair (named in a tag).
    worst = per_attribute["tstr_equalized_odds"].idxmax()
    assert result["fairness.equalized_odds_added"].tags == {"fairness.equalized_odds_attribute": worst}
    assert result["fairness.equalized_odds_added"].value == pytest.approx(per_attribute.loc[worst,
                                                                                          "equalized_odds_added"])


def test_a_removed_subgroup_is_flagged(split):
    synthetic = copy_of(split)
    synthetic = synthetic[synthetic["age"] >= 40]  # the 18-39 band is gone
    result = metrics.score(split, synthetic, FAIRNESS).by_name()
    assert result["fairness.vanished_subgroups"].value == 1
    assert result["fairness.representation_ratio_min"].value == 0.0
    details = result["fairness.representation_ratio_min"].details.set_index(["attribute", "subgroup"])
    assert details.loc[("age", "18-39"), "status"] == "vanished"
    assert result["fairness.worst_subgroup_fidelity"].value == 0.0  # no synthetic row to compare


def test_bias_added_by_synthesis_shows_per_subgroup_and_in_group_fairness(cardio_scores):
    result = cardio_scores["biased"]  # no woman has the disease in the synthetic data
    assert result["fairness.worst_subgroup_gap"].value < -0.1
    by_subgroup = result["fairness.worst_subgroup_gap"].details.set_index(["attribute", "subgroup"])
    women, men = by_subgroup.loc[("gender", "1")], by_subgroup.loc[("gender", "2")]
    assert women["gap"] < -0.1 and women["gap_ci_high"] < 0  # women are served worse...
    assert abs(men["gap"]) < 0.05  # ...men as well as by real data
    worst = result["fairness.worst_subgroup_gap"].tags["fairness.worst_subgroup"]
    assert by_subgroup.loc[tuple(worst.split(" = ")), "gap"] == result["fairness.worst_subgroup_gap"].value
    for key in ("equalized_odds", "demographic_parity", "subgroup_auroc_spread"):
        added = result[f"fairness.{key}_added"]
        assert added.value > 0.1 and added.ci_low > 0, key
        assert added.tags == {f"fairness.{key}_attribute": "gender"}, key
    rates = result["fairness.tstr_equalized_odds_diff"].details.set_index(["attribute", "subgroup"])
    assert rates.loc[("gender", "1"), "tstr_tpr"] < 0.3 < rates.loc[("gender", "1"), "trtr_tpr"]  # women missed
    assert rates.loc[("gender", "1"), "tstr_tpr_ci_high"] < rates.loc[("gender", "1"), "trtr_tpr_ci_low"]


def shifted_context(split, tstr_scores: np.ndarray, tstr_prevalence: float) -> ScoringContext:
    """A context whose TSTR forest gives ``tstr_scores`` after training on rows of ``tstr_prevalence``."""
    context = ScoringContext(split, split.train, seed=0)
    context.__dict__["tstr"] = {"rf": Prediction(tstr_scores, tstr_prevalence)}  # the cached property, preset
    return context


def test_group_fairness_does_not_move_with_the_synthetic_prevalence(cardio):
    # Issue (item 9): each arm flagged its own training prevalence, so identical scores from a synthetic
    # table with prevalence 0.03 / 0.06 / 0.12 gave three different equalized-odds differences.
    real = ScoringContext(cardio, cardio.train, seed=0)
    scores, y, unit = real.reference.trtr["rf"].scores, real.holdout_labels, bootstrap.unit_weights(len(cardio.holdout))
    gender = [mask for _, mask, status in holdout_subgroups(real, cardio.card.sensitive[0]) if status == "ok"]
    own_rate = [group_gaps(y, Prediction(scores, q).decisions(q, 0), gender, unit)["equalized_odds"][0]
                for q in (0.03, 0.06, 0.12)]
    assert max(own_rate) - min(own_rate) > 0.02  # the old rule moves with the prevalence...
    for q in (0.03, 0.06, 0.12):
        result = {r.name: r for r in group_fairness(shifted_context(cardio, scores, q))}
        for key in ("equalized_odds", "demographic_parity"):  # ...one selection rate does not
            assert result[f"fairness.tstr_{key}_diff"].value == result[f"fairness.trtr_{key}_diff"].value
            assert result[f"fairness.{key}_added"].value == 0.0


@pytest.mark.parametrize("group", [1, 2])
def test_group_fairness_detects_scores_biased_against_either_group(cardio, group):
    context = ScoringContext(cardio, cardio.train, seed=0)
    scores = context.reference.trtr["rf"].scores.copy()
    against = (cardio.holdout["gender"] == group).to_numpy()
    scores[against] *= 0.3  # the group's patients look healthier than they are
    result = {r.name: r for r in group_fairness(shifted_context(cardio, scores, 0.5))}
    for key in ("equalized_odds", "demographic_parity"):
        added = result[f"fairness.{key}_added"]
        assert added.value > 0.3 and added.ci_low > 0.2, (key, group)
        assert added.tags == {f"fairness.{key}_attribute": "gender"}
        between = added.details.set_index("attribute").loc["gender", f"tstr_{key}_between"]
        assert between.split(" vs ")[1].startswith(f"{group} "), between  # the group at the low end is named


def test_small_subgroups_are_reported_as_too_small_not_dropped(cardio_scores):
    # Issue (item 10): a subgroup needs MIN_CLASS_ROWS holdout patients of each class to enter a worst case.
    result = cardio_scores["biased"]
    too_small = f"too small (under {MIN_CLASS_ROWS} holdout patients of one class)"
    utility = result["fairness.worst_subgroup_gap"].details.set_index(["attribute", "subgroup"])
    assert utility.loc[("age_years", "<40"), "status"] == too_small  # 10 patients with the disease
    assert np.isnan(utility.loc[("age_years", "<40"), "gap"])
    assert result["fairness.worst_subgroup_gap"].tags["fairness.worst_subgroup"] != "age_years = <40"
    rates = result["fairness.tstr_equalized_odds_diff"].details.set_index(["attribute", "subgroup"])
    assert rates.loc[("age_years", "<40"), "status"] == too_small and np.isnan(rates.loc[("age_years", "<40"),
                                                                                         "tstr_tpr"])


def test_without_a_large_enough_subgroup_the_worst_cases_say_why():
    split = datasets.load_split("sepsis_like", split_seed=0, n_patients=1000, seed=1)  # 13 deaths in the holdout
    result = metrics.score(split, copy_of(split), FAIRNESS)
    missing = {u.name: u for u in result.unavailable}
    assert f"at least {MIN_CLASS_ROWS} patients of each class" in missing["fairness.worst_subgroup_gap"].reason
    assert not missing["fairness.equalized_odds_added"].failed
    representation = result.by_name()["fairness.representation_ratio_min"].details.set_index(["attribute", "subgroup"])
    assert representation.loc[("ethnic_group", "group_d"), "status"] == \
        f"too small (under {MIN_SUBGROUP_ROWS} real rows)"


def test_group_gaps_equal_fairlearn():
    rng = np.random.default_rng(0)
    y, flagged = rng.integers(0, 2, 300), rng.random(300) < 0.4
    groups = rng.choice(["a", "b", "c"], 300)
    ours = group_gaps(y, flagged, [groups == g for g in "abc"], bootstrap.unit_weights(300))
    assert ours["equalized_odds"][0] == pytest.approx(equalized_odds_difference(y, flagged, sensitive_features=groups))
    assert ours["demographic_parity"][0] == pytest.approx(
        demographic_parity_difference(y, flagged, sensitive_features=groups))
