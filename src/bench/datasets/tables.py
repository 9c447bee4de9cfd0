"""Turn a card's source file into the analysis table: read, derive, mark missing values, clean, select."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from bench.datasets import fetch
from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

log = logging.getLogger(__name__)


def load_csv_table(card: DatasetCard, clean: bool = True, include_excluded: bool = False) -> pd.DataFrame:
    """Read the card's first source file and apply the card's steps, in this order.

    1. ``derive``: computed columns (``DataFrame.eval`` expressions over the file's columns);
    2. ``missing.zero_means_missing``: zeros that encode "not measured" become NaN;
    3. ``cleaning`` (when ``clean``): rows breaking a cleaning rule are dropped, with a log line per rule;
    4. the card's ``columns`` are kept, in card order (plus its ``excluded`` ones if ``include_excluded``).

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
    for column, expression in card.derive.items():
        frame[column] = _evaluate(frame, expression, f"card '{card.name}': derive.{column}")
    wanted = list(card.columns) + (list(card.excluded) if include_excluded or card.cleaning else [])
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        raise BenchError(f"{path}: column(s) {absent} named in card '{card.name}' are missing; "
                         f"the file has {list(frame.columns)}")
    frame = frame[wanted].copy()
    for column in card.missing.get("zero_means_missing", []):
        frame[column] = frame[column].astype(float).replace(0.0, np.nan)
    if clean:
        frame = apply_cleaning(frame, card)
    keep = list(card.columns) + (list(card.excluded) if include_excluded else [])
    return frame[keep].reset_index(drop=True)


def apply_cleaning(frame: pd.DataFrame, card: DatasetCard) -> pd.DataFrame:
    """Drop the rows that break any of the card's cleaning rules; log how many each rule removed.

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"},
        ...     "cleaning": [{"rule": "x > 0", "reason": "x is a count"}]})
        >>> len(apply_cleaning(pd.DataFrame({"x": [1, -1, 2], "y": [0, 1, 0]}), card))
        2
    """
    keep = pd.Series(True, index=frame.index)
    for item in card.cleaning:
        passes = _evaluate(frame, item["rule"], f"card '{card.name}': cleaning rule").astype(bool)
        log.info("%s: cleaning rule '%s' (%s) drops %d rows", card.name, item["rule"], item["reason"],
                 int((keep & ~passes).sum()))
        keep &= passes
    return frame[keep]


def _evaluate(frame: pd.DataFrame, expression: str, what: str) -> pd.Series:
    try:
        return frame.eval(expression, engine="python")
    except Exception as exc:  # pandas raises many types for a bad expression
        raise BenchError(f"{what}: cannot evaluate '{expression}': {type(exc).__name__}: {exc}") from exc
