"""A cell's results on disk, from its kernel to the process that logs them into MLflow.

Under the runner, ``notebooks/run_cell.ipynb`` does not import MLflow: it writes its params, metric
results (with CI bounds and tags), unavailable metrics and details tables into a folder (the
*outbox*), and ``bench.sweep.notebook_job.execute`` logs them into the cell's run once the notebook has
ended. A kernel then starts and stops about 3 s sooner: no MLflow import and no new database
connection per cell (the runner's is already open). What reaches MLflow is the same as when the
kernel logged itself: the same params, metrics, tags and details tables.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from bench.errors import BenchError
from bench.metrics.base import MetricResult, Unavailable
from bench.tracking.store import param_text
from bench.tracking.writes import write_details

RESULTS_FILE = "results.json"
DETAILS = "details"


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def write(folder: Path, params: dict[str, Any], results: list[MetricResult], unavailable: list[Unavailable]) -> Path:
    """Write a cell's results into ``folder`` (created if needed); ``results.json`` is written last,
    so its presence means the whole outbox is there.

    Example:
        >>> import tempfile
        >>> box = Path(tempfile.mkdtemp())
        >>> _ = write(box, {"seed": 0}, [MetricResult("utility.tstr_auroc", 0.8, 0.7, 0.9, tags={"k": "v"})],
        ...           [Unavailable("fairness.vanished_subgroups", "no sensitive attribute")])
        >>> params, results, unavailable, details = read(box)
        >>> params, results[0].ci_high, results[0].tags, unavailable[0].status, details.name
        ({'seed': '0'}, 0.9, {'k': 'v'}, 'not applicable', 'details')
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_details(results, folder / DETAILS)  # the same CSV files log_cell_results would write
    payload = {
        "params": {key: param_text(value) for key, value in params.items()},  # as MLflow stores them
        "results": [{"name": r.name, "value": float(r.value), "ci_low": _number(r.ci_low),
                     "ci_high": _number(r.ci_high), "tags": dict(r.tags)} for r in results],
        "unavailable": [{"name": u.name, "reason": u.reason, "failed": u.failed} for u in unavailable],
    }
    partial = folder / f".{RESULTS_FILE}.partial"
    partial.write_text(json.dumps(payload, default=str), encoding="utf-8")
    partial.replace(folder / RESULTS_FILE)
    return folder / RESULTS_FILE


def read(folder: Path) -> tuple[dict[str, Any], list[MetricResult], list[Unavailable], Path]:
    """``(params, results, unavailable, details folder)`` from an outbox written by ``write``, the
    arguments of ``writes.log_cell_results`` after the run id; a BenchError when it is missing or
    incomplete (the cell ended before logging). The details tables stay the CSV files the kernel wrote.
    """
    path = Path(folder) / RESULTS_FILE
    if not path.is_file():
        raise BenchError(f"the cell wrote no results to {folder} (the notebook ended before its logging step)")
    payload = json.loads(path.read_text(encoding="utf-8"))
    results = [MetricResult(item["name"], item["value"], item["ci_low"], item["ci_high"], tags=item["tags"])
               for item in payload["results"]]
    unavailable = [Unavailable(item["name"], item["reason"], item["failed"]) for item in payload["unavailable"]]
    return payload["params"], results, unavailable, Path(folder) / DETAILS


__all__ = ["read", "write"]
