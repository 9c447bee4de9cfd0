"""The models that judge utility: trained on synthetic (TSTR) or real (TRTR) rows, tested on the real holdout.

``MODELS`` is the explicit registry: a random forest (the reference model of the headline
numbers: 500 trees, sqrt features), a logistic regression and a gradient-boosted model. All share
one preprocessing: median imputation with missing-value indicators for numerical (and ordinal,
datetime) columns, most-frequent imputation and one-hot encoding for categorical ones.
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
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from bench.datasets.cards import DatasetCard

N_TREES = 500
REFERENCE_MODEL = "rf"


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
    preprocess = ColumnTransformer([
        ("numerical", make_pipeline(*numeric_steps), numerical),
        ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent", keep_empty_features=True),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
    ])
    return Pipeline([("preprocess", preprocess), ("model", kind.estimator(seed))])


@dataclass
class Prediction:
    """What one trained model says about the real holdout.

    ``scores`` is the probability of the positive label per holdout row; ``prevalence`` is the
    positive share of the rows it was trained on (it sets the decision threshold, see
    ``decisions``); ``importances`` (random forest only) is its impurity importance summed per
    original feature; ``constant`` says the training rows had one class, so the model could only
    give every patient the same score.
    """

    scores: np.ndarray
    prevalence: float
    importances: pd.Series | None = None
    constant: bool = False

    def decisions(self) -> np.ndarray:
        """Flag as positive the share of holdout patients equal to the training prevalence (top scores).

        A fixed 0.5 threshold would flag almost nobody when the outcome is rare (6 % mortality); this
        rule flags as many patients as the model's training data says are positive. Ties at the
        threshold are all flagged.

        Example:
            >>> Prediction(np.array([0.1, 0.9, 0.4, 0.2]), prevalence=0.25).decisions().tolist()
            [False, True, False, False]
        """
        if self.prevalence <= 0:
            return np.zeros(len(self.scores), dtype=bool)
        threshold = np.quantile(self.scores, 1 - self.prevalence, method="higher")
        return self.scores >= threshold


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
    importances = feature_importances(fitted, card) if model == "rf" else None
    return Prediction(scores, prevalence, importances)


def feature_importances(fitted: Pipeline, card: DatasetCard) -> pd.Series:
    """Impurity importance of a fitted forest pipeline, summed back onto the card's feature columns
    (one-hot levels and missing indicators count for the column they came from)."""
    preprocess: ColumnTransformer = fitted.named_steps["preprocess"]
    origins: list[str] = []
    for name, transformer, columns in preprocess.transformers_:
        if not len(columns):  # e.g. no categorical feature: that part was never fitted
            continue
        if name == "numerical":
            imputer: SimpleImputer = transformer.steps[0][1]
            origins += list(columns)  # keep_empty_features: every column comes out, even an all-missing one
            if imputer.indicator_ is not None:
                origins += [columns[i] for i in imputer.indicator_.features_]
        elif name == "categorical":
            encoder: OneHotEncoder = transformer.steps[-1][1]
            origins += [c for c, levels in zip(columns, encoder.categories_) for _ in levels]
    weights = fitted.named_steps["model"].feature_importances_
    return pd.Series(weights, index=origins).groupby(level=0).sum().reindex(card.feature_columns, fill_value=0.0)


__all__ = ["MODELS", "REFERENCE_MODEL", "ModelKind", "Prediction", "feature_importances", "fit_predict", "labels",
           "pipeline"]
