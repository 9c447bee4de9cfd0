"""Tables from the tidy runs table: one row per cell, one column per metric.

Everything here is a pure function of that table (see ``bench.tracking.runs_table``) and the
metrics' declared meaning (``MetricSpec``): summaries over seeds with Student-t 95% intervals,
wide comparison tables with the best generator per dataset in bold only where its paired interval
against the runner-up excludes 0 (the advantage and its interval in the table's last row), ranks
over datasets with their tests (``bench.report.ranking``), and figures in one shared style with one stable
colour per generator (``bench.plotting.colours``). Failed cells are always counted and shown, never dropped
silently.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.errors import BenchError
from bench.metrics.base import FAMILIES, MetricSpec
from bench.report.latex import escape as tex_escape
from bench.report.latex import tabular as tex_tabular
from bench.report.summary import CONFIDENCE, FINISHED, example_runs, example_spec, present_specs, summarise, t_interval  # noqa: F401 - the doctests' examples

IDENTITY_COLUMNS = ("run_id", "sweep_id", "cell_id", "cell", "dataset", "generator", "seed", "status", "error")
VERDICT_COLUMNS = ("privacy_verdict", "privacy_worst_attack")  # from the cells' tags (bench.tracking)
ADVANTAGE_COLUMNS = ("dataset", "best", "runner_up", "n", "advantage", "ci_low", "ci_high", "interval", "clear")
ADVANTAGE_LABEL = "best vs runner-up"  # the comparison table's last row



def best_generators(summary: pd.DataFrame, spec: MetricSpec) -> set[tuple[str, str]]:
    """(dataset, generator) pairs whose mean no other generator of that dataset beats under ``spec.better``.

    Exact ties are all best; pairs without a mean are never best.

    Example:
        >>> sorted(best_generators(summarise(example_runs(), example_spec()), example_spec()))
        [('pima', 'copy')]
    """
    best = set()
    for dataset, group in summary.dropna(subset=["mean"]).groupby("dataset"):
        means = list(zip(group["generator"], group["mean"]))
        best |= {(dataset, g) for g, m in means if not any(spec.better(other, m) for _, other in means)}
    return best


def format_cell(row: pd.Series, bold: bool = False, digits: int = 3, latex: bool = False) -> str:
    """Text for one comparison-table cell: ``mean ± half-width`` (95% t-interval over n >= 2 seeds), ``mean
    (n=1)`` (one seed: no interval), ``mean (n=3 identical)`` (the same value on every seed, as from a
    deterministic generator: no interval, which is not certainty; never ``± 0.000``) or ``failed (k/N)``;
    Markdown, or LaTeX with ``latex``. A half-width that rounds to 0 reads ``< 0.001``.

    Example:
        >>> row = pd.Series({"cells": 3, "n": 2, "failed": 1, "mean": 0.8123, "ci_low": 0.8, "ci_high": 0.8246})
        >>> print(format_cell(row, bold=True), "|", format_cell(row, bold=True, latex=True))
        **0.812 ± 0.012** (1 failed) | \\textbf{0.812 $\\pm$ 0.012} (1 failed)
        >>> format_cell(pd.Series({"cells": 1, "n": 1, "failed": 0, "mean": 0.5, "ci_low": math.nan,
        ...                        "ci_high": math.nan}))
        '0.500 (n=1)'
        >>> format_cell(pd.Series({"cells": 3, "n": 3, "failed": 0, "mean": 0.5, "ci_low": 0.5, "ci_high": 0.5}))
        '0.500 (n=3 identical)'
        >>> format_cell(pd.Series({"cells": 3, "n": 3, "failed": 0, "mean": 0.5, "ci_low": 0.4999, "ci_high": 0.5001}))
        '0.500 ± <0.001'
    """
    n, failed, cells = int(row["n"]), int(row["failed"]), int(row["cells"])
    if n == 0:
        return f"failed ({failed}/{cells})" if failed else "no value"
    text = f"{row['mean']:.{digits}f}"
    half = row["ci_high"] - row["mean"]
    if n > 1 and half > 0:
        text += (r" $\pm$ " if latex else " ± ") + _half_width_text(half, digits, latex)
    if bold:
        text = f"\\textbf{{{text}}}" if latex else f"**{text}**"
    notes = (["n=1"] if n == 1 else []) + ([f"n={n} identical"] if n > 1 and half <= 0 else []) + (
        [f"{failed} failed"] if failed else [])
    return text + (f" ({', '.join(notes)})" if notes else "")


def _half_width_text(half: float, digits: int, latex: bool) -> str:
    """``0.012``, or ``<0.001`` where the half-width would round to 0 (``$<$`` in LaTeX)."""
    if round(half, digits) > 0:
        return f"{half:.{digits}f}"
    return (r"$<$" if latex else "<") + f"{10.0**-digits:.{digits}f}"


def sample_note(runs: pd.DataFrame, spec: MetricSpec) -> str:
    """What each table entry is computed over: the seeds (cells with a value) per entry, the single-seed
    entries and those with one value on every seed (a deterministic generator), which have no interval.

    Example:
        >>> sample_note(example_runs(), example_spec())
        'n = 1-2 seeds (cells with a value) per entry; entries marked n=1 are single values without an interval.'
    """
    summary = summarise(runs, spec)
    counts = summary["n"][summary["n"] > 0]
    if counts.empty:
        return "No entry has a value."
    low, high = int(counts.min()), int(counts.max())
    span = f"{low}" if low == high else f"{low}-{high}"
    note = f"n = {span} seed{'s' if high > 1 else ''} (cells with a value) per entry"
    if high == 1:
        note += "; one seed: single values without an interval (run more seeds for one)."
    else:
        note += "; entries marked n=1 are single values without an interval." if low == 1 else "."
    if ((summary["n"] > 1) & (summary["std"] == 0)).any():
        note += (" Entries marked identical had the same value on every seed (a deterministic generator on this "
                 "split): one value, without an interval, which is not certainty.")
    return note


def paired_advantages(runs: pd.DataFrame, spec: MetricSpec) -> pd.DataFrame:
    """Per dataset: the generator with the best mean, the runner-up (the second-best mean) and the best's
    advantage over it (how much better in the metric's units; how much closer, for a target goal),
    paired over the seeds on which both have a value (same dataset, split and seed), with the 95% paired
    Student-t interval of its mean. ``clear`` when that interval lies above 0: only then is the best in
    bold. With one matched seed, or the same difference on every seed (as between two deterministic
    generators), there is no interval, and ``interval`` says so and why. The interval is over the seeds
    of one split: it says how surely the best stays ahead when the generators are rerun, not on new data.

    Example:
        >>> paired_advantages(example_runs(),
        ...                   example_spec()).round(3).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'dataset': 'pima', 'best': 'copy', 'runner_up': 'marginals', 'n': 1, 'advantage': 0.2, 'ci_low': nan,
         'ci_high': nan, 'interval': 'n=1 seed: no interval', 'clear': False}
    """
    summary = summarise(runs, spec)
    finished = runs[runs["status"] == FINISHED]
    rows = [{"dataset": dataset, **_paired_advantage(finished[finished["dataset"] == dataset], group, spec)}
            for dataset, group in summary.groupby("dataset", sort=True)]
    return pd.DataFrame(rows, columns=list(ADVANTAGE_COLUMNS))


def _paired_advantage(cells: pd.DataFrame, summary: pd.DataFrame, spec: MetricSpec) -> dict[str, Any]:
    """One dataset's row of ``paired_advantages``: ``cells`` its finished cells, ``summary`` its summary rows."""
    ranked = summary.dropna(subset=["mean"])
    ranked = ranked.assign(loss=spec.loss(ranked["mean"])).sort_values(["loss", "generator"], kind="mergesort")
    row: dict[str, Any] = {"best": "", "runner_up": "", "n": 0, "advantage": math.nan, "ci_low": math.nan,
                           "ci_high": math.nan, "interval": "no value", "clear": False}
    if ranked.empty:
        return row
    row["best"] = best = ranked["generator"].iloc[0]
    if len(ranked) < 2:
        return {**row, "interval": "no runner-up with a value"}
    row["runner_up"] = runner = ranked["generator"].iloc[1]
    seeds = cells.pivot_table(index="seed", columns="generator", values=spec.name, aggfunc="first")
    both = seeds[[best, runner]].dropna() if {best, runner} <= set(seeds.columns) else seeds.iloc[:0, :0]
    diff = (spec.loss(both[runner]) - spec.loss(both[best])).to_numpy(dtype=float) if len(both) else np.array([])
    row["n"] = len(diff)
    if not len(diff):
        return {**row, "interval": "no seed on which both have a value"}
    row["advantage"] = float(np.mean(diff))
    if len(diff) == 1:
        return {**row, "interval": "n=1 seed: no interval"}
    if np.ptp(diff) <= 1e-9 * max(1.0, float(np.max(np.abs(diff)))):
        return {**row, "interval": f"same difference on all {len(diff)} seeds: no interval"}
    low, high = t_interval(diff)
    return {**row, "ci_low": low, "ci_high": high, "interval": f"paired t, n={len(diff)} seeds", "clear": low > 0}


