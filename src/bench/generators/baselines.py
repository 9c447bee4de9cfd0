"""Baselines that make every score interpretable: what "no correlations" and "the real data" score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.generators.base import Generator


class MarginalsGenerator(Generator):
    """Independent per-column sampling: each column is drawn from its own empirical distribution.

    Every column keeps its distribution (including its share of missing values) while all
    relationships between columns are destroyed: the floor for bivariate fidelity and for utility.

    Example:
        >>> import pandas as pd
        >>> train = pd.DataFrame({"x": [1.0, 2.0, None], "y": ["a", "b", "b"]})
        >>> MarginalsGenerator().fit(train, None).sample(4, seed=1).shape
        (4, 2)
    """

    name = "marginals"
    family = "baseline"
    description = "independent per-column sampling from the empirical marginals (no correlations)"

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        self._columns = {column: train[column].to_numpy() for column in train.columns}

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        return pd.DataFrame({column: rng.choice(values, size=n, replace=True)
                             for column, values in self._columns.items()})


class CopyGenerator(Generator):
    """The training data itself: the ceiling for fidelity and the floor for privacy.

    ``sample(n)`` returns a seeded shuffle of the training rows (repeated if ``n`` exceeds them).

    Example:
        >>> import pandas as pd
        >>> train = pd.DataFrame({"x": [1, 2, 3]})
        >>> sorted(CopyGenerator().fit(train, None).sample(3, seed=0)["x"])
        [1, 2, 3]
    """

    name = "copy"
    family = "baseline"
    description = "the training rows themselves (maximal fidelity, no privacy)"

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        self._train = train.reset_index(drop=True)

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        repeats = -(-n // len(self._train))
        order = np.concatenate([rng.permutation(len(self._train)) for _ in range(repeats)])[:n]
        return self._train.iloc[order]
