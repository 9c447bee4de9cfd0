"""Fidelity: does the synthetic table look like the real training table, column by column, pair by
pair, and in where values are missing?

Multivariate fidelity (detection, alpha-precision, density, coverage) lives in ``detection``; clinical
plausibility in ``plausibility``.
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pandas as pd

from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable, Unavailable
from bench.metrics.context import ScoringContext

CONTINUOUS_TYPES = ("numerical", "datetime")  # paired with each other by correlation; binned otherwise
PAIR_BINS = 10

UNIVARIATE_SIMILARITY = MetricSpec(
    "fidelity.univariate_similarity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"), headline=True,
    description="mean per-column similarity to the real training data "
                "(KS complement for numerical, total-variation complement for categorical; sdmetrics)",
)
PAIR_SIMILARITY = MetricSpec(
    "fidelity.pair_similarity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"), headline=True,
    description="mean similarity of every column pair: correlation similarity for two numerical columns, "
                "contingency similarity otherwise (numerical columns in 10 bins; sdmetrics)",
)
CORRELATION_SIMILARITY = MetricSpec(
    "fidelity.correlation_similarity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="mean of 1 - |Pearson r real - r synthetic| / 2 over pairs of numerical columns (sdmetrics)",
)
CONTINGENCY_SIMILARITY = MetricSpec(
    "fidelity.contingency_similarity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="mean total-variation complement of the joint frequency tables of pairs involving a "
                "categorical or ordinal column (sdmetrics)",
)
MISSINGNESS_SIMILARITY = MetricSpec(
    "fidelity.missingness_similarity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="1 - mean over columns of |share missing in real - share missing in synthetic|",
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


def column_similarities(real: pd.DataFrame, synthetic: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """One row per column: its type, the sdmetrics metric and the similarity score."""
    rows = []
    for column, kind in columns.items():
        metric, score = column_similarity(real[column], synthetic[column], kind)
        rows.append({"column": column, "type": kind, "metric": metric, "score": score})
    return pd.DataFrame(rows, columns=["column", "type", "metric", "score"])


def univariate_similarity(context: ScoringContext) -> list[MetricResult]:
    """Mean of per-column similarities; the per-column table is kept as details."""
    details = column_similarities(context.split.train, context.synthetic, context.card.columns)
    return [MetricResult(UNIVARIATE_SIMILARITY.name, float(details["score"].mean()), details=details)]


def pair_score(real: pd.DataFrame, synthetic: pd.DataFrame, kinds: tuple[str, str]) -> tuple[str, float, float]:
    """``(metric, score, real association)`` for one pair of columns (rows with both observed).

    Two continuous columns are compared by the change in Pearson correlation; a synthetic column
    that is constant has no correlation with anything, so it counts as r = 0. Other pairs compare
    joint frequency tables, continuous columns cut into the real data's 10 equal-width bins.
    A pair the real data says nothing about (a constant column, no jointly observed rows) gives NaN.

    Example:
        >>> frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 4.0, 6.0, 8.0]})
        >>> pair_score(frame, frame.assign(b=[8.0, 6.0, 4.0, 2.0]), ("numerical", "numerical"))[:2]
        ('CorrelationSimilarity', 0.0)
    """
    from sdmetrics.column_pairs import ContingencySimilarity, CorrelationSimilarity

    real, synthetic = real.dropna(), synthetic.dropna()
    if len(real) < 2 or (real.nunique() < 2).any():
        return "none", float("nan"), float("nan")
    if synthetic.empty:
        return "none", 0.0, float("nan")
    a, b = real.columns
    if all(kind in CONTINUOUS_TYPES for kind in kinds):
        r_real = float(np.corrcoef(real[a].astype(float), real[b].astype(float))[0, 1])
        if (synthetic.nunique() < 2).any():
            return "CorrelationSimilarity", 1 - abs(r_real) / 2, r_real
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            breakdown = CorrelationSimilarity.compute_breakdown(real, synthetic, coefficient="Pearson")
        return "CorrelationSimilarity", float(breakdown["score"]), r_real
    continuous = [c for c, kind in zip(real.columns, kinds) if kind in CONTINUOUS_TYPES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        score = ContingencySimilarity.compute(real, synthetic, continuous_column_names=continuous or None,
                                              num_discrete_bins=PAIR_BINS)
    return "ContingencySimilarity", float(score), float("nan")


def pair_similarity(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Correlation and contingency similarity of every column pair; the per-pair table is the details."""
    columns = context.card.columns
    if len(columns) < 2:
        raise NotApplicable("the card has fewer than two columns, so there are no pairs")
    rows = []
    for a, b in combinations(columns, 2):
        metric, score, r_real = pair_score(context.split.train[[a, b]], context.synthetic[[a, b]],
                                           (columns[a], columns[b]))
        rows.append({"column_a": a, "column_b": b, "metric": metric, "score": score, "real_correlation": r_real})
    details = pd.DataFrame(rows)
    scored = details.dropna(subset=["score"])
    results: list[MetricResult | Unavailable] = [
        MetricResult(PAIR_SIMILARITY.name, float(scored["score"].mean()), details=details)
        if len(scored) else Unavailable(PAIR_SIMILARITY.name, "no column pair varies in the real data")]
    for spec, metric in ((CORRELATION_SIMILARITY, "CorrelationSimilarity"),
                         (CONTINGENCY_SIMILARITY, "ContingencySimilarity")):
        chosen = scored[scored["metric"] == metric]
        results.append(MetricResult(spec.name, float(chosen["score"].mean())) if len(chosen) else
                       Unavailable(spec.name, f"no column pair of this dataset is scored by {metric}"))
    return results


def missingness_similarity(context: ScoringContext) -> list[MetricResult]:
    """Per-column share of missing values, real vs synthetic; 1 minus the mean absolute difference."""
    columns = list(context.card.columns)
    real = context.split.train[columns].isna().mean()
    synthetic = context.synthetic[columns].isna().mean()
    details = pd.DataFrame({"column": columns, "real_missing_share": real.to_numpy(),
                            "synthetic_missing_share": synthetic.to_numpy()})
    details["difference"] = details["synthetic_missing_share"] - details["real_missing_share"]
    return [MetricResult(MISSINGNESS_SIMILARITY.name, float(1 - details["difference"].abs().mean()), details=details)]


EVALUATORS = (
    Evaluator("fidelity.univariate", (UNIVARIATE_SIMILARITY,), univariate_similarity),
    Evaluator("fidelity.pairs", (PAIR_SIMILARITY, CORRELATION_SIMILARITY, CONTINGENCY_SIMILARITY), pair_similarity),
    Evaluator("fidelity.missingness", (MISSINGNESS_SIMILARITY,), missingness_similarity),
)
