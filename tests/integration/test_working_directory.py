"""Cells never depend on the process's working directory: users pass relative folders, jobs in the
same process may change the working directory, and every cell still finishes where it was asked to.

The README's ``make bench-quick`` passes ``--results results``; the local executor runs cells in
threads of one process, so a process-wide ``chdir`` by one cell (Papermill's ``cwd``) sent the
other cells' relative output paths into the wrong folder (4 of 6 cells failed on a fresh clone).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from papermill.iorw import papermill_io

from bench.cli import main
from bench.sweep import executors
from bench.sweep.notebook_job import execute

MATRIX = """
name: relative
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals, copy, gaussian_copula]
seeds: [0, 1]
metrics: [fidelity]
timeout_s: 300
"""


class WanderingJob(threading.Thread):
    """A job of the same process that keeps moving the working directory elsewhere and back, as
    ``papermill.utils.chdir`` does, until stopped."""

    def __init__(self, home: Path, elsewhere: Path) -> None:
        super().__init__(daemon=True)
        self.home, self.elsewhere, self.moves = home, elsewhere, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            os.chdir(self.elsewhere)
            self.stopped.wait(0.002)
            os.chdir(self.home)
            self.moves += 1
            self.stopped.wait(0.001)


def test_cells_in_threads_with_a_relative_results_folder_finish_while_the_working_directory_moves(
        tmp_path, monkeypatch, capsys):
    home, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (home / "benchmarks").mkdir(parents=True)
    elsewhere.mkdir()
    (home / "benchmarks" / "relative.yaml").write_text(MATRIX)
    monkeypatch.chdir(home)
    job = WanderingJob(home, elsewhere)
    start_once = threading.Lock()

    def execute_while_the_directory_moves(*args, **kwargs):  # the job starts with the first cell
        with start_once:
            if not job.is_alive() and not job.stopped.is_set():
                job.start()
        return execute(*args, **kwargs)

    monkeypatch.setattr(executors, "execute", execute_while_the_directory_moves)
    # Another Papermill run in this process can leave Papermill's file handler set to a folder of its
    # own (concurrent execute_notebook calls restore it out of order); its writer then moved the
    # process into that folder around every save.
    monkeypatch.setattr(papermill_io.get_handler("local"), "_cwd", str(elsewhere))
    real_chdir, moved_by = os.chdir, []

    def chdir_watched(path):
        if threading.current_thread() is not job:
            moved_by.append(threading.current_thread().name)
        real_chdir(path)

    monkeypatch.setattr(os, "chdir", chdir_watched)
    try:
        code = main(["run", "benchmarks/relative.yaml", "--results", "results", "--workers", "3"])
    finally:
        job.stopped.set()
        if job.is_alive():
            job.join()
        real_chdir(home)
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert job.moves > 10  # the working directory really moved while the cells ran
    assert code == 0, out
    assert "6 cells: 6 finished, 0 failed" in out
    assert moved_by == []  # nothing but the job itself changed the working directory
    notebooks = sorted((home / "results" / "runs").glob("*/*.ipynb"))
    assert len(notebooks) == 6  # every executed notebook where the user asked, none elsewhere
    assert not list(elsewhere.rglob("*")) and not (home / "notebooks").exists()
    assert (home / "results" / "report.html").is_file()


def test_a_second_run_with_relative_paths_skips_the_finished_cells(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("quick.yaml").write_text(MATRIX.replace("seeds: [0, 1]", "seeds: [0]"))
    assert main(["run", "quick.yaml", "--results", "out", "--workers", "2"]) == 0
    capsys.readouterr()
    assert main(["run", "quick.yaml", "--results", "out", "--workers", "2"]) == 0
    assert "3 cells: 0 finished, 0 failed, 3 skipped" in capsys.readouterr().out


def test_a_relative_dataset_mirror_is_found_by_every_cell(tmp_path, monkeypatch, capsys, mirror):
    # BENCH_DATA_MIRROR=../shared/datasets, as a user sets it beside a clone: the kernels run in a
    # folder of their own and must still find the files, not try to download them.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BENCH_DATA_MIRROR", os.path.relpath(mirror, tmp_path))
    Path("pima.yaml").write_text("name: relmirror\ndatasets: [pima]\ngenerators: [marginals, copy]\nseeds: [0]\n"
                                 "metrics: [fidelity]\n")
    code = main(["run", "pima.yaml", "--results", "results", "--workers", "2"])
    out = capsys.readouterr().out
    assert code == 0 and "2 cells: 2 finished, 0 failed" in out, out
    assert os.environ["BENCH_DATA_MIRROR"] == os.path.abspath(mirror)
