"""What each stage of a cell costs: wall time, CPU time, peak resident memory, energy and emissions.

``measure(stage)`` samples the process's resident set size (children included) in a background
thread, so the peak is the peak of that stage, not of the whole process's life. Energy (kWh) and
emissions (g CO2e) come from codecarbon's offline tracker (this process only), with the carbon
intensity of the country in ``BENCH_CO2_COUNTRY`` (ISO 3166 alpha-3, default USA). How the energy
was obtained is recorded as the tag ``cost.energy_method``: ``rapl`` (CPU energy counters),
``nvml`` (GPU counters, with a GPU), or ``estimate`` (no counters: CPU load times the processor's
rated power, as on machines without RAPL such as most virtual machines). A stage that used a CUDA
GPU also reports the peak GPU memory torch allocated (``cost.<stage>_peak_gpu_mb``); torch is
never imported just to look.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import psutil

from bench.metrics.base import MetricResult
from bench.metrics.cost import STAGES

SAMPLE_INTERVAL_S = 0.05
COUNTRY_ENV = "BENCH_CO2_COUNTRY"
DEFAULT_COUNTRY = "USA"
MEASURED_CPU_MODES = {"intel_rapl": "rapl", "intel_power_gadget": "rapl", "apple_powermetrics": "rapl"}


@dataclass
class StageCost:
    """Measured cost of one stage; ``as_results()`` turns it into ``cost.*`` metrics."""

    stage: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    peak_gpu_mb: float | None = None  # None: the stage did not use a GPU
    energy_kwh: float = 0.0
    emissions_g: float = 0.0
    energy_tags: dict[str, str] = field(default_factory=dict)

    def as_results(self) -> list[MetricResult]:
        results = [MetricResult(f"cost.{self.stage}_{q}", getattr(self, q))
                   for q in ("wall_s", "cpu_s", "peak_rss_mb")]
        if self.peak_gpu_mb is not None:
            results.append(MetricResult(f"cost.{self.stage}_peak_gpu_mb", self.peak_gpu_mb))
        if self.energy_tags:
            results += [MetricResult(f"cost.{self.stage}_energy_kwh", self.energy_kwh, tags=self.energy_tags),
                        MetricResult(f"cost.{self.stage}_emissions_g", self.emissions_g)]
        return results


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


def _energy_tracker() -> Any:
    """A started codecarbon offline tracker for this process, or None when codecarbon cannot run here.

    codecarbon resets its logger's level on every tracker, so a filter keeps its notices (e.g.
    "multiple instances are allowed") out of notebooks and logs.
    """
    logger = logging.getLogger("codecarbon")
    if _errors_only not in logger.filters:
        logger.addFilter(_errors_only)
    try:
        from codecarbon import OfflineEmissionsTracker

        tracker = OfflineEmissionsTracker(country_iso_code=os.environ.get(COUNTRY_ENV, DEFAULT_COUNTRY),
                                          save_to_file=False, log_level="error", measure_power_secs=1,
                                          tracking_mode="process")
        tracker.start()
        return tracker
    except Exception:  # an unknown country code or no readable hardware: the other costs are still measured
        return None


def warm_energy_probe() -> bool:
    """Run codecarbon's hardware probe once (about 1 s), which codecarbon then caches for this process
    and its forked children; False when codecarbon cannot run here.

    Example:
        >>> isinstance(warm_energy_probe(), bool)
        True
    """
    tracker = _energy_tracker()
    if tracker is None:
        return False
    try:
        tracker.stop()
    except Exception:  # the probe ran; only its first reading failed
        pass
    return True


def energy_method(tracker: Any) -> str:
    """``nvml`` with a GPU, ``rapl`` with CPU energy counters, else ``estimate``."""
    kinds = {type(device).__name__: getattr(device, "_mode", "") for device in getattr(tracker, "_hardware", [])}
    if "GPU" in kinds:
        return "nvml"
    return MEASURED_CPU_MODES.get(kinds.get("CPU", ""), "estimate")


def _stop_energy(tracker: Any, cost: StageCost) -> None:
    try:
        emissions_kg = tracker.stop() or 0.0
        cost.energy_kwh = float(tracker.final_emissions_data.energy_consumed)
    except Exception:  # a failed final reading: no energy numbers rather than wrong ones
        return
    cost.emissions_g = 1000.0 * float(emissions_kg)
    cost.energy_tags = {"cost.energy_method": energy_method(tracker),
                        "cost.co2_country": os.environ.get(COUNTRY_ENV, DEFAULT_COUNTRY)}


def _cuda() -> Any:
    """``torch.cuda`` if torch is already imported and has initialised a GPU in this process, else None."""
    torch = sys.modules.get("torch")
    cuda = getattr(torch, "cuda", None)
    try:
        return cuda if cuda is not None and cuda.is_available() and cuda.is_initialized() else None
    except Exception:  # a broken driver: no GPU figure rather than a failed stage
        return None


def _rss_bytes(process: psutil.Process) -> int:
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total


@contextmanager
def measure(stage: str, energy: bool = True) -> Iterator[StageCost]:
    """Measure the enclosed block (energy too, unless ``energy=False``).

    Example:
        >>> with measure("fit") as cost:
        ...     _ = sum(range(10_000))
        >>> cost.wall_s >= 0 and cost.peak_rss_mb > 0 and cost.energy_kwh >= 0
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
    tracker = _energy_tracker() if energy else None  # started before the clock: its set-up is not the stage's
    cuda = _cuda()
    if cuda is not None:
        cuda.reset_peak_memory_stats()
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
        cuda = _cuda()  # also when the stage itself imported torch and started the GPU
        if cuda is not None:
            cost.peak_gpu_mb = cuda.max_memory_allocated() / 2**20
        if tracker is not None:
            _stop_energy(tracker, cost)