def advantage_text(row: pd.Series, digits: int = 3, latex: bool = False) -> str:
    """One dataset's cell of the advantage row: best over runner-up, the mean paired advantage and its
    interval, or why there is none (LaTeX-escaped with ``latex``).

    Example:
        >>> advantage_text(pd.Series({"best": "a", "runner_up": "b", "n": 3, "advantage": 0.05, "ci_low": 0.01,
        ...                           "ci_high": 0.09, "interval": "paired t, n=3 seeds"}))
        'a over b: +0.050 [+0.010, +0.090] (paired t, n=3 seeds)'
    """
    if not row["runner_up"]:
        text = str(row["interval"])
    elif int(row["n"]) == 0:
        text = f"{row['best']} over {row['runner_up']}: {row['interval']}"
    else:
        interval = "" if math.isnan(row["ci_low"]) else f" [{row['ci_low']:+.{digits}f}, {row['ci_high']:+.{digits}f}]"
        text = f"{row['best']} over {row['runner_up']}: {row['advantage']:+.{digits}f}{interval} ({row['interval']})"
    return tex_escape(text) if latex else text


def advantage_row(runs: pd.DataFrame, spec: MetricSpec, digits: int = 3, latex: bool = False) -> pd.DataFrame:
    """The comparison table's last row (``ADVANTAGE_LABEL``): per dataset, ``advantage_text`` of
    ``paired_advantages``.

    Example:
        >>> advantage_row(example_runs(), example_spec())["pima"].iloc[0]
        'copy over marginals: +0.200 (n=1 seed: no interval)'
    """
    advantages = paired_advantages(runs, spec)
    return pd.DataFrame([[advantage_text(row, digits, latex) for _, row in advantages.iterrows()]],
                        columns=list(advantages["dataset"]), index=[ADVANTAGE_LABEL])


