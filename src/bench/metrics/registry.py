"""The explicit registry of metrics, and ``score`` which runs the chosen families on one cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bench.datasets.splits import Split
from bench.errors import BenchError, did_you_mean
from bench.metrics import detection, fairness, fidelity, memorisation, plausibility, privacy, utility
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable, Unavailable
from bench.metrics.context import ScoringContext
from bench.metrics.cost import COST_METRICS
from bench.metrics.options import resolve_options

EVALUATORS: tuple[Evaluator, ...] = (
    *fidelity.EVALUATORS, *detection.EVALUATORS, *plausibility.EVALUATORS,
    *utility.EVALUATORS,
    *fairness.EVALUATORS,
    *privacy.EVALUATORS, *memorisation.EVALUATORS,
)
# Every number the suite logs has a declared meaning; cost.* is measured by bench.metrics.cost_meter, not by an
# evaluator.
METRICS: dict[str, MetricSpec] = {**{spec.name: spec for ev in EVALUATORS for spec in ev.produces}, **COST_METRICS}
DEFAULT_FAMILIES = ("fidelity", "utility", "fairness", "privacy")


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


@dataclass
class Scorecard:
    """The numbers of one cell, and the metrics that have none, each with its reason.

    Example:
        >>> card = Scorecard([MetricResult("utility.tstr_auroc", 0.8)],
        ...                  [Unavailable("fairness.vanished_subgroups", "no sensitive attribute")])
        >>> card.table()[["metric", "value", "status"]].values.tolist()
        [['utility.tstr_auroc', 0.8, 'ok'], ['fairness.vanished_subgroups', nan, 'not applicable']]
    """

    results: list[MetricResult]
    unavailable: list[Unavailable] = field(default_factory=list)

    def with_results(self, more: list[MetricResult]) -> "Scorecard":
        """This scorecard with more results appended (e.g. the costs measured around it)."""
        return Scorecard(self.results + list(more), list(self.unavailable))

    def by_name(self) -> dict[str, MetricResult]:
        return {result.name: result for result in self.results}

    def tags(self) -> dict[str, str]:
        """The labels the results carry (e.g. ``privacy.verdict``), merged."""
        return {key: value for result in self.results for key, value in result.tags.items()}

    @property
    def failures(self) -> list[Unavailable]:
        return [u for u in self.unavailable if u.failed]

    def table(self, headline_only: bool = False) -> pd.DataFrame:
        """A readable table: every metric with its value, CI, goal and meaning; unavailable ones with the reason.

        ``headline_only`` keeps the headline metrics (marked * by ``bench metrics``). Aggregates only: safe to show.
        """
        shown = [r for r in self.results if spec(r.name).headline or not headline_only]
        missing = [u for u in self.unavailable if spec(u.name).headline or not headline_only]
        rows = [{"metric": r.name, "value": r.value, "ci_low": r.ci_low, "ci_high": r.ci_high, "status": "ok",
                 "goal": spec(r.name).goal, "meaning": spec(r.name).description} for r in shown]
        rows += [{"metric": u.name, "value": float("nan"), "ci_low": None, "ci_high": None, "status": u.status,
                  "goal": spec(u.name).goal, "meaning": u.reason} for u in missing]
        return pd.DataFrame(rows, columns=["metric", "value", "ci_low", "ci_high", "status", "goal", "meaning"])


def stack_details(scorecards: dict[str, Scorecard], name: str, **columns: object) -> pd.DataFrame:
    """The details table of metric ``name`` from several scorecards, stacked with a ``generator`` column
    (the dict's keys) and any constant ``columns`` (e.g. ``dataset="pima", seed=0``): the shape the
    report's figures read from MLflow, for tables scored in this process.

    Example:
        >>> found = MetricResult("privacy.max_risk", 0.1, details=pd.DataFrame({"attack": ["linkability"]}))
        >>> stack_details({"ctgan": Scorecard([found]), "copy": Scorecard([])}, "privacy.max_risk",
        ...               seed=0).values.tolist()
        [['linkability', 'ctgan', 0]]
    """
    frames = [card.by_name()[name].details.assign(generator=generator, **columns)
              for generator, card in scorecards.items()
              if name in card.by_name() and card.by_name()[name].details is not None]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def input_problem(split: Split, synthetic: pd.DataFrame) -> str | None:
    """What makes a synthetic table unscorable as a whole, or None.

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> input_problem(split, split.train.head(0))
        'the synthetic table is empty (0 rows)'
    """
    missing = [c for c in split.card.columns if c not in synthetic.columns]
    if missing:
        return f"the synthetic table lacks the training column(s) {missing}; it has {list(synthetic.columns)}"
    if synthetic.empty:
        return "the synthetic table is empty (0 rows)"
    return None


def run_evaluator(evaluator: Evaluator, context: ScoringContext) -> tuple[list[MetricResult], list[Unavailable]]:
    """Run one evaluator; its failure or inapplicability becomes ``Unavailable`` entries, never an exception.

    Each result is checked against its declared range and never NaN; a declared metric the evaluator
    forgot is an error in the evaluator, so it raises.
    """
    declared = [s.name for s in evaluator.produces]
    try:
        produced = {item.name: item for item in evaluator.compute(context)}
    except NotApplicable as exc:
        return [], [Unavailable(name, str(exc)) for name in declared]
    except Exception as exc:  # a bad input must not stop the other metrics; the reason is recorded
        reason = f"{evaluator.name} failed: {type(exc).__name__}: {exc}"
        return [], [Unavailable(name, reason, failed=True) for name in declared]
    results, unavailable = [], []
    for name in declared:
        if name not in produced:
            raise BenchError(f"evaluator {evaluator.name} did not produce {name}")
        item = produced[name]
        if isinstance(item, Unavailable):
            unavailable.append(item)
            continue
        try:
            results.append(item.check(METRICS[name]))
        except BenchError as exc:
            unavailable.append(Unavailable(name, str(exc), failed=True))
    return results, unavailable


def score(split: Split, synthetic: pd.DataFrame, families: tuple[str, ...] | list[str] = DEFAULT_FAMILIES,
          seed: int = 0, options: dict[str, Any] | None = None) -> Scorecard:
    """Compute every metric of the requested families for one synthetic table.

    A metric that cannot be computed (bad input, or not applicable to this dataset) is listed in
    ``Scorecard.unavailable`` with its reason, and the others still run. ``seed`` drives every
    random choice of the metrics; ``options`` sets ``bench.metrics.options`` (defaults otherwise).

    Example:
        >>> from bench.datasets import load_split
        >>> from bench.generators import create
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> synthetic = create("copy").fit(split.train, split.card).sample(len(split.train), seed=0)
        >>> card = score(split, synthetic, ["fidelity"])
        >>> card.by_name()["fidelity.univariate_similarity"].value, card.failures
        (1.0, [])
    """
    check_families(families)
    resolved = resolve_options(options)
    chosen = [evaluator for evaluator in EVALUATORS if evaluator.family in families]
    problem = input_problem(split, synthetic)
    if problem is not None:
        return Scorecard([], [Unavailable(s.name, problem, failed=True) for ev in chosen for s in ev.produces])
    context = ScoringContext(split, synthetic.reset_index(drop=True), seed, resolved)
    scorecard = Scorecard([])
    for evaluator in chosen:
        results, unavailable = run_evaluator(evaluator, context)
        scorecard.results += results
        scorecard.unavailable += unavailable
    return scorecard
