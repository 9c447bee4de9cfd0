"""MLflow bookkeeping. This is the only module that imports mlflow.

One experiment per benchmark file; one parent run per sweep; one child run per cell. The runner
creates the child run before the notebook starts, so a cell that crashes still leaves a FAILED run
with its error; the notebook (another process) logs into it by run id.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from bench.errors import BenchError
from bench.metrics.base import MetricResult, Unavailable
from bench.metrics.cost import STAGES
from bench.metrics.privacy import VERDICT_TAG, WORST_ATTACK_TAG

PACKAGES = ("health-synth-bench", "synthcity", "torch", "numpy", "pandas", "scikit-learn", "sdmetrics",
            "anonymeter", "mlflow", "papermill")
STATUS_TAG = "bench.status"
CELL_ID_TAG = "bench.cell_id"
ERROR_TAG = "bench.error"
UNAVAILABLE_TAG = "unavailable"  # unavailable.<metric> = "failed: ..." or "not applicable: ..."
SWEEP_TAG = "bench.sweep"
# The cell's identity as the report shows it, set when its run is created: a cell that fails before
# its notebook logs any param still has its dataset, generator and seed (run names can hold '/').
IDENTITY_TAGS = {"dataset": "bench.dataset", "generator": "bench.generator", "seed": "bench.seed"}
PROGRESS_BAR_VARIABLE = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"


def _client(tracking_uri: str):  # noqa: ANN202 - the mlflow type stays inside this module
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri)


def default_tracking_uri(results_dir: Path | str = "results") -> str:
    """``MLFLOW_TRACKING_URI`` if set, else the SQLite store ``<results_dir>/mlflow.db``.

    Example:
        >>> default_tracking_uri("/tmp/r") if "MLFLOW_TRACKING_URI" not in os.environ else "sqlite:////tmp/r/mlflow.db"
        'sqlite:////tmp/r/mlflow.db'
    """
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path(results_dir).resolve() / 'mlflow.db'}"


def experiment_id(tracking_uri: str, name: str, artifact_root: Path) -> str:
    """Get or create the experiment for a benchmark, with artifacts under ``artifact_root``."""
    client = _client(tracking_uri)
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    if not is_local_store(tracking_uri):  # a tracking server keeps artifacts where it was told to serve them
        return client.create_experiment(name)
    artifact_root.mkdir(parents=True, exist_ok=True)
    return client.create_experiment(name, artifact_location=(artifact_root / name).resolve().as_uri())


def is_local_store(tracking_uri: str) -> bool:
    """True for a store on this machine's disk (SQLite or a folder), False for a tracking server.

    Example:
        >>> is_local_store("sqlite:///results/mlflow.db"), is_local_store("http://mlflow.lan:5000")
        (True, False)
    """
    return not tracking_uri.startswith(("http://", "https://", "databricks"))


def provenance_tags() -> dict[str, str]:
    """Git commit, dirty flag and package versions: what a reader needs to reproduce a sweep."""
    tags = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            tags[f"version.{package}"] = metadata.version(package)
        except metadata.PackageNotFoundError:
            tags[f"version.{package}"] = "not installed"
    repo = Path(__file__).resolve().parents[2]
    try:
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
    client = _client(tracking_uri)
    run = client.create_run(experiment, run_name=sweep_name,
                            tags={**tags, **provenance_tags(), SWEEP_TAG: sweep_name})
    return run.info.run_id


def finish_sweep(tracking_uri: str, run_id: str, counts: dict[str, int]) -> None:
    """Record how many cells finished, failed and were skipped, and close the parent run."""
    client = _client(tracking_uri)
    for key, value in counts.items():
        client.log_metric(run_id, f"sweep.cells_{key}", value)
    client.set_terminated(run_id, "FAILED" if counts.get("failed") else "FINISHED")


def start_cell(tracking_uri: str, experiment: str, parent_run_id: str, sweep_name: str, cell_name: str,
               cell_id: str, spec: dict[str, Any], identity: dict[str, Any] | None = None) -> str:
    """Create a cell's child run, linked to the sweep by ``mlflow.parentRunId``, and return its id.

    ``identity`` (``dataset``, ``generator``, ``seed`` as the report shows them) becomes the
    ``IDENTITY_TAGS``, so the report can place the cell even if it fails before logging anything.
    """
    client = _client(tracking_uri)
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

    client = _client(tracking_uri)
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
    client = _client(tracking_uri)
    client.set_tag(run_id, STATUS_TAG, status)
    if error:
        client.set_tag(run_id, ERROR_TAG, error[:4000])
    if notebook is not None and notebook.is_file():
        client.log_artifact(run_id, str(notebook), artifact_path="notebook")
    client.set_terminated(run_id, status)


def log_cell_time(tracking_uri: str, run_id: str, cell_s: float) -> None:
    """Log ``cost.cell_wall_s`` and ``cost.harness_overhead_s``: the cell's time outside its measured stages."""
    from mlflow.entities import Metric

    client = _client(tracking_uri)
    logged = client.get_run(run_id).data.metrics
    stages = sum(logged.get(f"cost.{stage}_wall_s", 0.0) for stage in STAGES)
    client.log_batch(run_id, metrics=[Metric("cost.cell_wall_s", cell_s, 0, 0),
                                      Metric("cost.harness_overhead_s", max(0.0, cell_s - stages), 0, 0)])


