"""What the report, the declaration and a resumed sweep read from the MLflow store: the runs table
(one tidy row per cell), the sweeps, the cells already finished and the cells' details tables.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bench.errors import BenchError
from bench.metrics.privacy import VERDICT_TAG, WORST_ATTACK_TAG
from bench.tracking.store import (
    CELL_ID_TAG,
    ERROR_TAG,
    IDENTITY_TAGS,
    STATUS_TAG,
    SWEEP_TAG,
    UNAVAILABLE_TAG,
    open_client,
    quiet_downloads,
)


def finished_cell_ids(tracking_uri: str, experiment: str) -> set[str]:
    """Ids of cells that already FINISHED in this experiment (for resuming a sweep)."""
    client = open_client(tracking_uri)
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
    client = open_client(tracking_uri)
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
    client = open_client(tracking_uri)
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
    """  # noqa: E501 - a doctest's expected output, kept whole
    from mlflow.exceptions import MlflowException

    client = open_client(tracking_uri)
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
    client = open_client(tracking_uri)
    frames = []
    with tempfile.TemporaryDirectory() as tmp, quiet_downloads():
        for row in runs[runs["status"] == "FINISHED"].itertuples(index=False):
            try:
                path = client.download_artifacts(row.run_id, f"details/{name}.csv", tmp)
            except Exception:  # this run did not log that table (another metric family, or not applicable)
                continue
            frames.append(pd.read_csv(path).assign(dataset=row.dataset, generator=row.generator, seed=row.seed))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def latest_benchmark(tracking_uri: str) -> str | None:
    """Name of the experiment holding the most recent sweep, or None if there is none."""
    client = open_client(tracking_uri)
    experiments = client.search_experiments()
    if not experiments:
        return None
    runs = client.search_runs([e.experiment_id for e in experiments], filter_string=f"tags.`{SWEEP_TAG}` != ''",
                              order_by=["attributes.start_time DESC"], max_results=1)
    if not runs:
        return None
    return client.get_experiment(runs[0].info.experiment_id).name


@dataclass
class CellRecord:
    """What MLflow holds about one cell run."""

    run_id: str
    name: str
    params: dict[str, str]
    metrics: dict[str, float]
    tags: dict[str, str]
    provenance: dict[str, str]
    spec: dict[str, Any]
    details: dict[str, pd.DataFrame] = field(default_factory=dict)

    def value(self, name: str) -> str:
        """``value [low, high]`` of a logged metric, or an em dash."""
        if name not in self.metrics:
            return "—"
        text = f"{self.metrics[name]:.3f}"
        low, high = self.metrics.get(f"{name}.ci_low"), self.metrics.get(f"{name}.ci_high")
        return text + (f" [{low:.3f}, {high:.3f}]" if low is not None and high is not None else "")


def read_cell(tracking_uri: str, run_id: str) -> CellRecord:
    """Read one cell run, its sweep's provenance, its spec and its details tables from MLflow."""
    from mlflow.exceptions import MlflowException

    client = open_client(tracking_uri)
    try:
        run = client.get_run(run_id)
    except MlflowException as exc:
        raise BenchError(f"no run '{run_id}' in {tracking_uri}") from exc
    parent_id = run.data.tags.get("mlflow.parentRunId")
    provenance = client.get_run(parent_id).data.tags if parent_id else {}
    record = CellRecord(run_id, run.data.tags.get("mlflow.runName", run_id), dict(run.data.params),
                        dict(run.data.metrics), dict(run.data.tags), dict(provenance), {})
    with tempfile.TemporaryDirectory() as tmp, quiet_downloads():
        names = {a.path for a in client.list_artifacts(run_id)}
        if "cell_spec.json" in names:
            record.spec = json.loads(Path(client.download_artifacts(run_id, "cell_spec.json", tmp)).read_text())
        if "details" in names:
            folder = Path(client.download_artifacts(run_id, "details", tmp))
            record.details = {path.stem: pd.read_csv(path) for path in sorted(folder.glob("*.csv"))}
    return record
