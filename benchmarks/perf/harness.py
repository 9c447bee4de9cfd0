"""What the scripts in ``benchmarks/`` share: names from the command line, one fresh process per
measured case, and the fixed-width table they print.

The scripts run as ``python benchmarks/perf/<script>.py``, so this folder is on ``sys.path`` and they
import it as ``harness``.
"""

from __future__ import annotations

import multiprocessing
import time
from queue import Empty
from typing import Any, Callable, Sequence


def pick_names(text: str, registered: Sequence[str], what: str) -> list[str]:
    """The comma-separated names in ``text`` (all of ``registered`` if empty); ``ValueError`` names unknown ones.

    Example:
        >>> pick_names("b, a", ["a", "b", "c"], "dataset"), pick_names("", ["a"], "dataset")
        (['b', 'a'], ['a'])
    """
    names = [n.strip() for n in text.split(",") if n.strip()] or list(registered)
    unknown = [n for n in names if n not in registered]
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; registered: {', '.join(registered)}")
    return names


def _call_into(queue: Any, function: Callable[..., dict[str, Any]], args: tuple) -> None:
    queue.put(function(*args))


def run_fresh(function: Callable[..., dict[str, Any]], args: tuple, timeout_s: float | None = None) -> dict[str, Any]:
    """``function(*args)`` in a fresh spawned process, so its imports and memory peak are its own.

    The process is not a daemon (unlike a ``multiprocessing.Pool`` worker), so the libraries it
    measures may start their own workers: scikit-learn's ``n_jobs=-1`` would otherwise silently
    fall back to one core. After ``timeout_s`` seconds the process is stopped and the result is
    ``{"error": ...}``; so it is when the process dies without an answer (e.g. killed for memory).
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_call_into, args=(queue, function, args))
    process.start()
    started = time.monotonic()
    try:
        while True:
            try:
                return queue.get(timeout=1.0)
            except Empty:
                if not process.is_alive():
                    return {"error": f"the measuring process died without an answer (exit code {process.exitcode})"}
                if timeout_s is not None and time.monotonic() - started > timeout_s:
                    return {"error": f"stopped after {timeout_s:g} s (--timeout)"}
    finally:
        if process.is_alive():
            process.terminate()
        process.join()


def print_table(header: Sequence[str], rows: list[tuple[str, ...]], keys: int,
                left: set[int] | None = None) -> None:
    """Print ``rows`` under ``header`` in fixed-width columns.

    A row is either one cell per header column, or (shorter than the header) its first ``keys``
    cells and one more that says why the case failed (printed after the keys, unaligned). The
    columns whose positions are in ``left`` (default: the keys) are left-aligned, the others
    right-aligned.

    Example:
        >>> print_table(("name", "n", "s"), [("a", "10", "0.5"), ("bb", "failed: out of memory")], keys=1)
        name   n    s
        ----  --  ---
        a     10  0.5
        bb    failed: out of memory
    """
    left = set(range(keys)) if left is None else left
    full = [row for row in rows if len(row) == len(header)]
    widths = [max([len(h)] + [len(row[i]) for row in full] + [len(row[i]) for row in rows if i < keys])
              for i, h in enumerate(header)]

    def fmt(cells: Sequence[str]) -> str:
        if len(cells) < len(header):
            return "  ".join([c.ljust(w) for c, w in zip(cells[:keys], widths)] + [cells[keys]])
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row), flush=True)
