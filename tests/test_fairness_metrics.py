"""Fairness metrics against known answers: erased subgroups, added bias, small subgroups, fairlearn."""

import numpy as np
import pytest
from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

from bench import datasets, generators, metrics
from bench.metrics import bootstrap
from bench.metrics.fairness import MIN_SUBGROUP_ROWS, group_gaps

FAIRNESS = ["fairness"]


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=3000, seed=1)


def copy_of(split):
    return generators.create("copy").fit(split.train, split.card).sample(len(split.train), seed=0)


def test_a_copy_represents_every_subgroup_and_adds_no_bias(split):
    result = metrics.score(split, copy_of(split), FAIRNESS).by_name()
    assert result["fairness.representation_ratio_min"].value == pytest.approx(1.0)
    assert result["fairness.vanished_subgroups"].value == 0
    assert result["fairness.worst_subgroup_fidelity"].value == pytest.approx(1.0)
    assert abs(result["fairness.worst_subgroup_gap"].value) < 0.1
    assert abs(result["fairness.equalized_odds_added"].value) < 0.15


def test_a_removed_subgroup_is_flagged(split):
    synthetic = copy_of(split)
    synthetic = synthetic[synthetic["age"] >= 40]  # the 18-39 band is gone
    result = metrics.score(split, synthetic, FAIRNESS).by_name()
    assert result["fairness.vanished_subgroups"].value == 1
    assert result["fairness.representation_ratio_min"].value == 0.0
    details = result["fairness.representation_ratio_min"].details.set_index(["attribute", "subgroup"])
    assert details.loc[("age", "18-39"), "status"] == "vanished"
    assert result["fairness.worst_subgroup_fidelity"].value == 0.0  # no synthetic row to compare


def test_bias_added_by_synthesis_shows_per_subgroup_and_in_group_fairness(mirror):
    cardio = datasets.load_split("cardio", split_seed=0, max_train=3000, max_eval=1500)
    synthetic = copy_of(cardio)
    unchanged = metrics.score(cardio, synthetic, FAIRNESS).by_name()
    assert abs(unchanged["fairness.equalized_odds_added"].value) < 0.05
    synthetic.loc[synthetic["gender"] == 1, "cardio"] = 0  # no woman has the disease in the synthetic data
    result = metrics.score(cardio, synthetic, FAIRNESS).by_name()
    assert result["fairness.worst_subgroup_gap"].value < -0.1
    by_subgroup = result["fairness.worst_subgroup_gap"].details.set_index(["attribute", "subgroup"])
    women, men = by_subgroup.loc[("gender", "1")], by_subgroup.loc[("gender", "2")]
    assert women["gap"] < -0.1 and women["gap_ci_high"] < 0  # women are served worse...
    assert abs(men["gap"]) < 0.05  # ...men as well as by real data
    for key in ("equalized_odds", "demographic_parity"):
        added = result[f"fairness.{key}_added"]
        assert added.value > 0.3 and added.ci_low > 0, key


def test_small_subgroups_are_reported_as_too_small_not_dropped():
    split = datasets.load_split("sepsis_like", split_seed=0, n_patients=1000, seed=1)
    result = metrics.score(split, copy_of(split), FAIRNESS).by_name()
    utility = result["fairness.worst_subgroup_gap"].details.set_index(["attribute", "subgroup"])
    assert utility.loc[("ethnic_group", "group_d"), "status"].startswith("too small")
    assert np.isnan(utility.loc[("ethnic_group", "group_d"), "gap"])
    representation = result["fairness.representation_ratio_min"].details.set_index(["attribute", "subgroup"])
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
