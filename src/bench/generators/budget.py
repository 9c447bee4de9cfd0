"""The common training budget: ``epochs`` (or iterations) and a wall-clock ``time_limit_s``.

``epochs`` is mapped by each adapter to its library's own iteration argument (``n_iter``,
``struct_learning_n_iter``, ``max_iters``, ...). ``time_limit_s`` is enforced by ``time_limit``:

1. In the main thread on POSIX (the notebook kernel and the CLI), a ``SIGALRM`` timer raises
   ``TimeBudgetExceeded`` inside the training loop at the next Python bytecode after the deadline,
   so an overrunning fit really stops. It derives from ``BaseException`` so that libraries'
   ``except Exception`` blocks do not swallow it, and the timer re-fires every 0.5 s in case a
   library swallows even that. A long call inside C code (one xgboost fit, one BLAS call) finishes
   before the interrupt lands.
2. Elsewhere (other threads, Windows, or when another ``SIGALRM`` timer is already armed, e.g. by
   pytest-timeout), fit runs to the end and the elapsed time is checked afterwards.

Either way an overrun raises ``GeneratorError`` ("exceeded its time budget"): a run that overran is
failed, never returned as if it had finished. The runner's per-cell process timeout stays the hard
stop for anything that hangs in C code.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from bench.generators.base import GeneratorError

REFIRE_S = 0.5


class TimeBudgetExceeded(BaseException):
    """Raised inside a fit by the alarm; turned into ``GeneratorError`` by ``time_limit``."""


def _can_interrupt() -> bool:
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getitimer(signal.ITIMER_REAL)[0] == 0)


@contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Run the block under a wall-clock budget; raise ``GeneratorError`` when it overruns.

    Example:
        >>> with time_limit(5, "demo"):
        ...     pass
    """
    if seconds is None:
        yield
        return
    seconds = float(seconds)
    start = time.perf_counter()

    def overran(elapsed: float) -> GeneratorError:
        return GeneratorError(f"{what}: exceeded its time budget: fit took {elapsed:.1f} s, "
                              f"time_limit_s={seconds:g}")

    interrupt = _can_interrupt()
    previous = None
    if interrupt:
        def _alarm(signum, frame):  # noqa: ANN001
            raise TimeBudgetExceeded()

        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds, REFIRE_S)
    try:
        try:
            yield
        finally:
            if interrupt:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
    except TimeBudgetExceeded:
        raise overran(time.perf_counter() - start) from None
    elapsed = time.perf_counter() - start
    if elapsed > seconds:
        raise overran(elapsed)
