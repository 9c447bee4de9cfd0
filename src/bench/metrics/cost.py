"""Cost metrics: what each stage of a cell costs. Declared here; measured by ``bench.metrics.cost_meter.measure``."""

from __future__ import annotations

from bench.metrics.base import MetricSpec

STAGES = ("load", "fit", "sample", "evaluate")
HEADLINE = ("cost.fit_wall_s", "cost.fit_peak_rss_mb")


def _cost_specs() -> dict[str, MetricSpec]:
    specs = {}
    for stage in STAGES:
        for quantity, unit, what in (("wall_s", "s", "wall-clock time"), ("cpu_s", "s", "CPU time (all threads)"),
                                     ("peak_rss_mb", "MB", "peak resident memory"),
                                     ("peak_gpu_mb", "MB", "peak GPU memory allocated by torch (only when the stage "
                                                           "used a GPU)"),
                                     ("energy_kwh", "kWh", "energy (codecarbon; tag cost.energy_method says "
                                                           "whether measured or estimated)"),
                                     ("emissions_g", "g CO2e", "emissions (codecarbon, country BENCH_CO2_COUNTRY)")):
            name = f"cost.{stage}_{quantity}"
            specs[name] = MetricSpec(name, goal="minimize", range=(0.0, float("inf")), headline=name in HEADLINE,
                                     description=f"{what} of the {stage} stage ({unit})")
    return specs


COST_METRICS: dict[str, MetricSpec] = {
    **_cost_specs(),
    "cost.energy_kwh_per_1k_rows": MetricSpec(
        "cost.energy_kwh_per_1k_rows", goal="minimize", range=(0.0, float("inf")),
        description="energy of fitting and sampling per 1,000 synthetic rows (kWh; codecarbon)"),
    "cost.cell_wall_s": MetricSpec(
        "cost.cell_wall_s", goal="minimize", range=(0.0, float("inf")),
        description="wall-clock time of the whole cell as the runner saw it: kernel start to executed notebook (s)"),
    "cost.harness_overhead_s": MetricSpec(
        "cost.harness_overhead_s", goal="minimize", range=(0.0, float("inf")),
        description="cell time outside the measured load, fit, sample and evaluate stages: kernel start, imports, "
                    "Papermill, MLflow logging, the notebook's display code (s)"),
}
