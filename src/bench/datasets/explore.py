"""Explore a real table through aggregates only: columns, missingness, rules, subgroups (figures: explore_figures).

Everything here returns summaries that are safe to show in a notebook, never rows. Two
protections apply throughout:

* **No minimum or maximum.** For a table of a few hundred patients the extremes are single
  patients' values (the oldest woman, the highest insulin), so summaries stop at the quartiles and
  histograms leave out the outer tails (below the 1st and above the 99th percentile, or the ``k``
  most extreme rows on each side, whichever is more), so an extreme value is drawn only when at
  least ``k`` rows share it (a heap, such as the youngest age admitted to a study).
* **Small-cell suppression.** Any count from 1 to ``k - 1`` (``k = 5`` by default) is shown as
  ``"<5"``, and a share or prevalence that would reveal such a count is shown as ``"<5 rows"``.
  A count of 1-4 in a subgroup, a missingness pattern or a broken rule can identify patients: if
  "2 women aged 50+ broke the BMI rule" is printed, anyone who knows one of those women learns
  something about her health record, and combined with other tables even a count can single a
  person out. This is the usual rule of statistical disclosure control for health tables (counts
  below 5 are suppressed). Zero is shown as it is. Histogram bins are merged until each holds at
  least ``k`` rows, and categories with fewer than ``k`` rows are pooled.

The exact, unsuppressed numbers that fairness metrics need come from ``bench.datasets.subgroups``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.datasets.rules import judge_rules, rule_columns
from bench.datasets.subgroups import subgroup_sizes
from bench.errors import BenchError

SMALL_CELL_K = 5


# --------------------------------------------------------------------------------------------- suppression


def suppressed_label(k: int = SMALL_CELL_K) -> str:
    """How a suppressed count is shown. Example: ``suppressed_label()`` is ``'<5'``."""
    return f"<{k}"


def is_small(count: int, k: int = SMALL_CELL_K) -> bool:
    """True for a count that must not be shown (1 to k - 1; zero is not small).

    Example:
        >>> [is_small(c) for c in (0, 1, 4, 5)]
        [False, True, True, False]
    """
    return 0 < count < k


def suppress_count(count: int, k: int = SMALL_CELL_K) -> int | str:
    """The count itself, or ``"<k"`` when it is from 1 to ``k - 1``.

    Example:
        >>> suppress_count(3), suppress_count(0), suppress_count(12)
        ('<5', 0, 12)
    """
    return suppressed_label(k) if is_small(count, k) else int(count)


def suppress_share(count: int, total: int, k: int = SMALL_CELL_K) -> float | str:
    """``count / total``, or ``"<k rows"`` when the count behind it must not be shown (NaN if total is 0).

    Example:
        >>> suppress_share(374, 768) == 374 / 768, suppress_share(2, 768)
        (True, '<5 rows')
    """
    if is_small(count, k):
        return f"{suppressed_label(k)} rows"
    return count / total if total else math.nan


# --------------------------------------------------------------------------------------------- the card


def card_markdown(card: DatasetCard, frame: pd.DataFrame | None = None) -> str:
    """The card's description as Markdown: title, what it is, size, target, licence, citation, caveats.

    Example:
        >>> from bench.datasets import card
        >>> card_markdown(card("pima")).splitlines()[0]
        '### Pima Indians Diabetes Database (`pima`)'
    """
    lines = [f"### {card.title} (`{card.name}`)", ""]
    if card.description:
        lines += [card.description, ""]
    if frame is not None:
        lines.append(f"- **Size:** {len(frame):,} rows × {frame.shape[1]} columns")
    lines += [
        f"- **Family:** {card.family}; **task:** {card.task.replace('_', ' ')}",
        f"- **Target:** `{card.target}` (positive label `{card.positive_label}`)",
        f"- **Licence:** {card.licence}",
        f"- **Citation:** {card.citation}",
    ]
    if card.caveats:
        lines += ["", "**Caveats**", ""] + [f"- {caveat}" for caveat in card.caveats]
    return "\n".join(lines)


def column_roles(card: DatasetCard) -> pd.DataFrame:
    """Every column of the card with its type and its roles: target, sensitive, quasi-identifier, secret.

    Example:
        >>> from bench.datasets import card
        >>> column_roles(card("pima")).loc["Age", "roles"]
        'sensitive (bands 21-29, 30-39, 40-49, 50+), quasi-identifier'
    """
    sensitive = {a.column: a for a in card.sensitive}
    rows = []
    for column, kind in card.columns.items():
        roles = []
        if column == card.target:
            roles.append(f"target (positive = {card.positive_label})")
        if column in sensitive:
            bands = sensitive[column].labels
            roles.append(f"sensitive (bands {', '.join(bands)})" if bands else "sensitive")
        if column in card.quasi_identifiers:
            roles.append("quasi-identifier")
        if column in card.secrets:
            roles.append("secret")
        rows.append({"column": column, "type": kind, "roles": ", ".join(roles)})
    return pd.DataFrame(rows).set_index("column")


def privacy_roles(card: DatasetCard) -> pd.DataFrame:
    """The attacker's view of a card: what an attacker is assumed to know and what they want to learn.

    Example:
        >>> from bench.datasets import card
        >>> privacy_roles(card("pima"))["role"].value_counts().to_dict()
        {'quasi-identifier': 4, 'secret': 3}
    """
    rows = [{"column": c, "role": "quasi-identifier", "type": card.columns[c],
             "meaning": "background knowledge: the attacker knows it about the target person"}
            for c in card.quasi_identifiers]
    rows += [{"column": c, "role": "secret", "type": card.columns[c],
              "meaning": "what the attacker wants to infer about the target person"}
             for c in card.secrets]
    return pd.DataFrame(rows, columns=["column", "role", "type", "meaning"])


def quasi_identifier_uniqueness(frame: pd.DataFrame, card: DatasetCard, k: int = SMALL_CELL_K) -> pd.DataFrame:
    """How many rows are unique on the quasi-identifiers, adding them one at a time in card order.

    A row that no other row shares on what the attacker knows can be singled out: whoever knows
    those values learns the rest of the record. Missing values count as a value. Counts of 1 to
    ``k - 1`` read ``"<5"``.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"a": "numerical", "b": "numerical",
        ...     "y": "categorical"}, "quasi_identifiers": ["a", "b"]})
        >>> frame = pd.DataFrame({"a": [1] * 10 + [2] * 10, "b": list(range(10)) + [0] * 10, "y": 0})
        >>> quasi_identifier_uniqueness(frame, card, k=1)[["quasi_identifiers", "unique_rows"]].values.tolist()
        [['a', 0], ['a, b', 10]]
    """
    rows = []
    total = len(frame)
    for i in range(1, len(card.quasi_identifiers) + 1):
        columns = list(card.quasi_identifiers[:i])
        sizes = frame.groupby(columns, dropna=False, observed=True).size()
        unique = int((sizes == 1).sum())
        rows.append({"quasi_identifiers": ", ".join(columns), "combinations": len(sizes),
                     "unique_rows": suppress_count(unique, k), "share_unique": suppress_share(unique, total, k)})
    return pd.DataFrame(rows, columns=["quasi_identifiers", "combinations", "unique_rows", "share_unique"])


# --------------------------------------------------------------------------------------------- columns


def is_numeric_kind(series: pd.Series, kind: str) -> bool:
    """Whether a column is summarised as numbers: a numerical or ordinal card type in a numeric, non-boolean dtype."""
    return kind in ("numerical", "ordinal") and pd.api.types.is_numeric_dtype(series) \
        and not pd.api.types.is_bool_dtype(series)


def format_share(share: float) -> str:
    """A share between 0 and 1 as a percentage with one decimal, e.g. 0.1234 -> ``12.3%``."""
    return f"{100 * share:.1f}%"


def _top_categories(series: pd.Series, k: int, limit: int = 5) -> str:
    observed = series.dropna()
    counts = observed.value_counts()
    parts = []
    for value, count in counts.head(limit).items():
        share = suppress_share(int(count), len(observed), k)
        parts.append(f"{value}: {share if isinstance(share, str) else format_share(share)}")
    if len(counts) > limit:
        parts.append(f"+{len(counts) - limit} more")
    return ", ".join(parts)


def column_overview(frame: pd.DataFrame, card: DatasetCard, k: int = SMALL_CELL_K) -> pd.DataFrame:
    """One row per card column: type, missing share, distinct values, and aggregates that show no patient.

    Numerical and ordinal columns get mean, sd and quartiles (never minimum or maximum); categorical
    ones the most frequent categories with their shares among observed rows. Statistics of a column
    with fewer than ``k`` observed values are left empty, and shares behind a count of 1 to ``k - 1``
    read ``"<5 rows"``.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}})
        >>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, None] * 5, "y": [0, 1] * 12 + [0]})
        >>> overview = column_overview(frame, card)
        >>> overview.loc["x", ["missing_share", "mean", "median"]].tolist()
        [0.2, 2.5, 2.5]
        >>> overview.loc["y", "top_categories"]
        '0: 52.0%, 1: 48.0%'
    """
    absent = [c for c in card.columns if c not in frame.columns]
    if absent:
        raise BenchError(f"dataset '{card.name}': the table lacks the card's column(s) {absent}")
    rows = []
    for column, kind in card.columns.items():
        series = frame[column]
        observed = int(series.notna().sum())
        row: dict[str, Any] = {
            "column": column, "type": kind, "missing_share": suppress_share(len(series) - observed, len(series), k),
            "distinct": int(series.nunique()), "mean": math.nan, "sd": math.nan, "q25": math.nan,
            "median": math.nan, "q75": math.nan, "top_categories": "",
        }
        if observed >= k:
            if is_numeric_kind(series, kind):
                values = series.dropna().astype(float)
                q25, median, q75 = values.quantile([0.25, 0.5, 0.75]).tolist()
                row.update(mean=values.mean(), sd=values.std(), q25=q25, median=median, q75=q75)
            elif kind != "datetime":
                row["top_categories"] = _top_categories(series, k)
        rows.append(row)
    return pd.DataFrame(rows).set_index("column")


# --------------------------------------------------------------------------------------------- missingness


@dataclass(frozen=True)
class Missingness:
    """Missing values of a table: per column, and the most common patterns (which columns are missing together).

    Example:
        >>> missingness(pd.DataFrame({"a": [1.0] * 6})).by_column["missing"].tolist()
        [0]
    """

    by_column: pd.DataFrame
    patterns: pd.DataFrame


NOTHING_MISSING = "(nothing missing)"


def missingness(frame: pd.DataFrame, k: int = SMALL_CELL_K, top: int = 10) -> Missingness:
    """Missing counts and shares per column, and the ``top`` most common missingness patterns.

    A pattern is the set of columns missing in a row. Patterns are listed by frequency; a pattern
    seen in 1 to ``k - 1`` rows shows ``"<5"`` rows and ``"<5 rows"`` as share, and the patterns
    beyond ``top`` are pooled into one ``(other patterns)`` row.

    Example:
        >>> frame = pd.DataFrame({"a": [1, None, None] + list(range(17)),
        ...                       "b": [None] * 8 + list(range(12))})
        >>> result = missingness(frame)
        >>> result.by_column["missing"].tolist()
        ['<5', 8]
        >>> result.patterns
             missing_columns  n_missing rows    share
        0  (nothing missing)          0   12      0.6
        1                  b          1    6      0.3
        2               a, b          2   <5  <5 rows
    """
    total = len(frame)
    isna = frame.isna()
    counts = isna.sum()
    by_column = pd.DataFrame({
        "missing": [suppress_count(int(c), k) for c in counts],
        "share": [suppress_share(int(c), total, k) for c in counts],
    }, index=pd.Index(frame.columns, name="column"))
    if total == 0:
        return Missingness(by_column, pd.DataFrame(columns=["missing_columns", "n_missing", "rows", "share"]))
    pattern_counts = isna.value_counts(sort=False).reset_index(name="count")
    columns = list(frame.columns)
    pattern_counts["missing_columns"] = [
        ", ".join(c for c, missing in zip(columns, flags) if missing) or NOTHING_MISSING
        for flags in pattern_counts[columns].itertuples(index=False)]
    pattern_counts["n_missing"] = pattern_counts[columns].sum(axis=1).astype(int)
    ordered = pattern_counts.sort_values(["count", "n_missing", "missing_columns"],
                                         ascending=[False, True, True], kind="stable")
    shown, rest = ordered.head(top), ordered.iloc[top:]
    rows = [{"missing_columns": r.missing_columns, "n_missing": int(r.n_missing),
             "rows": suppress_count(int(r.count), k), "share": suppress_share(int(r.count), total, k)}
            for r in shown.itertuples(index=False)]
    if len(rest):
        pooled = int(rest["count"].sum())
        rows.append({"missing_columns": f"(other patterns: {len(rest)})", "n_missing": pd.NA,
                     "rows": suppress_count(pooled, k), "share": suppress_share(pooled, total, k)})
    patterns = pd.DataFrame(rows, columns=["missing_columns", "n_missing", "rows", "share"])
    return Missingness(by_column, patterns.astype({"n_missing": "Int64"}))


# --------------------------------------------------------------------------------------------- rules


def rule_violations(frame: pd.DataFrame, card: DatasetCard, k: int = SMALL_CELL_K) -> pd.DataFrame:
    """For each card rule: the rows it is judged on (all its columns observed), how many break it, and the share.

    Each rule is evaluated with ``frame.eval(rule, engine="python")`` on the rows where every
    column it names is observed; rows with a missing column are not counted at all. Counts of 1 to
    ``k - 1`` read ``"<5"`` and their shares ``"<5 rows"`` (pass ``k=1`` for exact numbers).

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"lo": "numerical", "hi": "numerical",
        ...     "y": "categorical"}, "rules": ["lo <= hi"]})
        >>> frame = pd.DataFrame({"lo": [1, 5, 2, None], "hi": [2, 3, 2, 1], "y": [0, 1, 0, 1]})
        >>> rule_violations(frame, card, k=1)[["rule", "rows_evaluated", "broken", "share_broken"]].values.tolist()
        [['lo <= hi', 3, 1, 0.3333333333333333]]
    """
    rows = []
    judged, broken_rows = judge_rules(frame, card)
    for rule in card.rules:
        columns = rule_columns(rule, frame.columns)
        evaluated, broken = int(judged[rule].sum()), int(broken_rows[rule].sum())
        rows.append({"rule": rule, "columns": ", ".join(columns), "rows_evaluated": suppress_count(evaluated, k),
                     "broken": suppress_count(broken, k), "share_broken": suppress_share(broken, evaluated, k)})
    return pd.DataFrame(rows, columns=["rule", "columns", "rows_evaluated", "broken", "share_broken"])


# --------------------------------------------------------------------------------------------- subgroups


def subgroup_table(frame: pd.DataFrame, card: DatasetCard, k: int = SMALL_CELL_K) -> pd.DataFrame:
    """Subgroup sizes and target prevalence for display, with small cells suppressed.

    The exact numbers come from ``bench.datasets.subgroups.subgroup_sizes``. ``count`` and
    ``positives`` of 1 to ``k - 1`` read ``"<5"``; ``share`` then reads ``"<5 rows"``; ``prevalence``
    reads ``"<5 rows"`` when the subgroup, its positives or its negatives number 1 to ``k - 1``
    (a prevalence of 2/40 or 38/40 would reveal them).

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"g": "categorical", "y": "categorical"},
        ...     "sensitive": {"g": {}}})
        >>> frame = pd.DataFrame({"g": ["a"] * 20 + ["b"] * 3, "y": [0, 1] * 10 + [1, 1, 0]})
        >>> subgroup_table(frame, card)[["subgroup", "count", "prevalence"]].values.tolist()
        [['a', 20, 0.5], ['b', '<5', '<5 rows']]
    """
    sizes = subgroup_sizes(frame, card)
    total = len(frame)
    table = sizes[["attribute", "subgroup"]].copy()
    table["count"] = [suppress_count(c, k) for c in sizes["count"]]
    table["share"] = [suppress_share(c, total, k) for c in sizes["count"]]
    table["positives"] = [suppress_count(p, k) for p in sizes["positives"]]
    prevalence = []
    for count, positives, value in zip(sizes["count"], sizes["positives"], sizes["prevalence"]):
        hidden = is_small(count, k) or is_small(positives, k) or is_small(count - positives, k)
        prevalence.append(f"{suppressed_label(k)} rows" if hidden else value)
    table["prevalence"] = prevalence
    return table


__all__ = [
    "Missingness", "SMALL_CELL_K", "card_markdown", "column_overview", "column_roles", "format_share",
    "is_numeric_kind", "is_small", "missingness",
    "privacy_roles", "quasi_identifier_uniqueness", "rule_columns", "rule_violations", "subgroup_table",
    "suppress_count", "suppress_share", "suppressed_label",
]
