"""Deterministic train / holdout / control splits, stratified on the target."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.model_selection import train_test_split

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

DEFAULT_FRACTIONS = (0.6, 0.2, 0.2)


@dataclass(frozen=True)
class Split:
    """The three real parts of a dataset.

    ``train`` is the only part a generator ever sees; ``holdout`` is the real test set for TSTR and
    distance baselines; ``control`` is kept apart for the privacy attacks' control arm.
    """

    train: pd.DataFrame
    holdout: pd.DataFrame
    control: pd.DataFrame
    card: DatasetCard
    split_seed: int

    def sizes(self) -> dict[str, int]:
        """Row counts of each part (aggregates only: safe to print)."""
        return {"train": len(self.train), "holdout": len(self.holdout), "control": len(self.control)}


def make_split(frame: pd.DataFrame, card: DatasetCard, split_seed: int,
               fractions: tuple[float, float, float] = DEFAULT_FRACTIONS) -> Split:
    """Split ``frame`` into train / holdout / control, stratified on ``card.target``.

    The same frame and seed always give the same rows in each part, and the parts are disjoint.

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...                    "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}})
        >>> split = make_split(pd.DataFrame({"x": range(100), "y": [0, 1] * 50}), card, split_seed=0)
        >>> split.sizes()
        {'train': 60, 'holdout': 20, 'control': 20}
    """
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise BenchError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    if card.target not in frame.columns:
        raise BenchError(f"dataset '{card.name}' has no target column '{card.target}'")
    counts = frame[card.target].value_counts()
    if len(counts) < 2 or counts.min() < 3:
        raise BenchError(f"dataset '{card.name}': target '{card.target}' needs two classes with at least "
                         f"3 rows each to stratify, got {counts.to_dict()}")
    train_frac, holdout_frac, control_frac = fractions
    train, rest = train_test_split(frame, train_size=train_frac, random_state=split_seed,
                                   stratify=frame[card.target])
    holdout, control = train_test_split(rest, train_size=holdout_frac / (holdout_frac + control_frac),
                                        random_state=split_seed, stratify=rest[card.target])
    return Split(train=train.reset_index(drop=True), holdout=holdout.reset_index(drop=True),
                 control=control.reset_index(drop=True), card=card, split_seed=split_seed)