def comparison_table(runs: pd.DataFrame, spec: MetricSpec, digits: int = 3, latex: bool = False) -> pd.DataFrame:
    """Wide text table, rows generator, columns dataset (Markdown, or LaTeX with ``latex``); the best mean
    per dataset in bold only where its paired interval against the runner-up excludes 0
    (``paired_advantages``).

    Pairs that were never run are empty strings.

    Example:
        >>> comparison_table(example_runs(), example_spec())["pima"].to_dict()  # 1 matched seed: not bold
        {'copy': '0.910 ± 0.127', 'marginals': '0.700 (n=1, 1 failed)'}
    """
    summary = summarise(runs, spec)
    clear = {(row.dataset, row.best) for row in paired_advantages(runs, spec).itertuples() if row.clear}
    text = summary.assign(text=[format_cell(row, (row["dataset"], row["generator"]) in clear, digits, latex)
                                for _, row in summary.iterrows()])
    table = text.pivot(index="generator", columns="dataset", values="text").fillna("")
    table.columns.name = None
    return table


# --------------------------------------------------------------------------------------------- tables


def metric_file_stem(spec: MetricSpec) -> str:
    """Stable file name stem of a metric's table and figure.

    Example:
        >>> metric_file_stem(example_spec())
        'utility_tstr_auroc'
    """
    return spec.name.replace(".", "_")


