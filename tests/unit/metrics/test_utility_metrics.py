"""Utility metrics against known answers, the bootstrap against scikit-learn, and the real reference cache."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.inspection import permutation_importance
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score

from bench import datasets, generators, metrics
from bench.metrics import bootstrap, reference, utility
from bench.metrics.context import ScoringContext
from bench.metrics.models import (
    MAX_CATEGORIES,
    MODELS,
    ModelKind,
    Prediction,
    labels,
    permutation_importances,
    pipeline,
)

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


@pytest.mark.slow
def test_random_label_flips_give_chance_and_inverted_labels_less(pima):
    target = pima.card.target
    rng = np.random.default_rng(0)
    flips = rng.random(len(pima.train)) < 0.5
    noisy = pima.train.assign(**{target: np.where(flips, 1 - pima.train[target], pima.train[target])})
    assert abs(scores(pima, noisy)["utility.tstr_auroc"].value - 0.5) < 0.1
    inverted = scores(pima, pima.train.assign(**{target: 1 - pima.train[target]}))
    assert inverted["utility.tstr_auroc"].value < 0.3 and inverted["utility.tstr_gap"].value < -0.5


def test_a_one_class_synthetic_target_scores_chance_and_says_why_importances_are_missing(pima):
    result = metrics.score(pima, pima.train.assign(**{pima.card.target: 0}), UTILITY)
    assert result.by_name()["utility.tstr_auroc"].value == 0.5
    # Every score ties, so the real training prevalence is flagged at random: F1 is about that prevalence.
    f1, prevalence = result.by_name()["utility.tstr_f1"], labels(pima.holdout, pima.card).mean()
    assert f1.ci_low < prevalence < f1.ci_high and f1.value > 0
    missing = {u.name: u for u in result.unavailable}
    assert set(missing) == {"utility.feature_importance_agreement"}
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


def test_decisions_flag_exactly_the_rate_even_when_most_scores_tie():
    # Issue (item 9): 96% of the scores tie; flagging every tie at the threshold flagged everybody.
    scores = np.r_[np.full(960, 0.1), np.linspace(0.2, 0.9, 40)]
    prediction = Prediction(scores, prevalence=0.5)  # its own training prevalence plays no part
    for rate in (0.03, 0.06, 0.12):
        flagged = prediction.decisions(rate, seed=0)
        assert flagged.sum() == round(rate * 1000)
        assert flagged[960:].sum() == min(40, round(rate * 1000))  # the untied high scores come first
    tied_flags = [prediction.decisions(0.12, seed=s)[:960] for s in (0, 0, 1)]
    assert (tied_flags[0] == tied_flags[1]).all() and (tied_flags[0] != tied_flags[2]).any()  # seeded tie-break


def test_accuracy_and_f1_flag_the_real_training_prevalence_for_both_arms(pima):
    # A synthetic table with a tenth of the positives: its forest must still flag the real prevalence.
    target, rng = pima.card.target, np.random.default_rng(0)
    positives = pima.train.index[pima.train[target] == 1]
    rare = pima.train.drop(rng.choice(positives, int(0.9 * len(positives)), replace=False))
    context = ScoringContext(pima, rare.reset_index(drop=True), seed=0)
    real_share = labels(pima.train, pima.card).mean()
    assert context.tstr["rf"].prevalence < real_share / 5
    for arm in ("tstr", "trtr"):
        flagged = context.decisions(context.arms("rf")[arm])
        assert flagged.sum() == round(real_share * len(pima.holdout))
    f1 = {arm: f1_score(context.holdout_labels, context.decisions(p)) for arm, p in context.arms("rf").items()}
    result = {r.name: r for r in utility.tstr_trtr(context)}
    assert result["utility.tstr_f1"].value == pytest.approx(f1["tstr"])
    assert result["utility.trtr_f1"].value == pytest.approx(f1["trtr"])


def with_codes(split, n_codes=200):
    """The split with one more feature: a categorical code of ``n_codes`` levels (e.g. a diagnosis code)."""
    rng = np.random.default_rng(0)

    def coded(frame):
        return frame.assign(code=[f"D{i:03d}" for i in rng.integers(0, n_codes, len(frame))])

    card = replace(split.card, columns={**split.card.columns, "code": "categorical"})
    return replace(split, train=coded(split.train), holdout=coded(split.holdout), control=coded(split.control),
                   card=card)


@pytest.mark.slow
def test_a_high_cardinality_category_scores_every_utility_metric(pima):
    # Issue (item 8): 200 one-hot columns made the encoded table sparse, gradient boosting refused it
    # and every utility metric of the cell failed.
    split = with_codes(pima)
    result = metrics.score(split, split.train, UTILITY, seed=0)
    assert result.unavailable == []
    declared = {s.name for ev in metrics.EVALUATORS if ev.family == "utility" for s in ev.produces}
    assert set(result.by_name()) == declared
    assert result.by_name()["utility.gbm_tstr_auroc"].value > 0.7
    fitted = pipeline("rf", split.card, seed=0).fit(split.train[split.card.feature_columns],
                                                    labels(split.train, split.card))
    encoded = fitted.named_steps["preprocess"].transform(split.train[split.card.feature_columns])
    without = pipeline("rf", pima.card, seed=0).named_steps["preprocess"].fit_transform(
        pima.train[pima.card.feature_columns])
    assert isinstance(encoded, np.ndarray)  # dense
    assert encoded.shape[1] == without.shape[1] + MAX_CATEGORIES  # 20 columns for the code, rare codes pooled


class Broken(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        raise ValueError("boom")


@pytest.mark.slow
def test_a_failing_model_makes_only_its_own_metrics_unavailable(pima, monkeypatch, isolated_cache):
    monkeypatch.setitem(MODELS, "gbm", ModelKind("gbm", "broken boosting", lambda seed: Broken()))
    monkeypatch.setattr(reference, "_MEMORY", {})
    scorecard = metrics.score(pima, pima.train, UTILITY)
    result, failed = scorecard.by_name(), {u.name: u.reason for u in scorecard.unavailable if u.failed}
    assert set(failed) == {spec.name for spec in utility.MODEL_SPECS["gbm"]}
    assert all("broken boosting failed: ValueError: boom" in reason for reason in failed.values())
    assert {"utility.tstr_auroc", "utility.lr_tstr_auroc", "utility.feature_importance_agreement"} <= set(result)
    assert not list((isolated_cache / "reference").glob("*.npz"))  # a failed reference is not stored


def test_permutation_importance_equals_scikit_learn(pima):
    features, y = pima.holdout[pima.card.feature_columns], labels(pima.holdout, pima.card)
    fitted = pipeline("lr", pima.card, seed=0).fit(pima.train[pima.card.feature_columns], labels(pima.train, pima.card))
    expected = permutation_importance(fitted, features, y, scoring="roc_auc", n_repeats=5, random_state=3)
    ours = permutation_importances(fitted, features, y, seed=3)
    assert ours.index.tolist() == pima.card.feature_columns
    assert ours.to_numpy() == pytest.approx(expected.importances_mean, abs=1e-12)


def test_importance_agreement_drops_when_synthetic_data_loses_the_key_feature(pima):
    rng = np.random.default_rng(0)
    shuffled = pima.train.assign(Glucose=rng.permutation(pima.train["Glucose"].to_numpy()))
    result = scores(pima, shuffled)["utility.feature_importance_agreement"]
    importances = result.details.set_index("feature")
    assert importances.loc["Glucose", "real"] == importances["real"].max()  # the real forest relies on glucose...
    assert importances.loc["Glucose", "synthetic"] < importances.loc["Glucose", "real"] / 4  # ...the other not
    assert result.value < 0.8  # a copy scores above 0.9 (test_copy_is_as_useful_as_real_data_for_every_model)


@pytest.mark.slow
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
