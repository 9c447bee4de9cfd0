"""Where cells run: ``local`` (threads of this process, each driving one cell's kernel) or ``ray``.

An executor takes the cells to run and two callbacks from the runner: ``start(cell, threads)``
creates the cell's MLflow run and returns its ``Job`` (called only when the cell is about to
start, so an interrupted sweep leaves no unstarted runs behind), and ``finish(job, error)``
records the outcome; the executed notebook is then at ``job.output``. At most ``workers`` cells
are in flight at once. Ctrl-C stops the cells in flight (FAILED, "Interrupted") and starts no more.

Every executor satisfies the ``Executor`` protocol; the explicit registry ``EXECUTORS`` maps the
``--executor`` names to their classes.
"""

from __future__ import annotations

import logging
import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Protocol

from bench.errors import BenchError, did_you_mean
from bench.sweep.kernels.watchdog import abort_all
from bench.sweep.notebook_job import Job, execute, prestart

if TYPE_CHECKING:
    from bench.sweep.config import Cell

Start = Callable[["Cell", int], Job]
Finish = Callable[[Job, str], None]
POLL_S = 0.5
INTERRUPTED = "Interrupted: the sweep was stopped (Ctrl-C) while this cell ran"
# Environment a Ray worker needs to load the same data the driver would (mirror, cache, country of the
# energy figures) and to find the tracking server.
FORWARDED_ENV = ("BENCH_DATA_MIRROR", "BENCH_DATA_CACHE", "BENCH_CO2_COUNTRY", "MLFLOW_TRACKING_URI", "MPLBACKEND")


class Executor(Protocol):
    """What the runner asks of a place to run cells."""

    name: str

    def cpus(self) -> int:
        """CPUs the cells can use: this machine's, or the Ray cluster's."""

    def prepare(self, threads: int | None) -> None:
        """Get ready for cells capped at ``threads`` (warm kernels) while the runner sets up."""

    def run(self, cells: list[Cell], workers: int, threads: int, start: Start, finish: Finish) -> None:
        """Run ``cells``, at most ``workers`` at once, calling ``start`` before and ``finish`` after each."""

    def close(self) -> None:
        """Release what ``prepare`` and ``run`` started."""


def _result(future: Future) -> None:
    """``future.result()`` in short waits: a signal that lands on another thread (Ctrl-C) would otherwise
    never wake the main thread, blocked for hours in one lock wait."""
    while True:
        try:
            return future.result(timeout=POLL_S)
        except TimeoutError:
            continue


def run_to_bytes(job: Job) -> tuple[str, bytes]:
    """Execute ``job`` into a temporary notebook; return the error ('' on success) and the notebook's bytes."""
    with tempfile.TemporaryDirectory(prefix="bench-cell-") as tmp:
        output = Path(tmp) / "cell.ipynb"
        error = execute(job, output)
        return error, output.read_bytes() if output.is_file() else b""


class LocalExecutor:
    """Cells on this machine, ``workers`` at a time, each in its own kernel.

    Example:
        >>> LocalExecutor().cpus() == (os.cpu_count() or 1)
        True
    """

    name = "local"

    def __init__(self, address: str | None = None) -> None:
        if address:
            raise BenchError("--address is for the ray executor; the local executor runs on this machine")

    def cpus(self) -> int:
        return os.cpu_count() or 1

    def prepare(self, threads: int | None) -> None:
        """Warm the kernels of cells capped at ``threads`` ahead of the first cell (``notebook_job.prestart``)."""
        prestart(threads)

    def run(self, cells: list[Cell], workers: int, threads: int, start: Start, finish: Finish) -> None:
        def one(cell: Cell) -> None:
            job = start(cell, threads)
            try:
                error = execute(job, job.output)  # written in place: a killed runner leaves it behind
            except BaseException:  # Ctrl-C while this (main-thread) cell ran
                finish(job, INTERRUPTED)
                raise
            finish(job, error)

        if workers == 1:
            for cell in cells:
                one(cell)
            return
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            for future in [pool.submit(one, cell) for cell in cells]:
                _result(future)  # re-raise bookkeeping errors (a cell's own failure is an outcome)
        except BaseException:  # Ctrl-C or a bookkeeping error: start nothing more, stop what runs
            pool.shutdown(wait=False, cancel_futures=True)
            abort_all(INTERRUPTED)  # running cells end at once, as FAILED runs with this reason
            raise
        finally:
            pool.shutdown(wait=True)

    def close(self) -> None:
        """Nothing to release."""


