"""Carry missing values through generators that cannot model NaN themselves.

Each column with missing values gets an indicator column ``<column>__missing`` and its gaps are
filled with the training median (numerical) or mode (otherwise). The generator learns the
indicator like any other column, so the missingness pattern and its relation to other columns
are modelled; ``decode`` puts NaN back where the synthetic indicator says so.
"""

from __future__ import annotations

import pandas as pd

SUFFIX = "__missing"


class MissingnessEncoder:
    """Reversible NaN handling for NaN-unaware generators.

    Example:
        >>> import pandas as pd
        >>> train = pd.DataFrame({"x": [1.0, None, 3.0]})
        >>> enc = MissingnessEncoder().fit(train)
        >>> enc.encode(train).columns.tolist()
        ['x', 'x__missing']
        >>> enc.decode(enc.encode(train))["x"].isna().tolist()
        [False, True, False]
    """

    def fit(self, train: pd.DataFrame) -> "MissingnessEncoder":
        self.fill_values: dict[str, object] = {}
        for column in train.columns[train.isna().any()]:
            values = train[column].dropna()
            numeric = pd.api.types.is_numeric_dtype(values)
            self.fill_values[column] = values.median() if numeric else values.mode().iloc[0]
        return self

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column, fill in self.fill_values.items():
            out[column + SUFFIX] = frame[column].isna().astype(int)
            out[column] = frame[column].fillna(fill)
        return out

    def decode(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column in self.fill_values:
            indicator = out.pop(column + SUFFIX).round().astype(int) == 1
            out[column] = out[column].astype(float if pd.api.types.is_numeric_dtype(out[column]) else object)
            out.loc[indicator, column] = None
        return out
