"""The runner's side of the kernel fork server: cell kernels forked from a warm process.

``provisioner(kernel_manager)`` gives a Jupyter kernel manager a provisioner that, instead of
starting ``python -m ipykernel_launcher`` afresh, asks a ``bench.sweep.kernels.fork_server`` process (started
once per runner or Ray worker process, and per kernel environment) to fork the kernel. The kernel
is the same ipykernel with the same environment, working folder and arguments, in a session of its
own; only its imports and codecarbon's hardware probe are already done. ``ForkedKernel`` stands in
for the ``subprocess.Popen`` of a launched kernel, so jupyter_client and the cell watchdog treat it
the same way (poll, wait, signals, the exit code a signal leaves).

Set ``BENCH_FORK_KERNELS=0`` to start every kernel afresh instead; that is also what happens off
Linux, for kernel specs other than ipykernel's, and (with a warning) if the fork server cannot run.

Example:
    >>> enabled({"BENCH_FORK_KERNELS": "0"})
    False
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

SWITCH = "BENCH_FORK_KERNELS"
LAUNCHER = ["-m", "ipykernel_launcher"]
WARM_UP_TIMEOUT_S = 120  # the first request waits for the server's imports (3 s idle, 10 s on a loaded machine)
# Set per launch by jupyter_client; not part of what makes two kernel environments the same.
PER_LAUNCH_VARIABLES = ("JPY_PARENT_PID", "JPY_SESSION_NAME")

log = logging.getLogger(__name__)


class ForkServerError(RuntimeError):
    """The fork server could not start a kernel (the caller starts one afresh instead)."""


def enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether cell kernels are forked from a warm process: on Linux, unless ``BENCH_FORK_KERNELS=0``."""
    return sys.platform == "linux" and environ.get(SWITCH, "1").strip() not in ("0", "false", "no", "off")


class ForkedKernel:
    """A kernel forked by the fork server, with the part of ``subprocess.Popen`` that jupyter_client
    and the watchdog use. Its exit code arrives from the server, which is its parent.

    Example:
        >>> kernel = ForkedKernel(pid=12345); kernel.ended(-9)
        >>> kernel.poll(), kernel.wait(timeout=0)
        (-9, -9)
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._ended = threading.Event()

    def ended(self, code: int) -> None:
        """Record the kernel's exit code (called with what the server reports)."""
        self.returncode = code
        self._ended.set()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if not self._ended.wait(timeout):
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class KernelForkServer:
    """One ``bench.sweep.kernels.fork_server`` process and the kernels it forked.

    Example (starts the server: a few seconds):
        >>> import os, sys
        >>> server = KernelForkServer(dict(os.environ), os.getcwd())
        >>> server.close(); server.process.wait(timeout=120)
        0
    """

    def __init__(self, env: Mapping[str, str], cwd: str) -> None:
        reply_read, reply_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.sweep.kernels.fork_server", str(reply_write)], stdin=subprocess.PIPE,
                env=dict(env), cwd=cwd, pass_fds=(reply_write,), start_new_session=True)
        finally:
            os.close(reply_write)
        self._replies = os.fdopen(reply_read, "rb")
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self._kernels: dict[int, ForkedKernel] = {}
        self._request_lock = threading.Lock()
        self._kernels_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name=f"fork-server-{self.process.pid}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._replies:
            message = json.loads(line)
            if "exit" in message:
                with self._kernels_lock:
                    kernel = self._kernels.pop(message["exit"], None)
                if kernel is not None:
                    kernel.ended(message["code"])
            elif "forked" in message:  # registered here, before its exit can be read
                kernel = ForkedKernel(message["forked"])
                with self._kernels_lock:
                    self._kernels[kernel.pid] = kernel
                self._answers.put({"kernel": kernel})
            elif "ready" in message:
                log.debug("kernel fork server %s is warm: %s", message["ready"], ", ".join(message["warmed"]))
            else:
                self._answers.put(message)
        self._server_ended()

    def _server_ended(self) -> None:
        """The server is gone: its kernels lose their parent (and exit); make sure, and say so."""
        code = self.process.wait()
        self._answers.put({"error": f"the kernel fork server ended (exit code {code})"})
        with self._kernels_lock:
            orphans, self._kernels = list(self._kernels.values()), {}
        for kernel in orphans:
            try:
                os.killpg(kernel.pid, signal.SIGKILL)
            except OSError:
                pass
            kernel.ended(-signal.SIGKILL)

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, argv: list[str], env: Mapping[str, str], cwd: str) -> ForkedKernel:
        """A kernel started as ``python -m ipykernel_launcher *argv`` with ``env`` in ``cwd`` would be."""
        request = json.dumps({"argv": list(argv), "env": dict(env), "cwd": cwd}).encode() + b"\n"
        with self._request_lock:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(request)
                self.process.stdin.flush()
                answer = self._answers.get(timeout=WARM_UP_TIMEOUT_S)
            except (OSError, ValueError, queue.Empty) as exc:
                self.process.kill()  # a late answer must not reach the next request
                raise ForkServerError(f"the kernel fork server did not answer: {type(exc).__name__}: {exc}") from exc
        if "kernel" not in answer:
            raise ForkServerError(answer.get("error", f"unexpected answer {answer}"))
        return answer["kernel"]

    def close(self) -> None:
        """No more requests: the server exits once its kernels have ended."""
        with self._request_lock:
            try:
                assert self.process.stdin is not None
                self.process.stdin.write(b'{"retire": true}\n')
                self.process.stdin.close()
            except (OSError, ValueError):  # already gone or closed
                pass


_servers: dict[tuple[tuple[str, str], ...], KernelForkServer] = {}
_servers_lock = threading.Lock()


def _environment_key(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((name, value) for name, value in env.items() if name not in PER_LAUNCH_VARIABLES))


def server_for(env: Mapping[str, str], cwd: str) -> KernelForkServer:
    """The fork server for kernels with environment ``env``, started on first use.

    The server imports its modules under that environment (thread caps are read when a library
    loads), so another environment gets another server, and the previous one is closed.
    """
    key = _environment_key(env)
    with _servers_lock:
        server = _servers.get(key)
        if server is None or not server.alive():
            for other in _servers.values():
                other.close()
            _servers.clear()
            server = _servers[key] = KernelForkServer(env, cwd)
        return server


def forkable(cmd: list[str]) -> bool:
    """Whether ``cmd`` starts ipykernel with this interpreter, the only kernel the server can fork."""
    return len(cmd) > 3 and cmd[0] == sys.executable and cmd[1:3] == LAUNCHER


def provisioner(kernel_manager: Any) -> Any:
    """A provisioner for ``kernel_manager``'s next kernel that forks it from the fork server."""
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            if not forkable(cmd):
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                server = await asyncio.to_thread(server_for, env, cwd)
                self.process = await asyncio.to_thread(server.fork, cmd[3:], env, cwd)
            except (ForkServerError, OSError) as exc:
                log.warning("starting the kernel afresh: %s", exc)
                return await super().launch_kernel(cmd, **kwargs)
            self.pid = self.pgid = self.process.pid  # the child made its own session before the server answered
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner(kernel_id=kernel_manager.kernel_id, kernel_spec=kernel_manager.kernel_spec,
                           parent=kernel_manager)


__all__ = ["ForkServerError", "ForkedKernel", "KernelForkServer", "enabled", "forkable", "provisioner",
           "server_for"]
