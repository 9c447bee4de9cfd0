"""Metrics: every number declares its meaning (``MetricSpec``); ``score`` computes a cell's ``Scorecard``."""

from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable, Unavailable
from bench.metrics.registry import DEFAULT_FAMILIES, EVALUATORS, METRICS, Scorecard, families, score, spec

__all__ = [
    "DEFAULT_FAMILIES", "EVALUATORS", "METRICS", "Evaluator", "MetricResult", "MetricSpec", "NotApplicable",
    "Scorecard", "Unavailable", "families", "score", "spec",
]
