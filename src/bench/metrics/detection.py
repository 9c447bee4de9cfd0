"""Multivariate fidelity: can a classifier tell synthetic rows from real ones, and do the synthetic
rows cover the real distribution without straying from it (alpha-precision, beta-recall)?

Both work on ``TableEncoder`` rows (numerical columns min-max scaled by the real range, categories
one-hot) and on equal-sized random subsamples of the real training rows and the synthetic rows,
drawn with the metric seed, so their cost is bounded on large tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.errors import BenchError
from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec
from bench.metrics.context import ScoringContext
from bench.metrics.encoding import TableEncoder

DETECTION_ROWS = 10_000  # rows per side for the detection test
DETECTION_FOLDS = 5
PRECISION_ROWS = 5_000  # rows per side for alpha-precision / beta-recall (nearest neighbours are quadratic)
ALPHA_STEPS = 30

DETECTION_AUROC = MetricSpec(
    "fidelity.detection_auroc", goal="minimize", range=(0.5, 1.0), needs=("train", "card"), headline=True,
    description="cross-validated AUROC of a gradient-boosted classifier telling synthetic from real training "
                "rows, floored at 0.5 (0.5: indistinguishable, 1: always told apart; bootstrap 95% CI)",
)
ALPHA_PRECISION = MetricSpec(
    "fidelity.alpha_precision", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="alpha-precision (Alaa et al. 2022, synthcity's naive variant on the encoded rows): do synthetic "
                "rows fall where the real density is, at every quantile alpha",
)
BETA_RECALL = MetricSpec(
    "fidelity.beta_recall", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="beta-recall (Alaa et al. 2022, synthcity's naive variant on the encoded rows): do synthetic "
                "rows cover the real distribution, at every quantile beta",
)


def equal_subsamples(real_rows: int, synthetic_rows: int, cap: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Row positions of equal-sized random subsamples of both tables, at most ``cap`` each.

    Example:
        >>> real, synthetic = equal_subsamples(100, 40, cap=30, seed=0)
        >>> len(real), len(synthetic), len(set(real))
        (30, 30, 30)
    """
    size = min(real_rows, synthetic_rows, cap)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(real_rows, size, replace=False)), np.sort(rng.choice(synthetic_rows, size, replace=False))


def _encoded_pair(context: ScoringContext, cap: int, minimum: int, what: str) -> tuple[np.ndarray, np.ndarray]:
    real, synthetic = context.split.train, context.synthetic
    if min(len(real), len(synthetic)) < minimum:
        raise BenchError(f"{what} needs at least {minimum} real and {minimum} synthetic rows, got {len(real)} real "
                         f"and {len(synthetic)} synthetic")
    real_at, synthetic_at = equal_subsamples(len(real), len(synthetic), cap, context.seed)
    encoder = TableEncoder(context.card).fit(real)
    return encoder.transform(real.iloc[real_at]), encoder.transform(synthetic.iloc[synthetic_at])


