"""Utility metrics against known answers, the bootstrap against scikit-learn, and the real reference cache."""

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score

from bench import datasets, generators, metrics
from bench.metrics import bootstrap, reference
from bench.metrics.models import MODELS, Prediction

UTILITY = ["utility"]


@pytest.fixture(scope="module")
def pima(mirror):
    return datasets.load_split("pima", split_seed=0)


def scores(split, synthetic):
    return metrics.score(split, synthetic, UTILITY, seed=0).by_name()


def test_copy_is_as_useful_as_real_data_for_every_model(pima):
    synthetic = generators.create("copy").fit(pima.train, pima.card).sample(len(pima.train), seed=0)
    result = scores(pima, synthetic)
    for model in MODELS:
        prefix = "" if model == "rf" else f"{model}_"
        assert result[f"utility.{prefix}tstr_auroc"].value == pytest.approx(
            result[f"utility.{prefix}trtr_auroc"].value, abs=0.02)
    gap = result["utility.tstr_gap"]
    assert gap.ci_low < 0 < gap.ci_high and gap.ci_high - gap.ci_low < 0.1  # paired resamples: a narrow CI
    assert result["utility.trtr_auroc"].value > 0.75
    assert result["utility.feature_importance_agreement"].value > 0.9


def test_marginals_lose_utility(pima):
    synthetic = generators.create("marginals").fit(pima.train, pima.card).sample(len(pima.train), seed=0)
    result = scores(pima, synthetic)
    assert result["utility.tstr_gap"].value < -0.15 and result["utility.tstr_gap"].ci_high < 0


def test_random_label_flips_give_chance_and_inverted_labels_less(pima):
    target = pima.card.target
    rng = np.random.default_rng(0)
    flips = rng.random(len(pima.train)) < 0.5
    noisy = pima.train.assign(**{target: np.where(flips, 1 - pima.train[target], pima.train[target])})
    assert abs(scores(pima, noisy)["utility.tstr_auroc"].value - 0.5) < 0.1
    inverted = scores(pima, pima.train.assign(**{target: 1 - pima.train[target]}))
    assert inverted["utility.tstr_auroc"].value < 0.3 and inverted["utility.tstr_gap"].value < -0.5


def test_a_one_class_synthetic_target_scores_chance_and_says_why_rankings_are_missing(pima):
    result = metrics.score(pima, pima.train.assign(**{pima.card.target: 0}), UTILITY)
    assert result.by_name()["utility.tstr_auroc"].value == 0.5
    assert result.by_name()["utility.tstr_f1"].value == 0.0  # nobody is flagged
    missing = {u.name: u for u in result.unavailable}
    assert set(missing) == {"utility.model_rank_agreement", "utility.feature_importance_agreement"}
    assert not any(u.failed for u in missing.values())


def test_weighted_bootstrap_measures_equal_scikit_learn_on_a_resample():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 400)
    s = np.round(rng.random(400) * 0.7 + 0.3 * y, 2)  # ties on purpose
    flagged = s > 0.5
    weights = bootstrap.resample_weights(400, seed=0, n_resamples=5)
    rows = np.repeat(np.arange(400), weights[2].astype(int))
    assert bootstrap.auroc(y, s, weights)[2] == pytest.approx(roc_auc_score(y[rows], s[rows]))
    assert bootstrap.f1(y, flagged, weights)[2] == pytest.approx(f1_score(y[rows], flagged[rows]))
    assert bootstrap.brier(y, s, weights)[2] == pytest.approx(brier_score_loss(y[rows], s[rows]), rel=1e-5)
    assert np.isnan(bootstrap.auroc(np.zeros(4), s[:4], bootstrap.unit_weights(4))[0])


def test_decisions_flag_the_training_prevalence():
    prediction = Prediction(np.linspace(0, 1, 200), prevalence=0.1)
    assert prediction.decisions().mean() == pytest.approx(0.1, abs=0.01)


def test_the_real_reference_is_fitted_once_per_split_and_reused_from_disk(pima, monkeypatch, isolated_cache):
    calls = []
    real_compute = reference.compute_reference
    monkeypatch.setattr(reference, "compute_reference", lambda *a: calls.append(1) or real_compute(*a))
    monkeypatch.setattr(reference, "_MEMORY", {})
    marginals = generators.create("marginals").fit(pima.train, pima.card).sample(len(pima.train), seed=0)
    first = scores(pima, marginals)
    assert len(calls) == 1 and len(list((isolated_cache / "reference").glob("*.npz"))) == 1
    monkeypatch.setattr(reference, "_MEMORY", {})  # as in a new process: only the disk cache remains
    copula = generators.create("gaussian_copula").fit(pima.train, pima.card).sample(len(pima.train), seed=0)
    second = scores(pima, copula)
    assert len(calls) == 1  # not refitted
    assert second["utility.trtr_auroc"].value == first["utility.trtr_auroc"].value
    assert second["utility.tstr_auroc"].value != first["utility.tstr_auroc"].value
    scores(pima.__class__(pima.train.iloc[1:], pima.holdout, pima.control, pima.card, pima.split_seed), copula)
    assert len(calls) == 2  # other training rows: another reference
