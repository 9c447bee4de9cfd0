"""Numbers over seeds from the tidy runs table: each (dataset, generator)'s cells, seeds with a value,
failed cells, mean, standard deviation and Student-t 95% interval.

A leaf of the reporting side: tables, figures and rankings read their numbers here, and nothing
here draws.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from bench.errors import BenchError
from bench.metrics.base import MetricSpec

SUMMARY_COLUMNS = ("dataset", "generator", "cells", "n", "failed", "mean", "std", "ci_low", "ci_high")
CONFIDENCE = 0.95
FINISHED = "FINISHED"


def example_runs() -> pd.DataFrame:
    """A tiny runs table for the examples: 1 dataset x 2 generators x 2 seeds, one failed cell."""
    rows = [("pima", "copy", 0, "FINISHED", 0.90), ("pima", "copy", 1, "FINISHED", 0.92),
            ("pima", "marginals", 0, "FINISHED", 0.70), ("pima", "marginals", 1, "FAILED", math.nan)]
    return pd.DataFrame([{
        "run_id": f"r{i}", "sweep_id": "s", "cell_id": f"c{i}", "cell": f"{d}/{g}/seed={s}", "dataset": d,
        "generator": g, "seed": s, "status": st, "error": "" if st == FINISHED else "boom",
        "utility.tstr_auroc": v} for i, (d, g, s, st, v) in enumerate(rows)])


def example_spec() -> MetricSpec:
    """The metric spec of the examples: TSTR AUROC, to maximise, between 0 and 1."""
    return MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0), description="TSTR AUROC")


def require_column(runs: pd.DataFrame, spec: MetricSpec) -> None:
    """Raise a ``BenchError`` when no cell of ``runs`` logged the metric ``spec`` names."""
    if spec.name not in runs.columns:
        raise BenchError(f"metric '{spec.name}' has no column in the runs table (no cell logged it)")


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Student-t confidence interval of the mean of ``values``; NaNs when fewer than two values.

    Example:
        >>> low, high = t_interval(np.array([1.0, 2.0, 3.0]))
        >>> round(low, 3), round(high, 3)
        (-0.484, 4.484)
        >>> t_interval(np.array([1.0]))
        (nan, nan)
    """
    n = len(values)
    if n < 2:
        return math.nan, math.nan
    mean = float(np.mean(values))
    half = float(stdtrit(n - 1, 0.5 + confidence / 2) * np.std(values, ddof=1) / math.sqrt(n))
    return mean - half, mean + half


def _summary_row(group: pd.DataFrame, column: str) -> dict[str, float | int]:
    finished = group["status"] == FINISHED
    values = group.loc[finished, column].dropna().to_numpy(dtype=float)
    if len(values) > 1 and np.ptp(values) == 0:  # one value on every seed (deterministic): exactly no spread,
        # not the rounding noise np.std and np.mean leave; format_cell marks it instead of "± 0.000"
        return {"cells": len(group), "n": len(values), "failed": int((~finished).sum()), "mean": float(values[0]),
                "std": 0.0, "ci_low": float(values[0]), "ci_high": float(values[0])}
    low, high = t_interval(values)
    return {
        "cells": len(group),
        "n": len(values),
        "failed": int((~finished).sum()),
        "mean": float(np.mean(values)) if len(values) else math.nan,
        "std": float(np.std(values, ddof=1)) if len(values) > 1 else math.nan,
        "ci_low": low,
        "ci_high": high,
    }


def summarise(runs: pd.DataFrame, spec: MetricSpec) -> pd.DataFrame:
    """One row per (dataset, generator): seeds with a value, failed cells, mean, std and 95% t-interval.

    ``cells`` counts all cells of the pair, ``n`` the FINISHED ones with a value, ``failed`` those that
    did not finish (FAILED, or never closed). With ``n == 1`` std and CI are NaN; with ``n == 0`` so is
    the mean.

    Example:
        >>> summarise(example_runs(), example_spec())[["generator", "n", "failed", "mean"]]
           generator  n  failed  mean
        0       copy  2       0  0.91
        1  marginals  1       1  0.70
    """
    require_column(runs, spec)
    rows = [{"dataset": dataset, "generator": generator, **_summary_row(group, spec.name)}
            for (dataset, generator), group in runs.groupby(["dataset", "generator"], sort=True)]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS)).astype({"cells": int, "n": int, "failed": int})


def present_specs(runs: pd.DataFrame, specs: list[MetricSpec]) -> list[MetricSpec]:
    """The specs whose metric has a column in ``runs`` (a metric no cell logged is skipped).

    Example:
        >>> [s.name for s in present_specs(example_runs(), [example_spec()])]
        ['utility.tstr_auroc']
    """
    return [spec for spec in specs if spec.name in runs.columns]


__all__ = ["CONFIDENCE", "FINISHED", "SUMMARY_COLUMNS", "example_runs", "example_spec", "present_specs",
           "require_column", "summarise", "t_interval"]
