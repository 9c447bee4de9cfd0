"""Fault injection: cells that raise, hang, exceed their memory or are killed fail alone; the sweep
goes on, and the next run completes only the missing cells, with one FINISHED run per cell."""

import os
import signal
import subprocess
import sys
import time

import nbformat
import psutil
import pytest
from mlflow.tracking import MlflowClient

from bench.sweep.config import load_benchmark
from bench.sweep.runner import NOTEBOOK, run_benchmark

MATRIX = """
name: faults
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals]
seeds: [0, 1, 2, 3, 4]
metrics: [fidelity]
timeout_s: 45
memory_limit_mb: 2500
"""
# Seed -> the fault its cell meets on its first attempt only (a marker file remembers the attempt).
FAULTS = {1: "raise", 2: "hang", 3: "memory", 4: "kill"}
FAULT_CELL = """
import os, pathlib, signal, time
attempted = pathlib.Path({markers!r}) / f"seed-{{seed}}"
fault = None if attempted.exists() else {faults!r}.get(seed)
attempted.touch()
if fault == "raise":
    raise RuntimeError("injected fault")
if fault == "hang":
    time.sleep(600)
if fault == "memory":
    hog = bytearray(4 * 2**30)  # zero-filled, so resident at once
    time.sleep(600)
if fault == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
"""


def faulty_notebook(folder, faults=FAULTS):
    """run_cell.ipynb with a cell after the parameters that injects the seed's fault once."""
    markers = folder / "markers"
    markers.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    at = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(FAULT_CELL.format(markers=str(markers), faults=faults)))
    path = folder / "faulty.ipynb"
    nbformat.write(notebook, path)
    return path


def child_runs(results, name):
    client = MlflowClient(tracking_uri=f"sqlite:///{results / 'mlflow.db'}")
    experiment = client.get_experiment_by_name(name)
    return [r for r in client.search_runs([experiment.experiment_id]) if "bench.cell_id" in r.data.tags]


def test_raise_hang_memory_and_kill_fail_alone_and_a_rerun_completes_only_them(tmp_path):
    (tmp_path / "faults.yaml").write_text(MATRIX)
    benchmark = load_benchmark(tmp_path / "faults.yaml")
    notebook, results = faulty_notebook(tmp_path), tmp_path / "results"
    names = {cell.seed: cell.name for cell in benchmark.cells()}

    first = run_benchmark(benchmark, results, workers=2, notebook=notebook)
    assert first.finished == [names[0]]
    errors = {seed: first.failed[names[seed]] for seed in FAULTS}
    assert errors[1] == "RuntimeError: injected fault"
    assert errors[2].startswith("CellTimeout: ") and "45 s" in errors[2]
    assert errors[3].startswith("MemoryLimitExceeded: ") and "2,500 MiB" in errors[3]
    assert errors[4].startswith("KernelKilled: ") and "SIGKILL" in errors[4]
    kept = {path.name for path in first.runs_dir.glob("*.ipynb")}
    assert len(kept) == 5, "every cell keeps its executed notebook, however it ended"
    hung = nbformat.read(first.runs_dir / f"{benchmark.cells()[2].slug}.ipynb", as_version=4)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in hung.cells)

    second = run_benchmark(benchmark, results, workers=2, notebook=notebook)
    assert second.skipped == [names[0]] and not second.failed
    assert sorted(second.finished) == sorted(names[seed] for seed in FAULTS)
    runs = child_runs(results, "faults")
    assert len(runs) == 9  # 5 first attempts + 4 retries; the finished cell was not run again
    finished = [r.data.tags["bench.cell_id"] for r in runs if r.data.tags["bench.status"] == "FINISHED"]
    assert sorted(finished) == sorted(cell.id for cell in benchmark.cells()), "one FINISHED run per cell"
    first_failed = [r for r in runs if r.data.tags["bench.status"] == "FAILED"]
    assert len(first_failed) == 4 and all(r.info.status == "FAILED" for r in first_failed)