class RayExecutor:
    """Cells as Ray tasks: a local Ray instance, or the cluster at ``address`` (``ray://host:10001``
    or ``auto``). Each task asks Ray for ``threads`` CPUs, runs its cell in a kernel on the node Ray
    picked, and sends the executed notebook back; the runner keeps it and does the MLflow bookkeeping.
    Tasks are never retried by Ray: a cell that dies is a FAILED run, as with the local executor.
    """

    name = "ray"

    def __init__(self, address: str | None = None) -> None:
        try:
            import ray
        except ImportError as exc:  # pragma: no cover - ray is part of the locked environment
            raise BenchError("the ray executor needs the 'ray' package (it is in uv.lock; run `make setup`)") from exc
        self._started_here = not ray.is_initialized()
        if self._started_here:
            env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
            try:
                ray.init(address=address or None, include_dashboard=False, logging_level=logging.ERROR,
                         log_to_driver=False, runtime_env={"env_vars": env} if env else None)
            except Exception as exc:
                raise BenchError(f"could not start or reach Ray at {address or 'a new local instance'}: {exc}") from exc

    def cpus(self) -> int:
        import ray

        return max(1, int(ray.cluster_resources().get("CPU", 1)))

    def prepare(self, threads: int | None) -> None:
        """Nothing ahead: each Ray worker warms its own kernels with its first cell."""

    def run(self, cells: list[Cell], workers: int, threads: int, start: Start, finish: Finish) -> None:
        import ray

        task = ray.remote(max_retries=0, num_cpus=threads)(run_to_bytes)
        pending, in_flight = list(cells), {}
        try:
            while pending or in_flight:
                while pending and len(in_flight) < workers:
                    job = start(pending.pop(0), threads)
                    in_flight[task.remote(job)] = job
                done: list = []
                while not done:  # short waits: Ctrl-C is only seen between them
                    done, _ = ray.wait(list(in_flight), num_returns=1, timeout=POLL_S)
                job = in_flight.pop(done[0])
                try:
                    error, notebook = ray.get(done[0])
                except ray.exceptions.RayError as exc:  # the Ray worker itself died: the cell fails, the sweep goes on
                    error, notebook = f"RayTaskError: {type(exc).__name__}: {str(exc).splitlines()[0]}", b""
                if notebook:
                    job.output.write_bytes(notebook)
                finish(job, error)
        except BaseException:  # Ctrl-C: cancel the cells in flight and close their runs
            for ref, job in in_flight.items():
                ray.cancel(ref, force=True)
                finish(job, INTERRUPTED)
            raise

    def close(self) -> None:
        """Shut down the Ray instance if this executor started it."""
        import ray

        if self._started_here:
            ray.shutdown()


EXECUTORS: dict[str, type[Executor]] = {"local": LocalExecutor, "ray": RayExecutor}  # keys: config.EXECUTOR_NAMES


def create(name: str, address: str | None = None) -> Executor:
    """The executor called ``name`` (see ``EXECUTORS``).

    Example:
        >>> create("local").name
        'local'
    """
    if name not in EXECUTORS:
        raise BenchError(f"unknown executor '{name}'; {did_you_mean(name, list(EXECUTORS))}")
    return EXECUTORS[name](address=address)


__all__ = ["EXECUTORS", "Executor", "LocalExecutor", "RayExecutor", "create", "run_to_bytes"]
