"""Metrics: every number declares its meaning (``MetricSpec``); ``score`` computes a cell's scorecard."""

from bench.metrics.base import Evaluator, MetricResult, MetricSpec
from bench.metrics.registry import DEFAULT_FAMILIES, EVALUATORS, METRICS, families, score, spec

__all__ = [
    "DEFAULT_FAMILIES", "EVALUATORS", "METRICS", "Evaluator", "MetricResult", "MetricSpec", "families",
    "score", "spec",
]
