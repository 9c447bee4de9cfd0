"""The figure of one metric: a panel per dataset with each generator's seeds, mean and 95% t-interval,
the metric's target and real-data reference, and the failed cells marked.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from bench.metrics.base import MetricSpec
from bench.plotting.colours import generator_colours
from bench.plotting.style import FAILED_COLOUR, STYLE, figure_legend, panel_axes, panel_grid, report_style, save_figure
from bench.report.summary import (  # noqa: F401 - the doctests' examples
    CONFIDENCE,
    FINISHED,
    example_runs,
    example_spec,
    present_specs,
    require_column,
    summarise,
)
from bench.report.tables import goal_text, metric_file_stem


def _mark_failures(ax: Axes, x: int, row: pd.Series, top: float) -> None:
    """Note failed cells: all failed (or no value) mid-panel with an 'x'; some failed just above the data."""
    failed, cells = int(row["failed"]), int(row["cells"])
    if int(row["n"]) == 0:
        where = blended_transform_factory(ax.transData, ax.transAxes)
        ax.plot(x, 0.5, marker="x", color=FAILED_COLOUR, markersize=7, mew=1.5, transform=where)
        ax.text(x, 0.45, f"failed\n{failed}/{cells}" if failed else "no value", transform=where,
                ha="center", va="top", fontsize=7, color=FAILED_COLOUR)
    elif failed:
        ax.annotate(f"{failed}/{cells} failed", (x, top), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=7, color=FAILED_COLOUR)


def _plot_panel(ax: Axes, runs: pd.DataFrame, summary: pd.DataFrame, spec: MetricSpec,
                generators: list[str], colours: dict[str, tuple[float, float, float]]) -> None:
    """One dataset: per generator the seeds (faint dots), the mean and its CI, and any failed cells."""
    rng = np.random.default_rng(0)  # the same jitter every time
    for x, generator in enumerate(generators):
        row = summary[summary["generator"] == generator]
        if row.empty:  # this generator never ran on this dataset
            continue
        row = row.iloc[0]
        colour = colours[generator]
        cells = runs[(runs["generator"] == generator) & (runs["status"] == FINISHED)]
        seeds = cells[spec.name].dropna().to_numpy(dtype=float)
        ax.scatter(x + rng.uniform(-0.12, 0.12, len(seeds)), seeds, s=10, color=colour, alpha=0.35,
                   linewidths=0, zorder=2)
        if row["n"]:
            half = row["ci_high"] - row["mean"]
            ax.errorbar(x, row["mean"], yerr=None if math.isnan(half) else half, fmt="o", color=colour,
                        markersize=6, capsize=4, elinewidth=1.5, zorder=3)
        top = np.nanmax([row["mean"], row["ci_high"], *seeds]) if row["n"] else math.nan
        _mark_failures(ax, x, row, top)
    if not isinstance(spec.goal, str):
        ax.axhline(float(spec.goal), color="#555555", linestyle="--", linewidth=0.8, zorder=1)
    if spec.reference and spec.reference in runs.columns:
        reference = runs.loc[runs["status"] == FINISHED, spec.reference].dropna()
        if not reference.empty:
            ax.axhline(float(reference.mean()), color="#555555", linestyle=":", linewidth=1.2, zorder=1)
    ax.set_xticks(range(len(generators)), generators, rotation=30, ha="right", rotation_mode="anchor")
    ax.set_xlim(-0.6, len(generators) - 0.4)
    ax.margins(y=0.12)


def _legend_handles(spec: MetricSpec) -> list[Line2D]:
    handles = [
        Line2D([], [], color="#444444", marker="o", linestyle="-",
               label=f"mean ± {CONFIDENCE:.0%} t-interval over seeds"),
        Line2D([], [], color="#444444", marker="o", linestyle="", markersize=4, alpha=0.35, label="single seed"),
        Line2D([], [], color=FAILED_COLOUR, marker="x", linestyle="", label="failed cells (failed/total)"),
    ]
    if not isinstance(spec.goal, str):
        handles.append(Line2D([], [], color="#555555", linestyle="--", label=f"target {float(spec.goal):g}"))
    if spec.reference:
        handles.append(Line2D([], [], color="#555555", linestyle=":", label=f"real-data reference ({spec.reference})"))
    return handles


def _figure_title(spec: MetricSpec, width_in: float) -> str:
    chars = max(40, int(width_in * 72 / (0.55 * float(STYLE["figure.titlesize"]))))
    return textwrap.fill(f"{spec.name} {spec.arrow}: {spec.description}", width=chars)


def plot_metric(runs: pd.DataFrame, spec: MetricSpec, max_cols: int = 3,
                style: dict[str, object] | None = None) -> Figure:
    """One panel per dataset: each generator's seeds, mean and 95% t-interval, failed cells marked.

    Panels share the y axis when the metric's declared range is finite. The figure is a bare
    ``Figure`` (not registered with pyplot), so it needs no closing and never shows. ``style``:
    rcParams drawn with on top of ``STYLE`` (see ``report_style``).

    Example:
        >>> fig = plot_metric(example_runs(), example_spec())
        >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
        ['pima']
    """
    require_column(runs, spec)
    summary = summarise(runs, spec)
    datasets = sorted(summary["dataset"].unique())
    generators = sorted(summary["generator"].unique())
    colours = generator_colours(generators)
    nrows, ncols = panel_grid(len(datasets), max_cols)
    width = 0.6 + ncols * (1.2 + 0.55 * len(generators))
    with report_style(style):
        fig = Figure(figsize=(width, 1.0 + 2.9 * nrows), layout="constrained")
        share = all(math.isfinite(v) for v in spec.range)
        axes = panel_axes(fig, (nrows, ncols), len(datasets), sharey=share)
        for ax, dataset in zip(axes, datasets):
            in_dataset = runs[runs["dataset"] == dataset]
            _plot_panel(ax, in_dataset, summary[summary["dataset"] == dataset], spec, generators, colours)
            ax.set_title(dataset)
        for ax in axes[::ncols]:
            ax.set_ylabel(f"{spec.name} {spec.arrow}\n({goal_text(spec)})")
        fig.suptitle(_figure_title(spec, width))
        figure_legend(fig, _legend_handles(spec), max_cols=4)
    return fig


def write_figures(runs: pd.DataFrame, specs: list[MetricSpec], out_dir: Path, dpi: int = 300) -> list[Path]:
    """Save ``<metric>.png`` (300 dpi), ``.pdf`` and ``.svg`` per metric with a column; figures are closed.

    Example:
        >>> import tempfile
        >>> paths = write_figures(example_runs(), [example_spec()], Path(tempfile.mkdtemp()), dpi=50)
        >>> [p.name for p in paths]
        ['utility_tstr_auroc.png', 'utility_tstr_auroc.pdf', 'utility_tstr_auroc.svg']
    """
    return [path for spec in present_specs(runs, specs)
            for path in save_figure(plot_metric(runs, spec), out_dir, metric_file_stem(spec), dpi)]
