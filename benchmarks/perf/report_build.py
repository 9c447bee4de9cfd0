"""How long `bench report` takes for a sweep of 100 cells (issue 8).

Run from the repository root:

    .venv/bin/python benchmarks/perf/report_build.py [--cells 100]

It fills a temporary MLflow store with one sweep of ``--cells`` cell runs (4 datasets x 5
generators x seeds; 3 of them FAILED) carrying every registered metric with random values inside
its declared range, then times the three steps of `bench report`: reading the runs from MLflow
(`bench.tracking.reads.runs_table`), building the tables and figures (`bench.report.build.build_report`) and writing
`report.html`. Nothing is written outside the temporary folder; no real data is involved.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from harness import print_table

DATASETS = ("pima", "heart_failure", "cardio", "sepsis_like")
GENERATORS = ("marginals", "copy", "bayesian_network", "ctgan", "tvae")


def fill_store(results: Path, n_cells: int) -> None:
    """One experiment 'timing' with ``n_cells`` FINISHED or FAILED cell runs under one sweep run."""
    import numpy as np
    from mlflow.entities import Metric, Param

    from bench.metrics import METRICS
    from bench.tracking import store

    uri = store.default_tracking_uri(results)
    experiment = store.experiment_id(uri, "timing", results / "mlartifacts")
    client = store.open_client(uri)
    parent = client.create_run(experiment, run_name="timing-sweep", tags={store.SWEEP_TAG: "timing-sweep"})
    rng = np.random.default_rng(0)
    for i in range(n_cells):
        dataset, generator = DATASETS[i % len(DATASETS)], GENERATORS[(i // len(DATASETS)) % len(GENERATORS)]
        seed = i // (len(DATASETS) * len(GENERATORS))
        failed = i in (7, 42, 77)
        run = client.create_run(experiment, run_name=f"{dataset}/{generator}/seed={seed}", tags={
            "mlflow.parentRunId": parent.info.run_id, store.CELL_ID_TAG: f"cell{i}",
            store.STATUS_TAG: "FAILED" if failed else "FINISHED", store.SWEEP_TAG: "timing-sweep",
            **({store.ERROR_TAG: "MemoryLimitExceeded: simulated"} if failed else {})})
        params = {"dataset": dataset, "dataset_label": dataset, "generator": generator, "generator_label": generator,
                  "seed": str(seed)}
        metrics = [] if failed else [
            Metric(name, float(rng.uniform(low, high if math.isfinite(high) else low + 100.0)), 0, 0)
            for name, spec in METRICS.items() for low, high in [spec.range]]
        client.log_batch(run.info.run_id, metrics=metrics, params=[Param(k, v) for k, v in params.items()])
        client.set_terminated(run.info.run_id, "FAILED" if failed else "FINISHED")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=100, help="cell runs in the sweep (default: %(default)s)")
    args = parser.parse_args(argv)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    from bench.metrics import METRICS
    from bench.report.build import build_report
    from bench.report.page import write_page
    from bench.report.sections import SECTIONS
    from bench.tracking import reads, store

    print(f"{args.cells} cells, {len(METRICS)} metrics each; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp)
        started = time.perf_counter()
        fill_store(results, args.cells)
        fill_s = time.perf_counter() - started
        uri = store.default_tracking_uri(results)
        started = time.perf_counter()
        runs = reads.runs_table(uri, store.experiment_id(uri, "timing", results / "mlartifacts"))
        read_s = time.perf_counter() - started
        specs = [spec for spec in METRICS.values() if spec.headline]
        started = time.perf_counter()
        outputs = build_report(runs, specs, results, name="timing")
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        write_page(results, "timing", [(s.title, outputs[s.key]) for s in SECTIONS], runs)
        page_s = time.perf_counter() - started
        files = sum(len(paths) for paths in outputs.values()) + 1
    print()
    print_table(("step", "seconds"), [
        ("fill the MLflow store (setup, not part of the report)", f"{fill_s:.1f}"),
        ("read the runs (reads.runs_table)", f"{read_s:.1f}"),
        (f"tables and figures ({len(specs)} headline metrics, {files} files)", f"{build_s:.1f}"),
        ("report.html", f"{page_s:.2f}"),
        ("bench report in all", f"{read_s + build_s + page_s:.1f}")], keys=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