def goal_text(spec: MetricSpec) -> str:
    """Plain words for the goal: ``higher is better``, ``lower is better`` or ``closest to X is best``.

    Example:
        >>> goal_text(MetricSpec("privacy.x", goal=0.5, range=(0, 1), description="d"))
        'closest to 0.5 is best'
    """
    if spec.goal == "maximize":
        return "higher is better"
    if spec.goal == "minimize":
        return "lower is better"
    return f"closest to {float(spec.goal):g} is best"


def markdown_table(table: pd.DataFrame) -> str:
    """A GitHub pipe table of a text DataFrame, index as the first column (no ``tabulate`` needed).

    Example:
        >>> print(markdown_table(pd.DataFrame({"pima": ["0.9"]}, index=pd.Index(["copy"], name="generator"))))
        | generator | pima |
        |:---|---:|
        | copy | 0.9 |
    """
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = [table.index.name or "", *table.columns]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|:---|" + "---:|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in (index, *row)) + " |"
              for index, row in zip(table.index, table.itertuples(index=False))]
    return "\n".join(lines)


def metric_markdown(runs: pd.DataFrame, spec: MetricSpec, digits: int = 3) -> str:
    """Markdown for one metric: a title line (name, arrow, description), a legend line and the table.

    Example:
        >>> metric_markdown(example_runs(), example_spec()).splitlines()[0]
        '### utility.tstr_auroc ↑ — TSTR AUROC'
    """
    note = (f"{goal_text(spec).capitalize()}. Mean ± half-width of the {CONFIDENCE:.0%} Student-t interval "
            f"over seeds; failed cells counted in brackets. {BOLD_NOTE} {sample_note(runs, spec)}")
    table = markdown_table(with_advantage(comparison_table(runs, spec, digits), advantage_row(runs, spec, digits)))
    return f"### {spec.name} {spec.arrow} — {spec.description}\n\n{note}\n\n{table}\n"


BOLD_NOTE = (f"The best mean per dataset is in bold only where the {CONFIDENCE:.0%} paired Student-t interval of "
             "its advantage over the runner-up, over the seeds both have a value on (same dataset, split and seed), "
             f"excludes 0; the row '{ADVANTAGE_LABEL}' gives that advantage (positive: better) with its interval, "
             "or says why there is none.")


def with_advantage(table: pd.DataFrame, advantage: pd.DataFrame) -> pd.DataFrame:
    """``table`` (a comparison table) with the advantage row under it, its columns aligned by dataset.

    Example:
        >>> runs, spec = example_runs(), example_spec()
        >>> list(with_advantage(comparison_table(runs, spec), advantage_row(runs, spec)).index)
        ['copy', 'marginals', 'best vs runner-up']
    """
    combined = pd.concat([table, advantage.reindex(columns=table.columns).fillna("")])
    combined.index.name = table.index.name
    return combined


