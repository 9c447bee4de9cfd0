"""Execute one cell: Papermill runs ``bench/sweep/run_cell.ipynb`` in a kernel of its own, under a watchdog.

The same function runs in the runner's threads (local executor) and inside Ray workers (Ray
executor), so a cell behaves the same wherever it runs: its own kernel process (forked from a warm
process, ``bench.sweep.kernels.forked_kernels``), threads capped to its share of the cores, killed past its time
or memory limit, and its executed notebook kept however it ended.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbformat import NotebookNode
from papermill.engines import NBClientEngine, NotebookExecutionManager, catch_nb_assignment
from papermill.exceptions import PapermillExecutionError
from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from bench.paths import RUN_NOTEBOOK
from bench.sweep.kernels import forked_kernels
from bench.sweep.kernels.watchdog import CellWatchdog, Limits, watched_kernel_manager

if TYPE_CHECKING:
    from bench.sweep.config import Cell

NOTEBOOK = RUN_NOTEBOOK  # shipped inside the package: bench/sweep/run_cell.ipynb
KERNEL_NAME = "health-synth-bench"
# Papermill's own per-notebook-cell timeout is a backstop only: the watchdog enforces the cell's limit.
BACKSTOP_S = 60

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


def _kernel_spec(threads: int | None) -> tuple[str, dict[str, Any]]:
    """The name and ``kernel.json`` of the kernel for cells capped at ``threads`` (None: uncapped)."""
    name, env, display = KERNEL_NAME, dict(KERNEL_ENV), "health-synth-bench (.venv)"
    if threads is not None:
        name, display = f"{KERNEL_NAME}-{threads}t", f"health-synth-bench (.venv, {threads} threads per cell)"
        env.update({variable: str(threads) for variable in THREAD_VARIABLES})
    return name, {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": display, "language": "python", "env": env,
        "metadata": {"debugger": True},
    }


def ensure_kernel(threads: int | None = None) -> str:
    """Write a Jupyter kernel spec that runs this interpreter (idempotent) and return its name.

    Papermill then runs cells with exactly this environment, whatever other "python3" kernels the
    user has registered; JupyterLab lists it as "health-synth-bench (.venv)". With ``threads``, a
    second kernel caps OpenMP, BLAS, numba and joblib at that many threads: cells that run side by
    side then share the cores instead of spin-waiting on each other (two uncapped cells on 2 cores
    ran more than 10x slower in one trial).

    Example:
        >>> ensure_kernel(threads=2)
        'health-synth-bench-2t'
    """
    name, spec = _kernel_spec(threads)
    path = Path(sys.prefix) / "share" / "jupyter" / "kernels" / name / "kernel.json"
    if not path.is_file() or json.loads(path.read_text()) != spec:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(spec, indent=1))
    return name


def prestart(threads: int | None) -> forked_kernels.KernelForkServer | None:
    """Start now the fork server that cells with ``threads`` will get their kernels from, so that it
    warms up while the runner sets up (a new MLflow store alone takes about 2 s); None where
    kernels are not forked (``BENCH_FORK_KERNELS=0``, not Linux).

    Servers are keyed by the environment jupyter_client gives the kernel: this process's with the
    kernel spec's on top, less ``PYTHONEXECUTABLE`` (which jupyter_client drops for Python kernels).

    Example:
        >>> import os; os.environ["BENCH_FORK_KERNELS"] = "0"
        >>> prestart(threads=1) is None
        True
        >>> del os.environ["BENCH_FORK_KERNELS"]
    """
    if not forked_kernels.enabled():
        return None
    ensure_kernel(threads)
    env = {**os.environ, **_kernel_spec(threads)[1]["env"]}
    env.pop("PYTHONEXECUTABLE", None)
    return forked_kernels.server_for(env, tempfile.gettempdir())  # each kernel gets its own folder


@dataclass(frozen=True)
class Job:
    """One cell ready to run: its MLflow run, its limits, and the notebook to execute (as text, so
    that a Ray worker on another machine needs no copy of this checkout's files)."""

    cell: Cell
    run_id: str
    tracking_uri: str
    limits: Limits
    output: Path  # where the runner keeps the executed notebook
    threads: int | None = None  # cap on the kernel's threads; None: uncapped (one cell at a time)
    notebook_text: str = field(default="", repr=False)

    def parameters(self) -> dict[str, Any]:
        return {**self.cell.notebook_parameters(), "run_id": self.run_id, "tracking_uri": self.tracking_uri}


def make_job(cell: Cell, run_id: str, tracking_uri: str, limits: Limits, output: Path, threads: int | None,
             notebook: Path = NOTEBOOK) -> Job:
    """A ``Job`` for ``cell`` that executes ``notebook`` (default: the package's ``run_cell.ipynb``) into ``output``."""
    return Job(cell, run_id, tracking_uri, limits, output, threads, notebook.read_text())


class DirectlySavedNotebook(NotebookExecutionManager):
    """Papermill's execution state of a notebook, saved with nbformat straight to its absolute path.

    Papermill's own writer goes through its local file handler, which changes the whole process's
    working directory around every save (to a folder that another ``execute_notebook`` call in the
    process may have left set); this one never touches the working directory.
    """

    @catch_nb_assignment
    def save(self, **kwargs: Any) -> None:
        if self.output_path:
            nbformat.write(self.nb, self.output_path)
        self.last_save_time = self.now()


def run_notebook(notebook: NotebookNode, output: Path, parameters: dict[str, Any], kernel_name: str,
                 kernel_cwd: Path, **engine_options: Any) -> NotebookNode:
    """Papermill's ``execute_notebook`` without a process-wide ``chdir``: parameterise ``notebook``, run it
    with Papermill's nbclient engine in a kernel started in ``kernel_cwd`` and save it to ``output``
    after every notebook cell.

    Papermill's ``cwd`` option changes the working directory of the *whole process* while the
    notebook runs, and its writer changes it again around every save; cells running in threads of
    one process then resolved each other's relative paths in the wrong folder. Here the folder is
    the kernel's own (nbclient's ``resources.metadata.path``, passed to the kernel manager as
    ``cwd``), the notebook is saved by ``DirectlySavedNotebook`` and ``output`` must be absolute, so
    nothing depends on, or changes, the process's working directory. Raises
    ``PapermillExecutionError`` as Papermill does when a notebook cell fails (the notebook, with
    Papermill's error markers, is saved first).

    Example:
        >>> run_notebook(nbformat.v4.new_notebook(), Path("out.ipynb"), {}, "python3", Path("/tmp"))
        Traceback (most recent call last):
        ...
        ValueError: the output notebook needs an absolute path, got out.ipynb
    """
    for what, path in (("output notebook", output), ("kernel's folder", kernel_cwd)):
        if not path.is_absolute():
            raise ValueError(f"the {what} needs an absolute path, got {path}")
    notebook = parameterize_notebook(load_notebook_node(notebook), parameters, kernel_name=kernel_name)
    notebook = remove_error_markers(prepare_notebook_metadata(notebook, NOTEBOOK.name, str(output)))
    manager = DirectlySavedNotebook(notebook, output_path=str(output), progress_bar=False)
    manager.notebook_start()
    try:
        NBClientEngine.execute_managed_notebook(manager, kernel_name, resources={"metadata": {"path": str(kernel_cwd)}},
                                                **engine_options)
    finally:
        manager.cleanup_pbar()
        manager.notebook_complete()
    try:
        raise_for_execution_errors(manager.nb, None)  # adds Papermill's error markers; writes nothing itself
    finally:
        manager.save()
    return manager.nb


def execute(job: Job, output: Path) -> str:
    """Run the job's notebook into ``output`` (an absolute path); return '' on success or the error text.

    The executed notebook is written to ``output`` however the cell ends (Papermill saves it after
    every notebook cell), so a killed cell keeps what it printed up to its end. The kernel's own
    working directory is the cell's temporary outbox folder: never the package's folder, which an
    installed wheel may not let it write to.
    """
    watchdog = CellWatchdog(job.limits)
    box = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    kernel_cwd = box
    error = ""
    try:
        run_notebook(
            nbformat.reads(job.notebook_text, as_version=4), output, {**job.parameters(), "outbox": str(box)},
            ensure_kernel(job.threads), kernel_cwd, execution_timeout=job.limits.timeout_s + BACKSTOP_S,
            log_output=False, kernel_manager_class=watched_kernel_manager(watchdog),
            shutdown_kernel="immediate")  # the notebook has ended and saved: no need to wait for a clean exit
    except PapermillExecutionError as exc:
        error = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # a dead kernel, a timeout: the cell fails, the sweep goes on
        error = f"{type(exc).__name__}: {exc}"
    finally:
        watchdog.stop()
    try:
        if error:
            return watchdog.reason(error)
        return log_outbox(job, box)
    finally:
        shutil.rmtree(box, ignore_errors=True)


def log_outbox(job: Job, box: Path) -> str:
    """Log what the cell's notebook wrote to ``box`` into its MLflow run; '' or the error text.

    Only when the job has a run: a notebook run without one (a hand-run notebook) logs nothing.
    """
    # Imported here, not at the top: the outbox pulls in the metrics package and MLflow's writer, which
    # `bench --help` and the runner's start (both import this module through the executors) do not need.
    from bench.sweep import outbox
    from bench.tracking import writes

    if not job.run_id:
        return ""
    try:
        writes.log_cell_results(job.tracking_uri, job.run_id, *outbox.read(box))
    except Exception as exc:  # the cell's numbers did not reach MLflow: it failed
        return f"MLflow logging failed: {type(exc).__name__}: {exc}"
    return ""


__all__ = ["DirectlySavedNotebook", "Job", "KERNEL_NAME", "NOTEBOOK", "ensure_kernel", "execute", "log_outbox",
           "make_job", "prestart", "run_notebook"]
