"""Utility: does a model trained on synthetic data work on real patients (TSTR), next to real data (TRTR)?"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

from bench.datasets.cards import DatasetCard
from bench.datasets.splits import Split
from bench.metrics.base import Evaluator, MetricResult, MetricSpec

N_TREES = 500
N_BOOTSTRAP = 200

TSTR_AUROC = MetricSpec(
    "utility.tstr_auroc", goal="maximize", range=(0.0, 1.0), needs=("train", "holdout", "card"),
    description="AUROC on the real holdout of a random forest trained on synthetic data (TSTR)",
    reference="utility.trtr_auroc",
)
TRTR_AUROC = MetricSpec(
    "utility.trtr_auroc", goal="maximize", range=(0.0, 1.0), needs=("train", "holdout", "card"),
    description="AUROC on the real holdout of the same random forest trained on the real training data (TRTR)",
)
TSTR_GAP = MetricSpec(
    "utility.tstr_gap", goal="maximize", range=(-1.0, 1.0), needs=("train", "holdout", "card"),
    description="TSTR minus TRTR AUROC: 0 means as useful as real data, below 0 less useful",
)


def random_forest(card: DatasetCard, seed: int) -> Pipeline:
    """The reference TSTR model: 500 trees, sqrt features, simple imputation and one-hot encoding.

    Example:
        >>> from bench.datasets import card
        >>> random_forest(card("pima"), seed=0).steps[-1][1].n_estimators
        500
    """
    categorical = [c for c in card.columns_of_type("categorical") if c != card.target]
    numerical = [c for c in card.feature_columns if c not in categorical]
    preprocess = ColumnTransformer([
        ("numerical", SimpleImputer(strategy="median", keep_empty_features=True), numerical),
        ("categorical", make_pipeline(SimpleImputer(strategy="most_frequent", keep_empty_features=True),
                                      OneHotEncoder(handle_unknown="ignore")), categorical),
    ])
    forest = RandomForestClassifier(n_estimators=N_TREES, max_features="sqrt", random_state=seed, n_jobs=-1)
    return Pipeline([("preprocess", preprocess), ("model", forest)])


def positive_scores(train: pd.DataFrame, test: pd.DataFrame, card: DatasetCard, seed: int) -> np.ndarray:
    """Fit on ``train`` and return the predicted probability of the positive label on ``test``.

    A training table with a single class cannot teach anything: every patient gets the same score,
    which is what such a model does (AUROC 0.5).
    """
    labels = (train[card.target] == card.positive_label).astype(int)
    if labels.nunique() < 2:
        return np.full(len(test), float(labels.iloc[0]))
    model = random_forest(card, seed).fit(train[card.feature_columns], labels)
    return model.predict_proba(test[card.feature_columns])[:, 1]


def bootstrap_auroc(y_true: np.ndarray, scores: np.ndarray, seed: int) -> tuple[float, float, float]:
    """AUROC with a 95% percentile bootstrap interval over the test rows.

    Example:
        >>> import numpy as np
        >>> auc, low, high = bootstrap_auroc(np.array([0, 0, 1, 1] * 10), np.linspace(0, 1, 40), seed=0)
        >>> round(auc, 3), low <= auc <= high
        (0.55, True)
    """
    auc = float(roc_auc_score(y_true, scores))
    rng = np.random.default_rng(seed)
    resampled = []
    for _ in range(N_BOOTSTRAP):
        index = rng.integers(0, len(y_true), len(y_true))
        if np.unique(y_true[index]).size == 2:
            resampled.append(roc_auc_score(y_true[index], scores[index]))
    low, high = np.percentile(resampled, [2.5, 97.5])
    return auc, float(low), float(high)


def tstr(split: Split, synthetic: pd.DataFrame, seed: int) -> list[MetricResult]:
    """TSTR and TRTR AUROC on the real holdout, with bootstrap CIs, and their gap."""
    card = split.card
    y_holdout = (split.holdout[card.target] == card.positive_label).astype(int).to_numpy()
    tstr_auc, tstr_low, tstr_high = bootstrap_auroc(
        y_holdout, positive_scores(synthetic, split.holdout, card, seed), seed)
    trtr_auc, trtr_low, trtr_high = bootstrap_auroc(
        y_holdout, positive_scores(split.train, split.holdout, card, seed), seed)
    return [
        MetricResult(TSTR_AUROC.name, tstr_auc, tstr_low, tstr_high),
        MetricResult(TRTR_AUROC.name, trtr_auc, trtr_low, trtr_high),
        MetricResult(TSTR_GAP.name, tstr_auc - trtr_auc),
    ]


EVALUATORS = (Evaluator("utility", (TSTR_AUROC, TRTR_AUROC, TSTR_GAP), tstr),)
