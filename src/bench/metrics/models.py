"""The models that judge utility: trained on synthetic (TSTR) or real (TRTR) rows, tested on the real holdout.

``MODELS`` is the explicit registry: a random forest (the reference model of the headline
numbers: 500 trees, sqrt features), a logistic regression and a gradient-boosted model. All share
one preprocessing: median imputation with missing-value indicators for numerical (and ordinal,
datetime) columns, most-frequent imputation and one-hot encoding for categorical ones (at most
``MAX_CATEGORIES`` columns per feature, the rarer levels pooled, always dense: gradient boosting
refuses sparse input). A model that raises while training or scoring becomes a ``FitFailure``: its
own metrics are unavailable and the other models still score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

N_TREES = 500
REFERENCE_MODEL = "rf"
MAX_CATEGORIES = 20  # one-hot columns per categorical feature; rarer levels share an "infrequent" column
IMPORTANCE_ROWS = 2_000  # holdout rows (a seeded subsample) on which permutation importance is measured
IMPORTANCE_REPEATS = 5  # shuffles per feature


def _random_forest(seed: int) -> ClassifierMixin:
    return RandomForestClassifier(n_estimators=N_TREES, max_features="sqrt", random_state=seed, n_jobs=-1)


def _logistic_regression(seed: int) -> ClassifierMixin:
    return LogisticRegression(max_iter=2000, random_state=seed)


def _gradient_boosting(seed: int) -> ClassifierMixin:
    return HistGradientBoostingClassifier(random_state=seed)


@dataclass(frozen=True)
class ModelKind:
    """One utility model: a short key (used in metric names), a label and its estimator."""

    key: str
    label: str
    estimator: Callable[[int], ClassifierMixin]
    scale: bool = False  # standardise numerical inputs (linear models need it)


MODELS: dict[str, ModelKind] = {
    "rf": ModelKind("rf", "random forest (500 trees, sqrt features)", _random_forest),
    "lr": ModelKind("lr", "logistic regression (L2, lbfgs)", _logistic_regression, scale=True),
    "gbm": ModelKind("gbm", "histogram gradient boosting", _gradient_boosting),
}


def pipeline(model: str, card: DatasetCard, seed: int) -> Pipeline:
    """Preprocessing plus the named model, seeded.

    The output is always dense: with a high-cardinality category the one-hot part would otherwise
    make the encoded table sparse, which gradient boosting refuses.

    Example:
        >>> from bench.datasets import card
        >>> pipeline("rf", card("pima"), seed=0).steps[-1][1].n_estimators
        500
    """
    kind = MODELS[model]
    categorical = [c for c in card.columns_of_type("categorical") if c != card.target]
    numerical = [c for c in card.feature_columns if c not in categorical]
    numeric_steps = [SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)]
    if kind.scale:
        numeric_steps.append(StandardScaler())
    one_hot = OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=MAX_CATEGORIES, sparse_output=False)
    preprocess = ColumnTransformer([
        ("numerical", make_pipeline(*numeric_steps), numerical),
        ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent", keep_empty_features=True), one_hot),
         categorical),
    ], sparse_threshold=0.0)
    return Pipeline([("preprocess", preprocess), ("model", kind.estimator(seed))])


@dataclass
class Prediction:
    """What one trained model says about the real holdout.

    ``scores`` is the probability of the positive label per holdout row; ``prevalence`` is the
    positive share of the rows it was trained on; ``importances`` (random forest only) is its
    permutation importance per original feature on the holdout (``permutation_importances``);
    ``constant`` says the training rows had one class, so the model could only give every patient
    the same score.
    """

    scores: np.ndarray
    prevalence: float
    importances: pd.Series | None = None
    constant: bool = False

    def decisions(self, rate: float, seed: int) -> np.ndarray:
        """Flag exactly ``round(rate * n)`` of the ``n`` holdout patients: those with the highest scores.

        A fixed 0.5 threshold would flag almost nobody when the outcome is rare (6 % mortality).
        Callers pass every model the same ``rate``, the positive share of the real training rows,
        so that TSTR and TRTR decisions differ only through the scores: a synthetic table with
        another prevalence does not change how many patients are flagged. Ties (e.g. a model trained
        on one class scores everyone alike) are broken in a random order drawn with ``seed``, so
        the count is exact and no patient is favoured by its row position.

        Example:
            >>> Prediction(np.array([0.1, 0.9, 0.4, 0.2]), prevalence=0.5).decisions(rate=0.25, seed=0).tolist()
            [False, True, False, False]
            >>> int(Prediction(np.full(10, 0.3), prevalence=0.3).decisions(rate=0.3, seed=0).sum())
            3
        """
        flagged = np.zeros(len(self.scores), dtype=bool)
        tie_break = np.random.default_rng(seed).random(len(self.scores))
        flagged[np.lexsort((tie_break, -self.scores))[:int(round(rate * len(self.scores)))]] = True
        return flagged


@dataclass(frozen=True)
class FitFailure:
    """A model that raised while training or scoring: its own metrics are unavailable, the others still score."""

    model: str
    reason: str


class ModelFailed(BenchError):
    """Raised by a metric that needs a model whose training or scoring failed (``FitFailure``)."""


def labels(frame: pd.DataFrame, card: DatasetCard) -> np.ndarray:
    """1 where the target is the card's positive label, else 0."""
    return (frame[card.target] == card.positive_label).to_numpy().astype(int)


