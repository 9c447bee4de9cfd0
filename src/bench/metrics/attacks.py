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
  A binary secret is attacked on its minority class; the random baseline is ours, because
  anonymeter 1.1.0's aligns its guesses by index label and loses most of them.

Attacks draw their targets with the metric seed; at most ``n_attacks`` of each kind, and never
more than the training or control rows, so the attack budget bounds the time.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import warnings
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd
from anonymeter.stats.confidence import success_rate

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError
from bench.metrics.risk_statistics import (
    ALPHA,
    attacks_for_power,
    exceedance_p_value,
    newcombe_difference,
    residual_risk,
    upper_bound,
)

CONFIDENCE = 0.95


@dataclass
class AttackOutcome:
    """What one attack achieved: ``(attacks, successes)`` on training rows, on control rows and of the
    random-guessing baseline, and which rows were attacked; every rate, risk and bound derives from these.

    Example:
        >>> outcome = AttackOutcome("x", train=(400, 360), control=(400, 320), baseline=(400, 200))
        >>> round(outcome.risk, 2), [round(b, 2) for b in outcome.ci], round(outcome.upper_bound(), 2)
        (0.49, [0.31, 0.66], 0.64)
        >>> [round(v, 3) for v in outcome.advantage], outcome.trusted
        ([0.1, 0.051, 0.149], True)
    """

    attack: str
    train: tuple[int, float]
    control: tuple[int, float]
    baseline: tuple[int, float]
    queries: list[str] = field(default_factory=list, repr=False)
    note: str = ""
    targets: str = "random rows"  # which real rows were attacked (e.g. a binary secret's minority class)
    attacked_share: float = 1.0  # share of all training rows in the attacked training arm

    @property
    def n_attacks(self) -> int:
        return int(self.train[0])

    def _rate(self, arm: tuple[int, float]) -> tuple[float, float]:
        rate = success_rate(n_total=int(arm[0]), n_success=arm[1], confidence_level=CONFIDENCE)
        return float(rate.value), float(rate.error)

    @property
    def attack_rate(self) -> tuple[float, float]:
        """Success rate on the training rows (Wilson, value and 95% error)."""
        return self._rate(self.train)

    @property
    def control_rate(self) -> tuple[float, float]:
        """Success rate on the control rows, never trained on."""
        return self._rate(self.control)

    @property
    def baseline_rate(self) -> tuple[float, float]:
        """Success rate of random guessing on the training rows."""
        return self._rate(self.baseline)

    def risk_at(self, confidence: float) -> tuple[float, float]:
        """The residual risk's two-sided interval at ``confidence`` (e.g. Bonferroni-corrected)."""
        return residual_risk(*self.train, *self.control, confidence)[1:]

    @property
    def risk(self) -> float:
        """anonymeter's residual risk (a - c) / (1 - c), clipped to [0, 1]."""
        return residual_risk(*self.train, *self.control)[0]

    @property
    def ci(self) -> tuple[float, float]:
        return self.risk_at(CONFIDENCE)

    def upper_bound(self, alpha: float = ALPHA) -> float:
        """The one-sided ``1 - alpha`` upper bound of the risk (what a "pass" needs below the threshold)."""
        return upper_bound(*self.train, *self.control, alpha)

    def p_value(self, threshold: float) -> float:
        """One-sided p-value of "the risk is at most ``threshold``" (small: the risk exceeds it)."""
        return exceedance_p_value(*self.train, *self.control, threshold)

    @property
    def advantage(self) -> tuple[float, float, float]:
        """Absolute advantage a - c on training over control rows, with Newcombe's 95% interval."""
        return newcombe_difference(*self.train, *self.control)

    def attacks_needed(self, threshold: float) -> float:
        """Attacks per arm a "pass" needs at this control rate (80% power, one-sided 5%)."""
        return attacks_for_power(self.control[1] / max(self.control[0], 1), threshold)

    @property
    def trusted(self) -> bool:
        """False when the attack does no better than random guessing (its risk then says little)."""
        return self.attack_rate[0] > self.baseline_rate[0]

    def row(self) -> dict[str, object]:
        """A details-table row: aggregates only."""
        advantage = self.advantage
        return {"attack": self.attack, "targets": self.targets, "n_attacks": self.n_attacks,
                "n_control": int(self.control[0]), "attacked_share": self.attacked_share,
                "risk": self.risk, "risk_ci_low": self.ci[0], "risk_ci_high": self.ci[1],
                "advantage": advantage[0], "advantage_ci_low": advantage[1], "advantage_ci_high": advantage[2],
                "attack_rate": self.attack_rate[0], "attack_error": self.attack_rate[1],
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
             queries: list[str] | None = None, attacked_share: float = 1.0) -> AttackOutcome:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anonymeter warns when an attack is no better than random: see ``trusted``
        results = evaluator.results(confidence_level=CONFIDENCE)
    return AttackOutcome(attack, (n_attacks, results.n_success), (n_attacks, results.n_control),
                         (n_attacks, results.n_baseline), queries or [], " ".join(notes.messages),
                         attacked_share=attacked_share)


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


