"""Fidelity metrics against known answers: a copy is the ceiling, independent marginals lose pairs."""

from dataclasses import replace

import numpy as np
import pytest

from bench import datasets, generators, metrics
from bench.metrics.context import ScoringContext
from bench.metrics.detection import NEAREST_K, alpha_precision_beta_recall, density_coverage
from bench.metrics.plausibility import rule_violations

FIDELITY = ["fidelity"]


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=2000, seed=2)


@pytest.fixture(scope="module")
def scored(split):
    out = {}
    for name in ("copy", "marginals", "gaussian_copula"):
        synthetic = generators.create(name).fit(split.train, split.card).sample(len(split.train), seed=0)
        out[name] = metrics.score(split, synthetic, FIDELITY, seed=0).by_name()
    return out


def test_copy_scores_best_on_every_fidelity_metric(scored):
    # Density's target is a fresh sample's 1: a copy overshoots it on purpose (see the density tests).
    for name, result in scored["copy"].items():
        spec = metrics.spec(name)
        if spec.reference is None and name not in ("fidelity.real_rule_violation_rate", "fidelity.density"):
            for other in ("marginals", "gaussian_copula"):
                assert not spec.better(scored[other][name].value, result.value), (name, other)
    assert scored["copy"]["fidelity.univariate_similarity"].value == pytest.approx(1.0)
    assert scored["copy"]["fidelity.pair_similarity"].value == pytest.approx(1.0)
    assert scored["copy"]["fidelity.detection_auroc"].value == 0.5  # cannot be told apart
    assert scored["copy"]["fidelity.coverage"].value == 1.0
    assert scored["copy"]["fidelity.density"].value == pytest.approx(1 + 1 / NEAREST_K, abs=0.02)
    assert "fidelity.beta_recall" not in scored["copy"]  # rewarded copying; kept in alpha-precision's details
    assert scored["copy"]["fidelity.alpha_precision"].details["beta_recall"].iloc[0] > 0.99


def test_marginals_lose_the_pairs_a_correlated_generator_keeps(scored):
    marginals, copula = scored["marginals"], scored["gaussian_copula"]
    assert marginals["fidelity.univariate_similarity"].value > 0.95  # columns alone look right...
    assert marginals["fidelity.correlation_similarity"].value < copula["fidelity.correlation_similarity"].value - 0.02
    assert marginals["fidelity.pair_similarity"].value < copula["fidelity.pair_similarity"].value
    assert marginals["fidelity.detection_auroc"].value > copula["fidelity.detection_auroc"].value + 0.1
    details = marginals["fidelity.pair_similarity"].details  # ...the map-sbp relation is gone
    pair = details[(details["column_a"] == "sbp") & (details["column_b"] == "map")].iloc[0]
    assert pair["real_correlation"] > 0.7 and pair["score"] < 0.7


def test_a_shifted_column_is_detected(split):
    shifted = split.train.assign(age=split.train["age"] + 40)
    result = metrics.score(split, shifted, FIDELITY).by_name()["fidelity.detection_auroc"]
    assert result.value > 0.9 and result.ci_low > 0.85


def test_missingness_similarity_counts_a_lost_missing_pattern_exactly(split):
    filled = split.train.assign(lactate=split.train["lactate"].fillna(2.0))
    result = metrics.score(split, filled, FIDELITY).by_name()["fidelity.missingness_similarity"]
    expected = 1 - split.train["lactate"].isna().mean() / len(split.card.columns)
    assert result.value == pytest.approx(expected)
    row = result.details.set_index("column").loc["lactate"]
    assert row["synthetic_missing_share"] == 0 and row["real_missing_share"] > 0.3


