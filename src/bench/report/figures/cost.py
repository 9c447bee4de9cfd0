"""What quality costs: each generator's utility gap against its fit time and its energy per 1,000
synthetic rows (log scales), one marker per dataset, one colour per generator (means over seeds).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.plotting.colours import generator_colours
from bench.plotting.style import figure_legend, report_style, save_figure
from bench.report.summary import FINISHED

QUALITY = "utility.tstr_gap"
COSTS = (("cost.fit_wall_s", "fit time (s)"), ("cost.energy_kwh_per_1k_rows", "energy per 1,000 rows (kWh)"))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def cost_points(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean quality and costs per (dataset, generator) over FINISHED cells with a value.

    Example:
        >>> runs = pd.DataFrame({"dataset": ["pima"] * 2, "generator": ["ctgan"] * 2, "status": ["FINISHED"] * 2,
        ...                      "utility.tstr_gap": [-0.1, -0.2], "cost.fit_wall_s": [10.0, 30.0]})
        >>> cost_points(runs)[["generator", "utility.tstr_gap", "cost.fit_wall_s"]].values.tolist()
        [['ctgan', -0.15000000000000002, 20.0]]
    """
    columns = [c for c in (QUALITY, *(name for name, _ in COSTS)) if c in runs.columns]
    finished = runs[runs["status"] == FINISHED]
    return finished.groupby(["dataset", "generator"], as_index=False)[columns].mean()


def plot_cost(runs: pd.DataFrame) -> Figure:
    """One panel per cost the runs logged: x the cost (log), y the utility gap.

    Example:
        >>> runs = pd.DataFrame({"dataset": ["pima"], "generator": ["ctgan"], "status": ["FINISHED"],
        ...                      "utility.tstr_gap": [-0.1], "cost.fit_wall_s": [10.0]})
        >>> [ax.get_xlabel() for ax in plot_cost(runs).axes]
        ['fit time (s)']
    """
    points = cost_points(runs)
    costs = [(name, label) for name, label in COSTS if name in points.columns and (points[name] > 0).any()]
    colours = generator_colours(list(runs["generator"].unique()))
    markers = {d: MARKERS[i % len(MARKERS)] for i, d in enumerate(sorted(points["dataset"].unique()))}
    with report_style():
        fig = Figure(figsize=(1.0 + 3.6 * len(costs), 3.8), layout="constrained")
        axes = fig.subplots(1, len(costs), squeeze=False).ravel()
        for ax, (name, label) in zip(axes, costs):
            shown = points[points[name] > 0]  # a log axis: zero costs (e.g. copy's fit) cannot be drawn
            for dataset, group in shown.groupby("dataset"):
                ax.scatter(group[name], group[QUALITY], c=[colours[g] for g in group["generator"]],
                           marker=markers[dataset], s=36, edgecolors="black", linewidths=0.4, zorder=3)
            ax.set_xscale("log")
            ax.set_xlabel(label)
            ax.grid(True, axis="both")
        axes[0].set_ylabel(f"{QUALITY} ↑")
        fig.suptitle("What quality costs: means over seeds (lower-left is cheap and poor, upper-left cheap and good)")
        handles = [Line2D([], [], color=colours[g], marker="o", linestyle="", label=g) for g in sorted(colours)]
        handles += [Line2D([], [], color="#444444", marker=m, linestyle="", markerfacecolor="white", label=d)
                    for d, m in markers.items()]
        figure_legend(fig, handles)
    return fig


def write_cost_figure(runs: pd.DataFrame, out_dir: Path, dpi: int = 300) -> list[Path]:
    """``cost_vs_quality.png``, ``.pdf`` and ``.svg`` when the runs have the utility gap and a positive cost.

    Example:
        >>> import tempfile
        >>> runs = pd.DataFrame({"dataset": ["pima"], "generator": ["ctgan"], "status": ["FINISHED"],
        ...                      "utility.tstr_gap": [-0.1], "cost.fit_wall_s": [10.0]})
        >>> [p.name for p in write_cost_figure(runs, Path(tempfile.mkdtemp()), dpi=50)]
        ['cost_vs_quality.png', 'cost_vs_quality.pdf', 'cost_vs_quality.svg']
    """
    if QUALITY not in runs.columns or not any(
            name in runs.columns and (runs[name] > 0).any() for name, _ in COSTS):
        return []
    return save_figure(plot_cost(runs), out_dir, "cost_vs_quality", dpi)


__all__ = ["cost_points", "plot_cost", "write_cost_figure"]