def detection(context: ScoringContext) -> list[MetricResult]:
    """Out-of-fold AUROC of real-vs-synthetic classification, with a bootstrap CI over the pooled rows.

    Values below 0.5 count as 0.5, as in sdmetrics' detection metrics: they arise when synthetic
    rows duplicate real ones (a held-out row's twin sits in the training folds with the other
    label), and mean the classifier cannot tell the tables apart. The raw AUROC is in the details.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    real, synthetic = _encoded_pair(context, DETECTION_ROWS, 2 * DETECTION_FOLDS, "the detection test")
    rows = np.vstack([real, synthetic])
    is_synthetic = np.r_[np.zeros(len(real)), np.ones(len(synthetic))].astype(int)
    folds = StratifiedKFold(DETECTION_FOLDS, shuffle=True, random_state=context.seed)
    scores = cross_val_predict(HistGradientBoostingClassifier(random_state=context.seed), rows, is_synthetic,
                               cv=folds, method="predict_proba")[:, 1]
    raw, resampled = bootstrap.estimate(bootstrap.auroc, is_synthetic, scores,
                                        bootstrap.resample_weights(len(rows), context.seed))
    low, high = bootstrap.interval(np.maximum(0.5, resampled))
    details = pd.DataFrame({"rows_per_side": [len(real)], "folds": [DETECTION_FOLDS], "raw_auroc": [raw]})
    return [MetricResult(DETECTION_AUROC.name, max(raw, 0.5), low, high, details=details)]


def alpha_precision_beta_recall(real: np.ndarray, synthetic: np.ndarray) -> tuple[float, float]:
    """Integrated alpha-precision and beta-recall of equal-sized real and synthetic arrays.

    The formulas of synthcity 0.2.12 ``AlphaPrecision.metrics`` with the real mean as the centre
    (its ``*_naive`` results): alpha-precision compares, for 30 values of alpha in [0, 1], the share
    of synthetic rows inside the ball holding a share alpha of the real rows with alpha itself;
    beta-recall does the same for real rows whose nearest synthetic row is closer than their
    nearest real neighbour. Both are 1 - mean |curve - alpha| / mean alpha, clipped to [0, 1].
    An independent sample of the same distribution scores about 0.5 on beta-recall (half the real
    rows have a closer real neighbour); a copy scores 1 on both; a collapsed sample scores low.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> real = rng.normal(size=(500, 3))
        >>> [round(v, 2) for v in alpha_precision_beta_recall(real, rng.normal(size=(500, 3)))]
        [0.96, 0.49]
        >>> [round(v, 2) for v in alpha_precision_beta_recall(real, 0.3 * rng.normal(size=(500, 3)))]
        [0.12, 0.24]
    """
    from sklearn.neighbors import NearestNeighbors

    alphas = np.linspace(0, 1, ALPHA_STEPS)
    centre = real.mean(axis=0)
    radii = np.quantile(np.sqrt(((real - centre) ** 2).sum(axis=1)), alphas)
    synthetic_to_centre = np.sqrt(((synthetic - centre) ** 2).sum(axis=1))
    real_to_real = NearestNeighbors(n_neighbors=2).fit(real).kneighbors(real)[0][:, 1]
    real_to_synthetic, nearest = NearestNeighbors(n_neighbors=1).fit(synthetic).kneighbors(real)
    real_to_synthetic, nearest = real_to_synthetic[:, 0], nearest[:, 0]
    nearest_to_synthetic_centre = np.sqrt(((synthetic[nearest] - synthetic.mean(axis=0)) ** 2).sum(axis=1))
    coverage_radii = np.quantile(nearest_to_synthetic_centre, alphas)
    precision_curve = np.array([(synthetic_to_centre <= r).mean() for r in radii])
    recall_curve = np.array([((real_to_synthetic <= real_to_real) & (nearest_to_synthetic_centre <= r)).mean()
                             for r in coverage_radii])
    precision = 1 - np.abs(alphas - precision_curve).sum() / alphas.sum()
    recall = 1 - np.abs(alphas - recall_curve).sum() / alphas.sum()
    return float(np.clip(precision, 0, 1)), float(np.clip(recall, 0, 1))


def precision_recall(context: ScoringContext) -> list[MetricResult]:
    """Alpha-precision and beta-recall on equal-sized subsamples of the encoded tables."""
    real, synthetic = _encoded_pair(context, PRECISION_ROWS, 2, "alpha-precision / beta-recall")
    precision, recall = alpha_precision_beta_recall(real, synthetic)
    return [MetricResult(ALPHA_PRECISION.name, precision), MetricResult(BETA_RECALL.name, recall)]


EVALUATORS = (
    Evaluator("fidelity.detection", (DETECTION_AUROC,), detection),
    Evaluator("fidelity.precision_recall", (ALPHA_PRECISION, BETA_RECALL), precision_recall),
)