def test_rule_violations_are_counted_per_rule_next_to_the_real_rate(split):
    broken = split.train.copy()
    rows = broken.index[: len(broken) // 10]
    broken.loc[rows, "map"] = broken.loc[rows, "sbp"] + 5  # mean pressure above systolic: impossible
    result = metrics.score(split, broken, FIDELITY).by_name()
    rate = result["fidelity.rule_violation_rate"]
    assert rate.value == pytest.approx(len(rows) / len(broken))
    assert rate.ci_low < rate.value < rate.ci_high
    assert result["fidelity.real_rule_violation_rate"].value == 0.0
    per_rule = rate.details.set_index("rule")
    assert per_rule.loc["map <= sbp", "synthetic_share_broken"] == pytest.approx(0.1, abs=0.001)
    assert per_rule.drop("map <= sbp")["synthetic_share_broken"].max() == 0


def test_alpha_precision_and_beta_recall_match_synthcity():
    from synthcity.metrics.eval_statistical import AlphaPrecision

    rng = np.random.default_rng(0)
    real, synthetic = rng.normal(size=(300, 4)), 1.3 * rng.normal(size=(300, 4)) + 0.2
    expected = AlphaPrecision().metrics(real, synthetic)
    assert alpha_precision_beta_recall(real, synthetic) == pytest.approx((expected[3], expected[4]))


def test_density_and_coverage_match_synthcity():
    from synthcity.metrics.eval_statistical import PRDCScore

    rng = np.random.default_rng(1)
    real, synthetic = rng.normal(size=(300, 4)), 1.3 * rng.normal(size=(300, 4)) + 0.2
    expected = PRDCScore(nearest_k=NEAREST_K)._compute_prdc(real, synthetic)
    assert density_coverage(real, synthetic) == pytest.approx((expected["density"], expected["coverage"]))


def test_density_and_coverage_prefer_a_fresh_sample_to_a_copy_and_a_collapsed_sample():
    # Issue (item 11): beta-recall scored a fresh real sample about 0.5 and a verbatim copy 1.
    rng = np.random.default_rng(2)
    real = rng.normal(size=(2000, 4))
    fresh = density_coverage(real, rng.normal(size=(2000, 4)))
    copy = density_coverage(real, real.copy())
    collapsed = density_coverage(real, 0.3 * rng.normal(size=(2000, 4)))
    assert fresh[0] == pytest.approx(1.0, abs=0.05) and fresh[1] == pytest.approx(1 - 2 ** -NEAREST_K, abs=0.02)
    assert copy == pytest.approx((1 + 1 / NEAREST_K, 1.0))  # each copy sits in its own ball and its k neighbours'
    assert collapsed[1] < 0.4  # most of the real distribution is not covered
    density, coverage = metrics.spec("fidelity.density"), metrics.spec("fidelity.coverage")
    assert density.better(fresh[0], copy[0])  # density's target 1 prefers the fresh sample
    assert coverage.better(fresh[1], collapsed[1]) and copy[1] - fresh[1] < 0.05  # a copy gains little coverage


@pytest.mark.slow
def test_rule_violations_are_a_share_of_the_rows_a_rule_can_judge(split):
    # Issue 18 (12): rows whose rule columns are missing used to count as plausible, halving the rate
    # of a generator that breaks the rule on every row it does fill in.
    broken = split.train.copy()
    half = broken.index[: len(broken) // 2]
    broken["map"] = broken["sbp"] + 5  # every judged row breaks "map <= sbp"
    broken.loc[half, ["map", "sbp"]] = np.nan  # and half the rows cannot be judged by any pressure rule
    card = replace(split.card, rules=("map <= sbp",), integer_columns=())
    result = rule_violations(ScoringContext(replace(split, card=card), broken.reset_index(drop=True)))[0]
    assert result.value == pytest.approx(1.0) and result.ci_low > 0.95  # every judged row breaks it
    judged = result.details.set_index("rule").loc["map <= sbp", "synthetic_rows_judged"]
    assert judged == len(broken) - len(half)
    clean = split.train.copy()
    clean.loc[half, ["map", "sbp"]] = np.nan  # the same missing rows, nothing broken: 0, not inflated
    assert rule_violations(ScoringContext(replace(split, card=card), clean.reset_index(drop=True)))[0].value == 0.0
