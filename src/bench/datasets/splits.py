"""Deterministic train / holdout / control splits, stratified on the target, for tiny and large tables.

Sizes:

* **fractions** (default 60 / 20 / 20) are applied first, stratified on the target, so every part
  keeps the table's prevalence;
* **tiny tables** (e.g. Heart Failure, 299 rows): every part must keep at least
  ``min_class_rows`` (default 2) rows of each class; otherwise the split is refused with an error
  naming the part, the class and the counts, rather than handing metrics a one-class part;
* **large tables**: ``max_eval`` (default 10,000) caps the holdout and the control part each, and
  ``max_train`` (default none) optionally caps the training part. A capped part is a stratified
  subsample of its full part, drawn with the split seed, so the same table and seed always give
  the same rows, and capping the evaluation parts never changes the training part (rows left out
  by a cap are simply not used).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

DEFAULT_FRACTIONS = (0.6, 0.2, 0.2)
DEFAULT_MAX_EVAL = 10_000
DEFAULT_MIN_CLASS_ROWS = 2
PARTS = ("train", "holdout", "control")


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
               fractions: tuple[float, float, float] = DEFAULT_FRACTIONS, max_train: int | None = None,
               max_eval: int | None = DEFAULT_MAX_EVAL,
               min_class_rows: int = DEFAULT_MIN_CLASS_ROWS) -> Split:
    """Split ``frame`` into train / holdout / control, stratified on ``card.target``.

    The same frame and seed always give the same rows in each part, and the parts are disjoint.
    ``fractions`` are applied first; then ``max_train`` / ``max_eval`` (``None``: no cap) cap the
    training part and each evaluation part (holdout, control) by a stratified subsample drawn with
    ``split_seed``. Every part must keep ``min_class_rows`` rows of each class, or a ``BenchError``
    says which part and class fall short.

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...                    "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}})
        >>> frame = pd.DataFrame({"x": range(100), "y": [0, 1] * 50})
        >>> make_split(frame, card, split_seed=0).sizes()
        {'train': 60, 'holdout': 20, 'control': 20}
        >>> make_split(frame, card, split_seed=0, max_train=30, max_eval=10).sizes()
        {'train': 30, 'holdout': 10, 'control': 10}
    """
    if len(fractions) != 3 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise BenchError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    for key, cap in (("max_train", max_train), ("max_eval", max_eval)):
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise BenchError(f"split {key} must be a positive integer or None (no cap), got {cap!r}")
    if isinstance(min_class_rows, bool) or not isinstance(min_class_rows, int) or min_class_rows < 1:
        raise BenchError(f"split min_class_rows must be a positive integer, got {min_class_rows!r}")
    if card.target not in frame.columns:
        raise BenchError(f"dataset '{card.name}' has no target column '{card.target}'")
    counts = frame[card.target].value_counts()
    if len(counts) < 2 or counts.min() < 3:
        raise BenchError(f"dataset '{card.name}': target '{card.target}' needs two classes with at least "
                         f"3 rows each to stratify, got {counts.to_dict()}")
    train_frac, holdout_frac, control_frac = fractions
    try:
        train, rest = _stratified(frame, card.target, train_frac, split_seed)
        holdout, control = _stratified(rest, card.target, holdout_frac / (holdout_frac + control_frac), split_seed)
    except ValueError as exc:  # sklearn: a part too small to hold every class
        raise BenchError(f"dataset '{card.name}': cannot split {len(frame)} rows ({counts.to_dict()} by "
                         f"'{card.target}') into fractions {fractions}: {exc}") from exc
    parts = {"train": train, "holdout": holdout, "control": control}
    caps = {"train": max_train, "holdout": max_eval, "control": max_eval}
    for part, cap in caps.items():
        if cap is not None and len(parts[part]) > cap:
            parts[part], _ = _stratified(parts[part], card.target, cap, split_seed)
    _check_class_rows(parts, card, min_class_rows, counts)
    return Split(train=parts["train"].reset_index(drop=True), holdout=parts["holdout"].reset_index(drop=True),
                 control=parts["control"].reset_index(drop=True), card=card, split_seed=split_seed)


def _stratified(frame: pd.DataFrame, target: str, size: float | int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(kept, rest)``: ``size`` rows (an int) or share of rows (a float), stratified on ``target``."""
    from sklearn.model_selection import train_test_split  # imported here: `bench datasets` stays quick

    return train_test_split(frame, train_size=size, random_state=seed, stratify=frame[target])


def _check_class_rows(parts: dict[str, pd.DataFrame], card: DatasetCard, min_class_rows: int,
                      counts: pd.Series) -> None:
    for part, table in parts.items():
        have = table[card.target].value_counts().reindex(counts.index, fill_value=0)
        short = have[have < min_class_rows]
        if len(short):
            label = short.index[0]
            raise BenchError(
                f"dataset '{card.name}': the {part} part would get {int(short.iloc[0])} row(s) of class "
                f"{label!r} of '{card.target}' (the table has {int(counts[label])}); every part needs at least "
                f"{min_class_rows} rows of each class. Use a larger table, other fractions or a larger cap.")
