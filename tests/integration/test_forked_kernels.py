"""Cell kernels forked from a warm process: the same kernel as one launched afresh, in a process of its
own, with nothing shared between cells, and no kernel left behind when its server or runner goes."""

import json
import os
import signal
import sys
import threading
import time

import nbformat
import papermill
import psutil

from bench.sweep.kernels import forked_kernels
from bench.sweep.kernels.watchdog import CellWatchdog, Limits, watched_kernel_manager
from bench.sweep.notebook_job import ensure_kernel, prestart
from conftest import REPO

NOTEBOOKS = str(REPO / "notebooks")
DESCRIBE = """
import json, os, sys
import numpy
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0), "cwd": os.getcwd(),
                  "path": sys.path, "argv0": sys.argv[0], "env": dict(os.environ),
                  "preloaded": "bench.sweep.cell" in sys.modules, "unseeded": float(numpy.random.rand()),
                  "leak": hasattr(json, "leaked_by_a_cell")}))
json.leaked_by_a_cell = True  # a later cell must never see this
"""


def run_code(tmp_path, code, name="out.ipynb"):
    """Run ``code`` as a one-cell notebook the way the runner runs a cell: (printed text, the cell's error)."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code)]
    watchdog = CellWatchdog(Limits(timeout_s=120))
    text, error = "", ""
    try:
        out = papermill.execute_notebook(notebook, str(tmp_path / name), kernel_name=ensure_kernel(1),
                                         progress_bar=False, cwd=NOTEBOOKS, shutdown_kernel="immediate",
                                         kernel_manager_class=watched_kernel_manager(watchdog))
        text = "".join(o.get("text", "") for o in out.cells[0].outputs)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        watchdog.stop()
    return text, watchdog.reason(error) if error else ""


def describe(tmp_path, name="out.ipynb"):
    text, error = run_code(tmp_path, DESCRIBE, name=name)
    assert not error
    return json.loads(text)


def parent_command(kernel):
    return " ".join(psutil.Process(kernel["ppid"]).cmdline())


def comparable_env(env):
    return {k: v for k, v in env.items() if k not in ("JPY_PARENT_PID", forked_kernels.SWITCH)}


def test_a_forked_kernel_is_the_kernel_a_fresh_launch_gives_already_warm(tmp_path, monkeypatch):
    forked = describe(tmp_path, "forked.ipynb")
    monkeypatch.setenv(forked_kernels.SWITCH, "0")
    launched = describe(tmp_path, "launched.ipynb")

    assert "bench.sweep.kernels.fork_server" in parent_command(forked) and launched["ppid"] == os.getpid()
    assert forked["preloaded"] and not launched["preloaded"]
    for kernel in (forked, launched):
        assert kernel["sid"] == kernel["pid"], "each kernel leads a session of its own, killed as a group"
        assert kernel["env"]["OMP_NUM_THREADS"] == "1" and kernel["env"]["JPY_PARENT_PID"] == str(kernel["ppid"])
    assert forked["cwd"] == launched["cwd"] == NOTEBOOKS
    assert forked["path"] == launched["path"] and forked["argv0"] == launched["argv0"]
    assert comparable_env(forked["env"]) == comparable_env(launched["env"])


def test_forked_kernels_share_nothing_a_cell_changed(tmp_path):
    first, second = describe(tmp_path, "first.ipynb"), describe(tmp_path, "second.ipynb")
    assert first["ppid"] == second["ppid"], "both were forked by the same warm server"
    assert first["pid"] != second["pid"] and not second["leak"]
    assert first["unseeded"] != second["unseeded"], "numpy's global generator is seeded afresh, as in a new process"


def test_a_forked_kernel_killed_by_a_signal_reports_it(tmp_path):
    _, error = run_code(tmp_path, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    assert error.startswith("KernelKilled: ") and "by SIGKILL" in error


def test_a_kernel_does_not_outlive_its_fork_server(tmp_path):
    marker = tmp_path / "started"
    outcome = {}

    def hang():
        outcome["error"] = run_code(tmp_path, f"import os, pathlib, time\n"
                                              f"pathlib.Path({str(marker)!r}).write_text(str(os.getppid()))\n"
                                              "time.sleep(600)")[1]

    cell = threading.Thread(target=hang)
    started = time.monotonic()
    cell.start()
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < started + 60, "the hanging cell did not start"
        time.sleep(0.2)
    server = psutil.Process(int(marker.read_text()))
    assert "bench.sweep.kernels.fork_server" in " ".join(server.cmdline())
    (kernel,) = server.children()
    server.send_signal(signal.SIGKILL)
    cell.join(timeout=60)
    assert not cell.is_alive() and time.monotonic() - started < 60, "the cell ended with its server, not at 600 s"
    assert outcome["error"].startswith("KernelKilled: ") and "by SIGKILL" in outcome["error"]
    assert not psutil.pid_exists(kernel.pid) or kernel.status() == psutil.STATUS_ZOMBIE
    assert describe(tmp_path, "after.ipynb")["preloaded"], "the next cell gets a new server"


def test_a_server_started_ahead_is_the_one_the_cells_get_their_kernels_from(tmp_path):
    server = prestart(threads=1)  # what the runner does before it sets up MLflow
    assert describe(tmp_path)["ppid"] == server.process.pid


def test_another_environment_gets_another_server_and_the_old_one_retires(tmp_path, monkeypatch):
    first = describe(tmp_path, "first.ipynb")
    monkeypatch.setenv("BENCH_TEST_VARIABLE", "changed")
    second = describe(tmp_path, "second.ipynb")
    assert second["env"]["BENCH_TEST_VARIABLE"] == "changed" and "BENCH_TEST_VARIABLE" not in first["env"]
    assert second["ppid"] != first["ppid"]
    deadline = time.monotonic() + 10
    while psutil.pid_exists(first["ppid"]) and psutil.Process(first["ppid"]).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the retired server did not exit"
        time.sleep(0.2)


def test_without_a_server_the_kernel_is_launched_afresh(tmp_path, monkeypatch, caplog):
    def broken(env, cwd):
        raise forked_kernels.ForkServerError("no server here")

    monkeypatch.setattr(forked_kernels, "server_for", broken)
    kernel = describe(tmp_path)
    assert kernel["ppid"] == os.getpid() and not kernel["preloaded"]
    assert "starting the kernel afresh: no server here" in caplog.text


def test_only_ipykernel_on_this_interpreter_is_forked_and_the_switch_turns_it_off():
    assert forked_kernels.forkable([sys.executable, "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not forked_kernels.forkable(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "c.json"])
    assert not forked_kernels.forkable([sys.executable, "-m", "other_kernel", "-f", "c.json"])
    assert forked_kernels.enabled({}) == (sys.platform == "linux")
    assert not forked_kernels.enabled({forked_kernels.SWITCH: "0"})
    assert not forked_kernels.enabled({forked_kernels.SWITCH: "off"})
