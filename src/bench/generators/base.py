"""The generator contract: scikit-learn shaped, fit on the training split, sample with a seed."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

GENERATOR_FAMILIES = ("baseline", "statistical", "deep", "privacy")


def seeded_order(pool_size: int, n: int, seed: int) -> np.ndarray:
    """Positions of ``n`` rows drawn from a pool: seeded shuffles, one after another when ``n`` exceeds it.

    Example:
        >>> sorted(seeded_order(3, 3, seed=0).tolist()), len(seeded_order(3, 7, seed=0))
        ([0, 1, 2], 7)
    """
    rng = np.random.default_rng(seed)
    repeats = -(-n // pool_size)
    return np.concatenate([rng.permutation(pool_size) for _ in range(repeats)])[:n]


class GeneratorError(BenchError):
    """A generator failed or returned something that is not a synthetic version of its training table."""


class Generator(ABC):
    """Base class of every generator.

    ``__init__`` only stores hyperparameters; ``fit(train, card)`` learns; ``sample(n, seed)`` returns
    ``n`` rows with the training columns, dtypes and missing-value encoding. Subclasses implement
    ``_fit`` and ``_sample``; the base class checks inputs and conforms the output.

    Example:
        >>> import pandas as pd
        >>> from bench.generators import create
        >>> from bench.datasets import card
        >>> train = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [0, 1, 0]})
        >>> create("marginals").fit(train, card=None).sample(2, seed=0).columns.tolist()
        ['x', 'y']
    """

    name: ClassVar[str]
    family: ClassVar[str]
    description: ClassVar[str]
    differentially_private: ClassVar[bool] = False
    budget_knobs: ClassVar[tuple[str, ...]] = ()
    # Hyperparameters the generator accepts; None means "passed through and checked by the wrapped library".
    hyperparameter_names: ClassVar[tuple[str, ...] | None] = ()

    def __init__(self, random_state: int = 0, **params: Any) -> None:
        if self.hyperparameter_names is not None:
            unknown = sorted(set(params) - set(self.hyperparameter_names))
            if unknown:
                accepted = ", ".join(self.hyperparameter_names) or "none"
                raise GeneratorError(f"{self.name}: unknown hyperparameter(s) {unknown}; accepted: {accepted}")
        self.random_state = int(random_state)
        self.params = dict(params)
        self._template: pd.DataFrame | None = None

    def fit(self, train: pd.DataFrame, card: DatasetCard | None) -> "Generator":
        """Learn from the training split only; returns ``self``."""
        if not isinstance(train, pd.DataFrame) or train.empty:
            raise GeneratorError(f"{self.name}: fit needs a non-empty DataFrame, got {type(train).__name__}")
        self._template = train.iloc[:0].copy()
        self._has_missing = train.isna().any().to_dict()
        self._fit(train, card)
        return self

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """Draw ``n`` synthetic rows; the same fitted generator and seed give the same rows."""
        if self._template is None:
            raise GeneratorError(f"{self.name}: sample() called before fit()")
        if int(n) < 1:
            raise GeneratorError(f"{self.name}: n must be a positive number of rows, got {n}")
        synthetic = self._sample(int(n), int(seed))
        return self._conform(synthetic, int(n))

    def seen_rows(self, train: pd.DataFrame) -> pd.DataFrame:
        """The training rows this generator learnt from: all of ``train`` (``holdout`` keeps some unseen).

        Scores compare the synthetic table with these rows, so a baseline that returns real rows it
        never saw is not mistaken for a copy.
        """
        return train

    def hyperparameters(self) -> dict[str, Any]:
        """What defines this generator, for MLflow params (``gen.<name>``)."""
        return {"random_state": self.random_state, **self.params}

    @abstractmethod
    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None: ...

    @abstractmethod
    def _sample(self, n: int, seed: int) -> pd.DataFrame: ...

    def _conform(self, synthetic: pd.DataFrame, n: int) -> pd.DataFrame:
        """Check columns and row count, restore training dtypes, refuse NaNs the training data never had."""
        template = self._template
        assert template is not None
        if not isinstance(synthetic, pd.DataFrame):
            raise GeneratorError(f"{self.name}: returned {type(synthetic).__name__}, expected a DataFrame")
        missing = [c for c in template.columns if c not in synthetic.columns]
        if missing:
            raise GeneratorError(f"{self.name}: synthetic data lacks training column(s) {missing}")
        if len(synthetic) != n:
            raise GeneratorError(f"{self.name}: asked for {n} rows, got {len(synthetic)}")
        out = synthetic[list(template.columns)].reset_index(drop=True).copy()
        for column, dtype in template.dtypes.items():
            values = out[column]
            if values.isna().any() and not self._has_missing[column]:
                raise GeneratorError(f"{self.name}: produced missing values in column '{column}', "
                                     f"which has none in the training data")
            if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_numeric_dtype(values):
                raise GeneratorError(f"{self.name}: column '{column}' should be numeric like the training "
                                     f"data ({dtype}), got {values.dtype}")
            if pd.api.types.is_integer_dtype(dtype):
                out[column] = np.round(values.astype(float)).astype(dtype)
            else:
                out[column] = values.astype(dtype)
        if out.select_dtypes("number").apply(lambda s: np.isinf(s).any()).any():
            raise GeneratorError(f"{self.name}: produced infinite values")
        return out
