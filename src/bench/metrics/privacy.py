"""Re-identification risk (anonymeter attacks, see ``attacks``) and the privacy verdict of a cell.

Every attack gives ``privacy.<attack>_risk`` (residual risk with its 95% CI) and the success
rates behind it (``_attack_rate`` on training rows, ``_control_rate`` on control rows,
``_baseline_rate`` of random guessing). For inference, the worst secret column counts. The
verdict compares every attack's risk interval with the threshold (``risk_threshold``, default
0.09, the European Medicines Agency's figure for clinical-trial data): **fail** when an attack's
whole interval lies above it, **pass** when every attack's interval lies below it, otherwise
**inconclusive** (an interval straddles it, or an attack could not run).

A cell runs about ten attacks, and at 95% each, one of ten real-but-unseen tables would fail by
chance alone. The verdict therefore uses Bonferroni-corrected intervals (confidence
1 - 0.05 / number of attacks), shown in the details next to the 95% ones that are logged.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from bench.metrics.attacks import (
    CONFIDENCE, KNOWLEDGE, AttackOutcome, attack_budget, inference, linkability, linkability_columns, singling_out,
)
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable
from bench.metrics.context import ScoringContext

NEEDS = ("train", "holdout", "control", "card")
VERDICT_TAG = "privacy.verdict"
WORST_ATTACK_TAG = "privacy.max_risk_attack"  # the attack whose risk is privacy.max_risk
ATTACKS = {
    "singling_out": "singling out with predicates on three columns (multivariate)",
    "singling_out_univariate": "singling out with predicates on one column (univariate)",
    "linkability": "linking the two halves of the quasi-identifiers through the synthetic data",
    "inference": "inferring a secret column from the quasi-identifiers (worst secret)",
    "inference_all_columns": "inferring a secret column from every other column (worst secret)",
}


def _attack_specs(attack: str) -> list[MetricSpec]:
    what = ATTACKS[attack]
    rates = {"attack": "on the training rows", "control": "on the control rows (never trained on)",
             "baseline": "of a random-guessing attacker"}
    return [MetricSpec(f"privacy.{attack}_risk", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                       headline=attack in ("singling_out", "inference_all_columns"),
                       description=f"residual re-identification risk of {what}: success on training rows beyond "
                                   "success on control rows (anonymeter, 95% CI)")] + [
        MetricSpec(f"privacy.{attack}_{rate}_rate", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                   description=f"success rate of {what} {where}")
        for rate, where in rates.items()]


ATTACK_SPECS: dict[str, list[MetricSpec]] = {attack: _attack_specs(attack) for attack in ATTACKS}
MAX_RISK = MetricSpec(
    "privacy.max_risk", goal="minimize", range=(0.0, 1.0), needs=NEEDS, headline=True,
    description="largest residual risk over all attacks, with its CI; the verdict (tag privacy.verdict: pass, fail "
                "or inconclusive) compares every attack's interval with the risk threshold",
)
UNTRUSTED_ATTACKS = MetricSpec(
    "privacy.untrusted_attacks", goal="minimize", range=(0.0, float("inf")), needs=NEEDS,
    description="number of attacks no better than random guessing, whose risk cannot be trusted (anonymeter)",
)


# ------------------------------------------------------------------------------------------ running attacks


def attack_tables(context: ScoringContext) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """``(train, synthetic, control, n_attacks)`` for the attacks, on the card's columns.

    The control arm is every real row never trained on: the split's ``control`` and ``holdout``
    parts together. Training and control rows are then subsampled (metric seed) to the same size,
    because singling-out success depends on the size of the attacked table, and anonymeter's
    correction for unequal sizes leaves a spurious risk of 0.10 to 0.17 for real rows never trained
    on (measured on sepsis_like with 1,200 training and 400 control rows). The price: when the
    training part is larger than the two others together, only a sample of the training patients
    is attacked, so a generator that copies every patient singles out about that share of them
    (``privacy.exact_copy_rate`` shows the copying itself).
    """
    columns = list(context.card.columns)
    train = context.split.train[columns]
    control = pd.concat([context.split.control[columns], context.split.holdout[columns]], ignore_index=True)
    size = min(len(train), len(control))
    rng = np.random.default_rng(context.seed)
    train = train.iloc[np.sort(rng.choice(len(train), size, replace=False))].reset_index(drop=True)
    control = control.iloc[np.sort(rng.choice(len(control), size, replace=False))].reset_index(drop=True)
    return train, context.synthetic[columns], control, attack_budget(context.options["n_attacks"], train, control)


def _run_singling_out(context: ScoringContext) -> list[AttackOutcome]:
    train, synthetic, control, n = context.shared("attacks.tables", attack_tables)
    return [singling_out(train, synthetic, control, n, context.seed, mode)
            for mode in ("multivariate", "univariate")]


def _run_linkability(context: ScoringContext) -> list[AttackOutcome]:
    first, second = linkability_columns(context.card)
    if not first or not second:
        raise NotApplicable(f"linkability needs at least two quasi-identifiers in the card of "
                            f"'{context.card.name}', it names {list(context.card.quasi_identifiers)}")
    train, synthetic, control, n = context.shared("attacks.tables", attack_tables)
    return [linkability(train, synthetic, control, context.card, n, context.seed)]


def _run_inference(context: ScoringContext) -> list[AttackOutcome]:
    if not context.card.secrets:
        raise NotApplicable(f"the card of '{context.card.name}' names no secret column to infer")
    train, synthetic, control, n = context.shared("attacks.tables", attack_tables)
    return [inference(train, synthetic, control, context.card, secret, n, context.seed, knowledge)
            for knowledge in KNOWLEDGE for secret in context.card.secrets
            if knowledge == "all_columns" or [q for q in context.card.quasi_identifiers if q != secret]]


RUNNERS: dict[str, Callable[[ScoringContext], list[AttackOutcome]]] = {
    "singling_out": _run_singling_out, "linkability": _run_linkability, "inference": _run_inference,
}


def outcomes(context: ScoringContext, group: str) -> list[AttackOutcome]:
    """The outcomes of one group of attacks, run once per scored table."""
    return context.shared(f"attacks.{group}", RUNNERS[group])


def worst(found: list[AttackOutcome], attack: str) -> AttackOutcome | None:
    """The outcome with the highest risk among those of ``attack`` (``inference[...]`` counts as ``inference``)."""
    chosen = [o for o in found if o.attack.partition("[")[0] == attack]
    return max(chosen, key=lambda o: o.risk) if chosen else None


def attack_results(outcome: AttackOutcome, attack: str, details: pd.DataFrame | None = None) -> list[MetricResult]:
    """The risk (with CI) and the three success rates of one attack as results."""
    return [MetricResult(f"privacy.{attack}_risk", outcome.risk, *outcome.ci, details=details),
            MetricResult(f"privacy.{attack}_attack_rate", outcome.attack_rate[0]),
            MetricResult(f"privacy.{attack}_control_rate", outcome.control_rate[0]),
            MetricResult(f"privacy.{attack}_baseline_rate", outcome.baseline_rate[0])]


def _group_evaluator(group: str) -> Callable[[ScoringContext], list[MetricResult]]:
    def evaluate(context: ScoringContext) -> list[MetricResult]:
        found = outcomes(context, group)
        results = []
        for attack in ATTACKS:
            outcome = worst(found, attack)
            if outcome is None:
                continue
            details = None
            if attack.startswith("singling_out"):  # the successful predicates: built from synthetic values only
                details = pd.DataFrame({"successful_query": outcome.queries})
            elif attack.startswith("inference"):
                details = pd.DataFrame([o.row() for o in found if o.attack.partition("[")[0] == attack])
            results += attack_results(outcome, attack, details)
        return results

    evaluate.__doc__ = f"Run the {group} attacks (once per table) and report each one's risk and rates."
    return evaluate


# ------------------------------------------------------------------------------------------ verdict


def classify(interval: tuple[float, float], threshold: float) -> str:
    """``fail`` when the risk's whole interval is above the threshold, ``pass`` when below, else ``inconclusive``.

    Example:
        >>> classify((0.15, 0.25), 0.09), classify((0.15, 0.25), 0.2), classify((0.15, 0.25), 0.3)
        ('fail', 'inconclusive', 'pass')
    """
    if interval[0] > threshold:
        return "fail"
    return "pass" if interval[1] < threshold else "inconclusive"


def verdict(context: ScoringContext) -> list[MetricResult]:
    """The largest risk over every attack that ran, the verdict against the threshold, and untrusted attacks."""
    threshold = context.options["risk_threshold"]
    found, problems = [], []
    for group in RUNNERS:
        try:
            found += outcomes(context, group)
        except NotApplicable:
            continue
        except Exception as exc:  # recorded by the group's own evaluator; here it only blocks a "pass"
            problems.append(f"{group} could not run ({type(exc).__name__})")
    if not found:
        raise NotApplicable("no attack could run on this dataset (" + "; ".join(problems or ["none applies"]) + ")")
    confidence = 1 - (1 - CONFIDENCE) / len(found)  # Bonferroni over the attacks that ran
    rows = []
    for outcome in found:
        low, high = outcome.risk_at(confidence)
        rows.append({**outcome.row(), "verdict_ci_low": low, "verdict_ci_high": high,
                     "verdict": classify((low, high), threshold)})
    details = pd.DataFrame(rows)
    highest = max(found, key=lambda o: o.risk)
    failed = details[details["verdict"] == "fail"]["attack"].tolist()
    unsure = details[details["verdict"] == "inconclusive"]["attack"].tolist()
    if failed:
        label, reason = "fail", f"risk above {threshold:g} for {', '.join(failed)}"
    elif unsure or problems:
        label, reason = "inconclusive", "; ".join(
            ([f"interval straddles {threshold:g} for {', '.join(unsure)}"] if unsure else []) + problems)
    else:
        label, reason = "pass", f"every attack's risk interval is below {threshold:g}"
    tags = {VERDICT_TAG: label, "privacy.verdict_reason": reason, "privacy.risk_threshold": f"{threshold:g}",
            "privacy.verdict_confidence": f"{confidence:.4f}", WORST_ATTACK_TAG: highest.attack}
    return [MetricResult(MAX_RISK.name, highest.risk, *highest.ci, details=details, tags=tags),
            MetricResult(UNTRUSTED_ATTACKS.name, float((~details["trusted"]).sum()))]


EVALUATORS = (
    Evaluator("privacy.singling_out", tuple(ATTACK_SPECS["singling_out"] + ATTACK_SPECS["singling_out_univariate"]),
              _group_evaluator("singling_out")),
    Evaluator("privacy.linkability", tuple(ATTACK_SPECS["linkability"]), _group_evaluator("linkability")),
    Evaluator("privacy.inference", tuple(ATTACK_SPECS["inference"] + ATTACK_SPECS["inference_all_columns"]),
              _group_evaluator("inference")),
    Evaluator("privacy.verdict", (MAX_RISK, UNTRUSTED_ATTACKS), verdict),
)