ANONYMETER_VERSION = "1.1.0"  # the private functions replaced below are this version's


@contextlib.contextmanager
def reproducible_anonymeter(seed: int) -> Iterator[None]:
    """Make anonymeter 1.1.0's attacks depend on ``seed`` alone, for the duration of the block.

    Five of its random draws ignore any seed we could pass: targets are drawn with pandas'
    ``sample`` from numpy's global generator (seeded here, then restored); the linkability
    baseline uses an unseeded ``np.random.default_rng()``; the singling-out baseline picks values
    by position from ``df[col].unique()``, and the univariate attack shuffles predicates listed in
    the order of ``df.group_by(col)``, two orders polars does not fix (it hashes in parallel, with a
    seed of its own in each process); and the singling-out correction for unequal arm sizes samples
    rows with polars' unseeded ``sample``. The last four functions are swapped for the same code with
    a seeded generator and ``maintain_order=True``. Another anonymeter version is refused, because
    its private functions may differ.
    """
    import polars as pl
    from anonymeter.evaluators import linkability_evaluator as linking
    from anonymeter.evaluators import singling_out_evaluator as singling

    installed = importlib.metadata.version("anonymeter")
    if installed != ANONYMETER_VERSION:
        raise BenchError(f"the privacy attacks are written for anonymeter {ANONYMETER_VERSION} (its private "
                         f"sampling functions are replaced to make them reproducible), found {installed}; "
                         "install the pinned version (make setup)")
    rng = np.random.default_rng(seed)

    def random_links(n_synthetic, n_attacks, n_neighbors):  # noqa: ANN001, ANN202 - anonymeter's private signature
        return np.array([rng.choice(n_synthetic, size=n_neighbors, replace=False) for _ in range(n_attacks)])

    def random_queries(df, n_queries, n_cols, rng):  # noqa: ANN001, ANN202 - anonymeter's private signature
        unique_values = {col: df[col].unique(maintain_order=True).to_list() for col in df.columns}
        column_types = {col: singling._convert_polars_dtype(df[col].dtype) for col in df.columns}
        return [singling._random_query(unique_values=unique_values, column_types=column_types, rng=rng,
                                       cols=rng.choice(df.columns, size=n_cols, replace=False).tolist())
                for _ in range(n_queries)]

    def measure_queries_success(df, queries, n_repeat, n_meas):  # noqa: ANN001, ANN202 - anonymeter's private signature
        sizes, successes = [], []
        for n_rows in np.linspace(min(1000, len(df)), len(df), n_meas).astype(int):
            for _ in range(n_repeat):
                sample = df.sample(n_rows, with_replacement=False, seed=int(rng.integers(2**32)))
                successes.append(len(singling._evaluate_queries(df=sample, queries=queries)))
                sizes.append(n_rows)
        return np.array(sizes), np.array(successes)

    def univariate_queries(df, n_queries, rng):  # noqa: ANN001, ANN202 - anonymeter's signature
        queries = []
        for col in df.columns:
            if df.select(pl.col(col).is_null().sum()).item() == 1:
                queries.append(pl.col(col).is_null())
            if df.schema[col].is_numeric() and df[col].drop_nulls().len() > 0:
                queries.extend([pl.col(col) <= df[col].min(), pl.col(col) >= df[col].max()])
            rare = df.group_by(col, maintain_order=True).len().filter(pl.col("len") == 1)
            queries.extend(pl.col(col) == value for value in rare.select(col).to_series().to_list())
        rng.shuffle(queries)
        unique = singling.UniqueSinglingOutQueries(max_size=n_queries)
        unique.check_and_extend(queries, df)
        return unique.queries

    replaced = ((linking, "_random_links", random_links), (singling, "_random_queries", random_queries),
                (singling, "_measure_queries_success", measure_queries_success),
                (singling, "univariate_singling_out_queries", univariate_queries))
    originals = [(module, name, getattr(module, name)) for module, name, _ in replaced]
    for module, name, function in replaced:
        setattr(module, name, function)
    try:
        with seeded_global_rng(seed):
            yield
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def singling_out(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, n_attacks: int, seed: int,
                 mode: str, attacked_share: float = 1.0) -> AttackOutcome:
    """Singling-out risk, ``mode`` "univariate" or "multivariate" (three columns per predicate).

    ``train`` and ``control`` should hold equally many rows: a predicate's chance of matching exactly
    one row depends on the table's size. ``attacked_share`` records which share of all training rows
    ``train`` is: a predicate built from a copied patient singles that patient out of ``train`` only
    when the patient is in it, so a verbatim copy's success is about that share.
    """
    from anonymeter.evaluators import SinglingOutEvaluator

    with _quiet() as notes, reproducible_anonymeter(seed):
        evaluator = SinglingOutEvaluator(ori=train, syn=synthetic, control=control, n_attacks=n_attacks, n_cols=3,
                                         max_attempts=100 * n_attacks, seed=seed).evaluate(mode=mode)
    queries = [str(query) for query in evaluator.queries()]
    name = "singling_out" if mode == "multivariate" else "singling_out_univariate"
    return _outcome(name, evaluator, n_attacks, notes, queries, attacked_share)


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


