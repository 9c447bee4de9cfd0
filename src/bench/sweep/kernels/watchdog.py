"""Enforce a cell's limits on its kernel process: wall-clock time and resident memory.

Papermill starts one Jupyter kernel per cell. ``CellWatchdog`` is attached to that kernel as soon
as it starts (``watched_kernel_manager``), samples the resident memory of the kernel and of every
process it spawned, and kills the whole tree with SIGKILL when the cell runs past its time limit
or its memory limit. Afterwards ``reason(error)`` turns Papermill's error into the cell's: killed
for a limit, killed by a signal from elsewhere (the system's out-of-memory killer, a user), or
Papermill's error as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

import psutil

from bench.sweep.kernels import forked_kernels

SAMPLE_INTERVAL_S = 0.1
_LIVE: set["CellWatchdog"] = set()  # watchdogs of the cells running in this process, for abort_all
_LIVE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """A cell's hard limits: wall-clock seconds from kernel start, and resident MiB (0: no memory limit)."""

    timeout_s: float
    memory_mb: int = 0


def tree_rss_mb(root: psutil.Process) -> float:
    """Resident memory of ``root`` and all its descendants, in MiB (processes that vanish count 0).

    Example:
        >>> tree_rss_mb(psutil.Process()) > 0
        True
    """
    total = 0
    for process in [root, *_descendants(root)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _descendants(root: psutil.Process) -> list[psutil.Process]:
    try:
        return root.children(recursive=True)
    except psutil.Error:
        return []


def kill_tree(root: psutil.Process) -> None:
    """SIGKILL ``root`` and its descendants (children first, so none is re-parented and missed)."""
    for process in [*reversed(_descendants(root)), root]:
        try:
            process.send_signal(signal.SIGKILL)
        except psutil.Error:
            pass


class CellWatchdog:
    """Watches one kernel; kills its process tree past the limits.

    Example:
        >>> import subprocess, sys
        >>> dog = CellWatchdog(Limits(timeout_s=0.5))
        >>> dog.attach(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]))
        >>> dog.wait(timeout=10); dog.stop(); dog.reason("DeadKernelError: Kernel died").split(":")[0]
        'CellTimeout'
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.started = time.monotonic()  # the cell's clock starts before its kernel does
        self.peak_mb = 0.0
        self._killed_for = ""
        self._process: subprocess.Popen | forked_kernels.ForkedKernel | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        with _LIVE_LOCK:  # live from the start: an abort before the kernel is up kills it once it is
            _LIVE.add(self)

    def attach(self, process: subprocess.Popen | forked_kernels.ForkedKernel) -> None:
        """Start watching ``process`` (the kernel, launched or forked by the kernel manager)."""
        self._process = process
        self._thread = threading.Thread(target=self._watch, name=f"watchdog-{process.pid}", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        assert self._process is not None
        try:
            root = psutil.Process(self._process.pid)
        except psutil.Error:
            return
        while not self._stop.is_set() and self._process.poll() is None:
            used = tree_rss_mb(root)
            self.peak_mb = max(self.peak_mb, used)
            self._killed_for = self._killed_for or self._breach(used)  # set already if abort() was called
            if self._killed_for:
                kill_tree(root)
                return
            self._stop.wait(SAMPLE_INTERVAL_S)

    def _breach(self, used_mb: float) -> str:
        """The error for a limit the cell is past, or ''."""
        elapsed = time.monotonic() - self.started
        if self.limits.memory_mb and used_mb > self.limits.memory_mb:
            return (f"MemoryLimitExceeded: the cell used {used_mb:,.0f} MiB, over its limit of "
                    f"{self.limits.memory_mb:,} MiB (memory_limit_mb); its kernel was killed")
        if elapsed > self.limits.timeout_s:
            return (f"CellTimeout: the cell ran {elapsed:,.0f} s, past its limit of "
                    f"{self.limits.timeout_s:g} s (timeout_s); its kernel was killed")
        return ""

    def wait(self, timeout: float | None = None) -> None:
        """Wait until the watched kernel has ended (or ``timeout`` seconds)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def abort(self, reason: str) -> None:
        """Kill the kernel's process tree now (at the next sample), with ``reason`` as the cell's error."""
        self._killed_for = self._killed_for or reason

    def stop(self) -> None:
        """Stop watching (the cell is over) and kill the kernel's tree if anything of it is left: a cell's
        processes never outlive the cell, also when the runner was interrupted mid-cell."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._process is not None and self._process.poll() is None:
            try:
                kill_tree(psutil.Process(self._process.pid))
            except psutil.Error:
                pass
        with _LIVE_LOCK:
            _LIVE.discard(self)

    def reason(self, error: str = "") -> str:
        """The cell's error given Papermill's ``error``: a limit or abort if the watchdog killed the
        kernel; a kernel that died of a signal from elsewhere (the system's out-of-memory killer, a
        user) if that is why Papermill failed; else ``error`` itself.

        Example:
            >>> dog = CellWatchdog(Limits(timeout_s=60)); dog.stop()
            >>> dog.reason("ValueError: bad input")
            'ValueError: bad input'
        """
        if self._killed_for:
            return self._killed_for
        code = self._process.poll() if self._process is not None else None
        if code is not None and code < 0 and error.startswith("DeadKernelError"):
            name = signal.Signals(-code).name
            return (f"KernelKilled: the cell's kernel was killed by {name} from outside the runner (e.g. the "
                    f"system's out-of-memory killer or a user); its peak memory was {self.peak_mb:,.0f} MiB")
        return error


def abort_all(reason: str) -> int:
    """Kill every cell kernel this process is running (the sweep was interrupted); returns how many."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for watchdog in live:
        watchdog.abort(reason)
    return len(live)


def watched_kernel_manager(watchdog: CellWatchdog) -> type:
    """A Jupyter kernel manager class that hands each kernel it starts to ``watchdog``.

    Papermill passes it on to nbclient (``kernel_manager_class``). Its kernels talk over Unix
    sockets (``ipc``) instead of TCP ports: with TCP, the client picks ports that are free a moment
    before the kernel binds them, and with cells starting side by side (and Ray holding ports of its
    own) a kernel died at start with "Address already in use" in one CI run. Unless
    ``BENCH_FORK_KERNELS=0``, the kernel is forked from a warm process (``bench.sweep.kernels.forked_kernels``).
    """
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class WatchedKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        async def start_kernel(self, **kwargs: Any) -> None:  # type: ignore[override]
            # A folder of its own for the kernel's sockets: no two kernels ever pick the same name.
            self._socket_dir = tempfile.mkdtemp(prefix="bench-kernel-")
            self.ip = os.path.join(self._socket_dir, "kernel")
            if self.provisioner is None and forked_kernels.enabled():
                self.kernel_id = self.kernel_id or str(uuid.uuid4())
                self.provisioner = forked_kernels.provisioner(self)
            await super().start_kernel(**kwargs)
            process = getattr(self.provisioner, "process", None)
            if process is not None:
                watchdog.attach(process)

        async def cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
            await super().cleanup_resources(restart=restart)
            shutil.rmtree(getattr(self, "_socket_dir", ""), ignore_errors=True)

    return WatchedKernelManager


def total_memory_mb() -> int:
    """This machine's physical memory in MiB.

    Example:
        >>> total_memory_mb() > 0
        True
    """
    return int(psutil.virtual_memory().total / 2**20)


__all__ = ["CellWatchdog", "Limits", "abort_all", "kill_tree", "total_memory_mb", "tree_rss_mb",
           "watched_kernel_manager"]
