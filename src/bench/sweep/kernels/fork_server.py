"""The warm process that cell kernels are forked from (run as ``python -m bench.sweep.kernels.fork_server FD``).

A fresh kernel spends about 3 s importing pandas, scikit-learn, scipy, IPython and ``bench`` and
about 1 s in codecarbon's hardware probe before a cell's first line runs; on ``default.yaml`` that
was most of the harness overhead. This process does that work once: it imports ``PRELOAD``, runs
codecarbon's probe (which codecarbon caches per process), and then forks one child per request.
Each child becomes an ordinary ipykernel in a session of its own, so every cell still has its own
process, killed on its own, and nothing a cell does reaches the next one.

Protocol: one JSON request per line on stdin, ``{"argv": [...], "env": {...}, "cwd": "..."}``
(``argv``: the kernel's arguments after ``-m ipykernel_launcher``); one JSON message per line on
the file descriptor ``FD``: ``{"ready": pid}`` once warm, ``{"forked": pid}`` for each request (or
``{"error": text}``), and ``{"exit": pid, "code": returncode}`` when a child ends (a negative code:
killed by that signal, as ``subprocess.Popen.returncode``). ``{"retire": true}`` means no more
requests: the server then waits for its children and exits. End of input without it means the
runner has gone (killed, or ended): the server kills its children first, so that no cell outlives
its runner. ``bench.sweep.kernels.forked_kernels`` is the runner's side.

Example (what the runner does; a real kernel needs a connection file):
    >>> import subprocess, sys
    >>> subprocess.run([sys.executable, "-m", "bench.sweep.kernels.fork_server"], capture_output=True).returncode
    2
"""

from __future__ import annotations

import atexit
import importlib
import importlib.util
import json
import os
import select
import signal
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

# What every cell's kernel imports before its first result: ipykernel itself and run_cell.ipynb's
# first line (``from bench.sweep import cell``, which pulls in pandas, scikit-learn, scipy and codecarbon).
PRELOAD = ("ipykernel.kernelapp", "bench.sweep.cell")
REAP_INTERVAL_S = 0.02
NVIDIA_DRIVER = Path("/proc/driver/nvidia")
LAUNCHER = str(getattr(importlib.util.find_spec("ipykernel_launcher"), "origin", "ipykernel_launcher"))


def warm_up() -> list[str]:
    """Import ``PRELOAD`` and run codecarbon's hardware probe; the names of what was warmed.

    The probe is skipped where an NVIDIA driver is present: it opens the GPU's device files through
    NVML, and a forked child must not share those with its parent; there each kernel probes for itself.
    """
    for name in PRELOAD:
        importlib.import_module(name)
    warmed = list(PRELOAD)
    if not NVIDIA_DRIVER.exists():
        from bench.metrics.cost_meter import warm_energy_probe

        if warm_energy_probe():
            warmed.append("codecarbon hardware probe")
    return warmed


def _send(reply_fd: int, message: dict[str, Any]) -> None:
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(reply_fd, data):]


def _exit_code(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _become_kernel(request: dict[str, Any], reply_fd: int, ready_fd: int) -> NoReturn:
    """In the forked child: turn into the kernel ``python -m ipykernel_launcher ARGV`` would start, then exit."""
    code = 1
    try:
        os.setsid()  # its own session and process group, as jupyter_client gives a kernel it launches
        os.write(ready_fd, b"1")
        os.close(ready_fd)
        os.close(reply_fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        _reseed_numpy()
        # The kernel exits if this server goes away (ipykernel's parent poller), as a launched kernel does.
        sys.argv = [LAUNCHER, *request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _reseed_numpy() -> None:
    """A fresh interpreter seeds numpy's legacy global generator from the OS; forked children would all
    share this server's state. Cells seed their own generators; this keeps unseeded code as it was."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _fork(request: dict[str, Any], reply_fd: int) -> int:
    """Fork one kernel for ``request``; its pid once it is in its own session."""
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_read)
        _become_kernel(request, reply_fd, ready_write)
    os.close(ready_write)
    os.read(ready_read, 1)  # '' if the child died first: its exit is reported like any other
    os.close(ready_read)
    return pid


def _kill_children(children: set[int]) -> None:
    for pid in children:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def serve(reply_fd: int) -> None:
    """Warm up, then fork kernels on request until end of input and every child has ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the runner, which stops the cells itself
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]  # as ipykernel_launcher does; the kernel puts the notebook's folder back
    _send(reply_fd, {"ready": os.getpid(), "warmed": warm_up()})
    children: set[int] = set()
    pending, reading, retired = b"", True, False
    while reading or children:
        readable, _, _ = select.select([0] if reading else [], [], [], REAP_INTERVAL_S)
        if readable:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                reading = False
                if not retired:  # the runner has gone: its cells go with it
                    _kill_children(children)
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                try:
                    request = json.loads(line)
                    if request.get("retire"):
                        retired = True
                        continue
                    pid = _fork(request, reply_fd)
                except Exception as exc:  # a malformed request or no memory to fork: that request fails
                    _send(reply_fd, {"error": f"{type(exc).__name__}: {exc}"})
                    continue
                children.add(pid)
                _send(reply_fd, {"forked": pid})
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            children.discard(pid)
            _send(reply_fd, {"exit": pid, "code": _exit_code(status)})


def main(argv: list[str]) -> int:
    """``python -m bench.sweep.kernels.fork_server FD``: serve, writing messages to file descriptor FD."""
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: python -m bench.sweep.kernels.fork_server FD  (FD: the file descriptor to write messages to; "
              "started by bench.sweep.kernels.forked_kernels, not by hand)", file=sys.stderr)
        return 2
    serve(int(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
