"""Bootstrap confidence intervals over the real test rows, computed for all resamples at once.

A resample is a row of a weight matrix ``W`` (``n_resamples x n_rows``): how many times each test
row was drawn. The classification measures below take such weights, so one matrix serves every
model, every subgroup (``W[:, mask]``) and paired differences (TSTR minus TRTR on the same
resamples). The point estimate is the same function with unit weights.
"""

from __future__ import annotations

import numpy as np

N_RESAMPLES = 500
CONFIDENCE = 0.95


def resample_weights(n_rows: int, seed: int, n_resamples: int = N_RESAMPLES) -> np.ndarray:
    """Row multiplicities of ``n_resamples`` bootstrap resamples of ``n_rows`` rows (float32).

    Example:
        >>> w = resample_weights(5, seed=0, n_resamples=3)
        >>> w.shape, w.sum(axis=1).tolist()
        ((3, 5), [5.0, 5.0, 5.0])
    """
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_rows, size=(n_resamples, n_rows))
    offsets = (np.arange(n_resamples) * n_rows)[:, None]
    counts = np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_rows)
    return counts.reshape(n_resamples, n_rows).astype(np.float32)


def unit_weights(n_rows: int) -> np.ndarray:
    """The weights of the observed sample itself (one resample, every row once)."""
    return np.ones((1, n_rows), dtype=np.float32)


def auroc(y_true: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted AUROC per resample (ties count one half); NaN where a resample lacks a class.

    Example:
        >>> import numpy as np
        >>> y, s = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
        >>> auroc(y, s, unit_weights(4)).round(3).tolist()
        [0.75]
    """
    y_true = np.asarray(y_true).astype(bool)
    levels, level_of_row = np.unique(np.asarray(scores), return_inverse=True)
    positive = _per_level(weights * y_true, level_of_row, len(levels))
    negative = _per_level(weights * ~y_true, level_of_row, len(levels))
    negatives_below = np.cumsum(negative, axis=1) - negative
    wins = (positive * (negatives_below + 0.5 * negative)).sum(axis=1)
    pairs = positive.sum(axis=1) * negative.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1), np.nan)


def _per_level(weights: np.ndarray, level_of_row: np.ndarray, n_levels: int) -> np.ndarray:
    """Sum of each resample's weights per score level (``n_resamples x n_levels``)."""
    from scipy.sparse import csr_matrix

    n_rows = len(level_of_row)
    membership = csr_matrix((np.ones(n_rows), (np.arange(n_rows), level_of_row)), shape=(n_rows, n_levels))
    return np.asarray((membership.T @ weights.T.astype(np.float64)).T)


def accuracy(y_true: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted share of correct decisions per resample.

    Example:
        >>> accuracy(np.array([0, 1, 1]), np.array([0, 1, 0]), unit_weights(3)).round(3).tolist()
        [0.667]
    """
    correct = (np.asarray(y_true).astype(bool) == np.asarray(predicted).astype(bool)).astype(np.float32)
    return _ratio(weights @ correct, weights.sum(axis=1))


def f1(y_true: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted F1 of the positive class per resample (0 when nothing is positive or flagged).

    Example:
        >>> f1(np.array([0, 1, 1]), np.array([1, 1, 0]), unit_weights(3)).round(3).tolist()
        [0.5]
    """
    y, p = np.asarray(y_true).astype(bool), np.asarray(predicted).astype(bool)
    true_pos = weights @ (y & p).astype(np.float32)
    errors = weights @ (y ^ p).astype(np.float32)
    denominator = 2 * true_pos + errors
    return np.where(denominator > 0, 2 * true_pos / np.where(denominator > 0, denominator, 1), 0.0)


def brier(y_true: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean squared error of the predicted probability per resample (lower is better).

    Example:
        >>> brier(np.array([0, 1]), np.array([0.2, 0.6]), unit_weights(2)).round(3).tolist()
        [0.1]
    """
    squared = ((np.asarray(scores, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)) ** 2)
    return _ratio(weights @ squared.astype(np.float32), weights.sum(axis=1))


def rate(flags: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted share of True values per resample (NaN for a resample with no weight)."""
    return _ratio(weights @ np.asarray(flags).astype(np.float32), weights.sum(axis=1))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan).astype(
            np.float64)


def estimate(measure, y_true: np.ndarray, values: np.ndarray,
             weights: np.ndarray) -> tuple[float, np.ndarray]:
    """``(value on the sample itself, value on every resample)`` of one of the measures above.

    Example:
        >>> value, resampled = estimate(auroc, np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8]),
        ...                             resample_weights(4, seed=0, n_resamples=3))
        >>> value, resampled.shape
        (1.0, (3,))
    """
    return float(measure(y_true, values, unit_weights(len(y_true)))[0]), measure(y_true, values, weights)


def interval(values: np.ndarray, min_defined: float = 0.5) -> tuple[float | None, float | None]:
    """Percentile 95% interval of resampled values; ``(None, None)`` when under ``min_defined`` of
    them are defined (e.g. a small subgroup whose resamples often miss a class).

    Example:
        >>> [round(bound, 6) for bound in interval(np.arange(101, dtype=float))]
        [2.5, 97.5]
        >>> interval(np.array([1.0, np.nan, np.nan]))
        (None, None)
    """
    values = np.asarray(values, dtype=np.float64)
    defined = values[~np.isnan(values)]
    if len(values) == 0 or len(defined) < min_defined * len(values):
        return None, None
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)


__all__ = ["N_RESAMPLES", "accuracy", "auroc", "brier", "estimate", "f1", "interval", "rate", "resample_weights",
           "unit_weights"]