def close_interrupted(tracking_uri: str, experiment: str, cell_ids: set[str], sweep_name: str) -> int:
    """Close as FAILED the runs still RUNNING for ``cell_ids``: their sweep was killed before they ended.

    Called by a sweep for the cells it is about to run, so that each interrupted run is marked once
    and a resumed sweep leaves one FINISHED run per cell. Returns how many runs it closed.
    """
    client = _client(tracking_uri)
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
        _client(tracking_uri).log_artifact(run_id, str(path))


def finished_cell_ids(tracking_uri: str, experiment: str) -> set[str]:
    """Ids of cells that already FINISHED in this experiment (for resuming a sweep)."""
    client = _client(tracking_uri)
    runs = client.search_runs([experiment], filter_string=f"tags.`{STATUS_TAG}` = 'FINISHED'", max_results=50000)
    return {run.data.tags[CELL_ID_TAG] for run in runs if CELL_ID_TAG in run.data.tags}


def cell_identity(params: dict[str, str], tags: dict[str, str]) -> tuple[str, str, int]:
    """``(dataset, generator, seed)`` of a cell's run: from the params its notebook logged, else from the
    identity tags the runner set, else (runs of older versions) from the run name
    ``dataset/generator/seed=s``, whose labels may themselves hold '/'; seed -1 when none can be read.

    Example:
        >>> cell_identity({}, {"mlflow.runName": 'user_csv[card="/a/w.yaml"]/copy/seed=2'})
        ('user_csv[card="/a/w.yaml"]', 'copy', 2)
        >>> cell_identity({}, {"bench.dataset": "ward", "bench.generator": "copy", "bench.seed": "0"})
        ('ward', 'copy', 0)
    """
    name = tags.get("mlflow.runName", "")
    head, _, last = name.rpartition("/")
    dataset, _, generator = head.rpartition("]/") if "]/" in head else head.rpartition("/")
    dataset += "]" if "]/" in head else ""
    seed = params.get("seed") or tags.get(IDENTITY_TAGS["seed"]) or last.removeprefix("seed=")
    return (params.get("dataset_label") or tags.get(IDENTITY_TAGS["dataset"]) or dataset,
            params.get("generator_label") or tags.get(IDENTITY_TAGS["generator"]) or generator,
            int(seed) if seed.lstrip("-").isdigit() else -1)


def _cell_row(run: Any) -> dict[str, Any]:
    """One tidy row of a cell's MLflow run: identity columns, status, error, the privacy verdict and its
    worst attack, the metrics without a value (``unavailable``: metric -> "status: reason") and its
    metrics (no CI bounds)."""
    tags, params = run.data.tags, run.data.params
    dataset, generator, seed = cell_identity(params, tags)
    unavailable_prefix = f"{UNAVAILABLE_TAG}."
    return {
        "run_id": run.info.run_id, "sweep_id": tags.get("mlflow.parentRunId", ""),
        "cell_id": tags[CELL_ID_TAG], "cell": tags.get("mlflow.runName", ""),
        "dataset": dataset, "generator": generator, "seed": seed,
        "status": tags.get(STATUS_TAG, "RUNNING"), "error": tags.get(ERROR_TAG, ""),
        "privacy_verdict": tags.get(VERDICT_TAG, ""), "privacy_worst_attack": tags.get(WORST_ATTACK_TAG, ""),
        "unavailable": {key.removeprefix(unavailable_prefix): value for key, value in tags.items()
                        if key.startswith(unavailable_prefix)},
        "risk_threshold": float(params.get("metric.risk_threshold", "nan")),
        **{k: v for k, v in run.data.metrics.items() if not k.endswith((".ci_low", ".ci_high"))},
    }


