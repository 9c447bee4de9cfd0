"""How long a benchmark file takes with 1 and 2 workers, and how much of each cell is harness overhead.

Run from the repository root:

    BENCH_DATA_MIRROR=../shared/datasets .venv/bin/python benchmarks/perf/runner.py
    .venv/bin/python benchmarks/perf/runner.py --file benchmarks/default.yaml --workers 1

For each worker count it runs ``bench run FILE --workers N`` in a fresh process into a temporary
results folder (so nothing is skipped as already finished) and prints the wall time of the whole
command (report included), the speed-up over the first worker count, and, from the MLflow runs,
the mean time of a cell (its child run, from creation to close) and the harness overhead: cell time
minus the measured load, fit, sample and evaluate stages. The overhead is split, with the
timestamps Papermill writes into each executed notebook, into what comes before the notebook's
first cell (the runner's run record, Papermill, the kernel's start), what runs in the kernel
outside the stages (imports, the notebook's own display code, Papermill saving the notebook
between cells) and what comes after its last cell (stopping the kernel, logging the outbox and
closing the run in MLflow).

Targets (issue 7): overhead under 10% of cell time on default.yaml; 2 workers at least 1.6x faster
than 1 on quick.yaml.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from harness import print_table


@dataclass(frozen=True)
class CellTime:
    """Where one finished cell's time went, in seconds."""

    cell: float  # its MLflow run, from creation to close
    stages: float  # measured load, fit, sample and evaluate
    before: float  # run created -> the notebook's first cell starts
    after: float  # the notebook's last cell ends -> run closed

    @property
    def overhead(self) -> float:
        return self.cell - self.stages

    @property
    def in_kernel(self) -> float:
        return self.overhead - self.before - self.after


def _epoch_s(timestamp: str) -> float:
    """Seconds since the epoch of a Papermill timestamp (ISO 8601, UTC when it names no zone)."""
    moment = datetime.fromisoformat(timestamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def cell_times(results: Path, benchmark: str) -> list[CellTime]:
    """The ``CellTime`` of every finished cell run of the benchmark (its executed notebook read back)."""
    import nbformat
    from mlflow.tracking import MlflowClient

    from bench.metrics.cost import STAGES
    from bench.sweep.config import slugify

    client = MlflowClient(tracking_uri=f"sqlite:///{results / 'mlflow.db'}")
    experiment = client.get_experiment_by_name(benchmark)
    out = []
    for run in client.search_runs([experiment.experiment_id], filter_string="tags.`bench.status` = 'FINISHED'"):
        if "bench.cell_id" not in run.data.tags:
            continue
        sweep = run.data.tags["bench.sweep"]
        notebook = nbformat.read(results / "runs" / sweep / f"{slugify(run.info.run_name)}.ipynb", as_version=4)
        timed = [c.metadata.papermill for c in notebook.cells if c.cell_type == "code"]
        start_s, end_s = run.info.start_time / 1000, run.info.end_time / 1000
        out.append(CellTime(cell=end_s - start_s,
                            stages=sum(run.data.metrics.get(f"cost.{stage}_wall_s", 0.0) for stage in STAGES),
                            before=_epoch_s(timed[0]["start_time"]) - start_s,
                            after=end_s - _epoch_s(timed[-1]["end_time"])))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run and print; exit status 1 if a run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default="benchmarks/quick.yaml", help="benchmark file (default: %(default)s)")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        counts = [int(w) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        parser.error(f"--workers must be comma-separated integers, got '{args.workers}'")
    from bench.sweep.config import load_benchmark

    benchmark = load_benchmark(args.file)
    bench_command = str(Path(sys.executable).with_name("bench"))
    print(f"{args.file} ({len(benchmark.cells())} cells); Python {platform.python_version()}, {os.cpu_count()} CPUs",
          flush=True)
    lines, failed, first = [], False, None
    for workers in counts:
        with tempfile.TemporaryDirectory() as results:
            print(f"  running with {workers} worker(s) ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            done = subprocess.run([bench_command, "run", args.file, "--results", results, "--workers", str(workers)],
                                  capture_output=True, text=True)
            wall = time.perf_counter() - started
            if done.returncode != 0:
                failed = True
                lines.append((str(workers), f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"))
                continue
            cells = cell_times(Path(results), benchmark.name)
        first = first or wall

        def mean(part: str) -> float:
            return sum(getattr(c, part) for c in cells) / len(cells)

        lines.append((str(workers), f"{wall:.0f}", f"{first / wall:.2f}x", str(len(cells)), f"{mean('cell'):.1f}",
                      f"{mean('overhead'):.1f}", f"{100 * mean('overhead') / mean('cell'):.0f}%",
                      f"{mean('before'):.1f}", f"{mean('in_kernel'):.1f}", f"{mean('after'):.1f}"))
    print()
    print_table(("workers", "wall s", "speed-up", "cells", "cell s", "overhead s", "overhead",
                 "before notebook s", "in kernel s", "after notebook s"), lines, keys=1)
    print("\noverhead = cell - measured stages = before the notebook's first cell (run record, Papermill, kernel "
          "start) + in the kernel outside the stages (imports, display, saves) + after its last cell (kernel stop, "
          "MLflow logging)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
