"""The explicit registry of datasets: a name maps to a card file and a loader function."""

from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from bench.datasets import schema, sepsis_like, user_data
from bench.datasets.cards import DatasetCard, cards_dir, load_card
from bench.datasets.splits import DEFAULT_FRACTIONS, DEFAULT_MAX_EVAL, Split, make_split
from bench.datasets.tables import load_csv_table
from bench.errors import BenchError, did_you_mean

Loader = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class DatasetEntry:
    """How to build one named dataset: its card file and the loader that turns it into a table.

    The loader is called as ``loader(card, **options)``; options are its keyword arguments (for CSV
    files ``clean`` and ``include_excluded``; for the simulator ``n_patients`` and ``seed``).
    With ``user_data``, the card is not shipped: it is the option ``card`` (a path; see
    ``bench.datasets.user_data``), and the cell id also covers the data file (option ``path``).
    """

    name: str
    card_file: str
    loader: Loader
    user_data: bool = False


DATASETS: dict[str, DatasetEntry] = {
    entry.name: entry
    for entry in (
        DatasetEntry("pima", "pima.yaml", load_csv_table),
        DatasetEntry("cdc_diabetes", "cdc_diabetes.yaml", load_csv_table),
        DatasetEntry("heart_failure", "heart_failure.yaml", load_csv_table),
        DatasetEntry("cardio", "cardio.yaml", load_csv_table),
        DatasetEntry("sepsis_survival", "sepsis_survival.yaml", load_csv_table),
        DatasetEntry("sepsis_survival_study", "sepsis_survival_study.yaml", load_csv_table),
        DatasetEntry("sepsis_like", "sepsis_like.yaml", sepsis_like.load),
        DatasetEntry("user_csv", "", user_data.load_user_csv, user_data=True),  # your own CSV and card
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


def option_names(name: str) -> list[str]:
    """The options a dataset takes: its loader's keyword arguments, and ``card`` for user data.

    Example:
        >>> option_names("user_csv")
        ['path', 'clean', 'include_excluded', 'card']
    """
    the_entry = entry(name)
    accepted = [p for p in inspect.signature(the_entry.loader).parameters if p != "card"]
    return accepted + (["card"] if the_entry.user_data else [])


def check_options(name: str, options: dict[str, Any]) -> None:
    """A clear error naming each option the dataset does not take, with the closest and all accepted ones.

    Example:
        >>> check_options("user_csv", {"file": "/data/ward.csv", "card": "/data/ward.yaml"})
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: dataset 'user_csv' has no option 'file'; expected one of: card, clean, include_excluded, path
    """  # noqa: E501 - a doctest's expected output, kept whole
    accepted = option_names(name)
    unknown = [key for key in options if key not in accepted]
    if unknown:
        raise BenchError(f"dataset '{name}' has no option {', '.join(repr(key) for key in unknown)}; "
                         f"{did_you_mean(unknown[0], accepted)}")


def card_path(name: str, **options: Any) -> Path:
    """The card file of a dataset: shipped in ``datasets/card_files/``, or the ``card`` option of user data.
    Options the dataset does not take are refused first, by name.

    Example:
        >>> card_path("pima").name
        'pima.yaml'
    """
    check_options(name, options)
    the_entry = entry(name)
    if the_entry.user_data:
        return user_data.option_path(name, options, "card")
    return cards_dir() / the_entry.card_file


def card(name: str, **options: Any) -> DatasetCard:
    """The validated card of a registered dataset (for ``user_csv``, pass its ``card`` option).

    Example:
        >>> card("pima").target
        'Outcome'
    """
    return load_card(card_path(name, **options))


def card_checksum(name: str, **options: Any) -> str:
    """sha256 of the card file: part of every cell id, so editing a card re-runs its cells.

    For user data (``user_csv``), the sha256 of the card's checksum and the data file's, since a
    private file need not carry a checksum in its card. Example:
        >>> len(card_checksum("pima"))
        64
    """
    path = card_path(name, **options)
    if not path.is_file():
        raise BenchError(f"dataset card not found: {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if entry(name).user_data:
        data = user_data.option_path(name, options, "path")
        if not data.is_file():
            raise BenchError(f"data file for dataset '{name}' not found: {data}")
        digest = hashlib.sha256(f"{digest}:{user_data.file_sha256(data)}".encode()).hexdigest()
    return digest


def load(name: str, **options: Any) -> tuple[pd.DataFrame, DatasetCard]:
    """Load the full table of a registered dataset and its card.

    Example:
        >>> frame, card = load("sepsis_like", n_patients=1000, seed=0)
        >>> len(frame)
        1000
    """
    the_entry = entry(name)
    loader_options = {k: v for k, v in options.items() if not (the_entry.user_data and k == "card")}
    the_card = card(name, **options)  # refuses unknown options by name
    frame = the_entry.loader(the_card, **loader_options)
    if options.get("include_excluded"):
        the_card = the_card.with_excluded()
    schema.validate_frame(frame, the_card)  # every dataset is checked against its card when loaded
    return frame, the_card


def load_split(name: str, split_seed: int = 0, fractions: tuple[float, float, float] = DEFAULT_FRACTIONS,
               max_train: int | None = None, max_eval: int | None = DEFAULT_MAX_EVAL, **options: Any) -> Split:
    """Load a dataset and split it deterministically into train / holdout / control (caps: see ``make_split``).

    Example:
        >>> load_split("sepsis_like", split_seed=0, n_patients=1000).sizes()
        {'train': 600, 'holdout': 200, 'control': 200}
    """
    frame, the_card = load(name, **options)
    return make_split(frame, the_card, split_seed=split_seed, fractions=fractions, max_train=max_train,
                      max_eval=max_eval)

