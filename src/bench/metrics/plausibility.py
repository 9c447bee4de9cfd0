"""Clinical plausibility: how many synthetic rows break the card's rules, next to the real rows."""

from __future__ import annotations

import math

import pandas as pd

from bench.datasets.rules import judge_rules
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable
from bench.metrics.context import ScoringContext

RULE_VIOLATION_RATE = MetricSpec(
    "fidelity.rule_violation_rate", goal="minimize", range=(0.0, 1.0), needs=("train", "card"), headline=True,
    reference="fidelity.real_rule_violation_rate",
    description="share of synthetic rows that break at least one of the card's clinical rules (Wilson 95% CI)",
)
REAL_RULE_VIOLATION_RATE = MetricSpec(
    "fidelity.real_rule_violation_rate", goal="minimize", range=(0.0, 1.0), needs=("train", "card"),
    description="share of real training rows that break at least one of the card's clinical rules (the reference)",
)


def wilson_interval(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sensible near 0 and 1, unlike the normal one).

    Example:
        >>> [round(bound, 3) for bound in wilson_interval(0, 100)]
        [0.0, 0.037]
    """
    if total == 0:
        return 0.0, 1.0
    share = successes / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def rule_violations(context: ScoringContext) -> list[MetricResult]:
    """Share of synthetic rows breaking any rule (with CI) and the real share; per-rule shares as details."""
    card = context.card
    if not card.rules:
        raise NotApplicable(f"dataset '{card.name}' declares no clinical rules in its card")
    judged, broken = judge_rules(context.synthetic, card)
    any_broken = int(broken.any(axis=1).sum())
    reference = context.reference
    details = pd.DataFrame({
        "rule": list(card.rules),
        "real_share_broken": reference.rule_broken.reindex(list(card.rules)).to_numpy(),
        "synthetic_share_broken": (broken.sum() / judged.sum().where(judged.sum() > 0)).fillna(0.0).to_numpy(),
        "synthetic_rows_judged": judged.sum().to_numpy(),
    })
    low, high = wilson_interval(any_broken, len(context.synthetic))
    return [
        MetricResult(RULE_VIOLATION_RATE.name, any_broken / len(context.synthetic), low, high, details=details),
        MetricResult(REAL_RULE_VIOLATION_RATE.name, reference.any_rule_broken),
    ]


EVALUATORS = (Evaluator("fidelity.plausibility", (RULE_VIOLATION_RATE, REAL_RULE_VIOLATION_RATE), rule_violations),)
