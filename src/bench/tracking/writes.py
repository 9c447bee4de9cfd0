"""What a sweep and its cells write to the MLflow store: the sweep's parent run, one child run per cell,
and each cell's params, metrics, tags, details tables and executed notebook.

The runner creates a cell's child run before the notebook starts, so a cell that crashes still
leaves a FAILED run with its error; the notebook (another process) logs into it by run id.
"""

from __future__ import annotations

import json
import platform
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.metrics.base import MetricResult, Unavailable
from bench.metrics.cost import STAGES
from bench.paths import source_checkout
from bench.tracking.store import (
    CELL_ID_TAG,
    ERROR_TAG,
    IDENTITY_TAGS,
    STATUS_TAG,
    SWEEP_TAG,
    UNAVAILABLE_TAG,
    open_client,
    param_text,
)

PACKAGES = ("health-synth-bench", "synthcity", "torch", "numpy", "pandas", "scikit-learn", "sdmetrics",
            "anonymeter", "mlflow", "papermill")


def provenance_tags() -> dict[str, str]:
    """Git commit, dirty flag and package versions: what a reader needs to reproduce a sweep."""
    tags = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            tags[f"version.{package}"] = metadata.version(package)
        except metadata.PackageNotFoundError:
            tags[f"version.{package}"] = "not installed"
    repo = source_checkout()
    try:
        if repo is None:  # an installed wheel: its version above says what ran
            raise OSError("not a checkout")
        commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        tags.update({"git.commit": commit, "git.dirty": str(bool(dirty)).lower()})
    except (OSError, subprocess.CalledProcessError):
        tags.update({"git.commit": "unknown", "git.dirty": "unknown"})
    return tags


def start_sweep(tracking_uri: str, experiment: str, sweep_name: str, tags: dict[str, str]) -> str:
    """Create the sweep's parent run (status RUNNING) and return its id."""
    client = open_client(tracking_uri)
    run = client.create_run(experiment, run_name=sweep_name,
                            tags={**tags, **provenance_tags(), SWEEP_TAG: sweep_name})
    return run.info.run_id


def finish_sweep(tracking_uri: str, run_id: str, counts: dict[str, int]) -> None:
    """Record how many cells finished, failed and were skipped, and close the parent run."""
    client = open_client(tracking_uri)
    for key, value in counts.items():
        client.log_metric(run_id, f"sweep.cells_{key}", value)
    client.set_terminated(run_id, "FAILED" if counts.get("failed") else "FINISHED")


def start_cell(tracking_uri: str, experiment: str, parent_run_id: str, sweep_name: str, cell_name: str,
               cell_id: str, spec: dict[str, Any], identity: dict[str, Any] | None = None) -> str:
    """Create a cell's child run, linked to the sweep by ``mlflow.parentRunId``, and return its id.

    ``identity`` (``dataset``, ``generator``, ``seed`` as the report shows them) becomes the
    ``IDENTITY_TAGS``, so the report can place the cell even if it fails before logging anything.
    """
    client = open_client(tracking_uri)
    run = client.create_run(experiment, run_name=cell_name, tags={
        "mlflow.parentRunId": parent_run_id, CELL_ID_TAG: cell_id, STATUS_TAG: "RUNNING", SWEEP_TAG: sweep_name,
        **{IDENTITY_TAGS[key]: str(value) for key, value in (identity or {}).items()},
    })
    log_json(tracking_uri, run.info.run_id, spec, "cell_spec.json")
    return run.info.run_id


def write_details(results: list[MetricResult], folder: Path) -> int:
    """Write each result's details table to ``folder/<metric>.csv`` (aggregates only); how many were written."""
    tables = [result for result in results if result.details is not None]
    if tables:
        Path(folder).mkdir(parents=True, exist_ok=True)
    for result in tables:
        result.details.to_csv(Path(folder) / f"{result.name}.csv", index=False)
    return len(tables)


