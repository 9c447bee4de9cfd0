"""The local executor with several workers: every cell runs, MLflow stays consistent, numbers match."""

from mlflow.tracking import MlflowClient

from bench.config import load_benchmark
from bench.runner import run_benchmark

MATRIX = """
name: pair
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals, copy, gaussian_copula]
seeds: [0]
metrics: [fidelity, utility]
timeout_s: 300
"""


def cell_metrics(results):
    client = MlflowClient(tracking_uri=f"sqlite:///{results / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("pair")
    runs = [r for r in client.search_runs([experiment.experiment_id]) if "bench.cell_id" in r.data.tags]
    return {r.data.tags["bench.cell_id"]: (r.data.tags["bench.status"], {
        k: v for k, v in r.data.metrics.items() if not k.startswith("cost.")}) for r in runs}


def test_two_workers_run_every_cell_once_with_the_numbers_of_one_worker(tmp_path):
    config = tmp_path / "pair.yaml"
    config.write_text(MATRIX)
    benchmark = load_benchmark(config)
    parallel = run_benchmark(benchmark, tmp_path / "two", workers=2)
    serial = run_benchmark(benchmark, tmp_path / "one", workers=1)
    assert len(parallel.finished) == 3 and not parallel.failed
    two, one = cell_metrics(tmp_path / "two"), cell_metrics(tmp_path / "one")
    assert set(two) == set(one) == {cell.id for cell in benchmark.cells()}  # one run per cell, none lost
    for cell_id, (status, values) in two.items():
        assert status == "FINISHED" and values == one[cell_id][1] and values
    again = run_benchmark(benchmark, tmp_path / "two", workers=2)  # resuming skips what finished
    assert len(again.skipped) == 3 and not again.finished
