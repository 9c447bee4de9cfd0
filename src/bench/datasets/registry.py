"""The explicit registry of datasets: a name maps to a card file and a loader function."""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from bench.datasets import sepsis_like
from bench.datasets.cards import DatasetCard, cards_dir, load_card
from bench.datasets.splits import DEFAULT_FRACTIONS, Split, make_split
from bench.datasets.tables import load_csv_table
from bench.errors import BenchError, did_you_mean

Loader = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class DatasetEntry:
    """How to build one named dataset: its card file and the loader that turns it into a table.

    The loader is called as ``loader(card, **options)``; options are its keyword arguments (for CSV
    files ``clean`` and ``include_excluded``; for the simulator ``n_patients`` and ``seed``).
    """

    name: str
    card_file: str
    loader: Loader


DATASETS: dict[str, DatasetEntry] = {
    entry.name: entry
    for entry in (
        DatasetEntry("pima", "pima.yaml", load_csv_table),
        DatasetEntry("sepsis_like", "sepsis_like.yaml", sepsis_like.load),
    )
}


def names() -> list[str]:
    """Registered dataset names. Example: ``'pima' in names()`` is True."""
    return sorted(DATASETS)


def entry(name: str) -> DatasetEntry:
    """The registry entry for ``name``, or a clear error suggesting the closest name."""
    if name not in DATASETS:
        raise BenchError(f"unknown dataset '{name}'; {did_you_mean(name, names())}")
    return DATASETS[name]


def card(name: str) -> DatasetCard:
    """The validated card of a registered dataset.

    Example:
        >>> card("pima").target
        'Outcome'
    """
    return load_card(cards_dir() / entry(name).card_file)


def card_checksum(name: str) -> str:
    """sha256 of the card file: part of every cell id, so editing a card re-runs its cells."""
    return hashlib.sha256((cards_dir() / entry(name).card_file).read_bytes()).hexdigest()


def load(name: str, **options: Any) -> tuple[pd.DataFrame, DatasetCard]:
    """Load the full table of a registered dataset and its card.

    Example:
        >>> frame, card = load("sepsis_like", n_patients=1000, seed=0)
        >>> len(frame)
        1000
    """
    the_card = card(name)
    loader = entry(name).loader
    accepted = [p for p in inspect.signature(loader).parameters if p != "card"]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise BenchError(f"dataset '{name}' has no option(s) {unknown}; its options: {', '.join(accepted) or 'none'}")
    frame = loader(the_card, **options)
    if options.get("include_excluded"):
        the_card = the_card.with_excluded()
    return frame, the_card


def load_split(name: str, split_seed: int = 0, fractions: tuple[float, float, float] = DEFAULT_FRACTIONS,
               **options: Any) -> Split:
    """Load a dataset and split it deterministically into train / holdout / control.

    Example:
        >>> load_split("sepsis_like", split_seed=0, n_patients=1000).sizes()
        {'train': 600, 'holdout': 200, 'control': 200}
    """
    frame, the_card = load(name, **options)
    return make_split(frame, the_card, split_seed=split_seed, fractions=fractions)