def metric_latex(runs: pd.DataFrame, spec: MetricSpec, digits: int = 3) -> str:
    """A booktabs fragment for one metric, its meaning in a leading comment (for the caption).

    Example:
        >>> print(metric_latex(example_runs(), example_spec()).splitlines()[5])
        \\begin{tabular}{lr}
    """
    comment = (f"{spec.name} {spec.arrow}: {spec.description}\n{goal_text(spec).capitalize()}; mean +- half-width "
               f"of the {CONFIDENCE:.0%} Student-t interval over seeds.\n{BOLD_NOTE}\n"
               f"{sample_note(runs, spec)}\n"
               "Needs \\usepackage{booktabs}.")
    table = with_advantage(comparison_table(runs, spec, digits, latex=True),
                           advantage_row(runs, spec, digits, latex=True))
    table.index.name = f"generator {spec.arrow}"
    return tex_tabular(table, comment, footer=1) + "\n"


def metric_columns(runs: pd.DataFrame) -> list[str]:
    """Columns of the runs table that hold metrics (``<family>.<metric>``), in table order.

    Example:
        >>> metric_columns(example_runs())
        ['utility.tstr_auroc']
    """
    return [c for c in runs.columns if c not in IDENTITY_COLUMNS and str(c).partition(".")[0] in FAMILIES]


def cells_table(runs: pd.DataFrame) -> pd.DataFrame:
    """The per-cell table: identity columns, the privacy verdict and its worst attack, then metric columns,
    every row (failed ones included).

    Example:
        >>> list(cells_table(example_runs()).columns)[-2:]
        ['error', 'utility.tstr_auroc']
    """
    identity = [c for c in IDENTITY_COLUMNS + VERDICT_COLUMNS if c in runs.columns]
    return runs[identity + metric_columns(runs)].sort_values(["dataset", "generator", "seed"]).reset_index(drop=True)


def select_generators(runs: pd.DataFrame, generators: list[str] | None = None) -> pd.DataFrame:
    """The rows of ``runs`` whose generator is one of ``generators`` (empty or None: all rows); a name
    that has no cell in ``runs`` is a BenchError listing the generators there are.

    Example:
        >>> sorted(select_generators(example_runs(), ["copy"])["generator"].unique())
        ['copy']
        >>> select_generators(example_runs(), ["ctgan"])
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: generator(s) ctgan have no cell in these runs; expected some of: copy, marginals
    """
    if not generators:
        return runs
    present = sorted(runs["generator"].unique()) if "generator" in runs else []
    missing = [g for g in generators if g not in present]
    if missing:
        raise BenchError(f"generator(s) {', '.join(missing)} have no cell in these runs; expected some of: "
                         f"{', '.join(present) or 'none (no runs)'}")
    return runs[runs["generator"].isin(generators)].reset_index(drop=True)


def write_tables(runs: pd.DataFrame, specs: list[MetricSpec], out_dir: Path) -> list[Path]:
    """Write ``<metric>.csv`` (summary numbers), ``<metric>.md`` and ``<metric>.tex`` (comparison) per
    metric, and ``cells.csv``.

    Example:
        >>> import tempfile
        >>> paths = write_tables(example_runs(), [example_spec()], Path(tempfile.mkdtemp()))
        >>> [p.name for p in paths]
        ['utility_tstr_auroc.csv', 'utility_tstr_auroc.md', 'utility_tstr_auroc.tex', 'cells.csv']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in present_specs(runs, specs):
        stem = metric_file_stem(spec)
        summarise(runs, spec).to_csv(out_dir / f"{stem}.csv", index=False)
        (out_dir / f"{stem}.md").write_text(metric_markdown(runs, spec), encoding="utf-8")
        (out_dir / f"{stem}.tex").write_text(metric_latex(runs, spec), encoding="utf-8")
        paths += [out_dir / f"{stem}.csv", out_dir / f"{stem}.md", out_dir / f"{stem}.tex"]
    cells_table(runs).to_csv(out_dir / "cells.csv", index=False)
    return paths + [out_dir / "cells.csv"]
