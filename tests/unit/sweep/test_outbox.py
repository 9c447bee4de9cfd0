"""The outbox: a cell's results logged by the runner reach MLflow exactly as if the kernel had logged them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from mlflow.tracking import MlflowClient

from bench.errors import BenchError
from bench.sweep import cell as bench_cell
from bench.sweep import outbox
from bench.sweep.config import Cell
from bench.sweep.kernels.watchdog import Limits
from bench.sweep.notebook_job import execute, log_outbox, make_job
from bench.tracking import store

CELL = Cell("outbox", "sepsis_like", {"n_patients": 1000}, "marginals", {}, seed=0,
            metrics=("fidelity", "fairness"))


def logged(client: MlflowClient, run_id: str, tmp: Path) -> tuple[dict, dict, dict, dict[str, bytes]]:
    """A run's params, metrics, tags (without MLflow's own) and details tables, byte for byte."""
    run = client.get_run(run_id)
    folder = Path(client.download_artifacts(run_id, "details", str(tmp)))
    tables = {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}
    tags = {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")}
    return run.data.params, run.data.metrics, tags, tables


@pytest.mark.slow
def test_logging_through_the_outbox_equals_logging_from_the_kernel(tmp_path):
    split, _ = bench_cell.load_split(CELL)
    synthesis = bench_cell.synthesize(CELL, split)
    scores = bench_cell.evaluate(CELL, synthesis.split, synthesis.synthetic)
    uri = store.default_tracking_uri(tmp_path / "results")
    experiment = store.experiment_id(uri, "outbox", tmp_path / "results" / "mlartifacts")
    client = MlflowClient(tracking_uri=uri)
    direct, boxed = (client.create_run(experiment).info.run_id for _ in range(2))

    bench_cell.log(CELL, scores, direct, uri, synthesis)  # as a hand-run notebook does
    bench_cell.log(CELL, scores, boxed, uri, synthesis, outbox=str(tmp_path / "box"))  # as under the runner
    assert client.get_run(boxed).data.metrics == {}  # nothing logged from the kernel
    job = make_job(CELL, boxed, uri, Limits(timeout_s=60), tmp_path / "cell.ipynb", threads=1)
    assert log_outbox(job, tmp_path / "box") == ""

    one, other = logged(client, direct, tmp_path / "a"), logged(client, boxed, tmp_path / "b")
    assert one == other
    params, metrics, tags, tables = one
    assert "fairness.representation_ratio_min.csv" in tables and "fidelity.univariate_similarity" in metrics
    assert params["data.n_patients"] == "1000"


@pytest.mark.slow
def test_an_outbox_the_notebook_never_wrote_fails_the_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('run_id = ""\noutbox = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('this notebook ends without logging')")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    path = tmp_path / "silent.ipynb"
    nbformat.write(notebook, path)
    job = make_job(CELL, "some-run-id", "sqlite:///unused.db", Limits(timeout_s=60), tmp_path / "out.ipynb",
                   threads=1, notebook=path)
    error = execute(job, job.output)
    assert error.startswith("MLflow logging failed: BenchError: the cell wrote no results")
    assert job.output.is_file()


def test_reading_an_empty_outbox_says_what_is_missing(tmp_path):
    with pytest.raises(BenchError, match="wrote no results"):
        outbox.read(tmp_path)