def log_cell_results(tracking_uri: str, run_id: str, params: dict[str, Any], results: list[MetricResult],
                     unavailable: list[Unavailable] = (), details_dir: Path | None = None) -> None:
    """Log a cell's params, metrics (with CI bounds) and details tables (aggregates only) into its run.

    A metric without a value gets the tag ``unavailable.<metric>``: its status and reason; a
    result's own ``tags`` (e.g. ``privacy.verdict``) become run tags. The details tables are the
    results' own, or, with ``details_dir``, the CSV files already written there (``write_details``).
    """
    from mlflow.entities import Metric, Param, RunTag

    client = open_client(tracking_uri)
    metrics = []
    for result in results:
        metrics.append(Metric(result.name, float(result.value), 0, 0))
        for suffix, bound in (("ci_low", result.ci_low), ("ci_high", result.ci_high)):
            if bound is not None:
                metrics.append(Metric(f"{result.name}.{suffix}", float(bound), 0, 0))
    tags = [RunTag(f"{UNAVAILABLE_TAG}.{u.name}", f"{u.status}: {u.reason}"[:4000]) for u in unavailable]
    tags += [RunTag(key, str(value)[:4000]) for result in results for key, value in result.tags.items()]
    client.log_batch(run_id, metrics=metrics, params=[Param(k, param_text(v)) for k, v in params.items()], tags=tags)
    with tempfile.TemporaryDirectory() as tmp:
        if details_dir is None:
            details_dir = Path(tmp)
            write_details(results, details_dir)
        if any(Path(details_dir).glob("*.csv")):  # one call for the folder: one per table cost ~1 s per cell
            client.log_artifacts(run_id, str(details_dir), artifact_path="details")


def finish_cell(tracking_uri: str, run_id: str, status: str, error: str = "", notebook: Path | None = None) -> None:
    """Close a cell's run as FINISHED or FAILED, with its error and executed notebook."""
    client = open_client(tracking_uri)
    client.set_tag(run_id, STATUS_TAG, status)
    if error:
        client.set_tag(run_id, ERROR_TAG, error[:4000])
    if notebook is not None and notebook.is_file():
        client.log_artifact(run_id, str(notebook), artifact_path="notebook")
    client.set_terminated(run_id, status)


def log_cell_time(tracking_uri: str, run_id: str, cell_s: float) -> None:
    """Log ``cost.cell_wall_s`` and ``cost.harness_overhead_s``: the cell's time outside its measured stages."""
    from mlflow.entities import Metric

    client = open_client(tracking_uri)
    logged = client.get_run(run_id).data.metrics
    stages = sum(logged.get(f"cost.{stage}_wall_s", 0.0) for stage in STAGES)
    client.log_batch(run_id, metrics=[Metric("cost.cell_wall_s", cell_s, 0, 0),
                                      Metric("cost.harness_overhead_s", max(0.0, cell_s - stages), 0, 0)])


def close_interrupted(tracking_uri: str, experiment: str, cell_ids: set[str], sweep_name: str) -> int:
    """Close as FAILED the runs still RUNNING for ``cell_ids``: their sweep was killed before they ended.

    Called by a sweep for the cells it is about to run, so that each interrupted run is marked once
    and a resumed sweep leaves one FINISHED run per cell. Returns how many runs it closed.
    """
    client = open_client(tracking_uri)
    runs = client.search_runs([experiment], filter_string=f"tags.`{STATUS_TAG}` = 'RUNNING'", max_results=50000)
    stale = [run for run in runs if run.data.tags.get(CELL_ID_TAG) in cell_ids]
    for run in stale:
        client.set_tag(run.info.run_id, STATUS_TAG, "FAILED")
        client.set_tag(run.info.run_id, ERROR_TAG, f"Interrupted: the sweep running this cell stopped before it "
                                                   f"ended (runner killed?); sweep {sweep_name} runs it again")
        client.set_terminated(run.info.run_id, "KILLED")
    return len(stale)


def log_json(tracking_uri: str, run_id: str, payload: dict[str, Any], file_name: str) -> None:
    """Store a JSON document as a run artifact."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name
        path.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str))
        open_client(tracking_uri).log_artifact(run_id, str(path))
