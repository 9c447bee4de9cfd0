"""One heatmap figure per metric family: a panel per headline metric, generators × datasets, the mean
over seeds written in each cell and coloured per dataset so that darker is always better (whatever
the goal).
Pairs whose cells all failed are marked, not left blank.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from bench.metrics.base import MetricSpec
from bench.plotting.style import FAILED_COLOUR, panel_axes, panel_grid, report_style, save_figure
from bench.report.summary import present_specs, summarise

COLOUR_MAP = "viridis_r"  # perceptually uniform and colour-blind safe; reversed: dark = good


def goodness(means: pd.DataFrame, spec: MetricSpec) -> pd.DataFrame:
    """Means (generators x datasets) rescaled to [0, 1] per dataset, 1 = the dataset's best generator by
    the metric's goal, 0 = its worst (all equal: 1; NaN stays NaN).

    Example:
        >>> spec = MetricSpec("cost.fit_wall_s", goal="minimize", range=(0.0, float("inf")), description="t")
        >>> goodness(pd.DataFrame({"pima": [1.0, 3.0]}, index=["a", "b"]), spec)["pima"].tolist()
        [1.0, 0.0]
    """
    score = -spec.loss(means)
    low, high = score.min(), score.max()  # per dataset (column): datasets differ in scale
    scaled = (score - low) / (high - low)
    flat = list(high.index[~(high > low)])  # one generator, or all equal: each is the best
    scaled[flat] = score[flat] * 0 + 1.0
    return scaled


def plot_family(runs: pd.DataFrame, specs: list[MetricSpec], family: str) -> Figure:
    """The heatmap figure of ``family``: one panel per metric of ``specs`` in it that the runs logged.

    Example:
        >>> from bench.report.ranking import _example_runs, _example_spec
        >>> fig = plot_family(_example_runs(), [_example_spec()], "utility")
        >>> [ax.get_title() for ax in fig.axes if ax.get_title()]
        ['utility.tstr_auroc ↑']
    """
    metrics = [s for s in present_specs(runs, specs) if s.family == family]
    generators = sorted(runs["generator"].unique())
    datasets = sorted(runs["dataset"].unique())
    nrows, ncols = panel_grid(len(metrics))
    width = ncols * (1.6 + 0.9 * len(datasets)) + 1.0
    with report_style():
        fig = Figure(figsize=(width, 0.9 + nrows * (0.8 + 0.32 * len(generators))), layout="constrained")
        axes = panel_axes(fig, (nrows, ncols), len(metrics))
        for ax, spec in zip(axes, metrics):
            summary = summarise(runs, spec)
            means = summary.pivot(index="generator", columns="dataset", values="mean").reindex(
                index=generators, columns=datasets)
            failed = summary.assign(all_failed=(summary["n"] == 0) & (summary["failed"] > 0)).pivot(
                index="generator", columns="dataset", values="all_failed").reindex(
                index=generators, columns=datasets).fillna(False).astype(bool)
            shades = goodness(means, spec)
            ax.imshow(shades.to_numpy(dtype=float), cmap=COLOUR_MAP, vmin=0, vmax=1, aspect="auto")
            for i in range(len(generators)):
                for j in range(len(datasets)):
                    value, shade = means.iloc[i, j], shades.iloc[i, j]
                    if failed.iloc[i, j]:
                        ax.text(j, i, "failed", ha="center", va="center", fontsize=7, color=FAILED_COLOUR)
                    elif not math.isnan(value):
                        ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=7,
                                color="white" if shade > 0.55 else "black")
            ax.set_xticks(range(len(datasets)), datasets, rotation=30, ha="right", rotation_mode="anchor")
            ax.set_yticks(range(len(generators)), generators)
            ax.set_title(f"{spec.name} {spec.arrow}")
            ax.grid(False)
        fig.suptitle(f"{family}: mean over seeds; darker is better within each dataset")
    return fig


def write_heatmaps(runs: pd.DataFrame, specs: list[MetricSpec], out_dir: Path, dpi: int = 300) -> list[Path]:
    """``heatmap_<family>.png``, ``.pdf`` and ``.svg`` for every family with a headline metric in the runs.

    Example:
        >>> import tempfile
        >>> from bench.report.ranking import _example_runs, _example_spec
        >>> [p.name for p in write_heatmaps(_example_runs(), [_example_spec()], Path(tempfile.mkdtemp()), dpi=50)]
        ['heatmap_utility.png', 'heatmap_utility.pdf', 'heatmap_utility.svg']
    """
    families = dict.fromkeys(s.family for s in present_specs(runs, specs))
    return [path for family in families
            for path in save_figure(plot_family(runs, specs, family), out_dir, f"heatmap_{family}", dpi)]


__all__ = ["goodness", "plot_family", "write_heatmaps"]
