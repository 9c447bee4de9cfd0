"""Turn a card's source file into the analysis table: read, mark missing values, keep card columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.datasets import fetch
from bench.datasets.cards import DatasetCard
from bench.errors import BenchError


def load_csv_table(card: DatasetCard) -> pd.DataFrame:
    """Read the card's first source file and apply its ``missing`` rules.

    ``missing.zero_means_missing`` lists columns where 0 encodes "not measured" (as in Pima); those
    zeros become NaN. The result has exactly the card's columns, in card order.

    Example:
        >>> from bench.datasets.cards import load_card, cards_dir
        >>> load_csv_table(load_card(cards_dir() / "pima.yaml")).shape  # doctest: +SKIP
        (768, 9)
    """
    if not card.sources:
        raise BenchError(f"dataset card '{card.name}' lists no source files")
    path = fetch.resolve(card.sources[0])
    try:
        frame = pd.read_csv(path, **card.read_options)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise BenchError(f"{path}: could not be read as CSV with options {card.read_options}: {exc}") from exc
    absent = [c for c in card.columns if c not in frame.columns]
    if absent:
        raise BenchError(f"{path}: column(s) {absent} named in card '{card.name}' are missing; "
                         f"the file has {list(frame.columns)}")
    frame = frame[list(card.columns)].copy()
    for column in card.missing.get("zero_means_missing", []):
        frame[column] = frame[column].astype(float).replace(0.0, np.nan)
    return frame
