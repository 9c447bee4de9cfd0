"""Re-identification attacks on a synthetic table with anonymeter (Giomi et al. 2023), calibrated by
the split's control records.

Each attack is run against the real rows the generator learnt from (``train``) and, for the
control arm, against real rows it never saw (``control``); the residual risk is the attack's
success on ``train`` beyond its success on ``control``, normalised, with a 95% confidence interval
(anonymeter's Wilson intervals, propagated). A baseline attacker guessing at random is run too; an
attack no better than it is flagged as untrusted (anonymeter's own warning).

* singling out: predicates built from synthetic rows that match exactly one real row, over one
  column (univariate) or three (multivariate);
* linkability: the card's quasi-identifiers split in two halves, as two datasets an attacker holds;
  a link is right when both halves' nearest synthetic rows are the same;
* inference: for each secret column of the card, the nearest synthetic row's secret is the guess
  (numbers count within 5 %), for two attackers: one who knows the quasi-identifiers (without the
  secret), and one who knows every other column, anonymeter's usual setting, which exposes the
  attribute disclosure k-anonymity is known for (generalised identifiers, real values elsewhere).

Attacks draw their targets with the metric seed; at most ``n_attacks`` of each kind, and never
more than the training or control rows, so the attack budget bounds the time.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError

CONFIDENCE = 0.95


@dataclass
class AttackOutcome:
    """What one attack achieved: success rates (value, error) of the attack on training rows, on
    control rows and of the random baseline, and the residual risk with its CI."""

    attack: str
    n_attacks: int
    attack_rate: tuple[float, float]
    control_rate: tuple[float, float]
    baseline_rate: tuple[float, float]
    risk: float
    ci: tuple[float, float]
    queries: list[str] = field(default_factory=list, repr=False)
    note: str = ""
    counts: tuple[int, float, float, float] = (0, 0.0, 0.0, 0.0)  # attacks; successes on train, baseline, control

    def risk_at(self, confidence: float) -> tuple[float, float]:
        """The residual risk's interval at another confidence level (e.g. Bonferroni-corrected).

        Example:
            >>> outcome = AttackOutcome("x", 400, (0.9, 0.0), (0.8, 0.0), (0.5, 0.0), 0.5, (0.0, 1.0),
            ...                         counts=(400, 360, 200, 320))
            >>> [round(bound, 2) for bound in outcome.risk_at(0.95)], [round(b, 2) for b in outcome.risk_at(0.99)]
            ([0.31, 0.66], [0.25, 0.71])
        """
        from anonymeter.stats.confidence import EvaluationResults

        n_attacks, n_success, n_baseline, n_control = self.counts
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            risk = EvaluationResults(n_attacks=n_attacks, n_success=n_success, n_baseline=n_baseline,
                                     n_control=n_control, confidence_level=confidence).risk()
        return float(risk.ci[0]), float(risk.ci[1])

    @property
    def trusted(self) -> bool:
        """False when the attack does no better than random guessing (its risk then says little)."""
        return self.attack_rate[0] > self.baseline_rate[0]

    def row(self) -> dict[str, object]:
        """A details-table row: aggregates only."""
        return {"attack": self.attack, "n_attacks": self.n_attacks, "risk": self.risk, "risk_ci_low": self.ci[0],
                "risk_ci_high": self.ci[1], "attack_rate": self.attack_rate[0], "attack_error": self.attack_rate[1],
                "control_rate": self.control_rate[0], "control_error": self.control_rate[1],
                "baseline_rate": self.baseline_rate[0], "baseline_error": self.baseline_rate[1],
                "trusted": self.trusted, "note": self.note}


@contextlib.contextmanager
def seeded_global_rng(seed: int) -> Iterator[None]:
    """Seed numpy's global generator for the block (anonymeter samples targets with it), then restore it."""
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        yield
    finally:
        np.random.set_state(state)


