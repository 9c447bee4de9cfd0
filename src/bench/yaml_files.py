"""Read the suite's YAML files (benchmark files, dataset cards) with errors that name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bench.errors import BenchError


def read_mapping(path: Path, kind: str) -> dict[str, Any]:
    """Parse ``path`` as a YAML mapping; a missing file, bad YAML or a non-mapping is a ``BenchError``.

    Example:
        >>> read_mapping(Path("no/such.yaml"), "benchmark file")
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: benchmark file not found: no/such.yaml
    """
    if not path.is_file():
        raise BenchError(f"{kind} not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise BenchError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise BenchError(f"{path}: expected a mapping of {kind} keys, got {type(raw).__name__}")
    return raw
