"""Shared fixtures: the offline dataset mirror, an isolated cache and an isolated MLflow store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
SHARED_MIRROR = REPO.parent / "shared" / "datasets"

# Tests read real public files from the offline mirror when one is configured or sits beside the clone.
if "BENCH_DATA_MIRROR" not in os.environ and SHARED_MIRROR.is_dir():
    os.environ["BENCH_DATA_MIRROR"] = str(SHARED_MIRROR)
os.environ.pop("MLFLOW_TRACKING_URI", None)
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets an empty download cache, so no test depends on another's downloads."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("BENCH_DATA_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror; tests that need real public files fail loudly without it."""
    path = os.environ.get("BENCH_DATA_MIRROR")
    if not path or not Path(path).is_dir():
        pytest.fail("BENCH_DATA_MIRROR is not set to a folder holding the public dataset files "
                    "(CI points it at ../shared/datasets)")
    return Path(path)