def fit_predict(model: str, train: pd.DataFrame, test: pd.DataFrame, card: DatasetCard, seed: int) -> Prediction:
    """Train the named model on ``train`` and score ``test``.

    A training table with one class cannot teach anything: every patient gets that class's score
    (AUROC 0.5), which is what such a model does, and ``constant`` is set.

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> fit_predict("lr", split.train, split.holdout, split.card, seed=0).scores.shape
        (200,)
    """
    y = labels(train, card)
    prevalence = float(y.mean()) if len(y) else 0.0
    if len(np.unique(y)) < 2:
        return Prediction(np.full(len(test), float(prevalence)), prevalence, constant=True)
    fitted = pipeline(model, card, seed).fit(train[card.feature_columns], y)
    scores = fitted.predict_proba(test[card.feature_columns])[:, 1]
    importances = None
    if model == REFERENCE_MODEL and len(np.unique(labels(test, card))) == 2:
        rows = importance_rows(len(test), seed)
        importances = permutation_importances(fitted, test.iloc[rows][card.feature_columns],
                                              labels(test.iloc[rows], card), seed)
    return Prediction(scores, prevalence, importances)


def fit_predict_or_failure(model: str, train: pd.DataFrame, test: pd.DataFrame, card: DatasetCard,
                           seed: int) -> Prediction | FitFailure:
    """``fit_predict``, or a ``FitFailure`` saying why it raised, so one failing model spares the others.

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> print(fit_predict_or_failure("lr", split.train.drop(columns="age"), split.holdout, split.card, 0).reason)
        logistic regression (L2, lbfgs) failed: KeyError: "['age'] not in index"
    """
    try:
        return fit_predict(model, train, test, card, seed)
    except Exception as exc:  # any error of one model is recorded as its reason; the other models still score
        return FitFailure(model, f"{MODELS[model].label} failed: {type(exc).__name__}: {exc}")


def importance_rows(n_rows: int, seed: int) -> np.ndarray:
    """Positions of the holdout rows (at most ``IMPORTANCE_ROWS``, seeded) on which importance is measured.

    The same rows for the TSTR and the TRTR forest of a split, so their importances are compared on
    the same patients; the cap bounds the cost (each feature is scored ``IMPORTANCE_REPEATS`` times).

    Example:
        >>> len(importance_rows(10_000, seed=0)), importance_rows(3, seed=0).tolist()
        (2000, [0, 1, 2])
    """
    if n_rows <= IMPORTANCE_ROWS:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, IMPORTANCE_ROWS, replace=False))


def permutation_orders(n_rows: int, n_repeats: int, seed: int) -> list[np.ndarray]:
    """The row orders a column is shuffled into, one per repeat: those that
    ``sklearn.inspection.permutation_importance`` draws for ``random_state=seed`` (successive
    in-place shuffles, the same for every column), so that both give the same importances.

    Example:
        >>> [sorted(order.tolist()) for order in permutation_orders(3, n_repeats=2, seed=0)]
        [[0, 1, 2], [0, 1, 2]]
    """
    rng = np.random.RandomState(np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1))
    shuffling, order, orders = np.arange(n_rows), np.arange(n_rows), []
    for _ in range(n_repeats):
        rng.shuffle(shuffling)
        order = order[shuffling]
        orders.append(order)
    return orders


def permutation_importances(fitted: Pipeline, frame: pd.DataFrame, y: np.ndarray, seed: int,
                            n_repeats: int = IMPORTANCE_REPEATS) -> pd.Series:
    """Permutation importance (Breiman 2001; Fisher, Rudin & Dominici 2019) of each column of ``frame``:
    the pipeline's AUROC on ``frame`` minus its mean AUROC with that column shuffled.

    The columns are the card's features before preprocessing, so a one-hot encoded column is
    shuffled as a whole and needs no regrouping. The same numbers as
    ``sklearn.inspection.permutation_importance(fitted, frame, y, scoring="roc_auc",
    n_repeats=n_repeats, random_state=seed).importances_mean`` (a test checks it), computed with one
    prediction per column over all its shuffled copies instead of one per copy: several times faster
    for a 500-tree forest.

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> fitted = pipeline("lr", split.card, seed=0).fit(split.train[split.card.feature_columns],
        ...                                                 labels(split.train, split.card))
        >>> importance = permutation_importances(fitted, split.holdout[split.card.feature_columns],
        ...                                      labels(split.holdout, split.card), seed=0)
        >>> importance.index.tolist() == split.card.feature_columns
        True
    """
    baseline = roc_auc_score(y, fitted.predict_proba(frame)[:, 1])
    orders = permutation_orders(len(frame), n_repeats, seed)
    importances = {}
    for column in frame.columns:
        values = frame[column].to_numpy()
        shuffled = pd.concat([frame.assign(**{column: values[order]}) for order in orders], ignore_index=True)
        scores = fitted.predict_proba(shuffled)[:, 1].reshape(n_repeats, len(frame))
        importances[column] = baseline - np.mean([roc_auc_score(y, s) for s in scores])
    return pd.Series(importances, dtype=float)


__all__ = ["IMPORTANCE_REPEATS", "IMPORTANCE_ROWS", "MAX_CATEGORIES", "MODELS", "REFERENCE_MODEL", "FitFailure",
           "ModelFailed", "ModelKind", "Prediction", "fit_predict", "fit_predict_or_failure",
           "importance_rows", "labels", "permutation_importances", "permutation_orders", "pipeline"]
