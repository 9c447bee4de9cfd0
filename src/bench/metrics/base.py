"""What a metric is: a declared meaning (name, goal, range, needs) and a result that respects it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Union

import pandas as pd

from bench.errors import BenchError

Goal = Union[Literal["maximize", "minimize"], float]
Need = Literal["train", "holdout", "control", "card"]
FAMILIES = ("fidelity", "utility", "fairness", "privacy", "cost")


@dataclass(frozen=True)
class MetricSpec:
    """The declared meaning of one number.

    ``goal`` is ``"maximize"``, ``"minimize"`` or a target value (best when closest to it).

    Example:
        >>> spec = MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0),
        ...                   description="AUROC on the real holdout of a model trained on synthetic data")
        >>> spec.family, spec.arrow
        ('utility', '↑')
    """

    name: str
    goal: Goal
    range: tuple[float, float]
    description: str
    needs: tuple[Need, ...] = ("train",)
    reference: str | None = None  # a metric drawn beside this one as what real data achieves
    headline: bool = False  # one of the few numbers the report tabulates and plots per metric

    def __post_init__(self) -> None:
        family, _, short = self.name.partition(".")
        if family not in FAMILIES or not short:
            raise ValueError(f"metric name '{self.name}' must be '<family>.<metric>' with family in {FAMILIES}")

    @property
    def family(self) -> str:
        return self.name.partition(".")[0]

    @property
    def arrow(self) -> str:
        """Direction marker for tables: ↑ higher is better, ↓ lower is better, → closest to target."""
        return {"maximize": "↑", "minimize": "↓"}.get(self.goal, "→") if isinstance(self.goal, str) else "→"

    def loss(self, values: Any) -> Any:
        """``values`` (a number, array, Series or DataFrame) turned so that lower is better: negated for
        ``maximize``, unchanged for ``minimize``, the distance to the target otherwise.

        Example:
            >>> MetricSpec("privacy.x", goal=0.5, range=(0, 1), description="d").loss(0.2)
            0.3
        """
        if self.goal == "maximize":
            return -values
        if self.goal == "minimize":
            return values
        return abs(values - float(self.goal))

    def better(self, a: float, b: float) -> bool:
        """Whether value ``a`` is strictly better than ``b`` under this metric's goal."""
        return bool(self.loss(a) < self.loss(b))


@dataclass
class MetricResult:
    """One computed value, optionally with a 95% confidence interval, a details table and tags.

    Details tables hold aggregates only (per column, per subgroup), never patient rows. ``tags``
    are labels that go with the value (e.g. the privacy verdict), logged as MLflow run tags.
    """

    name: str
    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    details: pd.DataFrame | None = field(default=None, repr=False)
    tags: dict[str, str] = field(default_factory=dict)

    def check(self, spec: MetricSpec) -> "MetricResult":
        """Raise if the value is NaN or outside the declared range; return self otherwise."""
        if self.value is None or math.isnan(self.value):
            raise BenchError(f"metric {self.name} returned NaN")
        low, high = spec.range
        tolerance = 1e-9 * max(1.0, abs(high - low)) if math.isfinite(high - low) else 0.0
        if not (low - tolerance <= self.value <= high + tolerance):
            raise BenchError(f"metric {self.name} = {self.value} is outside its declared range [{low}, {high}]")
        return self


@dataclass(frozen=True)
class Unavailable:
    """A metric that has no value for this cell, and why.

    ``failed`` is True when its computation raised (bad input, e.g. an empty synthetic table) and
    False when it does not apply (e.g. the card names no sensitive attribute).

    Example:
        >>> Unavailable("fairness.vanished_subgroups", "the card names no sensitive attribute").status
        'not applicable'
    """

    name: str
    reason: str
    failed: bool = False

    @property
    def status(self) -> str:
        return "failed" if self.failed else "not applicable"


class NotApplicable(BenchError):
    """Raised by an evaluator whose metrics cannot apply to this dataset (not an error in the data)."""


@dataclass(frozen=True)
class Evaluator:
    """A function that computes several related metrics at once (e.g. TSTR and TRTR share models).

    ``compute(split, synthetic, seed)`` returns, for each of ``produces``, a ``MetricResult`` or an
    ``Unavailable`` saying why that metric has no value. ``name`` identifies the evaluator in errors.
    """

    name: str
    produces: tuple[MetricSpec, ...]
    compute: Callable[..., list["MetricResult | Unavailable"]]

    @property
    def family(self) -> str:
        return self.name.partition(".")[0]