def random_guesses(secret_values: pd.Series, targets: pd.Index, rng: np.random.Generator) -> pd.Series:
    """The random-guessing baseline: for each target, the secret of a random synthetic row.

    anonymeter 1.1.0's own baseline aligns the drawn rows with the targets by index label
    (``reindex_like``), which turns most guesses into missing values whenever the two tables' labels
    differ; here the guesses are matched by position. For a binary secret of prevalence ``p`` in
    both tables, a random guess is right with probability ``p^2 + (1 - p)^2``.

    Example:
        >>> guesses = random_guesses(pd.Series(["a", "b", "b", "b"]), pd.Index([10, 11, 12]), np.random.default_rng(0))
        >>> list(guesses.index), guesses.notna().all()
        ([10, 11, 12], True)
    """
    drawn = rng.integers(len(secret_values), size=len(targets))
    return pd.Series(secret_values.to_numpy()[drawn], index=targets)


def inference_targets(train: pd.DataFrame, control: pd.DataFrame, secret: str,
                      regression: bool) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The rows each arm attacks: for a binary secret only its minority class, else every row.

    On a binary secret with prevalence 0.8, guessing the majority value is right 80 % of the time for
    training and control rows alike, so the normalised excess ``(a - c) / (1 - c)`` divides by a small
    ``1 - c`` and its interval is too wide to judge (anonymeter's ``risk_for_groups`` for the reason;
    Giomi et al. 2023). The minority class is the rarer value over both arms.

    Example:
        >>> arm = pd.DataFrame({"death": [0, 0, 0, 1]})
        >>> train, control, which = inference_targets(arm, arm, "death", regression=False)
        >>> len(train), which
        (1, 'death = 1 (minority class)')
    """
    values = pd.concat([train[secret], control[secret]]).dropna()
    counts = values.value_counts()
    if regression or len(counts) != 2:
        return train, control, "random rows"
    minority = counts.sort_values(kind="stable").index[0]
    return (train[train[secret] == minority], control[control[secret] == minority],
            f"{secret} = {minority} (minority class)")


def inference(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, card: DatasetCard,
              secret: str, n_attacks: int, seed: int, knowledge: str = "quasi_identifiers") -> AttackOutcome:
    """Attribute-inference risk for one secret column; the attacker knows the quasi-identifiers
    (``knowledge="quasi_identifiers"``) or every other column (``"all_columns"``).

    The guess is the secret of the nearest synthetic row on the known columns (anonymeter's
    ``KNNInferencePredictor``; numbers count within 5 %), for equally many targets drawn from each
    arm (``inference_targets``), and the baseline guesses at random (``random_guesses``).
    """
    from anonymeter.evaluators.inference_evaluator import evaluate_inference_guesses
    from anonymeter.neighbors.mixed_types_kneighbors import KNNInferencePredictor

    pool = card.quasi_identifiers if knowledge == "quasi_identifiers" else tuple(card.columns)
    known = [c for c in pool if c != secret]
    if not known:
        raise BenchError(f"inference on '{secret}': the attacker would know no column ({knowledge})")
    regression = card.columns[secret] in ("numerical", "datetime")
    train_pool, control_pool, which = inference_targets(train, control, secret, regression)
    n = attack_budget(n_attacks, train_pool, control_pool)
    rng = np.random.default_rng(seed)
    arms = {arm: frame.iloc[np.sort(rng.choice(len(frame), n, replace=False))]
            for arm, frame in (("train", train_pool), ("control", control_pool))}
    with _quiet() as notes:
        predictor = KNNInferencePredictor(data=synthetic, columns=known, target_col=secret, n_jobs=-1)

        def successes(targets: pd.DataFrame, guesses: pd.Series) -> int:
            return int(evaluate_inference_guesses(guesses=guesses, secrets=targets[secret],
                                                  regression=regression).sum())

        found = {arm: successes(targets, predictor.predict(targets)) for arm, targets in arms.items()}
        baseline = successes(arms["train"], random_guesses(synthetic[secret], arms["train"].index, rng))
    name = "inference" if knowledge == "quasi_identifiers" else "inference_all_columns"
    return AttackOutcome(f"{name}[{secret}]", (n, found["train"]), (n, found["control"]), (n, baseline),
                         note=" ".join(notes.messages), targets=which)


__all__ = ["ANONYMETER_VERSION", "KNOWLEDGE", "AttackOutcome", "attack_budget", "inference", "inference_targets",
           "linkability", "linkability_columns", "random_guesses", "reproducible_anonymeter", "seeded_global_rng",
           "singling_out"]
