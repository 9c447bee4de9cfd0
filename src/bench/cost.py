"""What each stage of a cell costs: wall time, CPU time and peak resident memory.

``measure(stage)`` samples the process's resident set size (children included) in a background
thread, so the peak is the peak of that stage, not of the whole process's life.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import psutil

from bench.metrics.base import MetricResult
from bench.metrics.cost import STAGES

SAMPLE_INTERVAL_S = 0.05


@dataclass
class StageCost:
    """Measured cost of one stage; ``as_results()`` turns it into ``cost.*`` metrics."""

    stage: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0

    def as_results(self) -> list[MetricResult]:
        return [MetricResult(f"cost.{self.stage}_{q}", getattr(self, q)) for q in ("wall_s", "cpu_s", "peak_rss_mb")]


def _rss_bytes(process: psutil.Process) -> int:
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total


@contextmanager
def measure(stage: str) -> Iterator[StageCost]:
    """Measure the enclosed block.

    Example:
        >>> with measure("fit") as cost:
        ...     _ = sum(range(10_000))
        >>> cost.wall_s >= 0 and cost.peak_rss_mb > 0
        True
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage '{stage}'; expected one of {STAGES}")
    process = psutil.Process()
    cost = StageCost(stage)
    peak = [_rss_bytes(process)]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(SAMPLE_INTERVAL_S):
            peak[0] = max(peak[0], _rss_bytes(process))

    sampler = threading.Thread(target=sample, daemon=True)
    cpu_start, wall_start = process.cpu_times(), time.perf_counter()
    sampler.start()
    try:
        yield cost
    finally:
        stop.set()
        sampler.join()
        cpu_end = process.cpu_times()
        cost.wall_s = time.perf_counter() - wall_start
        cost.cpu_s = (cpu_end.user - cpu_start.user) + (cpu_end.system - cpu_start.system)
        cost.peak_rss_mb = max(peak[0], _rss_bytes(process)) / 2**20
