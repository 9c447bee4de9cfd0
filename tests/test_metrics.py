import numpy as np
import pytest

from bench import datasets, generators, metrics
from bench.errors import BenchError
from bench.metrics.base import MetricResult, MetricSpec


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=2000, seed=2)


def scores(split, synthetic, families=("fidelity", "utility")):
    return {r.name: r for r in metrics.score(split, synthetic, families, seed=0)}


def test_copy_is_the_fidelity_ceiling_and_matches_trtr(split):
    synthetic = generators.create("copy").fit(split.train, split.card).sample(len(split.train), seed=0)
    result = scores(split, synthetic)
    assert result["fidelity.univariate_similarity"].value == pytest.approx(1.0)
    assert result["utility.tstr_auroc"].value == pytest.approx(result["utility.trtr_auroc"].value, abs=0.02)
    assert result["utility.tstr_auroc"].ci_low < result["utility.tstr_auroc"].value < result["utility.tstr_auroc"].ci_high
    details = result["fidelity.univariate_similarity"].details
    assert list(details["column"]) == list(split.card.columns)


def test_marginals_lose_utility_and_a_shuffled_target_carries_none(mirror, split):
    pima = datasets.load_split("pima", split_seed=0)
    marginals = generators.create("marginals").fit(pima.train, pima.card).sample(len(pima.train), seed=0)
    result = scores(pima, marginals)
    assert result["fidelity.univariate_similarity"].value > 0.9  # marginals are kept...
    assert result["utility.trtr_auroc"].value > 0.75
    assert result["utility.tstr_gap"].value < -0.15  # ...but the relations the model needs are not
    shuffled = split.train.copy()
    shuffled[split.card.target] = np.random.default_rng(0).permutation(shuffled[split.card.target].to_numpy())
    assert abs(scores(split, shuffled, ["utility"])["utility.tstr_auroc"].value - 0.5) < 0.1


def test_single_class_synthetic_target_scores_chance_not_nan(split):
    synthetic = split.train.assign(**{split.card.target: 0})
    assert scores(split, synthetic, ["utility"])["utility.tstr_auroc"].value == 0.5


def test_results_are_checked_against_their_declared_range():
    spec = MetricSpec("fidelity.x", goal="maximize", range=(0.0, 1.0), description="d")
    with pytest.raises(BenchError, match="NaN"):
        MetricResult("fidelity.x", float("nan")).check(spec)
    with pytest.raises(BenchError, match="outside its declared range"):
        MetricResult("fidelity.x", 1.5).check(spec)
    with pytest.raises(ValueError, match="family"):
        MetricSpec("nofamily", goal="maximize", range=(0, 1), description="d")


def test_goals_order_values():
    assert metrics.spec("utility.tstr_auroc").better(0.9, 0.8)
    assert metrics.spec("cost.fit_wall_s").better(1.0, 2.0)
    assert MetricSpec("privacy.dcr_share", goal=0.5, range=(0, 1), description="d").better(0.55, 0.3)


def test_unknown_family_and_missing_columns_are_refused(split):
    with pytest.raises(BenchError, match="unknown metric family 'fidelty'"):
        metrics.score(split, split.train, ["fidelty"])
    with pytest.raises(BenchError, match=r"lacks training column\(s\) \['age'\]"):
        metrics.score(split, split.train.drop(columns=["age"]), ["fidelity"])


def test_every_metric_declares_a_meaning():
    for name, spec in metrics.METRICS.items():
        assert name == spec.name and spec.description and spec.range[0] < spec.range[1]
