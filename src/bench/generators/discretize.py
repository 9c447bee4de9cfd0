"""Integer codes 0..k-1 for every column, for models that only handle discrete data (AIM, marginal
mechanisms): a column with at most ``n_bins`` distinct values is coded by value; a column with more
is cut into at most ``n_bins`` quantile bins and, on the way back, each code becomes a seeded
uniform draw inside its bin (a whole number inside the bin for integer columns).

The bin edges are quantiles of the training data. For a differentially private model this is
outside the privacy guarantee, as are the encoders synthcity fits on real data for all its DP
plugins; the README says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class _Column:
    values: np.ndarray | None  # coded by value: the distinct values, in code order
    edges: np.ndarray | None   # binned: the bin edges (k + 1 of them)
    integer: bool


class QuantileDiscretizer:
    """Code numeric columns as 0..k-1 and back.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"x": [float(v) for v in range(100)], "flag": [0, 1] * 50})
        >>> disc = QuantileDiscretizer(n_bins=4).fit(frame)
        >>> codes = disc.encode(frame)
        >>> sorted(codes["x"].unique()), sorted(codes["flag"].unique())
        ([0, 1, 2, 3], [0, 1])
        >>> back = disc.decode(codes, seed=0)  # each value drawn again inside its own bin
        >>> disc.encode(back).equals(codes), back["flag"].tolist() == frame["flag"].tolist()
        (True, True)
    """

    def __init__(self, n_bins: int = 16) -> None:
        if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 2:
            raise ValueError(f"n_bins must be an integer >= 2, got {n_bins!r}")
        self.n_bins = int(n_bins)

    def fit(self, frame: pd.DataFrame) -> "QuantileDiscretizer":
        """Learn each column's values or bin edges (the frame must be numeric and complete)."""
        self.columns: dict[str, _Column] = {}
        for name in frame.columns:
            values = frame[name].to_numpy(dtype=float)
            integer = pd.api.types.is_integer_dtype(frame[name])
            distinct = np.unique(values)
            if len(distinct) <= self.n_bins:
                self.columns[name] = _Column(distinct, None, integer)
                continue
            edges = np.unique(np.quantile(values, np.linspace(0, 1, self.n_bins + 1)))
            self.columns[name] = _Column(None, edges, integer)
        return self

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each value as its code (unseen values go to the nearest code)."""
        out = {}
        for name, column in self.columns.items():
            values = frame[name].to_numpy(dtype=float)
            if column.values is not None:
                codes = np.searchsorted(column.values, values)
                codes = np.clip(codes, 0, len(column.values) - 1)
                left = np.clip(codes - 1, 0, None)
                closer_left = np.abs(values - column.values[left]) < np.abs(values - column.values[codes])
                out[name] = np.where(closer_left, left, codes)
            else:
                inner = column.edges[1:-1]
                out[name] = np.searchsorted(inner, values, side="right")
        return pd.DataFrame(out, index=frame.index).astype(int)

    def decode(self, codes: pd.DataFrame, seed: int) -> pd.DataFrame:
        """Codes back to values: the coded value, or a seeded uniform draw inside the code's bin."""
        rng = np.random.default_rng(seed)
        out = {}
        for name, column in self.columns.items():
            code = np.round(codes[name].to_numpy(dtype=float)).astype(int)
            if column.values is not None:
                out[name] = column.values[np.clip(code, 0, len(column.values) - 1)]
                continue
            last = len(column.edges) - 2
            code = np.clip(code, 0, last)
            low, high = column.edges[code], column.edges[code + 1]
            if not column.integer:
                out[name] = rng.uniform(low, high)
                continue
            # The whole numbers of [low, high), or of [low, high] for the last bin.
            first = np.ceil(low)
            end = np.where(code == last, np.floor(high), np.ceil(high) - 1)
            out[name] = rng.integers(first, np.maximum(first, end) + 1).astype(float)
        return pd.DataFrame(out, index=codes.index)
