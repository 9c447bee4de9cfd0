import time

import numpy as np
import pytest

from bench.metrics.cost import COST_METRICS
from bench.metrics.cost_meter import measure


def test_peak_memory_of_a_stage_sees_a_large_allocation():
    with measure("fit") as cost:
        block = np.ones(300 * 2**20 // 8)  # 300 MB, touched
        time.sleep(0.2)
        del block
    with measure("sample") as quiet:
        time.sleep(0.2)
    assert cost.peak_rss_mb - quiet.peak_rss_mb > 200


def test_cpu_and_wall_time_are_measured():
    with measure("evaluate") as busy:
        end = time.perf_counter() + 0.3
        while time.perf_counter() < end:
            pass
    with measure("evaluate") as idle:
        time.sleep(0.3)
    assert busy.wall_s >= 0.3 and idle.wall_s >= 0.3
    assert busy.cpu_s > 0.2 and idle.cpu_s < 0.1
    assert {r.name for r in busy.as_results()} <= set(COST_METRICS)


def test_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="unknown stage"):
        with measure("train"):
            pass


def test_energy_and_emissions_grow_with_work_and_say_how_they_were_obtained(monkeypatch):
    monkeypatch.setenv("BENCH_CO2_COUNTRY", "FRA")
    with measure("fit") as short:
        end = time.perf_counter() + 0.2
        while time.perf_counter() < end:
            pass
    with measure("fit") as long:
        end = time.perf_counter() + 1.5
        while time.perf_counter() < end:
            pass
    assert 0 < short.energy_kwh < long.energy_kwh and 0 < long.emissions_g
    results = {r.name: r for r in long.as_results()}
    assert results["cost.fit_energy_kwh"].tags["cost.energy_method"] in ("rapl", "nvml", "estimate")
    assert results["cost.fit_energy_kwh"].tags["cost.co2_country"] == "FRA"
    with measure("fit", energy=False) as plain:
        pass
    assert "cost.fit_energy_kwh" not in {r.name for r in plain.as_results()}


class RecordingCuda:
    """Stands in for ``torch.cuda`` on machines without a GPU: the allocator's peak is what it was told."""

    def __init__(self, peaks_mb):
        self.peaks, self.resets = list(peaks_mb), 0

    def is_available(self):
        return True

    def is_initialized(self):
        return True

    def reset_peak_memory_stats(self):
        self.resets += 1

    def max_memory_allocated(self):
        return self.peaks.pop(0) * 2**20


def test_peak_gpu_memory_is_reported_only_for_stages_that_used_a_gpu(monkeypatch):
    import sys
    import types

    with measure("fit") as cpu_only:  # whether or not torch is imported here, no GPU was initialised
        pass
    assert cpu_only.peak_gpu_mb is None and "cost.fit_peak_gpu_mb" not in {r.name for r in cpu_only.as_results()}
    cuda = RecordingCuda([1536.0])
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(cuda=cuda))
    with measure("fit") as on_gpu:
        pass
    assert cuda.resets == 1, "the peak is reset at the start of each stage"
    assert {r.name: r.value for r in on_gpu.as_results()}["cost.fit_peak_gpu_mb"] == 1536.0
    assert "cost.fit_peak_gpu_mb" in COST_METRICS
