"""What the evaluators of one synthetic table share, computed on first use: TSTR predictions, the
real reference (TRTR), bootstrap resamples of the holdout and the holdout labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.datasets.splits import Split
from bench.errors import BenchError
from bench.metrics import bootstrap
from bench.metrics.models import MODELS, FitFailure, ModelFailed, Prediction, fit_predict_or_failure, labels
from bench.metrics.options import resolve_options
from bench.metrics.reference import RealReference, real_reference


@dataclass
class ScoringContext:
    """One synthetic table to score against one real split, with a metric seed.

    The seed drives every random choice of the metrics (models, resamples, subsamples, attacks),
    so the same table and seed always give the same numbers. ``options`` are the resolved
    ``bench.metrics.options`` (attack budget, risk threshold, ...).

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> context = ScoringContext(split, split.train, seed=0)
        >>> context.weights.shape == (bootstrap.N_RESAMPLES, len(split.holdout))
        True
    """

    split: Split
    synthetic: pd.DataFrame = field(repr=False)
    seed: int = 0
    options: dict[str, Any] = field(default_factory=lambda: resolve_options(None))
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    def shared(self, key: str, build: Callable[["ScoringContext"], Any]) -> Any:
        """``build(self)``, computed once per context under ``key``, for work several evaluators need.

        Example:
            >>> from bench.datasets import load_split
            >>> context = ScoringContext(load_split("sepsis_like", n_patients=1000), pd.DataFrame(), seed=0)
            >>> context.shared("n", lambda c: len(c.split.train)), context.shared("n", lambda c: -1)
            (600, 600)
        """
        if key not in self._shared:
            self._shared[key] = build(self)
        return self._shared[key]

    @property
    def card(self) -> DatasetCard:
        return self.split.card

    @cached_property
    def reference(self) -> RealReference:
        return real_reference(self.split, self.seed)

    @cached_property
    def tstr(self) -> dict[str, Prediction | FitFailure]:
        """Every utility model trained on the synthetic rows, scored on the real holdout (or why it failed)."""
        return {model: fit_predict_or_failure(model, self.synthetic, self.split.holdout, self.card, self.seed)
                for model in MODELS}

    def arms(self, model: str) -> dict[str, Prediction]:
        """The model's TSTR and TRTR predictions; ``ModelFailed`` with the reason when either failed, and
        ``BenchError`` when the holdout lacks a class (no comparison on it is then possible).

        Example:
            >>> from bench.datasets import load_split
            >>> split = load_split("sepsis_like", n_patients=1000)
            >>> context = ScoringContext(split, split.train.assign(age="old"), seed=0)
            >>> context.arms("lr")
            Traceback (most recent call last):
            ...
            bench.metrics.models.ModelFailed: TSTR logistic regression (L2, lbfgs) failed: ValueError: ...
        """
        _ = self.holdout_labels  # raises first when the holdout has one class, before any model is fitted
        arms = {"tstr": self.tstr[model], "trtr": self.reference.trtr[model]}
        for arm, prediction in arms.items():
            if isinstance(prediction, FitFailure):
                raise ModelFailed(f"{arm.upper()} {prediction.reason}")
        return arms

    @cached_property
    def selection_rate(self) -> float:
        """The share of holdout patients every model flags (``decisions``): the positive share of the
        real training rows, one rate for TSTR and TRTR alike."""
        return float(labels(self.split.train, self.card).mean())

    def decisions(self, prediction: Prediction) -> np.ndarray:
        """The prediction's yes/no decisions at ``selection_rate``, ties broken with the metric seed.

        Example:
            >>> from bench.datasets import load_split
            >>> split = load_split("sepsis_like", n_patients=1000)
            >>> context = ScoringContext(split, split.train, seed=0)
            >>> flagged = context.decisions(Prediction(np.zeros(len(split.holdout)), prevalence=0.5))
            >>> int(flagged.sum()) == round(context.selection_rate * len(split.holdout))
            True
        """
        return prediction.decisions(self.selection_rate, self.seed)

    @cached_property
    def holdout_labels(self) -> np.ndarray:
        """1 for the positive label, else 0; raises when the holdout lacks a class (AUROC needs both)."""
        y = labels(self.split.holdout, self.card)
        if len(np.unique(y)) < 2:
            raise BenchError(f"the real holdout has {len(y)} row(s), all of one class of '{self.card.target}' "
                             f"(positive label {self.card.positive_label!r}); utility needs both classes")
        return y

    @cached_property
    def weights(self) -> np.ndarray:
        """Bootstrap resamples of the holdout rows, shared by every utility and fairness CI (paired)."""
        return bootstrap.resample_weights(len(self.split.holdout), self.seed)


__all__ = ["ScoringContext"]
