"""Run a benchmark: expand the matrix, skip finished cells, execute each cell's notebook, report.

Each cell is executed by Papermill in its own Jupyter kernel process. The runner creates the
cell's MLflow child run first and passes its id in, so a crash still becomes a FAILED run with
its error and its executed notebook, and the sweep goes on.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from bench import tracking
from bench.config import Benchmark, Cell
from bench.errors import BenchError

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "run_cell.ipynb"
KERNEL_NAME = "health-synth-bench"


@dataclass
class SweepSummary:
    """What a sweep did, for the closing summary and for tests."""

    benchmark: str
    sweep_name: str
    parent_run_id: str
    tracking_uri: str
    runs_dir: Path
    finished: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {"finished": len(self.finished), "failed": len(self.failed), "skipped": len(self.skipped)}


# Import-time noise of synthcity's dependencies, muted one message at a time: pgmpy's structure
# search calls sklearn clustering scores on continuous data in worker processes (their warnings
# bypass the notebook and flood the terminal); tqdm asks for ipywidgets; transformers (pulled in by
# synthcity's GReaT plugin, unused here) announces that it disables itself under torch 2.2.
KERNEL_ENV = {
    "PYTHONWARNINGS": "ignore:Clustering metrics expects discrete values:UserWarning,ignore:IProgress not found",
    "TRANSFORMERS_VERBOSITY": "error",
}


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
                    "LOKY_MAX_CPU_COUNT")


def threads_per_cell(workers: int) -> int:
    """Cores each of ``workers`` concurrent cells may use (at least one).

    Example:
        >>> threads_per_cell(1) == (os.cpu_count() or 1), threads_per_cell(10_000)
        (True, 1)
    """
    return max(1, (os.cpu_count() or 1) // workers)


def ensure_kernel(threads: int | None = None) -> str:
    """Write a Jupyter kernel spec that runs this interpreter (idempotent) and return its name.

    Papermill then runs cells with exactly this environment, whatever other "python3" kernels the
    user has registered; JupyterLab lists it as "health-synth-bench (.venv)". With ``threads``, a
    second kernel caps OpenMP, BLAS, numba and joblib at that many threads: cells that run side by
    side then share the cores instead of spin-waiting on each other (two uncapped cells on 2 cores
    ran more than 10x slower in one trial).
    """
    name, env, display = KERNEL_NAME, dict(KERNEL_ENV), "health-synth-bench (.venv)"
    if threads is not None:
        name, display = f"{KERNEL_NAME}-{threads}t", f"health-synth-bench (.venv, {threads} threads per cell)"
        env.update({variable: str(threads) for variable in THREAD_VARIABLES})
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": display, "language": "python", "env": env,
        "metadata": {"debugger": True},
    }
    path = Path(sys.prefix) / "share" / "jupyter" / "kernels" / name / "kernel.json"
    if not path.is_file() or json.loads(path.read_text()) != spec:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(spec, indent=1))
    return name


def execute_cell(cell: Cell, run_id: str, tracking_uri: str, output: Path, timeout_s: int,
                 kernel_name: str) -> str:
    """Execute ``run_cell.ipynb`` for one cell; return '' on success or the error text.

    The executed notebook is written to ``output`` in both cases.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    parameters = {**cell.notebook_parameters(), "run_id": run_id, "tracking_uri": tracking_uri}
    try:
        papermill.execute_notebook(str(NOTEBOOK), str(output), parameters=parameters, kernel_name=kernel_name,
                                   execution_timeout=timeout_s, progress_bar=False, log_output=False,
                                   cwd=str(NOTEBOOK.parent))
    except PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # a dead kernel, a timeout: the cell fails, the sweep goes on
        return f"{type(exc).__name__}: {exc}"
    return ""


def run_benchmark(benchmark: Benchmark, results_dir: Path, force: bool = False,
                  cells: list[Cell] | None = None, workers: int = 1) -> SweepSummary:
    """Run every cell of ``benchmark`` (or of ``cells``, a selection of them) not already FINISHED
    (all of them with ``force``), ``workers`` at a time.

    Each cell runs in its own kernel process; with several workers, each kernel is capped at
    ``threads_per_cell(workers)`` threads. The MLflow bookkeeping of the runner stays in this
    process's threads, one cell at a time per worker.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BenchError(f"workers must be a positive integer, got {workers!r}")
    started = time.perf_counter()
    tracking_uri = tracking.default_tracking_uri(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    experiment = tracking.experiment_id(tracking_uri, benchmark.name, results_dir / "mlartifacts")
    sweep_name = f"{benchmark.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    parent = tracking.start_sweep(tracking_uri, experiment, sweep_name, {
        "bench.benchmark_file": str(benchmark.path), "bench.config_sha256": benchmark.config_sha256(),
        "bench.workers": str(workers)})
    summary = SweepSummary(benchmark.name, sweep_name, parent, tracking_uri, results_dir / "runs" / sweep_name)
    summary.runs_dir.mkdir(parents=True, exist_ok=True)
    done = set() if force else tracking.finished_cell_ids(tracking_uri, experiment)
    kernel = ensure_kernel(threads_per_cell(workers) if workers > 1 else None)
    cells = benchmark.cells() if cells is None else cells

    def run_one(cell: Cell) -> str:
        run_id = tracking.start_cell(tracking_uri, experiment, parent, sweep_name, cell.name, cell.id, cell.spec())
        notebook = summary.runs_dir / f"{cell.slug}.ipynb"
        error = execute_cell(cell, run_id, tracking_uri, notebook, benchmark.timeout_s, kernel)
        tracking.finish_cell(tracking_uri, run_id, "FAILED" if error else "FINISHED", error, notebook)
        return error

    with tqdm(total=len(cells), unit="cell", desc=benchmark.name, dynamic_ncols=True) as bar:
        def record(cell: Cell, error: str) -> None:
            if error:
                summary.failed[cell.name] = error
                tqdm.write(f"FAILED {cell.name}: {error.splitlines()[0] if error else ''}")
            else:
                summary.finished.append(cell.name)
            bar.update(1)
            bar.set_description_str(f"{benchmark.name} (failed {len(summary.failed)})")

        pending = []
        for cell in cells:
            if cell.id in done:
                summary.skipped.append(cell.name)
                bar.update(1)
            else:
                pending.append(cell)
        if workers == 1:
            for cell in pending:
                bar.set_postfix_str(cell.name, refresh=True)
                record(cell, run_one(cell))
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = {pool.submit(run_one, cell): cell for cell in pending}
                for future in as_completed(futures):
                    bar.set_postfix_str(futures[future].name, refresh=True)
                    record(futures[future], future.result())
    tracking.finish_sweep(tracking_uri, parent, summary.counts())
    summary.seconds = time.perf_counter() - started
    return summary
