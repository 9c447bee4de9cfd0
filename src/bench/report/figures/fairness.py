"""Fairness across a sweep, from the cells' per-subgroup details tables (aggregates only):

* ``fairness_subgroups``: per dataset, each subgroup's TSTR AUROC per generator (mean over seeds)
  next to the real-data reference (TRTR, the same models trained on real rows);
* ``fairness_representation``: per dataset, each subgroup's share in the synthetic data over its
  share in the real data, per generator (1 = represented as in the real data; 0 = erased).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.plotting.colours import generator_colours
from bench.plotting.style import figure_legend, panel_axes, panel_grid, report_style, save_figure

SUBGROUP_DETAILS = "fairness.worst_subgroup_gap"
REPRESENTATION_DETAILS = "fairness.representation_ratio_min"


def _label(table: pd.DataFrame) -> pd.Series:
    return table["attribute"].astype(str) + " = " + table["subgroup"].astype(str)


def subgroup_means(details: pd.DataFrame, value: str) -> pd.DataFrame:
    """Mean of ``value`` over seeds per (dataset, subgroup label, generator), rows marked ``ok`` only.

    Example:
        >>> details = pd.DataFrame({"dataset": ["pima"] * 2, "generator": ["ctgan"] * 2, "attribute": ["Age"] * 2,
        ...                         "subgroup": ["21-29"] * 2, "status": ["ok"] * 2, "tstr_auroc": [0.6, 0.8]})
        >>> subgroup_means(details, "tstr_auroc")["tstr_auroc"].round(3).tolist()
        [0.7]
    """
    ok = details[details["status"] == "ok"].assign(label=lambda t: _label(t))
    return ok.groupby(["dataset", "label", "generator"], as_index=False)[value].mean()


def _panels(datasets: list[str], rows_per_panel: int) -> tuple[Figure, list]:
    nrows, ncols = panel_grid(len(datasets))
    fig = Figure(figsize=(1.5 + 3.6 * ncols, 1.2 + nrows * (0.6 + 0.28 * rows_per_panel)), layout="constrained")
    return fig, list(panel_axes(fig, (nrows, ncols), len(datasets)))


def plot_subgroups(details: pd.DataFrame) -> Figure:
    """TSTR AUROC per subgroup and generator, with the TRTR reference as a black bar."""
    tstr, trtr = subgroup_means(details, "tstr_auroc"), subgroup_means(details, "trtr_auroc")
    datasets = sorted(tstr["dataset"].unique())
    colours = generator_colours(list(details["generator"].unique()))
    with report_style():
        fig, axes = _panels(datasets, int(tstr.groupby("dataset")["label"].nunique().max()))
        for ax, dataset in zip(axes, datasets):
            labels = sorted(tstr.loc[tstr["dataset"] == dataset, "label"].unique())
            reference = trtr[trtr["dataset"] == dataset].groupby("label")["trtr_auroc"].mean()
            ax.scatter([reference.get(label, math.nan) for label in labels], range(len(labels)), marker="|",
                       s=160, color="black", zorder=3)
            for generator, group in tstr[tstr["dataset"] == dataset].groupby("generator"):
                y = [labels.index(label) for label in group["label"]]
                ax.scatter(group["tstr_auroc"], y, color=colours[generator], s=22, zorder=4, edgecolors="none")
            ax.set_yticks(range(len(labels)), labels)
            ax.invert_yaxis()
            ax.set_title(dataset)
            ax.set_xlabel("AUROC on the real holdout")
            ax.grid(True, axis="x")
        handles = [Line2D([], [], color="black", marker="|", linestyle="", markersize=10, label="TRTR (real data)")]
        handles += [Line2D([], [], color=colours[g], marker="o", linestyle="", label=f"TSTR {g}")
                    for g in sorted(colours)]
        figure_legend(fig, handles, max_cols=4)
        fig.suptitle("Per-subgroup utility: models trained on synthetic data vs on real data (means over seeds)")
    return fig


def plot_representation(details: pd.DataFrame) -> Figure:
    """Synthetic / real share per subgroup and generator; the dashed line at 1 is faithful representation."""
    ratios = subgroup_means(details, "ratio")
    datasets = sorted(ratios["dataset"].unique())
    colours = generator_colours(list(details["generator"].unique()))
    with report_style():
        fig, axes = _panels(datasets, int(ratios.groupby("dataset")["label"].nunique().max()))
        for ax, dataset in zip(axes, datasets):
            here = ratios[ratios["dataset"] == dataset]
            labels = sorted(here["label"].unique())
            for generator, group in here.groupby("generator"):
                ax.scatter(group["ratio"], [labels.index(label) for label in group["label"]], color=colours[generator],
                           s=22, zorder=3)
            ax.axvline(1.0, color="#555555", linestyle="--", linewidth=0.9)
            ax.set_yticks(range(len(labels)), labels)
            ax.invert_yaxis()
            ax.set_title(dataset)
            ax.set_xlabel("synthetic share / real share")
            ax.grid(True, axis="x")
        handles = [Line2D([], [], color=colours[g], marker="o", linestyle="", label=g) for g in sorted(colours)]
        figure_legend(fig, handles, max_cols=5)
        fig.suptitle("Subgroup representation (0: the subgroup vanished; 1: as in the real data)")
    return fig


def _write_means_and_figure(details: pd.DataFrame, value: str, stem: str, plot: Callable[[pd.DataFrame], Figure],
                            tables_dir: Path, figures_dir: Path, dpi: int) -> list[Path]:
    """``<stem>.csv`` (the means of ``value`` per subgroup) and the figure, only when ``details`` has at
    least one subgroup that could be judged."""
    if details.empty or not (details["status"] == "ok").any():
        return []
    table = Path(tables_dir) / f"{stem}.csv"
    table.parent.mkdir(parents=True, exist_ok=True)
    subgroup_means(details, value).to_csv(table, index=False)
    return [table, *save_figure(plot(details), figures_dir, stem, dpi)]


def write_subgroup_figure(subgroups: pd.DataFrame, tables_dir: Path, figures_dir: Path, dpi: int = 300) -> list[Path]:
    """``fairness_subgroups.csv`` and its figure from the stacked ``SUBGROUP_DETAILS`` tables; nothing when
    no subgroup could be judged."""
    return _write_means_and_figure(subgroups, "tstr_auroc", "fairness_subgroups", plot_subgroups, tables_dir,
                                   figures_dir, dpi)


def write_representation_figure(representation: pd.DataFrame, tables_dir: Path, figures_dir: Path,
                                dpi: int = 300) -> list[Path]:
    """``fairness_representation.csv`` and its figure from the stacked ``REPRESENTATION_DETAILS`` tables;
    nothing when no subgroup could be judged."""
    return _write_means_and_figure(representation, "ratio", "fairness_representation", plot_representation,
                                   tables_dir, figures_dir, dpi)


__all__ = ["plot_representation", "plot_subgroups", "subgroup_means", "write_representation_figure",
           "write_subgroup_figure"]
