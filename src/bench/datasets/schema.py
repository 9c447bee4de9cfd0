"""Does a table match its card? Types, value ranges, allowed values, the target and the missing-value policy.

The same checks serve two purposes:

* **real data, at load time** (``validate_frame``): every dataset is checked when it is loaded
  (``bench.datasets.load`` and ``from_csv``); any problem is a ``BenchError`` naming the dataset,
  the column, what was found (row counts and at most a couple of example values, never whole rows)
  and what the card expects;
* **synthetic data, as a validity check** (``check_synthetic``): the same problems are reported,
  one row per problem with the share of rows affected, instead of raising; no values are shown.

What is checked, per card column (``find_problems``):

==================  ============================================================================
problem             when
==================  ============================================================================
``missing_column``  a card column is absent from the table
``not_numeric``     a numerical column (or an ordinal one without ``values``) holds non-numbers
``not_datetime``    a datetime column holds values that do not parse as dates
``not_integer``     a numerical column declared ``integer: true`` holds a value that is not a whole number
``out_of_range``    a value lies outside the column's ``range: [low, high]`` (inclusive)
``unknown_value``   a categorical or ordinal value is not among the column's ``values``; true/false
                    values match only ``true``/``false`` in ``values``, never 0/1 (and 0/1 never
                    ``true``/``false``)
``missing_value``   a value is missing in the target or a column of ``missing.never_missing``
``target_classes``  the target does not have exactly two classes including ``positive_label``
``unknown_column``  a card key (``missing.never_missing``, ``missing.zero_means_missing``) names
                    a column the card does not declare
``unexpected_column``  the table has a column the card does not declare
``no_rows``         the table is empty
==================  ============================================================================

Table-level problems (a missing column, a target without both classes, no rows) affect every row:
their share is 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError, closest

EXAMPLES = 2  # offending values quoted in a load error; never whole rows
SYNTHETIC_COLUMNS = ["column", "problem", "share", "rows", "expected"]


@dataclass(frozen=True)
class Problem:
    """One way a table breaks its card: the column, a problem code, how many rows, found vs expected.

    ``found`` holds counts and, only when asked for (real data at load time), a couple of example
    values. Example:
        >>> p = Problem("age", "out_of_range", rows=2, share=0.02, found="2 of 100 rows outside the range",
        ...             expected="values in [0, 120]")
        >>> p.message()
        "column 'age': out_of_range: 2 of 100 rows outside the range; expected values in [0, 120]"
    """

    column: str
    problem: str
    rows: int
    share: float
    found: str
    expected: str

    def message(self) -> str:
        """One line: column, problem, what was found and what was expected."""
        return f"column '{self.column}': {self.problem}: {self.found}; expected {self.expected}"


def card_problems(card: DatasetCard) -> list[Problem]:
    """Problems of the card alone that ``cards.py`` does not catch: keys of ``missing`` naming unknown columns.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"},
        ...     "missing": {"never_missing": ["x", "z"]}})
        >>> [p.message() for p in card_problems(card)]
        ["column 'z': unknown_column: missing.never_missing names it; expected one of the card's columns: x, y"]
        >>> from dataclasses import replace
        >>> [p.found for p in card_problems(replace(card, missing={"zero_means_missing": ["X"]}))]
        ["missing.zero_means_missing names it (did you mean 'x'?)"]
    """
    problems = []
    known = set(card.columns) | set(card.excluded)
    for key in ("never_missing", "zero_means_missing"):
        listed = card.missing.get(key) or []
        if not isinstance(listed, list):
            problems.append(Problem(f"missing.{key}", "unknown_column", 0, 0.0, f"{listed!r}",
                                    "a list of column names"))
            continue
        for column in listed:
            if column not in known:
                close = closest(column, known)
                guess = f" (did you mean '{close}'?)" if close else ""
                problems.append(Problem(str(column), "unknown_column", 0, 0.0, f"missing.{key} names it{guess}",
                                        f"one of the card's columns: {', '.join(card.columns)}"))
    return problems


def find_problems(frame: pd.DataFrame, card: DatasetCard, examples: int = EXAMPLES) -> list[Problem]:
    """Every way ``frame`` breaks ``card`` (see the module docstring), in card column order.

    ``examples`` caps the example values quoted per problem (0 for none: synthetic data, reports).

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1,
        ...     "columns": {"x": {"type": "numerical", "range": [0, 10]}, "y": "categorical"}})
        >>> [p.message() for p in find_problems(pd.DataFrame({"x": [1, 50, 2, 3], "y": [0, 1, 0, 1]}), card)]
        ["column 'x': out_of_range: 1 of 4 rows (25.0%) outside [0, 10] (e.g. 50); expected values in [0, 10]"]
    """
    problems = card_problems(card)
    n = len(frame)
    if n == 0:
        return problems + [Problem("*", "no_rows", 0, 1.0, "the table has no rows", "at least one row per class")]
    never_missing = set(card.missing.get("never_missing") or []) if isinstance(
        card.missing.get("never_missing"), list) else set()
    never_missing.add(card.target)
    for column, kind in card.columns.items():
        if column not in frame.columns:
            problems.append(Problem(column, "missing_column", n, 1.0, "the table has no such column",
                                    f"a {kind} column '{column}'"))
            continue
        series = frame[column]
        problems += _type_and_value_problems(series, column, kind, card, n, examples)
        if column in never_missing:
            missing = int(series.isna().sum())
            if missing:
                why = "the target" if column == card.target else "missing.never_missing"
                problems.append(Problem(column, "missing_value", missing, missing / n,
                                        f"{_rows(missing, n)} missing", f"no missing values ({why})"))
        if column == card.target:
            problems += _target_problems(series, card, n)
    for column in frame.columns:
        if column not in card.columns:
            problems.append(Problem(str(column), "unexpected_column", n, 1.0, "the card does not declare it",
                                    f"only the card's columns: {', '.join(card.columns)}"))
    return problems


def validate_frame(frame: pd.DataFrame, card: DatasetCard) -> None:
    """Raise one ``BenchError`` listing every problem of a real table, or return ``None`` when it matches.

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "ward", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}})
        >>> validate_frame(pd.DataFrame({"x": [1.5, 2.0], "y": [0, 1]}), card)
        >>> validate_frame(pd.DataFrame({"x": [1.5, 2.0], "y": [1, 1]}), card)
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: dataset 'ward' does not match its card: 1 problem
          - column 'y': target_classes: 1 class: 1 (2 rows); expected two classes including the positive label 1
    """
    problems = find_problems(frame, card)
    if problems:
        where = f" ({card.path})" if card.path else ""
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise BenchError(f"dataset '{card.name}' does not match its card{where}: {count}\n"
                         + "\n".join(f"  - {p.message()}" for p in problems))


def check_synthetic(synthetic: pd.DataFrame, card: DatasetCard) -> pd.DataFrame:
    """The card's schema applied to a synthetic table: one row per problem, never raising, never showing values.

    Columns: ``column``, ``problem`` (codes as in the module docstring), ``share`` (of rows affected,
    1.0 for table-level problems), ``rows`` and ``expected``. Empty when the table is valid.

    Example:
        >>> import pandas as pd
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1,
        ...     "columns": {"x": {"type": "numerical", "range": [0, 10]}, "y": "categorical"}})
        >>> check_synthetic(pd.DataFrame({"x": [1, 50, 2, -3], "y": [0, 1, 0, 1]}), card)[
        ...     ["column", "problem", "share"]]
          column       problem  share
        0      x  out_of_range    0.5
    """
    rows = [{"column": p.column, "problem": p.problem, "share": p.share, "rows": p.rows, "expected": p.expected}
            for p in find_problems(synthetic, card, examples=0) if p.problem != "unknown_column"]
    return pd.DataFrame(rows, columns=SYNTHETIC_COLUMNS)


# --- the checks ----------------------------------------------------------------------------------

def _type_and_value_problems(series: pd.Series, column: str, kind: str, card: DatasetCard, n: int,
                             examples: int) -> list[Problem]:
    problems = []
    observed = series.dropna()
    allowed = card.column_values.get(column)
    numeric: pd.Series | None = None
    if kind == "numerical" or (kind == "ordinal" and allowed is None):
        numeric, bad = _as_numbers(observed)
        if len(bad):
            expected = ("numbers" if kind == "numerical"
                        else "numbers (an ordinal column without 'values' is ordered by value)")
            problems.append(Problem(column, "not_numeric", len(bad), len(bad) / n,
                                    f"{_rows(len(bad), n)} not numbers{_examples(bad, examples)}", expected))
    elif kind == "datetime":
        parsed = pd.to_datetime(observed, errors="coerce", format="mixed") \
            if not pd.api.types.is_datetime64_any_dtype(observed) else observed
        bad = observed[parsed.isna()]
        if len(bad):
            problems.append(Problem(column, "not_datetime", len(bad), len(bad) / n,
                                    f"{_rows(len(bad), n)} not dates{_examples(bad, examples)}", "dates"))
    if allowed is not None:
        bad = observed[~among(observed, allowed)]
        if len(bad):
            listed = ", ".join(_format(v) for v in allowed)
            problems.append(Problem(column, "unknown_value", len(bad), len(bad) / n,
                                    f"{_rows(len(bad), n)} with other values{_examples(bad, examples)}",
                                    f"one of: {listed}{_boolean_note(bad, allowed)}"))
    if column in card.integer_columns and kind == "numerical":
        if numeric is None:
            numeric, _ = _as_numbers(observed)
        bad = numeric[not_whole(numeric)]
        if len(bad):
            problems.append(Problem(column, "not_integer", len(bad), len(bad) / n,
                                    f"{_rows(len(bad), n)} not whole numbers{_examples(bad, examples)}",
                                    f"whole numbers (columns.{column}.integer: true)"))
    if column in card.column_ranges:
        if numeric is None:
            numeric, _ = _as_numbers(observed)
        low, high = card.column_ranges[column]
        outside = pd.Series(False, index=numeric.index)
        if low is not None:
            outside |= numeric < low
        if high is not None:
            outside |= numeric > high
        bad = numeric[outside]
        if len(bad):
            span = _span(low, high)
            problems.append(Problem(column, "out_of_range", len(bad), len(bad) / n,
                                    f"{_rows(len(bad), n)} outside {span}{_examples(bad, examples)}",
                                    f"values in {span}"))
    return problems


def _target_problems(series: pd.Series, card: DatasetCard, n: int) -> list[Problem]:
    """Exactly two classes, one of them the positive label; class values and counts are aggregates."""
    counts = series.dropna().value_counts()
    has_positive = bool(among(series, [card.positive_label]).any())
    if len(counts) == 2 and has_positive:
        return []
    shown = ", ".join(f"{_format(value)} ({count} rows)" for value, count in counts.head(5).items())
    more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
    found = f"{len(counts)} class{'es' if len(counts) != 1 else ''}: {shown or 'none'}{more}"
    if not has_positive:
        found += f"; the positive label {card.positive_label!r} ({type(card.positive_label).__name__}) never occurs"
        affected = n
    elif len(counts) > 2:  # rows outside the positive class and the most frequent other class
        others = counts.drop(index=[v for v in counts.index if v == card.positive_label])
        affected = int(others.iloc[1:].sum())
    else:
        affected = n
    return [Problem(card.target, "target_classes", affected, affected / n, found,
                    f"two classes including the positive label {_format(card.positive_label)}")]


def among(values: pd.Series, allowed: Any) -> pd.Series:
    """Which ``values`` are among ``allowed``, telling true/false apart from 1/0 (``isin`` does not).

    Example:
        >>> among(pd.Series([True, False, 1]), [0, 1]).tolist()
        [False, False, True]
        >>> among(pd.Series([True, 0, 1.0]), [True, False]).tolist()
        [True, False, False]
    """
    allowed = list(allowed)
    flags = _boolean_mask(values)
    booleans = [v for v in allowed if _is_boolean(v)]
    others = [v for v in allowed if not _is_boolean(v)]
    if not flags.any():
        return values.isin(others) if booleans else values.isin(allowed)
    result = pd.Series(False, index=values.index)
    result[flags] = values[flags].astype(object).isin(booleans) if booleans else False
    result[~flags] = values[~flags].isin(others) if others else False
    return result


def not_whole(numbers: pd.Series) -> pd.Series:
    """True where a number is not a whole number (fractions, infinities); missing values are never flagged.

    Example:
        >>> not_whole(pd.Series([1.0, 2.5, None, -3.0, float("inf")])).tolist()
        [False, True, False, False, True]
    """
    values = numbers.astype(float)
    return values.notna() & (~np.isfinite(values.fillna(0.0)) | (values != np.round(values)))


def _is_boolean(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _boolean_mask(values: pd.Series) -> pd.Series:
    """True where a value is a boolean (fast for boolean and numeric columns)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.notna()
    if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pd.Series(False, index=values.index)
    return values.map(_is_boolean).astype(bool)


