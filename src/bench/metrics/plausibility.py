"""Clinical plausibility: how many synthetic rows break the card's rules or its whole-number columns, next to the
real rows.

The checks are the card's ``rules`` (judged where their columns are observed) and, for each column
declared ``integer: true``, "<column> is a whole number" (judged where the column holds a number;
missing values are never violations). A row that no check can judge (every column a check needs
is missing) is left out of the share instead of counted as plausible. The real rate applies the
same checks to the real training rows.
"""

from __future__ import annotations

import math

import pandas as pd

from bench.datasets.rules import judge_plausibility
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable
from bench.metrics.context import ScoringContext

RULE_VIOLATION_RATE = MetricSpec(
    "fidelity.rule_violation_rate", goal="minimize", range=(0.0, 1.0), needs=("train", "card"), headline=True,
    reference="fidelity.real_rule_violation_rate",
    description="share of the synthetic rows judged by at least one check (the card's clinical rules, its "
                "columns declared integer) that break at least one (Wilson 95% CI over the rows judged)",
)
REAL_RULE_VIOLATION_RATE = MetricSpec(
    "fidelity.real_rule_violation_rate", goal="minimize", range=(0.0, 1.0), needs=("train", "card"),
    description="share of the real training rows judged by at least one check that break at least one "
                "(the reference)",
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
    """Share of the judged synthetic rows breaking any rule or integer column (with CI) and the real share;
    per check as details."""
    card = context.card
    if not card.rules and not card.integer_columns:
        raise NotApplicable(f"dataset '{card.name}' declares no clinical rules and no integer columns in its card")
    judged, broken = judge_plausibility(context.synthetic, card)
    reference = context.reference
    checks = list(reference.rule_broken.index)
    judged, broken = judged.reindex(columns=checks, fill_value=False), broken.reindex(columns=checks, fill_value=False)
    any_broken, rows_judged = int(broken.any(axis=1).sum()), int(judged.any(axis=1).sum())
    if rows_judged == 0:
        raise NotApplicable("no synthetic row holds the columns any plausibility check needs (all missing)")
    details = pd.DataFrame({
        "rule": checks,
        "real_share_broken": reference.rule_broken.to_numpy(),
        "synthetic_share_broken": (broken.sum() / judged.sum().where(judged.sum() > 0)).fillna(0.0).to_numpy(),
        "synthetic_rows_judged": judged.sum().to_numpy(),
    })
    low, high = wilson_interval(any_broken, rows_judged)
    return [
        MetricResult(RULE_VIOLATION_RATE.name, any_broken / rows_judged, low, high, details=details),
        MetricResult(REAL_RULE_VIOLATION_RATE.name, reference.any_rule_broken),
    ]


EVALUATORS = (Evaluator("fidelity.plausibility", (RULE_VIOLATION_RATE, REAL_RULE_VIOLATION_RATE), rule_violations),)
