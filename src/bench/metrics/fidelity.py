"""Fidelity: does the synthetic table look like the real training table?"""

from __future__ import annotations

import pandas as pd

from bench.datasets.splits import Split
from bench.metrics.base import Evaluator, MetricResult, MetricSpec

UNIVARIATE_SIMILARITY = MetricSpec(
    "fidelity.univariate_similarity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="mean per-column similarity to the real training data "
                "(KS complement for numerical, total-variation complement for categorical; sdmetrics)",
)


def column_similarity(real: pd.Series, synthetic: pd.Series, kind: str) -> tuple[str, float]:
    """Similarity of one column's observed values in [0, 1] and the sdmetrics metric used.

    Missing values are left out here (their rates are compared by a separate metric). A synthetic
    column with no observed values scores 0.

    Example:
        >>> import pandas as pd
        >>> column_similarity(pd.Series([1, 2, 3]), pd.Series([1, 2, 3]), "numerical")
        ('KSComplement', 1.0)
    """
    from sdmetrics.single_column import KSComplement, TVComplement

    metric = KSComplement if kind in ("numerical", "ordinal", "datetime") else TVComplement
    real, synthetic = real.dropna(), synthetic.dropna()
    if synthetic.empty or real.empty:
        return metric.__name__, 0.0
    return metric.__name__, float(metric.compute(real_data=real, synthetic_data=synthetic))


def univariate_similarity(split: Split, synthetic: pd.DataFrame, seed: int) -> list[MetricResult]:
    """Mean of per-column similarities; the per-column table is kept as details."""
    rows = []
    for column, kind in split.card.columns.items():
        metric, score = column_similarity(split.train[column], synthetic[column], kind)
        rows.append({"column": column, "type": kind, "metric": metric, "score": score})
    details = pd.DataFrame(rows)
    return [MetricResult(UNIVARIATE_SIMILARITY.name, float(details["score"].mean()), details=details)]


EVALUATORS = (Evaluator("fidelity", (UNIVARIATE_SIMILARITY,), univariate_similarity),)
