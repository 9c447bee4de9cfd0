"""Baselines that make every score interpretable: what "no correlations" and "the real data" score."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.generators.base import Generator, GeneratorError, seeded_order


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
    deterministic_on_cpu = True

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
    deterministic_on_cpu = True

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        self._train = train.reset_index(drop=True)

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        return self._train.iloc[seeded_order(len(self._train), n, seed)]


class HoldoutGenerator(Generator):
    """Real records the generator never saw: what "as good as real data" scores.

    Which real rows? The split's ``holdout`` part is the TSTR test set, so returning it would test
    a model on its own training rows; ``control`` is the privacy attacks' control arm. Two sources,
    chosen by the caller and recorded in ``source_``:

    * ``fit(train, card)`` (the plain contract, what a cell does today): the generator carves a
      seeded ``unseen_fraction`` (default 0.5) out of ``train``, treats the rest as the part it
      "saw", and returns rows of the unseen part only. No evaluation part is touched; the price is
      a smaller real table (half of ``train``). ``seen_rows(train)`` is the seen part, and a cell
      scores the output against it, so distance and membership metrics do not see the returned
      rows as training rows;
    * ``fit(train, card, reference=frame)``: rows of ``reference`` (e.g. the split's ``control``
      part, handed over by a runner that knows its privacy metrics do not use it for this cell)
      are returned; ``train`` only fixes the columns and dtypes.

    ``sample(n, seed)`` returns ``n`` distinct unseen rows when that many exist (a seeded draw);
    beyond that the rows repeat as seeded shuffles, as ``copy`` does.

    Example:
        >>> import pandas as pd
        >>> train = pd.DataFrame({"x": range(10)})
        >>> gen = HoldoutGenerator().fit(train, None)
        >>> out = gen.sample(5, seed=0)
        >>> set(out["x"]).isdisjoint(gen.seen_index_), len(set(out["x"])), gen.source_
        (True, 5, 'train (unseen part)')
        >>> sorted(HoldoutGenerator().fit(train, None, reference=pd.DataFrame({"x": [42, 43]})).sample(2, 0)["x"])
        [42, 43]
    """

    name = "holdout"
    family = "baseline"
    description = "real records the generator never saw (an unseen share of train, or a reference part)"
    hyperparameter_names = ("unseen_fraction",)
    deterministic_on_cpu = True

    def fit(self, train: pd.DataFrame, card: DatasetCard | None,
            reference: pd.DataFrame | None = None) -> "HoldoutGenerator":
        """Learn which real rows to return: ``reference`` if given, else an unseen share of ``train``."""
        if reference is not None:
            if not isinstance(reference, pd.DataFrame) or reference.empty:
                raise GeneratorError(f"holdout: reference must be a non-empty DataFrame, got "
                                     f"{type(reference).__name__}")
            missing = [c for c in train.columns if c not in reference.columns]
            if missing:
                raise GeneratorError(f"holdout: reference must be a non-empty DataFrame with the training "
                                     f"columns; missing {missing}")
        self._reference = reference
        super().fit(train, card)
        return self

    def seen_rows(self, train: pd.DataFrame) -> pd.DataFrame:
        """The part of ``train`` it treats as seen (all of it when a ``reference`` was given)."""
        return train if self._reference is not None else train.loc[self.seen_index_]

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        if self._reference is not None:
            self._pool = self._reference[list(train.columns)].reset_index(drop=True)
            self.seen_index_ = train.index
            self.source_ = "reference"
            return
        fraction = self.params.get("unseen_fraction", 0.5)
        if not isinstance(fraction, (int, float)) or not 0 < fraction < 1:
            raise GeneratorError(f"holdout: unseen_fraction must be in (0, 1), got {fraction!r}")
        if len(train) < 2:
            raise GeneratorError("holdout: needs at least 2 training rows to keep some unseen")
        order = np.random.default_rng(self.random_state).permutation(len(train))
        n_unseen = min(max(1, int(round(fraction * len(train)))), len(train) - 1)
        self.seen_index_ = train.index[np.sort(order[n_unseen:])]
        self._pool = train.iloc[np.sort(order[:n_unseen])].reset_index(drop=True)
        self.source_ = "train (unseen part)"

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        return self._pool.iloc[seeded_order(len(self._pool), n, seed)]
