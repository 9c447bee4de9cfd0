"""Explore a real table through aggregates only: columns, missingness, rules, subgroups, figures.

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

import ast
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bench.datasets.cards import DatasetCard
from bench.datasets.subgroups import MISSING, OUT_OF_BINS, subgroup_sizes
from bench.errors import BenchError
from bench.report import OKABE_ITO, report_style

SMALL_CELL_K = 5
TAIL = 0.01
MAX_BINS = 30
MAX_CATEGORIES = 12
BAR_COLOUR = OKABE_ITO[3]
MUTED_COLOUR = "#9a9a9a"


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


def _is_numeric_kind(series: pd.Series, kind: str) -> bool:
    return kind in ("numerical", "ordinal") and pd.api.types.is_numeric_dtype(series) \
        and not pd.api.types.is_bool_dtype(series)


def _format_share(share: float) -> str:
    return f"{100 * share:.1f}%"


def _top_categories(series: pd.Series, k: int, limit: int = 5) -> str:
    observed = series.dropna()
    counts = observed.value_counts()
    parts = []
    for value, count in counts.head(limit).items():
        share = suppress_share(int(count), len(observed), k)
        parts.append(f"{value}: {share if isinstance(share, str) else _format_share(share)}")
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
            if _is_numeric_kind(series, kind):
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


def rule_columns(rule: str, columns: list[str] | pd.Index) -> list[str]:
    """The table columns a rule expression reads, in table order.

    Example:
        >>> rule_columns("map <= sbp and sbp > 0", ["age", "sbp", "map"])
        ['sbp', 'map']
    """
    names = {node.id for node in ast.walk(ast.parse(rule, mode="eval")) if isinstance(node, ast.Name)}
    return [c for c in columns if c in names]


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
    for rule in card.rules:
        columns = rule_columns(rule, frame.columns)
        observed = frame[columns].notna().all(axis=1) if columns else pd.Series(True, index=frame.index)
        judged = frame.loc[observed]
        try:
            result = judged.eval(rule, engine="python")
        except Exception as exc:  # pandas raises many types for a bad expression
            raise BenchError(f"dataset '{card.name}': rule '{rule}' cannot be evaluated: "
                             f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(result, pd.Series):
            result = pd.Series(bool(result), index=judged.index)
        evaluated = len(judged)
        broken = int((~result.astype(bool)).sum())
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


# --------------------------------------------------------------------------------------------- figures


def histogram_bins(values: pd.Series, k: int = SMALL_CELL_K, max_bins: int = MAX_BINS,
                   tail: float = TAIL) -> tuple[np.ndarray, np.ndarray] | None:
    """Bin edges and counts of a histogram that shows no patient: every bin holds at least ``k`` rows.

    The outer tails are left out: values below the ``max(tail, k / n)`` quantile and above the
    matching upper quantile, so the minimum or maximum is drawn only when at least ``k`` rows share
    it. Whole-number columns
    with a short range get one bin per value. Adjacent bins are merged until each holds ``k`` rows.
    Returns None when fewer than ``k`` values are observed.

    Example:
        >>> edges, counts = histogram_bins(pd.Series(range(100)))
        >>> bool(counts.min() >= 5), int(counts.sum()) < 100
        (True, True)
    """
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(x)
    if n < k:
        return None
    q = min(0.25, max(tail, k / n))
    lo, hi = np.quantile(x, [q, 1 - q])
    step = _grid_step(x, lo, hi, max_bins)
    if step:  # values on a grid (whole numbers, one decimal, ...): bins aligned to it, no aliasing
        lo, hi = math.ceil(lo / step - 1e-9) * step, math.floor(hi / step + 1e-9) * step  # snap inwards
        width = step * max(1, math.ceil((round((hi - lo) / step) + 1) / max_bins))
        edges = np.arange(lo - step / 2, hi + step / 2 + width / 2, width, dtype=float)
        if edges[-1] < hi + step / 2 - 1e-9 * step:
            edges = np.append(edges, edges[-1] + width)
    elif hi > lo:
        edges = np.linspace(lo, hi, max_bins + 1)
    else:
        edges = np.array([lo - 0.5, hi + 0.5])
    counts, edges = np.histogram(x[(x >= edges[0]) & (x <= edges[-1])], bins=edges)
    merged_edges, merged_counts, pending = [edges[0]], [], 0
    for right, count in zip(edges[1:], counts):
        pending += int(count)
        if pending >= k:
            merged_edges.append(right)
            merged_counts.append(pending)
            pending = 0
    if not merged_counts:
        return None
    if pending:  # a short remainder joins the last bin
        merged_counts[-1] += pending
        merged_edges[-1] = edges[-1]
    return np.asarray(merged_edges, dtype=float), np.asarray(merged_counts, dtype=int)


def _grid_step(x: np.ndarray, lo: float, hi: float, max_bins: int) -> float:
    """The spacing of values recorded on a grid (1 for whole numbers, 0.1 for one decimal), or 0."""
    unique = np.unique(x)
    if len(unique) < 2:
        return 1.0 if np.all(np.mod(x, 1) == 0) else 0.0
    for step in (1.0, 0.5, 0.1, 0.05, 0.01, 0.001):
        on_grid = np.allclose(unique / step, np.round(unique / step), rtol=0, atol=1e-6)
        if on_grid and (hi - lo) / step <= 20 * max_bins:
            return step
    return 0.0


def _note(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=8, color=MUTED_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])


def _plot_numeric(ax: Axes, series: pd.Series, k: int) -> None:
    binned = histogram_bins(series, k=k)
    if binned is None:
        _note(ax, f"fewer than {k} observed values")
        return
    edges, counts = binned
    observed = int(series.notna().sum())
    density = counts / (observed * np.diff(edges))
    ax.stairs(density, edges, fill=True, color=BAR_COLOUR, alpha=0.75)
    ax.stairs(density, edges, color=BAR_COLOUR, linewidth=0.8)
    shown = counts.sum() / observed
    ax.set_xlabel(f"central {math.floor(1000 * shown) / 10:g}% of observed", fontsize=7, color="#555555")
    ax.set_ylabel("density")


def _plot_categorical(ax: Axes, series: pd.Series, k: int) -> None:
    counts = series.dropna().value_counts()
    observed = int(counts.sum())
    if observed < k:
        _note(ax, f"fewer than {k} observed values")
        return
    big = counts[counts >= k]
    if len(big) > MAX_CATEGORIES:
        big = big.head(MAX_CATEGORIES - 1)
    pooled = int(counts.drop(big.index).sum())
    labels = [str(v) for v in big.index]
    heights = list(big.to_numpy() / observed)
    if pooled >= k:
        labels.append("other")
        heights.append(pooled / observed)
    positions = np.arange(len(labels))
    ax.bar(positions, heights, color=BAR_COLOUR, alpha=0.8, width=0.7)
    ax.set_xticks(positions, labels, rotation=30 if max(map(len, labels), default=0) > 4 else 0,
                  ha="right" if max(map(len, labels), default=0) > 4 else "center")
    ax.set_ylabel("share of observed")
    note = "" if pooled == 0 else (f"'other' pools categories with <{k} rows" if pooled >= k
                                   else f"categories with <{k} rows not shown")
    ax.set_xlabel(note, fontsize=7, color="#555555")


def plot_distributions(frame: pd.DataFrame, card: DatasetCard, columns: list[str] | None = None,
                       k: int = SMALL_CELL_K, ncols: int = 4) -> Figure:
    """One panel per column: a histogram (bins of at least ``k`` rows, outer tails left out) or a bar chart.

    Numerical columns are drawn as density histograms from ``histogram_bins``; categorical ones as
    the share of each category among observed rows (categories with fewer than ``k`` rows pooled
    or left out). Each title gives the column's missing share. A bare ``Figure``: nothing to close.

    Example:
        >>> from bench.datasets import card
        >>> pima = card("pima")
        >>> frame = pd.DataFrame({"Age": list(range(21, 71)), "Outcome": [0, 1] * 25})
        >>> fig = plot_distributions(frame, pima, columns=["Age", "Outcome"])
        >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
        ['Age', 'Outcome']
    """
    columns = list(card.columns) if columns is None else list(columns)
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise BenchError(f"dataset '{card.name}': no column(s) {absent} to plot")
    ncols = max(1, min(ncols, len(columns)))
    nrows = max(1, math.ceil(len(columns) / ncols))
    with report_style():
        fig = Figure(figsize=(2.6 * ncols, 0.5 + 2.2 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, column in zip(axes, columns):
            series = frame[column]
            kind = card.columns.get(column, "categorical")
            missing = int(series.isna().sum())
            share = suppress_share(missing, len(series), k)
            shown = share if isinstance(share, str) else _format_share(share)
            if _is_numeric_kind(series, kind):
                _plot_numeric(ax, series, k)
            elif kind == "datetime":
                _note(ax, "datetime: not plotted")
            else:
                _plot_categorical(ax, series, k)
            ax.set_title(column)
            if missing:
                label = ax.get_xlabel()
                ax.set_xlabel(f"{label}; {shown} missing" if label else f"{shown} missing", fontsize=7,
                              color="#555555")
        for ax in axes[len(columns):]:
            ax.set_visible(False)
        fig.suptitle(f"{card.title}: distribution of each column (bins of at least {k} rows)")
    return fig


def plot_missingness(frame: pd.DataFrame, k: int = SMALL_CELL_K) -> Figure:
    """Horizontal bars: the share of missing values per column; counts of 1 to ``k - 1`` are labelled, not drawn.

    Example:
        >>> fig = plot_missingness(pd.DataFrame({"a": [1, None] * 5, "b": range(10)}))
        >>> fig.axes[0].get_xlabel()
        'share of rows missing'
    """
    counts = frame.isna().sum()
    total = max(len(frame), 1)
    with report_style():
        fig = Figure(figsize=(6.0, 0.8 + 0.22 * len(counts)), layout="constrained")
        ax = fig.subplots()
        positions = np.arange(len(counts))[::-1]
        shares = [0.0 if is_small(int(c), k) else c / total for c in counts]
        ax.barh(positions, shares, color=BAR_COLOUR, alpha=0.8, height=0.7)
        for y, count, share in zip(positions, counts, shares):
            label = f"{suppressed_label(k)} rows" if is_small(int(count), k) else _format_share(share)
            ax.text(share, y, f" {label}", va="center", fontsize=7)
        ax.set_yticks(positions, list(counts.index))
        ax.set_xlim(0, max(0.1, max(shares, default=0) * 1.2))
        ax.set_xlabel("share of rows missing")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.grid(axis="y", visible=False)
        ax.set_title(f"Missing values per column ({len(frame):,} rows)")
    return fig


def plot_subgroup_sizes(frame: pd.DataFrame, card: DatasetCard, k: int = SMALL_CELL_K) -> Figure:
    """One panel per sensitive attribute: rows per subgroup, labelled with count and target prevalence.

    Subgroups with 1 to ``k - 1`` rows get no bar, only a ``"<5"`` label; rows with a missing value
    (or outside the bins) are drawn in grey. The dashed line marks ``k`` rows.

    Example:
        >>> from bench.datasets import card
        >>> frame = pd.DataFrame({"Age": [25] * 10 + [35] * 3 + [55] * 8, "Outcome": [0, 1] * 10 + [1]})
        >>> fig = plot_subgroup_sizes(frame, card("pima"))
        >>> fig.axes[0].get_title(loc="left")
        'Age'
    """
    table = subgroup_table(frame, card, k)
    exact = subgroup_sizes(frame, card)
    attributes = [a.column for a in card.sensitive]
    with report_style():
        if not attributes:
            fig = Figure(figsize=(5.0, 1.5), layout="constrained")
            _note(fig.subplots(), f"dataset '{card.name}' declares no sensitive attributes")
            return fig
        heights = [len(table[table["attribute"] == a]) for a in attributes]
        fig = Figure(figsize=(6.5, 0.9 + 0.3 * sum(heights) + 0.45 * len(attributes)), layout="constrained")
        axes = np.atleast_1d(fig.subplots(len(attributes), 1, sharex=True,
                                          gridspec_kw={"height_ratios": heights}))
        top = max(int(exact["count"].max()), 1)
        for ax, attribute in zip(axes, attributes):
            shown = table[table["attribute"] == attribute]
            counts = exact.loc[shown.index, "count"].to_numpy()
            positions = np.arange(len(shown))[::-1]
            colours = [MUTED_COLOUR if s in (MISSING, OUT_OF_BINS) else BAR_COLOUR for s in shown["subgroup"]]
            bars = [0 if is_small(int(c), k) else c for c in counts]
            ax.barh(positions, bars, color=colours, alpha=0.85, height=0.7)
            for y, bar, row in zip(positions, bars, shown.itertuples(index=False)):
                prevalence = f"suppressed (a count <{k})" if isinstance(row.prevalence, str) else (
                    "n/a" if pd.isna(row.prevalence) else _format_share(row.prevalence))
                ax.text(bar, y, f" n={row.count}; {card.target}={card.positive_label}: {prevalence}",
                        va="center", fontsize=7)
            ax.axvline(k, color="#555555", linestyle="--", linewidth=0.8)
            ax.set_yticks(positions, [str(s) for s in shown["subgroup"]])
            ax.set_title(attribute, loc="left")
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.grid(axis="y", visible=False)
            ax.set_xlim(0, top * 1.45)
        axes[-1].set_xlabel(f"rows (dashed line: {k} rows; smaller subgroups show '<{k}')")
        fig.suptitle(f"{card.title}: subgroups of the sensitive attributes")
    return fig


__all__ = [
    "Missingness", "SMALL_CELL_K", "card_markdown", "column_overview", "column_roles", "histogram_bins",
    "is_small", "missingness", "plot_distributions", "plot_missingness", "plot_subgroup_sizes", "privacy_roles",
    "quasi_identifier_uniqueness", "rule_columns",
    "rule_violations", "subgroup_table", "suppress_count", "suppress_share", "suppressed_label",
]
