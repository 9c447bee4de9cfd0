"""One cell of the matrix, step by step: the functions ``notebooks/run_cell.ipynb`` calls.

The notebook orchestrates and shows; this module computes. ``run_cell`` chains the same steps for
use outside a notebook (tests, scripts).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from bench import datasets, generators, metrics
from bench.datasets.splits import Split
from bench.metrics import Scorecard
from bench.metrics.base import MetricResult
from bench.metrics.cost_meter import measure
from bench.metrics.options import resolve_options
from bench.sweep import outbox as bench_outbox
from bench.sweep.config import Cell
from bench.tracking import store, writes


@dataclass
class CellResult:
    """What a cell produced: the synthetic table (no real rows) and its scorecard, costs included."""

    cell: Cell
    synthetic: pd.DataFrame = field(repr=False)
    scores: Scorecard

    @property
    def results(self) -> list[MetricResult]:
        return self.scores.results

    def scorecard(self) -> pd.DataFrame:
        """The cell's numbers with their meaning: name, value, CI, goal, status. Aggregates only."""
        return self.scores.table()


def load_split(cell: Cell) -> tuple[Split, list[MetricResult]]:
    """The cell's real data, split deterministically by ``cell.split_seed``, and what loading cost."""
    with measure("load") as load_cost:
        split = datasets.load_split(cell.dataset, split_seed=cell.split_seed, **cell.dataset_options)
    return split, load_cost.as_results()


@dataclass
class Synthesis:
    """What fitting and sampling produced.

    ``split`` is the real split to score ``synthetic`` against: its ``train`` is the rows the
    generator learnt from (``Generator.seen_rows``), which is the whole training part for every
    generator but ``holdout``, whose output is real rows it never saw. ``hyperparameters`` are the
    generator's resolved settings (defaults filled in, ``device=auto`` resolved), logged as
    ``gen.<name>`` params.
    """

    synthetic: pd.DataFrame = field(repr=False)
    split: Split = field(repr=False)
    hyperparameters: dict[str, Any]
    costs: list[MetricResult]


