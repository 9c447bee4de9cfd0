"""Run a benchmark: expand the matrix, skip finished cells, execute the rest on an executor, summarise.

Each cell is executed by Papermill in its own Jupyter kernel process (``bench.sweep.notebook_job``), on this
machine or on Ray (``bench.sweep.executors``). The runner creates the cell's MLflow child run just
before the cell starts and passes its id in, so a cell that crashes, hangs, runs out of memory or
is killed still becomes a FAILED run with its error and its executed notebook, and the sweep goes on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from bench.datasets.fetch import anchor_data_folders
from bench.errors import BenchError, headline
from bench.generators.registry import GENERATORS
from bench.sweep import executors
from bench.sweep.config import Benchmark, Cell
from bench.sweep.kernels.watchdog import Limits, total_memory_mb
from bench.sweep.notebook_job import NOTEBOOK, Job, make_job
from bench.tracking import reads, store, writes

# Share of the machine's memory the cells may use together when the benchmark sets no memory limit.
MEMORY_SHARE = 0.8


@dataclass(frozen=True)
class Resources:
    """How a sweep uses the machine: cells at once, threads per cell, memory limit per cell."""

    workers: int
    threads: int
    memory_mb: int


def plan_resources(cpus: int, workers: int = 0, memory_limit_mb: int = 0, cells: int = 1,
                   memory_mb: int | None = None) -> Resources:
    """Workers (0: as many as the ``cpus`` and memory allow, at most one per cell), the threads each
    cell gets (the cpus shared out) and each cell's memory limit (0: 80% of ``memory_mb`` shared out).

    Example:
        >>> plan_resources(cpus=16, cells=100, memory_mb=64_000)
        Resources(workers=16, threads=1, memory_mb=3200)
        >>> plan_resources(cpus=16, memory_limit_mb=16_000, cells=100, memory_mb=64_000)  # memory caps workers
        Resources(workers=3, threads=5, memory_mb=16000)
        >>> plan_resources(cpus=2, workers=1, cells=6, memory_mb=24_000)
        Resources(workers=1, threads=2, memory_mb=19200)
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise BenchError(f"workers must be a positive integer (or 0 for automatic), got {workers!r}")
    memory_mb = total_memory_mb() if memory_mb is None else memory_mb
    if not workers:
        workers = cpus
        if memory_limit_mb:
            workers = min(workers, max(1, int(MEMORY_SHARE * memory_mb // memory_limit_mb)))
        workers = max(1, min(workers, cells))
    return Resources(workers, max(1, cpus // workers), memory_limit_mb or int(MEMORY_SHARE * memory_mb / workers))


@dataclass
class SweepSummary:
    """What a sweep did, for the closing summary and for tests."""

    benchmark: str
    sweep_name: str
    parent_run_id: str
    tracking_uri: str
    runs_dir: Path
    executor: str = "local"
    resources: Resources | None = None
    finished: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"finished": len(self.finished), "failed": len(self.failed), "skipped": len(self.skipped)}


class Progress:
    """The sweep's progress bar: cells done / failed / running / left, elapsed and ETA (from the cells
    run in this sweep, not the skipped ones). Thread-safe."""

    def __init__(self, name: str, total: int, skipped: int) -> None:
        self._bar = tqdm(total=total, initial=skipped, unit="cell", desc=name, dynamic_ncols=True, smoothing=0)
        self._lock = threading.Lock()
        self.finished = self.failed = self.running = 0
        self._refresh()

    def _refresh(self) -> None:
        left = self._bar.total - self._bar.n - self.running
        self._bar.set_postfix_str(f"finished {self.finished}, failed {self.failed}, running {self.running}, "
                                  f"left {left}", refresh=True)

    def started(self) -> None:
        with self._lock:
            self.running += 1
            self._refresh()

    def ended(self, name: str, error: str) -> None:
        with self._lock:
            self.running -= 1
            if error:
                self.failed += 1
                tqdm.write(f"FAILED {name}: {headline(error)}")
            else:
                self.finished += 1
            self._bar.update(1)
            self._refresh()

    def close(self) -> None:
        self._bar.close()


def cell_threads(plan: Resources) -> int | None:
    """The thread cap of each cell's kernel: the plan's share of the cores, or None (uncapped, every
    core) when cells run one at a time.

    Example:
        >>> cell_threads(Resources(workers=2, threads=4, memory_mb=0)), cell_threads(Resources(1, 8, 0))
        (4, None)
    """
    return plan.threads if plan.workers > 1 else None


def schedule(cells: list[Cell]) -> list[Cell]:
    """The order cells start in: those of generators that learn a model first, the baselines last,
    each group in matrix order.

    Baselines take seconds. Started last, they fill the workers' ends of the sweep; a long cell
    started last instead leaves the other workers idle until it ends (on ``quick.yaml`` with 2
    workers, matrix order kept one worker idle for 23 s of a 62 s sweep).

    Example:
        >>> from bench.sweep.config import Cell
        >>> cells = [Cell("b", "pima", {}, name, {}, 0) for name in ("copy", "ctgan", "marginals", "tvae")]
        >>> [cell.generator for cell in schedule(cells)]
        ['ctgan', 'tvae', 'copy', 'marginals']
    """
    return sorted(cells, key=lambda cell: GENERATORS[cell.generator].family == "baseline")


def run_benchmark(benchmark: Benchmark, results_dir: Path, force: bool = False, cells: list[Cell] | None = None,
                  workers: int | None = None, executor: str | None = None, address: str | None = None,
                  notebook: Path = NOTEBOOK) -> SweepSummary:
    """Run every cell of ``benchmark`` (or of ``cells``, a selection of them) not already FINISHED
    (all of them with ``force``).

    ``workers`` and ``executor`` default to the benchmark file's (0 there: automatic, see
    ``plan_resources``). ``notebook`` is the cell notebook to execute (tests swap in one that
    injects faults). Runs a killed sweep left RUNNING for these cells are closed as FAILED first.
    A relative ``results_dir`` is made absolute first, and so are relative data folders in the
    environment (``fetch.anchor_data_folders``): cells never depend on the working directory.
    """
    started = time.perf_counter()
    results_dir = Path(results_dir).absolute()
    anchor_data_folders()
    cells = benchmark.cells() if cells is None else cells
    runner = executors.create(executor or benchmark.executor, address)
    try:
        def planned(count: int) -> Resources:
            return plan_resources(runner.cpus(), benchmark.workers if workers is None else workers,
                                  benchmark.memory_limit_mb, count)

        runner.prepare(cell_threads(planned(len(cells))))  # kernels warm up while MLflow sets up
        tracking_uri = store.default_tracking_uri(results_dir)
        results_dir.mkdir(parents=True, exist_ok=True)
        experiment = store.experiment_id(tracking_uri, benchmark.name, results_dir / "mlartifacts")
        done = set() if force else reads.finished_cell_ids(tracking_uri, experiment)
        pending = schedule([cell for cell in cells if cell.id not in done])
        plan = planned(len(pending))
        limits = Limits(benchmark.timeout_s, plan.memory_mb)
        sweep_name = f"{benchmark.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        parent = writes.start_sweep(tracking_uri, experiment, sweep_name, {
            "bench.benchmark_file": str(benchmark.path), "bench.config_sha256": benchmark.config_sha256(),
            "bench.executor": runner.name, "bench.workers": str(plan.workers),
            "bench.threads_per_cell": str(plan.threads), "bench.memory_limit_mb": str(plan.memory_mb),
            "bench.timeout_s": str(benchmark.timeout_s)})
        summary = SweepSummary(benchmark.name, sweep_name, parent, tracking_uri, results_dir / "runs" / sweep_name,
                               runner.name, plan, skipped=[cell.name for cell in cells if cell.id in done])
        summary.runs_dir.mkdir(parents=True, exist_ok=True)
        writes.close_interrupted(tracking_uri, experiment, {cell.id for cell in pending}, sweep_name)
        progress = Progress(benchmark.name, len(cells), len(summary.skipped))
        clocks: dict[str, float] = {}

        def start(cell: Cell, threads: int) -> Job:
            run_id = writes.start_cell(tracking_uri, experiment, parent, sweep_name, cell.name, cell.id, cell.spec(),
                                         {"dataset": cell.dataset_label, "generator": cell.generator_label,
                                          "seed": cell.seed})
            clocks[run_id] = time.perf_counter()
            progress.started()
            return make_job(cell, run_id, tracking_uri, limits, summary.runs_dir / f"{cell.slug}.ipynb",
                            cell_threads(plan), notebook)

        def finish(job: Job, error: str) -> None:
            if not error:
                writes.log_cell_time(tracking_uri, job.run_id, time.perf_counter() - clocks.pop(job.run_id))
            writes.finish_cell(tracking_uri, job.run_id, "FAILED" if error else "FINISHED", error, job.output)
            if error:
                summary.failed[job.cell.name] = error
            else:
                summary.finished.append(job.cell.name)
            progress.ended(job.cell.name, error)

        try:
            runner.run(pending, plan.workers, plan.threads, start, finish)
        finally:
            progress.close()
            writes.finish_sweep(tracking_uri, parent, summary.counts())
    finally:
        runner.close()
    summary.seconds = time.perf_counter() - started
    return summary


__all__ = ["NOTEBOOK", "Progress", "Resources", "SweepSummary", "plan_resources", "cell_threads", "run_benchmark",
           "schedule"]
