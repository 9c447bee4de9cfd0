"""Re-identification risk (anonymeter attacks, see ``attacks``) and the privacy verdict of a cell.

Every attack gives ``privacy.<attack>_risk`` (residual risk with its 95% CI), the absolute
advantage ``_advantage`` (success on training rows minus on control rows, Newcombe's interval)
and the success rates behind them (``_attack_rate`` on training rows, ``_control_rate`` on control
rows, ``_baseline_rate`` of random guessing). For inference, the secret with the highest upper
bound counts.

The verdict compares the attacks with the threshold (``risk_threshold``, default 0.09, the
European Medicines Agency's figure for clinical-trial data):

* **pass** when every attack's one-sided 95% upper bound lies below the threshold. Each attack must
  pass on its own (an intersection-union test, Berger 1982), so no multiplicity correction is
  needed;
* **fail** when at least one attack's risk is shown above the threshold by one-sided tests at a
  family-wise 5% over the attacks that ran (Holm 1979);
* **inconclusive** otherwise, with the attacks per arm a "pass" would need at the observed control
  rate (``risk_statistics.attacks_for_power``), or when an attack could not run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from bench.errors import BenchError
from bench.metrics.attacks import (
    KNOWLEDGE,
    AttackOutcome,
    attack_budget,
    inference,
    linkability,
    linkability_columns,
    singling_out,
)
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable
from bench.metrics.context import ScoringContext
from bench.metrics.risk_statistics import ALPHA, holm_rejections

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
                                   "success on control rows, normalised (anonymeter, 95% CI)"),
            MetricSpec(f"privacy.{attack}_advantage", goal="minimize", range=(-1.0, 1.0), needs=NEEDS,
                       description=f"absolute advantage of {what}: success rate on training rows minus on control "
                                   "rows (Newcombe's 95% interval)")] + [
        MetricSpec(f"privacy.{attack}_{rate}_rate", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                   description=f"success rate of {what} {where}")
        for rate, where in rates.items()]


ATTACK_SPECS: dict[str, list[MetricSpec]] = {attack: _attack_specs(attack) for attack in ATTACKS}
MAX_RISK = MetricSpec(
    "privacy.max_risk", goal="minimize", range=(0.0, 1.0), needs=NEEDS, headline=True,
    description="residual risk of the worst attack, the one with the highest upper bound, with its interval "
                "corrected for the number of attacks (Bonferroni); the verdict (tag privacy.verdict: pass, fail or "
                "inconclusive) compares every attack with the risk threshold",
)
RISK_UPPER_BOUND = MetricSpec(
    "privacy.risk_upper_bound", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="highest one-sided 95% upper bound of the residual risk over the attacks: a cell passes when it is "
                "below the risk threshold",
)
UNTRUSTED_ATTACKS = MetricSpec(
    "privacy.untrusted_attacks", goal="minimize", range=(0.0, float("inf")), needs=NEEDS,
    description="number of attacks no better than random guessing, whose risk cannot be trusted (anonymeter)",
)


# ------------------------------------------------------------------------------------------ running attacks


@dataclass(frozen=True)
class AttackTables:
    """The tables the attacks see: equally many training and control rows, and the whole synthetic table."""

    train: pd.DataFrame
    synthetic: pd.DataFrame
    control: pd.DataFrame
    n_attacks: int
    attacked_share: float  # the training arm's share of all training rows


def attack_tables(context: ScoringContext) -> AttackTables:
    """The attacks' tables, on the card's columns.

    The control arm is every real row never trained on: the split's ``control`` and ``holdout``
    parts together. Training and control rows are subsampled (metric seed) to the same size,
    because a predicate's chance of singling out one row depends on the size of the table it is
    applied to, and anonymeter's fitted correction for unequal sizes leaves a spurious risk of 0.10
    to 0.17 for real rows never trained on (measured on sepsis_like with 1,200 training and 400
    control rows). The synthetic table is never cut. When the training part is larger than the two
    others together, the training arm holds a share ``r`` of the training patients
    (``attacked_share``, in the details): singling out finds a copied patient in it only when the
    patient was drawn, and the control arm singles out about ``r e^-r`` of such predicates by
    chance, so even a verbatim copy's singling-out risk shrinks with ``r`` (about 0.5 at the default
    split's ``r = 2/3``, near 0 when ``r`` is small). Inference and linkability guess from the whole
    synthetic table and are not affected; ``privacy.exact_copy_rate`` shows copying directly.
    """
    columns = list(context.card.columns)
    train = context.split.train[columns]
    control = pd.concat([context.split.control[columns], context.split.holdout[columns]], ignore_index=True)
    size = min(len(train), len(control))
    rng = np.random.default_rng(context.seed)
    arm = train.iloc[np.sort(rng.choice(len(train), size, replace=False))].reset_index(drop=True)
    control = control.iloc[np.sort(rng.choice(len(control), size, replace=False))].reset_index(drop=True)
    return AttackTables(arm, context.synthetic[columns], control, attack_budget(context.options["n_attacks"], arm,
                                                                                control), size / max(len(train), 1))


def _run_singling_out(context: ScoringContext) -> list[AttackOutcome]:
    tables: AttackTables = context.shared("attacks.tables", attack_tables)
    return [singling_out(tables.train, tables.synthetic, tables.control, tables.n_attacks, context.seed, mode,
                         tables.attacked_share) for mode in ("multivariate", "univariate")]


def _run_linkability(context: ScoringContext) -> list[AttackOutcome]:
    first, second = linkability_columns(context.card)
    if not first or not second:
        raise NotApplicable(f"linkability needs at least two quasi-identifiers in the card of "
                            f"'{context.card.name}', it names {list(context.card.quasi_identifiers)}")
    tables: AttackTables = context.shared("attacks.tables", attack_tables)
    return [linkability(tables.train, tables.synthetic, tables.control, context.card, tables.n_attacks,
                        context.seed)]


def _run_inference(context: ScoringContext) -> list[AttackOutcome]:
    if not context.card.secrets:
        raise NotApplicable(f"the card of '{context.card.name}' names no secret column to infer")
    tables: AttackTables = context.shared("attacks.tables", attack_tables)
    found, skipped = [], skipped_attacks(context)
    for knowledge in KNOWLEDGE:
        for secret in context.card.secrets:
            if knowledge == "quasi_identifiers" and not [q for q in context.card.quasi_identifiers if q != secret]:
                continue
            try:
                found.append(inference(tables.train, tables.synthetic, tables.control, context.card, secret,
                                       tables.n_attacks, context.seed, knowledge))
            except BenchError as exc:  # e.g. a rare binary secret with under 10 minority rows in an arm
                skipped.append(f"inference on '{secret}' ({knowledge.replace('_', ' ')}) could not run: {exc}")
    if not found:
        raise BenchError("; ".join(skipped))
    return found


def skipped_attacks(context: ScoringContext) -> list[str]:
    """Why attacks of a group that ran could not run on one column: each blocks a "pass" (see ``verdict``)."""
    return context.shared("attacks.skipped", lambda _: [])


RUNNERS: dict[str, Callable[[ScoringContext], list[AttackOutcome]]] = {
    "singling_out": _run_singling_out, "linkability": _run_linkability, "inference": _run_inference,
}


def outcomes(context: ScoringContext, group: str) -> list[AttackOutcome]:
    """The outcomes of one group of attacks, run once per scored table."""
    return context.shared(f"attacks.{group}", RUNNERS[group])


def worst(found: list[AttackOutcome], attack: str) -> AttackOutcome | None:
    """The outcome with the highest one-sided upper bound among those of ``attack`` (``inference[...]``
    counts as ``inference``): a secret attacked a few times is not picked for a noisy high point estimate."""
    chosen = [o for o in found if o.attack.partition("[")[0] == attack]
    return max(chosen, key=lambda o: (o.upper_bound(), o.risk)) if chosen else None


def attack_results(outcome: AttackOutcome, attack: str, details: pd.DataFrame | None = None) -> list[MetricResult]:
    """The risk (with CI) and the three success rates of one attack as results."""
    return [MetricResult(f"privacy.{attack}_risk", outcome.risk, *outcome.ci, details=details),
            MetricResult(f"privacy.{attack}_advantage", *outcome.advantage),
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


def judge(outcomes: list[AttackOutcome], threshold: float, alpha: float = ALPHA) -> pd.DataFrame:
    """Each attack's one-sided upper bound, its p-value against the threshold, Holm's decision and its verdict.

    Example:
        >>> safe = AttackOutcome("safe", train=(4000, 400), control=(4000, 400), baseline=(4000, 10))
        >>> risky = AttackOutcome("risky", train=(500, 300), control=(500, 100), baseline=(500, 10))
        >>> small = AttackOutcome("small", train=(50, 5), control=(50, 5), baseline=(50, 1))
        >>> judge([safe, risky, small], 0.09)["verdict"].tolist()
        ['pass', 'fail', 'inconclusive']
    """
    p_values = [o.p_value(threshold) for o in outcomes]
    above = holm_rejections(p_values, alpha)
    rows = []
    for outcome, p_value, rejected in zip(outcomes, p_values, above):
        bound = outcome.upper_bound(alpha)
        low, high = outcome.risk_at(1 - alpha / len(outcomes))
        verdict = "fail" if rejected else "pass" if bound < threshold else "inconclusive"
        rows.append({**outcome.row(), "upper_bound": bound, "p_above_threshold": p_value,
                     "simultaneous_ci_low": low, "simultaneous_ci_high": high, "verdict": verdict,
                     "attacks_needed": outcome.attacks_needed(threshold)})
    return pd.DataFrame(rows)


def verdict_label(details: pd.DataFrame, threshold: float, problems: list[str]) -> tuple[str, str]:
    """The cell's verdict and its reason from ``judge``'s table and the attacks that could not run.

    Example:
        >>> details = pd.DataFrame({"attack": ["a", "b"], "verdict": ["pass", "inconclusive"],
        ...                         "n_attacks": [500, 500], "attacks_needed": [300, 2100]})
        >>> verdict_label(details, 0.09, [])
        ('inconclusive', 'upper bound not below 0.09 for b (2100 attacks per arm needed for 80% power, had 500)')
    """
    failed = details[details["verdict"] == "fail"]["attack"].tolist()
    if failed:
        return "fail", f"risk above {threshold:g} for {', '.join(failed)} (one-sided tests, Holm over {len(details)})"
    unsure = details[details["verdict"] == "inconclusive"]
    if unsure.empty and not problems:
        return "pass", f"every attack's one-sided 95% upper bound is below {threshold:g}"
    reasons = [f"upper bound not below {threshold:g} for " + ", ".join(
        f"{row.attack} ({row.attacks_needed:.0f} attacks per arm needed for 80% power, had {row.n_attacks})"
        if np.isfinite(row.attacks_needed) and row.attacks_needed > row.n_attacks else str(row.attack)
        for row in unsure.itertuples())] if len(unsure) else []
    return "inconclusive", "; ".join(reasons + problems)


def verdict(context: ScoringContext) -> list[MetricResult]:
    """The worst attack's risk, the highest upper bound, the verdict against the threshold, and untrusted attacks."""
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
    problems += list(dict.fromkeys(skipped_attacks(context)))  # a group that failed whole was tried twice
    details = judge(found, threshold)
    label, reason = verdict_label(details, threshold, problems)
    worst_row = details.sort_values(["upper_bound", "risk"], ascending=False, kind="stable").iloc[0]
    tags = {VERDICT_TAG: label, "privacy.verdict_reason": reason, "privacy.risk_threshold": f"{threshold:g}",
            "privacy.verdict_rule": "pass: every one-sided 95% upper bound below the threshold; fail: Holm "
                                    f"over {len(found)} one-sided tests at 5%",
            WORST_ATTACK_TAG: str(worst_row["attack"])}
    return [MetricResult(MAX_RISK.name, float(worst_row["risk"]), float(worst_row["simultaneous_ci_low"]),
                         float(worst_row["simultaneous_ci_high"]), details=details, tags=tags),
            MetricResult(RISK_UPPER_BOUND.name, float(worst_row["upper_bound"])),
            MetricResult(UNTRUSTED_ATTACKS.name, float((~details["trusted"]).sum()))]


EVALUATORS = (
    Evaluator("privacy.singling_out", tuple(ATTACK_SPECS["singling_out"] + ATTACK_SPECS["singling_out_univariate"]),
              _group_evaluator("singling_out")),
    Evaluator("privacy.linkability", tuple(ATTACK_SPECS["linkability"]), _group_evaluator("linkability")),
    Evaluator("privacy.inference", tuple(ATTACK_SPECS["inference"] + ATTACK_SPECS["inference_all_columns"]),
              _group_evaluator("inference")),
    Evaluator("privacy.verdict", (MAX_RISK, RISK_UPPER_BOUND, UNTRUSTED_ATTACKS), verdict),
)
