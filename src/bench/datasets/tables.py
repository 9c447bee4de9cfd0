"""Turn a CSV file described by a card into the analysis table: read, derive, mark missing values, clean, select."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from bench.datasets import fetch
from bench.datasets.cards import DatasetCard
from bench.datasets.expressions import expression_columns
from bench.errors import BenchError, closest, did_you_mean, quoted_with_guess

log = logging.getLogger(__name__)


def load_csv_table(card: DatasetCard, clean: bool = True, include_excluded: bool = False) -> pd.DataFrame:
    """The registry's CSV loader: obtain the card's first source file (cache, mirror, download) and ``read_table`` it.

    Example:
        >>> from bench.datasets.cards import load_card, cards_dir
        >>> load_csv_table(load_card(cards_dir() / "pima.yaml")).shape  # doctest: +SKIP
        (768, 9)
    """
    if not card.sources:
        raise BenchError(f"dataset card '{card.name}' lists no source files")
    return read_table(fetch.resolve(card.sources[0]), card, clean=clean, include_excluded=include_excluded)


def read_table(path: Path | str, card: DatasetCard, clean: bool = True,
               include_excluded: bool = False) -> pd.DataFrame:
    """Read a CSV file described by ``card`` and apply the card's steps, in this order.

    1. ``source.read``: options passed to ``pandas.read_csv``;
    2. ``derive``: computed columns (``DataFrame.eval`` expressions over the file's columns and the
       columns derived before; a true/false result is stored as the integers 0/1);
    3. ``missing.zero_means_missing``: zeros that encode "not measured" become NaN;
    4. ``cleaning`` (when ``clean``): rows breaking a cleaning rule are dropped, with a log line per rule;
    5. the card's ``columns`` are kept, in card order (plus its ``excluded`` ones if ``include_excluded``).

    Shared by public datasets (``load_csv_table``) and your own files (``from_csv``); checksums and
    schema validation are the callers' business. Example:
        >>> import pathlib, tempfile
        >>> from bench.datasets.cards import parse_card
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"; _ = path.write_text("x,y,z\\n0,1,a\\n2,0,b\\n")
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"},
        ...     "missing": {"zero_means_missing": ["x"]}})
        >>> read_table(path, card)
             x  y
        0  NaN  1
        1  2.0  0
    """
    return prepare_table(read_csv_file(path, card), card, clean=clean, include_excluded=include_excluded,
                         where=str(path))


def read_csv_file(path: Path | str, card: DatasetCard) -> pd.DataFrame:
    """The raw CSV with the card's ``source.read`` options; a missing or unreadable file is a ``BenchError``.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"y": "categorical"}})
        >>> read_csv_file("no/such.csv", card)
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: data file for dataset 't' not found: no/such.csv
    """
    path = Path(path)
    if not path.is_file():
        raise BenchError(f"data file for dataset '{card.name}' not found: {path}")
    try:
        return pd.read_csv(path, **card.read_options)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise BenchError(f"{path}: could not be read as CSV with options {card.read_options}: {exc}") from exc


def prepare_table(frame: pd.DataFrame, card: DatasetCard, clean: bool = True, include_excluded: bool = False,
                  where: str = "table", problems: list[str] | None = None) -> pd.DataFrame:
    """Steps 2-5 of ``read_table`` on a frame already read.

    By default a step that cannot be applied (a card column the file lacks, a derive or cleaning
    expression that fails) raises a ``BenchError``. With a ``problems`` list, it is appended there
    instead and the step is skipped for what is missing, so a checker can report every problem at
    once (``bench datasets validate``); the absent columns are then simply not in the result. Each
    absent card column is reported once: a derived column whose expression failed is not reported
    again as missing. Names in ``missing.zero_means_missing`` that are no column of the card are
    left to ``schema.card_problems`` when a ``problems`` list is given.

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}})
        >>> found = []
        >>> list(prepare_table(pd.DataFrame({"y": [0, 1]}), card, problems=found).columns), len(found)
        (['y'], 1)
    """
    def fail(message: str) -> None:
        if problems is None:
            raise BenchError(message)
        problems.append(message)

    if card.derive:
        frame = frame.copy()  # derived columns must not land in the caller's frame
    failed = set()
    for column, expression in card.derive.items():
        try:
            frame[column] = derive_column(frame, expression, f"card '{card.name}': derive.{column}")
        except BenchError as exc:
            fail(str(exc))
            failed.add(column)  # reported once, here: not again as a missing column
    excluded = list(card.excluded)
    wanted = list(card.columns) + (excluded if include_excluded or card.cleaning else [])
    absent = [c for c in wanted if c not in frame.columns and c not in failed]
    if absent:
        fail(missing_columns_message(absent, list(frame.columns), card, where))
    frame = frame[[c for c in wanted if c in frame.columns]].copy()
    zeros = card.missing.get("zero_means_missing") or []
    for column in zeros:
        if column not in frame.columns:
            unknown = column not in card.columns and column not in card.excluded and column not in failed
            if unknown and problems is None:  # a checker (problems given) has it from schema.card_problems
                raise BenchError(f"card '{card.name}': missing.zero_means_missing names column '{column}', which "
                                 f"is not among the card's columns; {did_you_mean(column, list(card.columns))}")
            continue
        try:
            frame[column] = frame[column].astype(float).replace(0.0, np.nan)
        except (TypeError, ValueError) as exc:
            fail(f"{where}: column '{column}' (missing.zero_means_missing) is not numeric: {exc}")
    if clean:
        frame = apply_cleaning(frame, card, problems=problems)
    keep = list(card.columns) + (excluded if include_excluded else [])
    return frame[[c for c in keep if c in frame.columns]].reset_index(drop=True)


def apply_cleaning(frame: pd.DataFrame, card: DatasetCard, problems: list[str] | None = None) -> pd.DataFrame:
    """Drop the rows that break any of the card's cleaning rules; log how many each rule removed.

    A rule that cannot be evaluated raises a ``BenchError``, or with a ``problems`` list is noted there
    and skipped.

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
        try:
            passes = _evaluate(frame, item["rule"], f"card '{card.name}': cleaning rule").astype(bool)
        except BenchError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        log.info("%s: cleaning rule '%s' (%s) drops %d rows", card.name, item["rule"], item["reason"],
                 int((keep & ~passes).sum()))
        keep &= passes
    return frame[keep]


