"""The privacy-utility trade-off: per dataset, each generator's utility gap against its
re-identification risk (means over seeds with 95% t-intervals), the risk threshold drawn, and the
Pareto front (generators no other one beats on both axes at once) marked.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.metrics.base import MetricSpec
from bench.metrics.options import OPTIONS
from bench.plotting.colours import generator_colours
from bench.plotting.style import FAILED_COLOUR, figure_legend, panel_axes, panel_grid, report_style, save_figure
from bench.report.summary import summarise

RISK = "privacy.max_risk"
UTILITY = "utility.tstr_gap"


def pareto_front(points: pd.DataFrame, risk: str = "risk", utility: str = "utility") -> list[str]:
    """Index labels of the points no other point dominates (risk no higher and utility no lower, one
    of them strictly), sorted by risk.

    Example:
        >>> points = pd.DataFrame({"risk": [0.0, 0.5, 0.2, 0.6], "utility": [-0.3, 0.0, -0.1, -0.2]},
        ...                       index=["marginals", "copy", "ctgan", "kanon"])
        >>> pareto_front(points)
        ['marginals', 'ctgan', 'copy']
    """
    clean = points.dropna(subset=[risk, utility])
    front = []
    for name, row in clean.iterrows():
        others = clean.drop(index=name)
        dominated = ((others[risk] <= row[risk]) & (others[utility] >= row[utility])
                     & ((others[risk] < row[risk]) | (others[utility] > row[utility]))).any()
        if not dominated:
            front.append(name)
    return sorted(front, key=lambda n: (clean.loc[n, risk], -clean.loc[n, utility]))


def tradeoff_table(runs: pd.DataFrame, risk: MetricSpec, utility: MetricSpec) -> pd.DataFrame:
    """Per (dataset, generator): mean and CI of both metrics, failed cells, and whether it is on the front."""
    both = summarise(runs, risk).merge(summarise(runs, utility), on=["dataset", "generator", "cells", "failed"],
                                       suffixes=("_risk", "_utility"))
    both["pareto"] = False
    for dataset, group in both.groupby("dataset"):
        points = group.set_index("generator")[["mean_risk", "mean_utility"]]
        front = pareto_front(points, "mean_risk", "mean_utility")
        both.loc[(both["dataset"] == dataset) & both["generator"].isin(front), "pareto"] = True
    return both


def plot_tradeoff(runs: pd.DataFrame, risk: MetricSpec, utility: MetricSpec, threshold: float,
                  max_cols: int = 3, style: dict[str, object] | None = None,
                  figsize: tuple[float, float] | None = None, title: str | None = None) -> Figure:
    """One panel per dataset; x = risk, y = utility gap; dashed threshold; the front joined by a step line.

    ``style``: rcParams on top of the report style (e.g. ``{"font.family": "serif"}``); ``figsize``:
    width and height in inches (default: grown with the panels; the legend wraps to the width);
    ``title``: the figure title ("" for none, as a paper figure whose caption says it).

    Example:
        >>> fig = plot_tradeoff(_example_runs(), *_example_specs(), threshold=0.09)
        >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
        ['pima']
        >>> small = plot_tradeoff(_example_runs(), *_example_specs(), 0.09, style={"font.family": "serif"},
        ...                       figsize=(3.4, 3.0), title="")
        >>> [round(v, 1) for v in small.get_size_inches()], small.axes[0].title.get_fontfamily(), small.get_suptitle()
        ([3.4, 3.0], ['serif'], '')
    """
    table = tradeoff_table(runs, risk, utility)
    datasets = sorted(table["dataset"].unique())
    colours = generator_colours(list(table["generator"].unique()))
    nrows, ncols = panel_grid(len(datasets), max_cols)
    figsize = figsize or (0.8 + 3.4 * ncols, 1.2 + 3.0 * nrows)
    with report_style(style):
        fig = Figure(figsize=figsize, layout="constrained")
        axes = panel_axes(fig, (nrows, ncols), len(datasets), sharex=True)
        for ax, dataset in zip(axes, datasets):
            _panel(ax, table[table["dataset"] == dataset], colours, threshold)
            ax.set_title(dataset)
        for ax in axes[-ncols:]:
            ax.set_xlabel(f"{risk.name} {risk.arrow}")
        for ax in axes[::ncols]:
            ax.set_ylabel(f"{utility.name} {utility.arrow}")
        if title is None:
            title = "Privacy-utility trade-off: mean ± 95% t-interval over seeds; the Pareto front is joined"
        if title:
            fig.suptitle(textwrap.fill(title, width=max(30, int(figsize[0] * 12))))
        handles = [Line2D([], [], color=colours[g], marker="o", linestyle="", label=g) for g in sorted(colours)]
        handles += [Line2D([], [], color="#555555", linestyle="--", label=f"risk threshold {threshold:g}"),
                    Line2D([], [], color="#222222", linestyle="-", linewidth=0.8, label="Pareto front"),
                    Line2D([], [], color=FAILED_COLOUR, marker="x", linestyle="", label="failed cells")]
        figure_legend(fig, handles)
    return fig


def _panel(ax, table: pd.DataFrame, colours: dict, threshold: float) -> None:  # noqa: ANN001
    for _, row in table.iterrows():
        colour = colours[row["generator"]]
        if np.isnan(row["mean_risk"]) or np.isnan(row["mean_utility"]):
            continue
        xerr = None if np.isnan(row["ci_high_risk"]) else row["ci_high_risk"] - row["mean_risk"]
        yerr = None if np.isnan(row["ci_high_utility"]) else row["ci_high_utility"] - row["mean_utility"]
        ax.errorbar(row["mean_risk"], row["mean_utility"], xerr=xerr, yerr=yerr, fmt="o", color=colour,
                    markersize=6 if row["pareto"] else 4, capsize=2, elinewidth=1, zorder=3,
                    markeredgecolor="black" if row["pareto"] else colour)
        if row["failed"]:
            ax.annotate(f"{row['failed']}/{row['cells']} failed", (row["mean_risk"], row["mean_utility"]),
                        xytext=(4, -8), textcoords="offset points", fontsize=6, color=FAILED_COLOUR)
    front = table[table["pareto"]].sort_values("mean_risk")
    if len(front) > 1:
        ax.step(front["mean_risk"], front["mean_utility"], where="post", color="#222222", linewidth=0.8, zorder=2)
    ax.axvline(threshold, color="#555555", linestyle="--", linewidth=0.9, zorder=1)
    ax.grid(True, axis="both")


def write_tradeoff(runs: pd.DataFrame, specs: dict[str, MetricSpec], tables_dir: Path, figures_dir: Path,
                   threshold: float, dpi: int = 300) -> list[Path]:
    """``tradeoff_privacy_utility.csv`` and the figure (``.png``, ``.pdf``, ``.svg``) when the runs have both
    metrics; nothing otherwise.

    Example:
        >>> import tempfile
        >>> out = Path(tempfile.mkdtemp())
        >>> specs = {spec.name: spec for spec in _example_specs()}
        >>> [p.name for p in write_tradeoff(_example_runs(), specs, out, out, 0.09,
        ...                                 dpi=50)]  # doctest: +NORMALIZE_WHITESPACE
        ['tradeoff_privacy_utility.csv', 'tradeoff_privacy_utility.png', 'tradeoff_privacy_utility.pdf',
         'tradeoff_privacy_utility.svg']
    """
    if not {RISK, UTILITY} <= set(runs.columns) or runs[[RISK, UTILITY]].isna().all().any():
        return []
    table = Path(tables_dir) / "tradeoff_privacy_utility.csv"
    table.parent.mkdir(parents=True, exist_ok=True)
    tradeoff_table(runs, specs[RISK], specs[UTILITY]).to_csv(table, index=False)
    fig = plot_tradeoff(runs, specs[RISK], specs[UTILITY], threshold)
    return [table, *save_figure(fig, figures_dir, "tradeoff_privacy_utility", dpi)]


def risk_threshold(runs: pd.DataFrame) -> float:
    """The risk threshold the runs were scored with (``risk_threshold`` column); the metrics' default
    (0.09) when they hold none or several.

    Example:
        >>> risk_threshold(pd.DataFrame({"risk_threshold": [0.05, 0.05]})), risk_threshold(pd.DataFrame())
        (0.05, 0.09)
    """
    values = runs["risk_threshold"].dropna().unique() if "risk_threshold" in runs else []
    return float(values[0]) if len(values) == 1 else float(OPTIONS["risk_threshold"].default)


def _example_specs() -> tuple[MetricSpec, MetricSpec]:
    return (MetricSpec(RISK, goal="minimize", range=(0.0, 1.0), description="max risk"),
            MetricSpec(UTILITY, goal="maximize", range=(-1.0, 1.0), description="TSTR - TRTR AUROC"))


def _example_runs() -> pd.DataFrame:
    """1 dataset x 3 generators x 2 seeds: marginals safe and weak, copy useful and risky, ctgan between."""
    values = {"marginals": (0.01, -0.25), "copy": (0.6, 0.0), "ctgan": (0.05, -0.08)}
    return pd.DataFrame([{"dataset": "pima", "generator": g, "seed": s, "status": "FINISHED",
                          RISK: r + 0.01 * s, UTILITY: u - 0.01 * s} for g, (r, u) in values.items() for s in (0, 1)])


__all__ = ["RISK", "UTILITY", "pareto_front", "plot_tradeoff", "risk_threshold", "tradeoff_table", "write_tradeoff"]