class _Notes(logging.Handler):
    """Keeps anonymeter's log messages (e.g. fewer singling-out queries than requested) for the details."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _quiet() -> Iterator[_Notes]:
    """anonymeter warns through ``warnings`` and ``logging``; the outcome records the same facts instead."""
    logger = logging.getLogger("anonymeter")
    notes, propagate = _Notes(), logger.propagate
    logger.addHandler(notes)
    logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield notes
    finally:
        logger.removeHandler(notes)
        logger.propagate = propagate


def _outcome(attack: str, evaluator, n_attacks: int, notes: _Notes,  # noqa: ANN001 - an anonymeter evaluator
             queries: list[str] | None = None) -> AttackOutcome:
    results = evaluator.results(confidence_level=CONFIDENCE)
    risk = evaluator.risk(confidence_level=CONFIDENCE)
    control = results.control_rate
    return AttackOutcome(attack, n_attacks, (results.attack_rate.value, results.attack_rate.error),
                         (control.value, control.error), (results.baseline_rate.value, results.baseline_rate.error),
                         float(risk.value), (float(risk.ci[0]), float(risk.ci[1])), queries or [],
                         " ".join(notes.messages),
                         (n_attacks, results.n_success, results.n_baseline, results.n_control))


def attack_budget(n_attacks: int, train: pd.DataFrame, control: pd.DataFrame) -> int:
    """Attacks of each kind: the requested number, capped by the training and control rows.

    Example:
        >>> attack_budget(500, pd.DataFrame(index=range(300)), pd.DataFrame(index=range(100)))
        100
    """
    budget = min(n_attacks, len(train), len(control))
    if budget < 10:
        raise BenchError(f"privacy attacks need at least 10 training and 10 control rows, got {len(train)} "
                         f"and {len(control)}")
    return budget


@contextlib.contextmanager
def reproducible_anonymeter(seed: int) -> Iterator[None]:
    """Make anonymeter 1.1.0's attacks depend on ``seed`` alone, for the duration of the block.

    Three of its random draws ignore any seed we could pass: targets are drawn with pandas'
    ``sample`` from numpy's global generator (seeded here, then restored); the linkability
    baseline uses an unseeded ``np.random.default_rng()``; and the singling-out baseline picks
    values by position from ``df[col].unique()``, whose order polars does not fix (it hashes in
    parallel). The last two private functions are swapped for the same code with a seeded
    generator and ``unique(maintain_order=True)``.
    """
    from anonymeter.evaluators import linkability_evaluator as linking
    from anonymeter.evaluators import singling_out_evaluator as singling

    rng = np.random.default_rng(seed)

    def random_links(n_synthetic, n_attacks, n_neighbors):  # noqa: ANN001, ANN202 - anonymeter's private signature
        return np.array([rng.choice(n_synthetic, size=n_neighbors, replace=False) for _ in range(n_attacks)])

    def random_queries(df, n_queries, n_cols, rng):  # noqa: ANN001, ANN202 - anonymeter's private signature
        unique_values = {col: df[col].unique(maintain_order=True).to_list() for col in df.columns}
        column_types = {col: singling._convert_polars_dtype(df[col].dtype) for col in df.columns}
        return [singling._random_query(unique_values=unique_values, column_types=column_types, rng=rng,
                                       cols=rng.choice(df.columns, size=n_cols, replace=False).tolist())
                for _ in range(n_queries)]

    originals = (linking._random_links, singling._random_queries)
    linking._random_links, singling._random_queries = random_links, random_queries
    try:
        with seeded_global_rng(seed):
            yield
    finally:
        linking._random_links, singling._random_queries = originals


def singling_out(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, n_attacks: int, seed: int,
                 mode: str) -> AttackOutcome:
    """Singling-out risk, ``mode`` "univariate" or "multivariate" (three columns per predicate)."""
    from anonymeter.evaluators import SinglingOutEvaluator

    with _quiet() as notes, reproducible_anonymeter(seed):
        evaluator = SinglingOutEvaluator(ori=train, syn=synthetic, control=control, n_attacks=n_attacks, n_cols=3,
                                         max_attempts=100 * n_attacks, seed=seed).evaluate(mode=mode)
    queries = [str(query) for query in evaluator.queries()]
    name = "singling_out" if mode == "multivariate" else "singling_out_univariate"
    return _outcome(name, evaluator, n_attacks, notes, queries)


def linkability_columns(card: DatasetCard) -> tuple[list[str], list[str]]:
    """The card's quasi-identifiers in two halves (first half, rest), the attacker's two datasets.

    Example:
        >>> from bench.datasets import card
        >>> linkability_columns(card("sepsis_like"))
        (['age', 'sex'], ['ethnic_group', 'temperature'])
    """
    identifiers = list(card.quasi_identifiers)
    half = len(identifiers) // 2
    return identifiers[:half], identifiers[half:]


def linkability(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, card: DatasetCard,
                n_attacks: int, seed: int) -> AttackOutcome:
    """Linkability risk between the two halves of the quasi-identifiers."""
    from anonymeter.evaluators import LinkabilityEvaluator

    with _quiet() as notes, reproducible_anonymeter(seed):
        evaluator = LinkabilityEvaluator(ori=train, syn=synthetic, control=control,
                                         aux_cols=linkability_columns(card), n_attacks=n_attacks,
                                         n_neighbors=1).evaluate(n_jobs=-1)
    return _outcome("linkability", evaluator, n_attacks, notes)


KNOWLEDGE = ("quasi_identifiers", "all_columns")


def inference(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, card: DatasetCard,
              secret: str, n_attacks: int, seed: int, knowledge: str = "quasi_identifiers") -> AttackOutcome:
    """Attribute-inference risk for one secret column; the attacker knows the quasi-identifiers
    (``knowledge="quasi_identifiers"``) or every other column (``"all_columns"``)."""
    from anonymeter.evaluators import InferenceEvaluator

    pool = card.quasi_identifiers if knowledge == "quasi_identifiers" else tuple(card.columns)
    known = [c for c in pool if c != secret]
    if not known:
        raise BenchError(f"inference on '{secret}': the attacker would know no column ({knowledge})")
    regression = card.columns[secret] in ("numerical", "datetime")
    with _quiet() as notes, reproducible_anonymeter(seed):
        evaluator = InferenceEvaluator(ori=train, syn=synthetic, control=control, aux_cols=known, secret=secret,
                                       regression=regression, n_attacks=n_attacks).evaluate(n_jobs=-1)
    name = "inference" if knowledge == "quasi_identifiers" else "inference_all_columns"
    return _outcome(f"{name}[{secret}]", evaluator, n_attacks, notes)


__all__ = ["KNOWLEDGE", "AttackOutcome", "attack_budget", "inference", "linkability", "linkability_columns",
           "reproducible_anonymeter", "seeded_global_rng", "singling_out"]