def _boolean_note(bad: pd.Series, allowed: Any) -> str:
    """A hint when true/false values meet 0/1 values (or the reverse): they are not the same in a card."""
    bools_found, bools_allowed = bool(_boolean_mask(bad).any()), any(_is_boolean(v) for v in allowed)
    if bools_found and not bools_allowed:
        return ("; true/false values are not 0/1 (a derived true/false column is stored as 0/1, a file's "
                "column as read: declare values [true, false] for it)")
    if bools_allowed and not bools_found and pd.api.types.is_numeric_dtype(bad.dtype):
        return ("; 0/1 values are not true/false (a derived true/false column is stored as 0/1: "
                "declare values [0, 1])")
    return ""


def _as_numbers(observed: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The numeric view of non-missing values and the values that are not numbers."""
    if pd.api.types.is_bool_dtype(observed) or pd.api.types.is_numeric_dtype(observed):
        return observed.astype(float), observed.iloc[:0]
    numeric = pd.to_numeric(observed, errors="coerce")
    return numeric.dropna().astype(float), observed[numeric.isna()]


def _rows(count: int, n: int) -> str:
    return f"{count} of {n} rows ({100 * count / n:.1f}%)"


def _span(low: float | None, high: float | None) -> str:
    return f"[{'-inf' if low is None else _format(low)}, {'inf' if high is None else _format(high)}]"


def _examples(values: pd.Series, limit: int) -> str:
    """At most ``limit`` distinct offending values (single values, never rows), most extreme first for numbers."""
    if limit <= 0 or values.empty:
        return ""
    unique = pd.unique(values.to_numpy())
    if pd.api.types.is_numeric_dtype(values):
        unique = np.sort(unique)
        picked = [unique[0], unique[-1]] if limit >= 2 and len(unique) > 1 else list(unique[:limit])
    else:
        picked = list(unique[:limit])
    return " (e.g. " + ", ".join(_format(v) for v in picked[:limit]) + ")"


def _format(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    text = repr(value if not isinstance(value, np.str_) else str(value))
    return text if len(text) <= 30 else text[:27] + "..."


__all__ = ["Problem", "among", "card_problems", "check_synthetic", "find_problems", "not_whole", "validate_frame"]
