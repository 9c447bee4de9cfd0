"""Executors: several local workers and a local Ray cluster run every cell once, with the numbers of one worker."""

import pytest
from mlflow.tracking import MlflowClient

from bench.cli import main
from bench.sweep.config import load_benchmark
from bench.sweep.runner import run_benchmark

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


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory):
    config = tmp_path_factory.mktemp("pair") / "pair.yaml"
    config.write_text(MATRIX)
    return load_benchmark(config)


@pytest.fixture(scope="module")
def one_worker(benchmark, tmp_path_factory):
    results = tmp_path_factory.mktemp("one")
    summary = run_benchmark(benchmark, results, workers=1)
    assert len(summary.finished) == 3 and summary.resources.workers == 1
    return cell_metrics(results)


def assert_same_cells(benchmark, results, reference):
    cells = cell_metrics(results)
    assert set(cells) == set(reference) == {cell.id for cell in benchmark.cells()}  # one run per cell, none lost
    for cell_id, (status, values) in cells.items():
        assert status == "FINISHED" and values == reference[cell_id][1] and values


def test_two_workers_run_every_cell_once_with_the_numbers_of_one_worker(benchmark, one_worker, tmp_path):
    parallel = run_benchmark(benchmark, tmp_path, workers=2)
    assert len(parallel.finished) == 3 and not parallel.failed and parallel.resources.workers == 2
    assert_same_cells(benchmark, tmp_path, one_worker)
    again = run_benchmark(benchmark, tmp_path, workers=2)  # resuming skips what finished
    assert len(again.skipped) == 3 and not again.finished


def test_a_local_ray_cluster_gives_the_numbers_of_the_local_executor(benchmark, one_worker, tmp_path):
    summary = run_benchmark(benchmark, tmp_path, workers=2, executor="ray")
    assert summary.executor == "ray" and len(summary.finished) == 3 and not summary.failed
    assert_same_cells(benchmark, tmp_path, one_worker)
    assert len(list(summary.runs_dir.glob("*.ipynb"))) == 3  # notebooks come back from the Ray workers


def test_an_unknown_executor_or_a_negative_worker_count_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "benchmarks/quick.yaml", "--executor", "slurm"])
    assert exit_info.value.code == 2 and "invalid choice: 'slurm'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "benchmarks/quick.yaml", "--workers", "-1"])
    assert "expected a non-negative integer, got '-1'" in capsys.readouterr().err


def test_every_executor_name_a_benchmark_file_accepts_is_implemented():
    from bench.sweep.config import EXECUTOR_NAMES
    from bench.sweep.executors import EXECUTORS

    assert tuple(EXECUTORS) == EXECUTOR_NAMES
