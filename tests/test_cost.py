import time

import numpy as np
import pytest

from bench.cost import measure
from bench.metrics.cost import COST_METRICS


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
