"""The explicit registry of metrics, and ``score`` which runs the chosen families on one cell."""

from __future__ import annotations

import pandas as pd

from bench.datasets.splits import Split
from bench.errors import BenchError, did_you_mean
from bench.metrics import fidelity, utility
from bench.metrics.cost import COST_METRICS
from bench.metrics.base import Evaluator, MetricResult, MetricSpec

EVALUATORS: tuple[Evaluator, ...] = (*fidelity.EVALUATORS, *utility.EVALUATORS)
# Every number the suite logs has a declared meaning; cost.* is measured by bench.cost, not by an evaluator.
METRICS: dict[str, MetricSpec] = {**{spec.name: spec for ev in EVALUATORS for spec in ev.produces}, **COST_METRICS}
DEFAULT_FAMILIES = ("fidelity", "utility")


def families() -> list[str]:
    """Metric families that have at least one registered metric."""
    return sorted({ev.family for ev in EVALUATORS})


def spec(name: str) -> MetricSpec:
    """The declared meaning of a metric by name, e.g. ``spec('utility.tstr_auroc').goal == 'maximize'``."""
    if name not in METRICS:
        raise BenchError(f"unknown metric '{name}'; {did_you_mean(name, sorted(METRICS))}")
    return METRICS[name]


def check_families(requested: list[str] | tuple[str, ...]) -> None:
    """Raise naming any requested family that has no metrics."""
    for family in requested:
        if family not in families():
            raise BenchError(f"unknown metric family '{family}'; {did_you_mean(family, families())}")


def score(split: Split, synthetic: pd.DataFrame, families: tuple[str, ...] | list[str] = DEFAULT_FAMILIES,
          seed: int = 0) -> list[MetricResult]:
    """Compute every metric of the requested families for one synthetic table.

    Each result is checked against its declared range and never NaN.

    Example:
        >>> from bench.datasets import load_split
        >>> from bench.generators import create
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> synthetic = create("copy").fit(split.train, split.card).sample(len(split.train), seed=0)
        >>> [r.name for r in score(split, synthetic, ["fidelity"])]
        ['fidelity.univariate_similarity']
    """
    check_families(families)
    missing = [c for c in split.train.columns if c not in synthetic.columns]
    if missing:
        raise BenchError(f"synthetic data lacks training column(s) {missing}")
    results: list[MetricResult] = []
    for evaluator in EVALUATORS:
        if evaluator.family in families:
            produced = {r.name: r for r in evaluator.compute(split, synthetic, seed)}
            for declared in evaluator.produces:
                if declared.name not in produced:
                    raise BenchError(f"evaluator for {evaluator.family} did not produce {declared.name}")
                results.append(produced[declared.name].check(declared))
    return results
