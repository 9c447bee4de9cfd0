"""The report, built in one place: every section of ``bench.report.sections.SECTIONS`` from the runs
table, then ``report.html``. ``bench report``, ``bench run``, the notebooks and the benchmark scripts
all call this module; nothing else assembles a report.

Everything is a function of the tidy runs table (one row per cell, ``bench.tracking.reads``), the
metrics' declared meaning (``MetricSpec``) and the cells' details tables (aggregates only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from bench.errors import BenchError
from bench.metrics import METRICS
from bench.metrics.base import MetricSpec
from bench.report.figures.tradeoff import risk_threshold as scored_risk_threshold
from bench.report.page import write_page
from bench.report.sections import SECTIONS, ReportInputs
from bench.report.summary import example_runs, example_spec  # noqa: F401 - the doctests' examples
from bench.tracking import reads, store


def _no_details(name: str) -> pd.DataFrame:
    return pd.DataFrame()


def build_report(runs: pd.DataFrame, specs: list[MetricSpec], results_dir: Path, name: str = "",
                 risk_threshold: float | None = None,
                 details: Callable[[str], pd.DataFrame] = _no_details) -> dict[str, list[Path]]:
    """Every section's tables to ``results_dir/tables[/name]`` and figures to ``results_dir/figures[/name]``,
    as ``{section key: paths}`` in the order of ``SECTIONS``; BenchError when there are no runs.

    ``risk_threshold`` defaults to the one the cells were scored with; ``details`` gives a details
    table by name (the fairness figures need them; without it they are left out).

    Example:
        >>> import tempfile
        >>> outputs = build_report(example_runs(), [example_spec()], Path(tempfile.mkdtemp()))
        >>> [p.name for p in outputs["figures"]]
        ['utility_tstr_auroc.png', 'utility_tstr_auroc.pdf', 'utility_tstr_auroc.svg']
        >>> build_report(pd.DataFrame(), [example_spec()], Path("results"))
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: no runs found to report on (the runs table is empty); run `bench run` first
    """
    if runs is None or runs.empty:
        raise BenchError("no runs found to report on (the runs table is empty); run `bench run` first")
    results_dir = Path(results_dir)
    inputs = ReportInputs(runs, list(specs), results_dir / "tables" / name, results_dir / "figures" / name,
                          scored_risk_threshold(runs) if risk_threshold is None else risk_threshold, details)
    return {section.key: section.writer(inputs) for section in SECTIONS}


def benchmark_runs(results_dir: Path, benchmark: str | None = None,
                   cell_ids: set[str] | None = None) -> tuple[str, str, pd.DataFrame]:
    """``(tracking URI, benchmark, runs table)``: the named benchmark (default: the most recent sweep's)
    and the latest run of each of its cells (of ``cell_ids`` only, if given); a clear error when there
    is no sweep or no such cell run."""
    uri = store.default_tracking_uri(results_dir)
    benchmark = benchmark or reads.latest_benchmark(uri)
    if benchmark is None:
        raise BenchError(f"no sweeps found in {uri}; run `bench run` first")
    runs = reads.runs_table(uri, store.experiment_id(uri, benchmark, Path(results_dir) / "mlartifacts"))
    if cell_ids is not None and not runs.empty:
        runs = runs[runs["cell_id"].isin(cell_ids)]
    if runs.empty:
        raise BenchError(f"no cell runs found for benchmark '{benchmark}' in {uri}; run `bench run` first")
    return uri, benchmark, runs


def write_report(results_dir: Path, benchmark: str | None = None,
                 cell_ids: set[str] | None = None) -> dict[str, list[Path]]:
    """Every section and ``report.html`` for one benchmark's latest run of each cell, from the MLflow store
    (default: the benchmark of the most recent sweep); ``{section key: paths}`` plus ``"page"``."""
    uri, benchmark, runs = benchmark_runs(results_dir, benchmark, cell_ids)
    specs = [spec for spec in METRICS.values() if spec.headline]  # every metric stays in cells.csv
    outputs = build_report(runs, specs, results_dir, name=benchmark,
                           details=lambda table: reads.details_table(uri, runs, table))
    sections = [(section.title, outputs[section.key]) for section in SECTIONS]
    return {**outputs, "page": [write_page(results_dir, benchmark, sections, runs)]}


__all__ = ["benchmark_runs", "build_report", "write_report"]