KILLED_MATRIX = """
name: killed
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals]
seeds: [0, 1, 2]
metrics: [fidelity]
workers: 1
"""
RUN_SWEEP = """
import sys
from pathlib import Path
from bench.sweep.config import load_benchmark
from bench.sweep.runner import run_benchmark
run_benchmark(load_benchmark(sys.argv[1]), Path(sys.argv[2]), notebook=Path(sys.argv[3]))
"""


def kernels_running():
    """Cell kernels, launched (ipykernel_launcher) or forked, and the fork servers they are forked from."""
    return {p.pid for p in psutil.process_iter(["cmdline"])
            if any(name in " ".join(p.info["cmdline"] or [])
                   for name in ("ipykernel_launcher", "bench.sweep.kernels.fork_server"))}


def assert_no_kernel_outlives(before, seconds=10):
    deadline = time.monotonic() + seconds
    while kernels_running() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not kernels_running() - before, "no cell kernel outlives the sweep"


def test_a_runner_killed_mid_sweep_loses_no_finished_cell_and_duplicates_none(tmp_path):
    (tmp_path / "killed.yaml").write_text(KILLED_MATRIX)
    benchmark = load_benchmark(tmp_path / "killed.yaml")
    notebook, results = faulty_notebook(tmp_path, faults={1: "hang"}), tmp_path / "results"
    before = kernels_running()
    runner = subprocess.Popen([sys.executable, "-c", RUN_SWEEP, str(tmp_path / "killed.yaml"), str(results),
                               str(notebook)], start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:  # wait until seed 0 has finished and seed 1 hangs, then kill the runner as `kill -9` would
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            # The runner creates runs/ once its MLflow store exists: reading earlier would race its set-up.
            statuses = sorted(r.data.tags["bench.status"] for r in child_runs(results, "killed")) \
                if (results / "runs").exists() else []
            if statuses == ["FINISHED", "RUNNING"] and (tmp_path / "markers" / "seed-1").exists():
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"the sweep did not reach its second cell: {statuses}")
    finally:
        os.killpg(runner.pid, signal.SIGKILL)
        runner.wait()
    assert_no_kernel_outlives(before)  # the hanging cell's kernel went with its runner

    again = run_benchmark(benchmark, results)
    assert again.skipped == [benchmark.cells()[0].name] and len(again.finished) == 2 and not again.failed
    runs = child_runs(results, "killed")
    by_status = {}
    for run in runs:
        by_status.setdefault(run.data.tags["bench.status"], []).append(run)
    assert sorted(r.data.tags["bench.cell_id"] for r in by_status["FINISHED"]) == sorted(
        cell.id for cell in benchmark.cells())
    (interrupted,) = by_status["FAILED"]
    assert interrupted.data.tags["bench.error"].startswith("Interrupted: ")
    assert (interrupted.data.tags["bench.cell_id"] == benchmark.cells()[1].id
            and set(by_status) == {"FINISHED", "FAILED"})


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_the_running_cells_starts_no_more_and_records_why(tmp_path, workers):
    (tmp_path / "killed.yaml").write_text(KILLED_MATRIX.replace("workers: 1", f"workers: {workers}"))
    notebook, results = faulty_notebook(tmp_path, faults={0: "hang", 1: "hang", 2: "hang"}), tmp_path / "results"
    before = kernels_running()
    # SIGINT as a terminal sends it (a runner started from a background job would inherit it ignored).
    runner = subprocess.Popen([sys.executable, "-c", RUN_SWEEP, str(tmp_path / "killed.yaml"), str(results),
                               str(notebook)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while len(list((tmp_path / "markers").iterdir())) < workers:  # every worker is inside a hanging cell
            assert time.monotonic() < deadline and runner.poll() is None, "the first cells did not start"
            time.sleep(0.5)
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=60)  # hanging cells do not hold the sweep
    finally:
        if runner.poll() is None:
            runner.kill()
    assert runner.returncode != 0 and "KeyboardInterrupt" in runner.stderr.read()
    runs = child_runs(results, "killed")
    assert len(runs) == workers, "no cell started after Ctrl-C"
    for run in runs:
        assert run.data.tags["bench.status"] == "FAILED" and run.info.status == "FAILED"
        assert run.data.tags["bench.error"].startswith("Interrupted: the sweep was stopped (Ctrl-C)")
    assert_no_kernel_outlives(before)
