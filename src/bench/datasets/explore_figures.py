"""Figures of a real table that show no patient: histograms with >= k rows per bin, no extremes.

See ``bench.datasets.explore`` for the protections (no minimum or maximum, small-cell suppression)
these figures share with its tables.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bench.datasets.cards import DatasetCard
from bench.datasets.explore import (
    SMALL_CELL_K,
    format_share,
    is_numeric_kind,
    is_small,
    subgroup_table,
    suppress_share,
    suppressed_label,
)
from bench.datasets.subgroups import MISSING, OUT_OF_BINS, subgroup_sizes
from bench.errors import BenchError
from bench.plotting.colours import OKABE_ITO
from bench.plotting.style import figure_legend, report_style

TAIL = 0.01
MAX_BINS = 30
MAX_CATEGORIES = 12
BAR_COLOUR = OKABE_ITO[3]
SYNTHETIC_COLOUR = OKABE_ITO[0]
MUTED_COLOUR = "#9a9a9a"


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


def _plot_numeric(ax: Axes, series: pd.Series, k: int, synthetic: pd.Series | None = None) -> None:
    binned = histogram_bins(series, k=k)
    if binned is None:
        _note(ax, f"fewer than {k} observed values")
        return
    edges, counts = binned
    observed = int(series.notna().sum())
    density = counts / (observed * np.diff(edges))
    ax.stairs(density, edges, fill=True, color=BAR_COLOUR, alpha=0.75)
    ax.stairs(density, edges, color=BAR_COLOUR, linewidth=0.8)
    if synthetic is not None:  # on the real bins: the synthetic rows' share per bin, same scale
        values = pd.to_numeric(synthetic, errors="coerce").dropna().to_numpy(dtype=float)
        if len(values):
            synthetic_counts, _ = np.histogram(values, bins=edges)
            ax.stairs(synthetic_counts / (len(values) * np.diff(edges)), edges, color=SYNTHETIC_COLOUR, linewidth=1.6)
    shown = counts.sum() / observed
    ax.set_xlabel(f"central {math.floor(1000 * shown) / 10:g}% of observed", fontsize=7, color="#555555")
    ax.set_ylabel("density")


def _plot_categorical(ax: Axes, series: pd.Series, k: int, synthetic: pd.Series | None = None) -> None:
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
    if synthetic is None:
        ax.bar(positions, heights, color=BAR_COLOUR, alpha=0.8, width=0.7)
    else:  # the synthetic share of the same categories ('other': every other synthetic value) beside the real one
        shares = synthetic.dropna().value_counts(normalize=True)
        synthetic_heights = [float(shares.get(value, 0.0)) for value in big.index]
        if pooled >= k:
            synthetic_heights.append(max(0.0, 1.0 - sum(synthetic_heights)))
        ax.bar(positions - 0.2, heights, color=BAR_COLOUR, alpha=0.8, width=0.4)
        ax.bar(positions + 0.2, synthetic_heights, color=SYNTHETIC_COLOUR, alpha=0.9, width=0.4)
    ax.set_xticks(positions, labels, rotation=30 if max(map(len, labels), default=0) > 4 else 0,
                  ha="right" if max(map(len, labels), default=0) > 4 else "center")
    ax.set_ylabel("share of observed")
    note = "" if pooled == 0 else (f"'other' pools categories with <{k} rows" if pooled >= k
                                   else f"categories with <{k} rows not shown")
    ax.set_xlabel(note, fontsize=7, color="#555555")


def plot_distributions(frame: pd.DataFrame, card: DatasetCard, columns: list[str] | None = None,
                       k: int = SMALL_CELL_K, ncols: int = 4, synthetic: pd.DataFrame | None = None) -> Figure:
    """One panel per column: a histogram (bins of at least ``k`` rows, outer tails left out) or a bar chart.

    Numerical columns are drawn as density histograms from ``histogram_bins``; categorical ones as
    the share of each category among observed rows (categories with fewer than ``k`` rows pooled
    or left out). Each title gives the column's missing share (of the real rows). With ``synthetic``,
    the synthetic table is drawn over the real one on the same bins and categories, so the two
    compare at a glance and the real data keeps its protections. A bare ``Figure``: nothing to close.

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
            shown = share if isinstance(share, str) else format_share(share)
            other = None if synthetic is None or column not in synthetic else synthetic[column]
            if is_numeric_kind(series, kind):
                _plot_numeric(ax, series, k, other)
            elif kind == "datetime":
                _note(ax, "datetime: not plotted")
            else:
                _plot_categorical(ax, series, k, other)
            ax.set_title(column)
            if missing:
                label = ax.get_xlabel()
                ax.set_xlabel(f"{label}; {shown} missing" if label else f"{shown} missing", fontsize=7,
                              color="#555555")
        for ax in axes[len(columns):]:
            ax.set_visible(False)
        if synthetic is None:
            fig.suptitle(f"{card.title}: distribution of each column (bins of at least {k} rows)")
        else:
            fig.suptitle(f"{card.title}: real (filled) and synthetic (orange) distributions, on bins of at least "
                         f"{k} real rows")
            figure_legend(fig, [Patch(color=BAR_COLOUR, alpha=0.75, label="real"),
                                Patch(color=SYNTHETIC_COLOUR, label="synthetic")], max_cols=2)
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
            label = f"{suppressed_label(k)} rows" if is_small(int(count), k) else format_share(share)
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
                    "n/a" if pd.isna(row.prevalence) else format_share(row.prevalence))
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


__all__ = ["histogram_bins", "plot_distributions", "plot_missingness", "plot_subgroup_sizes"]
