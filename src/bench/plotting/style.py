"""The report's drawing style and the helpers every figure shares: rcParams, panel grids, a legend that
fits under its figure, and saving one figure as PNG, PDF and SVG.

A leaf of the reporting side: the figure modules (``bench.report.figures``) and
the dataset explorer draw with it; it imports no other figure module.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from bench.errors import BenchError

STYLE: dict[str, object] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "figure.titlesize": 10.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
}


def merged_style(overrides: dict[str, object] | None = None) -> dict[str, object]:
    """``STYLE`` with ``overrides`` (matplotlib rcParams) on top; an unknown rcParam is a BenchError.

    Example:
        >>> merged_style({"font.family": "serif"})["font.family"], merged_style()["font.size"]
        ('serif', 9)
        >>> merged_style({"font.colour": "red"})
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: unknown matplotlib style setting(s) font.colour; expected rcParams such as font.size, font.family, figure.dpi
    """  # noqa: E501 - a doctest's expected output, kept whole
    overrides = dict(overrides or {})
    unknown = sorted(key for key in overrides if key not in matplotlib.rcParams)
    if unknown:
        raise BenchError(f"unknown matplotlib style setting(s) {', '.join(unknown)}; expected rcParams such as "
                         "font.size, font.family, figure.dpi")
    return {**STYLE, **overrides}


@contextmanager
def report_style(overrides: dict[str, object] | None = None) -> Iterator[None]:
    """Apply the report's matplotlib style (font sizes, no top/right spines, light y grid) inside a block,
    with ``overrides`` (rcParams, e.g. ``{"font.family": "serif"}``) on top.

    Example:
        >>> with report_style():
        ...     matplotlib.rcParams["axes.spines.top"]
        False
        >>> with report_style({"font.size": 7}):
        ...     matplotlib.rcParams["font.size"]
        7.0
    """
    with matplotlib.rc_context(merged_style(overrides)):
        yield


FAILED_COLOUR = "#b2182b"


def panel_grid(panels: int, max_cols: int = 3) -> tuple[int, int]:
    """``(rows, columns)`` of a grid for ``panels`` panels, at most ``max_cols`` to a row.

    Example:
        >>> panel_grid(4), panel_grid(1), panel_grid(0)
        ((2, 3), (1, 1), (1, 1))
    """
    ncols = max(1, min(panels, max_cols))
    return max(1, math.ceil(panels / ncols)), ncols


def panel_axes(fig: Figure, grid: tuple[int, int], used: int, **shared: bool) -> np.ndarray:
    """The grid's axes in reading order (``sharex``/``sharey`` passed on), those past ``used`` hidden."""
    axes = fig.subplots(*grid, squeeze=False, **shared).ravel()
    for ax in axes[used:]:
        ax.set_visible(False)
    return axes


LEGEND_MARGIN_IN = 0.2  # free width either side of a figure's legend


def figure_legend(fig: Figure, handles: list[Any], labels: list[str] | None = None, max_cols: int = 6) -> Legend:
    """The legend under a figure's panels, in as many columns (up to ``max_cols``) as fit across it.

    Entries are measured as drawn (in the style in force), so none is cut off when the figure is
    saved; where even one column is wider than the figure, the figure is widened to hold it.

    Example:
        >>> from matplotlib.lines import Line2D
        >>> fig = Figure(figsize=(3, 2), layout="constrained")
        >>> handles = [Line2D([], [], label=f"a rather long legend entry number {i}") for i in range(4)]
        >>> legend = figure_legend(fig, handles)
        >>> len(legend.get_texts()), fig.get_figwidth() > 3  # one column, wider than the figure was
        (4, True)
    """
    labels = labels if labels is not None else [handle.get_label() for handle in handles]
    room_in = fig.get_figwidth() - 2 * LEGEND_MARGIN_IN
    for cols in range(max(1, min(max_cols, len(handles))), 0, -1):
        legend = fig.legend(handles, labels, loc="outside lower center", ncols=cols, frameon=False)
        width_in = legend.get_window_extent().width / fig.dpi
        if width_in <= room_in:
            return legend
        if cols > 1:
            legend.remove()
    fig.set_figwidth(width_in + 2 * LEGEND_MARGIN_IN)  # even one column is wider than the figure
    return legend


FIGURE_FORMATS = ("png", "pdf", "svg")


def save_figure(fig: Figure, out_dir: Path, stem: str, dpi: int = 300,
                style: dict[str, object] | None = None) -> list[Path]:
    """Save ``<stem>.png`` (at ``dpi``), ``<stem>.pdf`` and ``<stem>.svg`` in the report style (``style``:
    rcParams on top, e.g. ``{"svg.fonttype": "none"}``), then release the figure.

    Example:
        >>> import tempfile
        >>> [p.name for p in save_figure(Figure(), Path(tempfile.mkdtemp()), "empty", dpi=20)]
        ['empty.png', 'empty.pdf', 'empty.svg']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.{suffix}" for suffix in FIGURE_FORMATS]
    with report_style(style):
        for path in paths:
            fig.savefig(path, dpi=dpi)
    fig.clear()  # a bare Figure is not registered with pyplot: clearing releases its artists
    return paths


__all__ = ["FAILED_COLOUR", "FIGURE_FORMATS", "LEGEND_MARGIN_IN", "STYLE", "figure_legend", "merged_style",
           "panel_axes", "panel_grid", "report_style", "save_figure"]
