"""The MLflow store itself: its address, its experiments, the tags the suite writes and reads, and the
one client every other module of ``bench.tracking`` opens (``writes`` and ``reads`` are the two APIs).
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

STATUS_TAG = "bench.status"
CELL_ID_TAG = "bench.cell_id"
ERROR_TAG = "bench.error"
UNAVAILABLE_TAG = "unavailable"  # unavailable.<metric> = "failed: ..." or "not applicable: ..."
SWEEP_TAG = "bench.sweep"
# The cell's identity as the report shows it, set when its run is created: a cell that fails before
# its notebook logs any param still has its dataset, generator and seed (run names can hold '/').
IDENTITY_TAGS = {"dataset": "bench.dataset", "generator": "bench.generator", "seed": "bench.seed"}
PROGRESS_BAR_VARIABLE = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"


def open_client(tracking_uri: str):  # noqa: ANN202 - the mlflow type stays inside bench.tracking
    """An MLflow client on ``tracking_uri``; only the modules of ``bench.tracking`` call it."""
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
    client = open_client(tracking_uri)
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