def derive_column(frame: pd.DataFrame, expression: str, what: str) -> pd.Series:
    """A ``derive`` expression evaluated on ``frame``; a true/false result becomes the integers 0/1.

    A comparison with a missing value is false in pandas; a true/false result is therefore missing
    (``<NA>``, dtype ``Int64``) on rows where a column the expression names is missing. A name the
    frame lacks is an error naming it, with the closest column. Example:
        >>> frame = pd.DataFrame({"num": [0, 2, None, 4]})
        >>> derive_column(frame, "num > 0", "derive.y").tolist()
        [0, 1, <NA>, 1]
        >>> derive_column(frame.dropna(), "num > 0", "derive.y").dtype
        dtype('int64')
        >>> derive_column(frame, "nm > 0", "derive.y")
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: derive.y: 'nm > 0' uses column 'nm' (did you mean 'num'?), which the file does not have; the file has ['num']
    """  # noqa: E501 - a doctest's expected output, kept whole
    unknown = [name for name in expression_columns(expression) if name not in frame.columns]
    if unknown:
        named = ", ".join(quoted_with_guess(name, frame.columns) for name in unknown)
        raise BenchError(f"{what}: '{expression}' uses column{'s' if len(unknown) > 1 else ''} {named}, which the "
                         f"file does not have; the file has {list(frame.columns)}")
    result = _evaluate(frame, expression, what)
    if isinstance(result, (bool, np.bool_)):
        result = pd.Series(bool(result), index=frame.index)
    if not (isinstance(result, pd.Series) and pd.api.types.is_bool_dtype(result.dtype)):
        return result
    named = expression_columns(expression)
    undetermined = frame[named].isna().any(axis=1) if named else pd.Series(False, index=frame.index)
    undetermined |= result.isna()
    if not undetermined.any():
        return result.astype(int)
    return result.astype("boolean").astype("Int64").mask(undetermined)


def missing_columns_message(absent: list[str], present: list[str], card: DatasetCard, where: str) -> str:
    """Card columns the file lacks, each with the file's closest column, and the file's columns.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"totchol": "numerical", "y": "categorical"}})
        >>> missing_columns_message(["totchol"], ["totChol", "y"], card, "t.csv")
        "t.csv: column(s) ['totchol'] named in card 't' are missing (did you mean 'totChol' for 'totchol'?); the file has ['totChol', 'y']"
    """  # noqa: E501 - a doctest's expected output, kept whole
    guesses = [f"'{close}' for '{name}'" for name in absent if (close := closest(name, present))]
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    return f"{where}: column(s) {absent} named in card '{card.name}' are missing{hint}; the file has {present}"


def _evaluate(frame: pd.DataFrame, expression: str, what: str) -> pd.Series:
    try:
        return frame.eval(expression, engine="python")
    except Exception as exc:  # pandas raises many types for a bad expression
        raise BenchError(f"{what}: cannot evaluate '{expression}': {type(exc).__name__}: {exc}") from exc
