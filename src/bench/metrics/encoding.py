"""A numeric encoding of mixed clinical tables, fitted on real data, for distances and classifiers.

* numerical, ordinal and datetime columns: min-max scaled by the real column's observed range
  (so a difference across the whole real range counts 1); a missing value takes the real median
  and sets a 0/1 missing indicator, one per such column;
* categorical columns: one-hot over the real categories, scaled by 1/sqrt(2) so that two
  different categories are at Euclidean distance 1, like two numbers at opposite ends of the real
  range; a category the real data never had is all zeros.

Every column of the card is encoded, the target included: the metrics using it judge whole rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard

CATEGORY_SCALE = 1 / np.sqrt(2)


def _as_number(column: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.astype("int64").where(column.notna()).astype(float)
    return pd.to_numeric(column, errors="coerce").astype(float)


@dataclass
class TableEncoder:
    """Fit on a real table with ``fit``; ``transform`` any table with the card's columns.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}})
        >>> real = pd.DataFrame({"x": [0.0, 10.0, None], "y": [0, 1, 1]})
        >>> TableEncoder(card).fit(real).transform(real).round(3).tolist()
        [[0.0, 0.0, 0.707, 0.0], [1.0, 0.0, 0.0, 0.707], [0.5, 1.0, 0.0, 0.707]]
    """

    card: DatasetCard
    numeric: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # column -> (min, span, median)
    categories: dict[str, list] = field(default_factory=dict)

    def fit(self, real: pd.DataFrame) -> "TableEncoder":
        for column, kind in self.card.columns.items():
            if kind == "categorical":
                self.categories[column] = list(pd.unique(real[column].dropna()))
            else:
                values = _as_number(real[column]).dropna()
                low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 0.0)
                median = float(values.median()) if len(values) else 0.0
                self.numeric[column] = (low, (high - low) or 1.0, median)
        return self

    def transform(self, table: pd.DataFrame) -> np.ndarray:
        """The encoded rows as a float64 array (no NaN), columns in card order."""
        blocks = []
        for column in self.card.columns:
            if column in self.categories:
                values = table[column].to_numpy()
                blocks.append(np.stack([values == c for c in self.categories[column]], axis=1)
                              if self.categories[column] else np.zeros((len(table), 0)))
                blocks[-1] = blocks[-1].astype(np.float64) * CATEGORY_SCALE
            else:
                low, span, median = self.numeric[column]
                values = _as_number(table[column])
                missing = values.isna().to_numpy(dtype=np.float64)
                blocks.append(np.stack([((values.fillna(median) - low) / span).to_numpy(), missing], axis=1))
        return np.concatenate(blocks, axis=1) if blocks else np.zeros((len(table), 0))


__all__ = ["TableEncoder"]