def _tidy(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows (oldest first) to the runs table: the latest run of each cell, sorted by dataset, generator, seed.

    A cell is its name (``dataset/generator/seed=s``): when its id changed (an edited card or data
    file, a new package version), the run of the old id is superseded, not reported beside the new one.
    """
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows).drop_duplicates("cell_id", keep="last").drop_duplicates("cell", keep="last")
    return frame.sort_values(["dataset", "generator", "seed"]).reset_index(drop=True)


def runs_table(tracking_uri: str, experiment: str, sweep_name: str | None = None) -> pd.DataFrame:
    """One tidy row per cell run: identity columns, status, error and one column per metric.

    With ``sweep_name`` only that sweep's cells; otherwise the latest run of every cell id in the
    experiment (so a resumed sweep reports the cells it skipped too). CI bounds stay in MLflow.
    """
    client = _client(tracking_uri)
    runs = client.search_runs([experiment], filter_string=f"tags.`{CELL_ID_TAG}` != ''", max_results=50000,
                              order_by=["attributes.start_time ASC"])
    return _tidy([_cell_row(run) for run in runs
                  if sweep_name is None or run.data.tags.get(SWEEP_TAG) == sweep_name])


SWEEP_COLUMNS = ("sweep_id", "benchmark", "sweep", "started", "status", "cells_run", "cells_finished",
                 "cells_failed", "cells_skipped")


def _is_sweep(run: Any) -> bool:
    """A sweep's parent run: it has the sweep tag and no parent of its own."""
    return SWEEP_TAG in run.data.tags and "mlflow.parentRunId" not in run.data.tags


def sweeps_table(tracking_uri: str) -> pd.DataFrame:
    """One row per sweep (parent run) in every experiment of the store, newest first.

    Columns: ``sweep_id`` (the parent run's id), ``benchmark`` (experiment), ``sweep`` (its name),
    ``started`` (UTC), ``status`` (RUNNING, FINISHED, or FAILED when a cell failed),
    ``cells_run`` (child runs it started) and the counts it logged when it ended (``cells_finished``,
    ``cells_failed``, ``cells_skipped``; missing while it runs). Empty (with these columns) when the
    store holds no sweep.

    Example:
        >>> import tempfile
        >>> sweeps_table(f"sqlite:///{tempfile.mkdtemp()}/mlflow.db").columns.tolist()[:4]
        ['sweep_id', 'benchmark', 'sweep', 'started']
    """
    client = _client(tracking_uri)
    experiments = {e.experiment_id: e.name for e in client.search_experiments()}
    runs = client.search_runs(list(experiments), filter_string=f"tags.`{SWEEP_TAG}` != ''", max_results=50000,
                              order_by=["attributes.start_time DESC"]) if experiments else []
    children = pd.Series([run.data.tags.get("mlflow.parentRunId") for run in runs if not _is_sweep(run)],
                         dtype=object).value_counts()
    rows = [{
        "sweep_id": run.info.run_id, "benchmark": experiments[run.info.experiment_id],
        "sweep": run.data.tags[SWEEP_TAG], "started": pd.Timestamp(run.info.start_time, unit="ms"),
        "status": run.info.status, "cells_run": int(children.get(run.info.run_id, 0)),
        **{f"cells_{key}": run.data.metrics.get(f"sweep.cells_{key}") for key in ("finished", "failed", "skipped")},
    } for run in runs if _is_sweep(run)]
    frame = pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
    frame["started"] = pd.to_datetime(frame["started"])
    counts = ["cells_finished", "cells_failed", "cells_skipped"]
    frame[counts] = frame[counts].astype("Int64")  # whole numbers; <NA> while the sweep runs
    return frame


def latest_sweep_id(tracking_uri: str) -> str:
    """Id of the most recently started sweep in the store; BenchError when there is none.

    Example:
        >>> import tempfile
        >>> latest_sweep_id(f"sqlite:///{tempfile.mkdtemp()}/mlflow.db")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: no sweeps found in sqlite:///.../mlflow.db; run `bench run` first
    """
    sweeps = sweeps_table(tracking_uri)
    if sweeps.empty:
        raise BenchError(f"no sweeps found in {tracking_uri}; run `bench run` first")
    return str(sweeps["sweep_id"].iloc[0])


def sweep_runs(tracking_uri: str, sweep_id: str) -> pd.DataFrame:
    """The cell runs of one sweep (by its parent run id), in the tidy format of ``runs_table``.

    Only the cells this sweep ran: cells it skipped as already FINISHED belong to earlier sweeps.
    Empty when it ran none. An id that is no run, or a run that is not a sweep's parent run (a
    cell's run, say), is a BenchError.

    Example:
        >>> import tempfile
        >>> sweep_runs(f"sqlite:///{tempfile.mkdtemp()}/mlflow.db", "0123abcd")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: no run with id '0123abcd' in sqlite:///.../mlflow.db; expected the id of a sweep's parent run (see sweeps_table)
    """
    from mlflow.exceptions import MlflowException

    client = _client(tracking_uri)
    try:
        parent = client.get_run(sweep_id)
    except MlflowException:
        raise BenchError(f"no run with id '{sweep_id}' in {tracking_uri}; expected the id of a sweep's parent run "
                         "(see sweeps_table)") from None
    if not _is_sweep(parent):
        raise BenchError(f"run '{sweep_id}' ({parent.data.tags.get('mlflow.runName', 'no name')}) is not a sweep; "
                         "expected the id of a sweep's parent run, not a cell's run (see sweeps_table)")
    runs = client.search_runs([parent.info.experiment_id], max_results=50000,
                              filter_string=f"tags.`mlflow.parentRunId` = '{sweep_id}'",
                              order_by=["attributes.start_time ASC"])
    return _tidy([_cell_row(run) for run in runs if CELL_ID_TAG in run.data.tags])


def details_table(tracking_uri: str, runs: pd.DataFrame, name: str) -> pd.DataFrame:
    """The details table ``name`` (e.g. ``fairness.worst_subgroup_gap``) of every FINISHED run in ``runs``,
    stacked, with each run's dataset, generator and seed in front; empty when no run logged it.

    Details tables hold aggregates only (per column, per subgroup, per attack), never patient rows.
    """
    client = _client(tracking_uri)
    frames = []
    with tempfile.TemporaryDirectory() as tmp, quiet_downloads():
        for row in runs[runs["status"] == "FINISHED"].itertuples(index=False):
            try:
                path = client.download_artifacts(row.run_id, f"details/{name}.csv", tmp)
            except Exception:  # this run did not log that table (another metric family, or not applicable)
                continue
            frames.append(pd.read_csv(path).assign(dataset=row.dataset, generator=row.generator, seed=row.seed))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@contextmanager
def quiet_downloads() -> Iterator[None]:
    """No MLflow progress bar per artifact download inside the block (we fetch a few small files)."""
    previous = os.environ.get(PROGRESS_BAR_VARIABLE)
    os.environ[PROGRESS_BAR_VARIABLE] = "false"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PROGRESS_BAR_VARIABLE, None)
        else:
            os.environ[PROGRESS_BAR_VARIABLE] = previous


def param_text(value: Any) -> str:
    """How a param value is stored in MLflow: JSON (sorted keys) for dicts and lists, else ``str``.

    Example:
        >>> param_text({"b": 1, "a": [2]}), param_text(0.5)
        ('{"a": [2], "b": 1}', '0.5')
    """
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else str(value)


def latest_benchmark(tracking_uri: str) -> str | None:
    """Name of the experiment holding the most recent sweep, or None if there is none."""
    client = _client(tracking_uri)
    experiments = client.search_experiments()
    if not experiments:
        return None
    runs = client.search_runs([e.experiment_id for e in experiments], filter_string=f"tags.`{SWEEP_TAG}` != ''",
                              order_by=["attributes.start_time DESC"], max_results=1)
    if not runs:
        return None
    return client.get_experiment(runs[0].info.experiment_id).name
