"""Settings of the metrics that a benchmark file may change (``metric_options``), with their defaults.

Example:
    >>> resolve_options({"risk_threshold": 0.05})["risk_threshold"], resolve_options({})["n_attacks"]
    (0.05, 1000)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.errors import BenchError, did_you_mean


@dataclass(frozen=True)
class MetricOption:
    """One setting: its type, default, allowed range and meaning."""

    kind: type
    default: Any
    low: float
    high: float
    meaning: str


OPTIONS: dict[str, MetricOption] = {
    "n_attacks": MetricOption(int, 1000, 10, 100_000, "anonymeter attacks of each kind and arm (capped at the "
                                                    "training and control sizes); 1,000 give a 'pass' 80% power "
                                                    "at the 0.09 threshold for control success rates up to about "
                                                    "0.4 (docs/privacy-verdict.md)"),
    "risk_threshold": MetricOption(float, 0.09, 0.0, 1.0, "re-identification risk above which a cell fails the "
                                                          "privacy verdict (0.09: the EMA's figure for clinical-"
                                                          "trial data)"),
    "distance_rows": MetricOption(int, 5_000, 100, 1_000_000, "rows per side for the distance-based memorisation "
                                                              "measures (random subsamples beyond it)"),
}


def resolve_options(raw: dict[str, Any] | None, where: str = "metric_options") -> dict[str, Any]:
    """Every option with its default filled in; unknown names or bad values raise naming the option.

    Example:
        >>> resolve_options({"n_atacks": 100})
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: metric_options: unknown option 'n_atacks'; did you mean 'n_attacks'? (choices: distance_rows, n_attacks, risk_threshold)
    """  # noqa: E501 - a doctest's expected output, kept whole
    if raw is not None and not isinstance(raw, dict):
        raise BenchError(f"{where} must be a mapping of option names to values, got {raw!r}")
    raw = dict(raw or {})
    for name in raw:
        if name not in OPTIONS:
            raise BenchError(f"{where}: unknown option '{name}'; {did_you_mean(name, list(OPTIONS))}")
    resolved = {}
    for name, option in OPTIONS.items():
        value = raw.get(name, option.default)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if option.kind is int and not (is_number and float(value).is_integer()):
            raise BenchError(f"{where}: '{name}' must be an integer ({option.meaning}), got {value!r}")
        if not is_number or not option.low <= value <= option.high:
            raise BenchError(f"{where}: '{name}' must be a number from {option.low:g} to {option.high:g} "
                             f"({option.meaning}), got {value!r}")
        resolved[name] = option.kind(value)
    return resolved


__all__ = ["OPTIONS", "MetricOption", "resolve_options"]
