"""Multivariate fidelity: can a classifier tell synthetic rows from real ones, do the synthetic rows
fall where real rows are (alpha-precision, density) and do they cover the real distribution (coverage)?

All work on ``TableEncoder`` rows (numerical columns min-max scaled by the real range, categories
one-hot) and on equal-sized random subsamples of the real training rows and the synthetic rows,
drawn with the metric seed, so their cost is bounded on large tables.

None of them rewards copying the training rows: a fresh sample of the real distribution is the
target. Density aims at 1 (a copy scores about 1 + 1/k), coverage is bounded by 1 and a fresh
sample already scores close to it. Beta-recall (Alaa et al. 2022), which scores a fresh sample
about 0.5 and a copy 1, is no longer a metric of its own; it stays in alpha-precision's details.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist
from sklearn.neighbors import NearestNeighbors

from bench.errors import BenchError
from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec
from bench.metrics.context import ScoringContext
from bench.metrics.encoding import TableEncoder

DETECTION_ROWS = 10_000  # rows per side for the detection test
DETECTION_FOLDS = 5
PRECISION_ROWS = 5_000  # rows per side for alpha-precision, density and coverage (nearest neighbours are quadratic)
ALPHA_STEPS = 30
NEAREST_K = 5  # k of density and coverage, as recommended by Naeem et al. 2020
DISTANCE_BLOCK = 500  # real rows per block of the real-to-synthetic distance matrix (bounds memory)

DETECTION_AUROC = MetricSpec(
    "fidelity.detection_auroc", goal="minimize", range=(0.5, 1.0), needs=("train", "card"), headline=True,
    description="cross-validated AUROC of a gradient-boosted classifier telling synthetic from real training "
                "rows, floored at 0.5 (0.5: indistinguishable, 1: always told apart; bootstrap 95% CI)",
)
ALPHA_PRECISION = MetricSpec(
    "fidelity.alpha_precision", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description="alpha-precision (Alaa et al. 2022, synthcity's naive variant on the encoded rows): do synthetic "
                "rows fall where the real density is, at every quantile alpha (beta-recall in the details)",
)
DENSITY = MetricSpec(
    "fidelity.density", goal=1.0, range=(0.0, float("inf")), needs=("train", "card"),
    description=f"density (Naeem et al. 2020, k = {NEAREST_K}, encoded rows): how many real rows' k-nearest-neighbour "
                "balls hold a synthetic row, on average, over k (1: as a fresh real sample; below: rows off the "
                "real data; above: rows crowded where real rows are dense; a copy scores about 1 + 1/k)",
)
COVERAGE = MetricSpec(
    "fidelity.coverage", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    description=f"coverage (Naeem et al. 2020, k = {NEAREST_K}, encoded rows): share of real rows with a synthetic "
                f"row inside their k-nearest-neighbour ball (a fresh real sample scores about 1 - 2^-{NEAREST_K}, "
                "a sample missing part of the real distribution less)",
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


def density_coverage(real: np.ndarray, synthetic: np.ndarray, k: int = NEAREST_K) -> tuple[float, float]:
    """Density and coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for
    Generative Models") of synthetic rows against real rows.

    Each real row has a ball reaching its k-th nearest real neighbour. Density counts, per synthetic
    row, the real balls that hold it, averaged and divided by k: about 1 for a fresh sample of the
    real distribution, 1 + 1/k for a copy of the real rows (each copy lies in its own ball and its k
    neighbours'), below 1 for rows off the real data. Coverage is the share of real rows whose ball
    holds a synthetic row: about 1 - 2^-k for a fresh sample, at most 1 for a copy, lower when part
    of the real distribution is missed. The formulas of synthcity 0.2.12 ``PRDCScore`` (a test checks
    they match), except that a ball includes its boundary: a copy then scores 1 + 1/k rather than
    exactly the fresh sample's 1, and a real row with k identical neighbours (radius 0, frequent in
    tables of categories) is covered by an identical synthetic row. Radii and real-to-synthetic
    distances come from the same exact computation, so a copied neighbour is on its boundary, not
    beside it by a rounding error.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> real = rng.normal(size=(1000, 3))
        >>> [round(v, 2) for v in density_coverage(real, rng.normal(size=(1000, 3)))]  # a fresh sample
        [0.99, 0.97]
        >>> [round(v, 2) for v in density_coverage(real, real.copy())]  # a copy
        [1.2, 1.0]
        >>> [round(v, 2) for v in density_coverage(real, 0.3 * rng.normal(size=(1000, 3)))]  # collapsed
        [1.07, 0.27]
        >>> [round(v, 2) for v in density_coverage(real, rng.normal(size=(1000, 3)) + 2)]  # shifted
        [0.18, 0.13]
    """
    inside, covered = 0, np.zeros(len(real), dtype=bool)
    for start in range(0, len(real), DISTANCE_BLOCK):
        block = real[start:start + DISTANCE_BLOCK]
        radii = np.partition(cdist(block, real), k, axis=1)[:, k]  # column 0 is the row itself
        within = cdist(block, synthetic) <= radii[:, None]
        inside += int(within.sum())
        covered[start:start + DISTANCE_BLOCK] = within.any(axis=1)
    return inside / (k * len(synthetic)), float(covered.mean())


def precision_coverage(context: ScoringContext) -> list[MetricResult]:
    """Alpha-precision (beta-recall in its details), density and coverage on equal-sized subsamples of
    the encoded tables."""
    real, synthetic = _encoded_pair(context, PRECISION_ROWS, NEAREST_K + 1, "alpha-precision, density and coverage")
    precision, recall = alpha_precision_beta_recall(real, synthetic)
    density, coverage = density_coverage(real, synthetic)
    details = pd.DataFrame({"rows_per_side": [len(real)], "k": [NEAREST_K], "beta_recall": [recall]})
    return [MetricResult(ALPHA_PRECISION.name, precision, details=details), MetricResult(DENSITY.name, density),
            MetricResult(COVERAGE.name, coverage)]


EVALUATORS = (
    Evaluator("fidelity.detection", (DETECTION_AUROC,), detection),
    Evaluator("fidelity.precision_coverage", (ALPHA_PRECISION, DENSITY, COVERAGE), precision_coverage),
)