def synthesize(cell: Cell, split: Split) -> Synthesis:
    """Fit the cell's generator on the training split and sample; returns the table, what to score it
    against, the generator's settings and the costs.

    Example:
        >>> from bench.sweep.config import Cell
        >>> cell = Cell("doc", "sepsis_like", {"n_patients": 1000}, "holdout", {}, seed=0)
        >>> split = load_split(cell)[0]
        >>> synthesis = synthesize(cell, split)
        >>> len(split.train), len(synthesis.split.train), len(synthesis.synthetic), synthesis.costs[0].name
        (600, 300, 300, 'cost.fit_wall_s')
    """
    generator = generators.create(cell.generator, cell.params, random_state=cell.seed)
    with measure("fit") as fit_cost:
        generator.fit(split.train, split.card)
    seen = generator.seen_rows(split.train)
    n_rows = cell.n_synthetic or len(seen)  # as many rows as the generator learnt from
    with measure("sample") as sample_cost:
        synthetic = generator.sample(n_rows, seed=cell.seed)
    scored = split if seen is split.train else replace(split, train=seen.reset_index(drop=True))
    costs = fit_cost.as_results() + sample_cost.as_results()
    if fit_cost.energy_tags and sample_cost.energy_tags and len(synthetic):
        per_1k = (fit_cost.energy_kwh + sample_cost.energy_kwh) / len(synthetic) * 1000
        costs.append(MetricResult("cost.energy_kwh_per_1k_rows", per_1k))
    return Synthesis(synthetic, scored, generator.hyperparameters(), costs)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per-column aggregates safe to show: missing share, mean, sd, quartiles, number of categories.

    Minimum and maximum are left out on purpose: for a generator that copies (``copy``) or memorises,
    they are single real patients' values.

    Example:
        >>> import pandas as pd
        >>> summary(pd.DataFrame({"x": [1.0, 2.0, None, 4.0]})).loc["x", "missing"]
        0.25
    """
    numeric = table.select_dtypes("number")
    out = pd.DataFrame({"missing": table.isna().mean(), "distinct": table.nunique()})
    stats = numeric.describe(percentiles=[0.25, 0.5, 0.75]).T[["mean", "std", "25%", "50%", "75%"]]
    return out.join(stats).round(3)


def evaluate(cell: Cell, split: Split, synthetic: pd.DataFrame) -> Scorecard:
    """Score the synthetic table against the real split; the evaluation's own cost is included.

    The metrics are seeded with the split seed, not the cell seed: every generator and seed of a
    split is then measured with the same instrument (the same TRTR models, fitted once per split,
    and the same bootstrap resamples), so differences between cells come from the synthetic data.
    """
    with measure("evaluate") as evaluate_cost:
        scores = metrics.score(split, synthetic, cell.metrics, seed=cell.split_seed, options=cell.metric_options)
    return scores.with_results(evaluate_cost.as_results())


def cell_params(cell: Cell, synthesis: Synthesis | None = None) -> dict[str, Any]:
    """MLflow params of a cell: identity, seeds and ``gen.<hyperparameter>``.

    With ``synthesis``, the generator's resolved hyperparameters (defaults, resolved device) are the
    ``gen.*`` params and ``train_rows`` says how many real rows the scores compare against.

    Example:
        >>> from bench.sweep.config import Cell
        >>> cell_params(Cell("doc", "pima", {}, "ctgan", {"epochs": 5}, seed=1))["gen.epochs"]
        5
    """
    resolved = synthesis.hyperparameters if synthesis is not None else {}
    scored = {"train_rows": len(synthesis.split.train)} if synthesis is not None else {}
    return {
        "dataset": cell.dataset, "dataset_label": cell.dataset_label,
        "generator": cell.generator, "generator_label": cell.generator_label,
        "seed": cell.seed, "split_seed": cell.split_seed, "n_synthetic": cell.n_synthetic,
        "metric_families": ",".join(cell.metrics),
        **{f"metric.{k}": v for k, v in resolve_options(cell.metric_options).items()},
        **{f"data.{k}": v for k, v in cell.dataset_options.items()},
        **{f"gen.{k}": v for k, v in {**cell.params, **resolved}.items()},
        **scored,
    }


def log(cell: Cell, scores: Scorecard, run_id: str, tracking_uri: str, synthesis: Synthesis | None = None,
        outbox: str = "") -> None:
    """Log the cell into its MLflow run (created by the runner); does nothing without a run id.

    Metrics without a value are logged as tags ``unavailable.<metric>`` holding the reason. With
    ``outbox`` (set by the runner), the results are written to that folder instead and the runner
    logs them once the notebook has ended (``bench.sweep.outbox``): the kernel never imports MLflow.
    """
    if outbox:
        bench_outbox.write(Path(outbox), cell_params(cell, synthesis), scores.results, scores.unavailable)
    elif run_id:
        writes.log_cell_results(tracking_uri or store.default_tracking_uri(), run_id,
                                  cell_params(cell, synthesis), scores.results, scores.unavailable)


def run_cell(cell: Cell, run_id: str = "", tracking_uri: str = "") -> CellResult:
    """All steps of a cell in this process: load, synthesize, evaluate, log."""
    split, load_costs = load_split(cell)
    synthesis = synthesize(cell, split)
    scores = evaluate(cell, synthesis.split, synthesis.synthetic).with_results(load_costs + synthesis.costs)
    log(cell, scores, run_id, tracking_uri, synthesis)
    return CellResult(cell, synthesis.synthetic, scores)


def from_parameters(dataset: str, dataset_options: dict[str, Any], generator: str,
                    generator_params: dict[str, Any], seed: int, split_seed: int, n_synthetic: int,
                    metric_families: list[str], metric_options: dict[str, Any] | None = None,
                    benchmark: str = "notebook", dataset_label: str = "") -> Cell:
    """Build a ``Cell`` from the notebook's parameters, with the same checks as a benchmark file.

    ``dataset_label`` is how the benchmark names the dataset (``Cell.dataset_name``); "" derives it.
    """
    datasets.registry.entry(dataset)
    generators.registry.create(generator, generator_params)  # validates name; stores params only
    metrics.registry.check_families(metric_families)
    resolve_options(metric_options)
    return Cell(benchmark, dataset, dict(dataset_options), generator, dict(generator_params), int(seed),
                int(split_seed), int(n_synthetic), tuple(metric_families), dict(metric_options or {}),
                dataset_name=dataset_label)


__all__ = ["CellResult", "Synthesis", "evaluate", "from_parameters", "load_split", "log", "run_cell", "summary",
           "synthesize"]
