"""Rank generators for named use cases: weights over the metric families, from ``bench/report/use_cases.yaml``.

A generator's *family score* on a dataset is the mean, over that family's headline metrics, of its
goodness (``heatmaps.goodness``: 1 for the best generator of the dataset, 0 for the worst, by the
metric's goal); a pair whose cells all failed scores 0. Family scores are averaged over datasets,
and a use case's score is the weighted mean of the family scores. *Stability* is how often each
generator ranks first when the weights are redrawn around the stated ones (Dirichlet, concentration
``STABILITY_CONCENTRATION`` times the normalised weights, 1,000 draws, seed 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bench.errors import BenchError, did_you_mean
from bench.metrics.base import FAMILIES, MetricSpec
from bench.paths import USE_CASES
from bench.plotting.style import report_style, save_figure
from bench.report.figures.heatmaps import COLOUR_MAP as COLOUR_MAP_GOOD_DARK
from bench.report.figures.heatmaps import goodness
from bench.report.summary import present_specs, summarise
from bench.yaml_files import read_mapping

DEFAULT_FILE = USE_CASES  # bench/report/use_cases.yaml, shipped in the package
STABILITY_DRAWS = 1000
STABILITY_CONCENTRATION = 20.0


@dataclass(frozen=True)
class UseCase:
    """A named purpose and the relative weight of each metric family for it."""

    name: str
    description: str
    weights: dict[str, float]

    def normalised(self) -> np.ndarray:
        """The weights in ``FAMILIES`` order, summing to 1."""
        vector = np.array([self.weights.get(family, 0.0) for family in FAMILIES], dtype=float)
        return vector / vector.sum()


def load_use_cases(path: Path | str = DEFAULT_FILE) -> list[UseCase]:
    """Read and validate a use-case file; every problem names the file and the use case.

    Example:
        >>> [case.name for case in load_use_cases()][:2]
        ['ml_development', 'education']
    """
    path = Path(path)
    raw = read_mapping(path, "use-case file")
    cases = raw.get("use_cases")
    if set(raw) != {"use_cases"} or not isinstance(cases, dict) or not cases:
        raise BenchError(f"{path}: expected one key 'use_cases' holding a mapping of named use cases")
    out = []
    for name, body in cases.items():
        where = f"{path}: use case '{name}'"
        if not isinstance(body, dict) or not isinstance(body.get("weights"), dict):
            raise BenchError(f"{where}: expected {{description: ..., weights: {{family: weight, ...}}}}")
        for family, weight in body["weights"].items():
            if family not in FAMILIES:
                raise BenchError(f"{where}: unknown family '{family}'; {did_you_mean(str(family), list(FAMILIES))}")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
                raise BenchError(f"{where}: weight of '{family}' must be a non-negative number, got {weight!r}")
        if not sum(body["weights"].values()) > 0:
            raise BenchError(f"{where}: all weights are 0; give at least one family a positive weight")
        out.append(UseCase(str(name), str(body.get("description", "")),
                           {k: float(v) for k, v in body["weights"].items()}))
    return out


def family_scores(runs: pd.DataFrame, specs: list[MetricSpec]) -> pd.DataFrame:
    """Generator x family score in [0, 1] (NaN for a family without a headline metric in the runs).

    Example:
        >>> from bench.report.ranking import _example_runs, _example_spec
        >>> family_scores(_example_runs(), [_example_spec()])["utility"].round(3).to_dict()
        {'copy': 1.0, 'gaussian_copula': 0.833, 'marginals': 0.0}
    """
    generators = sorted(runs["generator"].unique())
    per_family: dict[str, list[pd.Series]] = {}
    for spec in present_specs(runs, specs):
        means = summarise(runs, spec).pivot(index="generator", columns="dataset", values="mean")
        if means.notna().sum().sum() == 0:
            continue
        scores = goodness(means.reindex(generators), spec).fillna(0.0)  # all-failed pairs score 0
        per_family.setdefault(spec.family, []).append(scores.mean(axis=1))
    table = pd.DataFrame({family: pd.concat(series, axis=1).mean(axis=1) for family, series in per_family.items()},
                         index=generators)
    return table.reindex(columns=list(FAMILIES))


def rank_use_cases(scores: pd.DataFrame, cases: list[UseCase], seed: int = 0) -> pd.DataFrame:
    """One row per (use case, generator): score, rank (1 best) and stability (share of redrawn
    weightings under which it ranks first). Families without scores get no weight.

    Example:
        >>> scores = pd.DataFrame({"utility": [1.0, 0.0], "privacy": [0.0, 1.0]}, index=["copy", "marginals"])
        >>> cases = [UseCase("release", "", {"privacy": 3, "utility": 1})]
        >>> rank_use_cases(scores.reindex(columns=list(FAMILIES)), cases)[["generator", "rank"]].values.tolist()
        [['marginals', 1], ['copy', 2]]
    """
    present = scores.notna().any().to_numpy()
    matrix = scores.fillna(0.0).to_numpy()
    rng = np.random.default_rng(seed)
    rows = []
    for case in cases:
        weights = case.normalised() * present
        if weights.sum() == 0:
            raise BenchError(f"use case '{case.name}' weighs only families this sweep did not measure")
        weights = weights / weights.sum()
        score = matrix @ weights
        draws = rng.dirichlet(np.maximum(weights * STABILITY_CONCENTRATION, 1e-3), STABILITY_DRAWS) * present
        winners = np.argmax(matrix @ (draws / draws.sum(axis=1, keepdims=True)).T, axis=0)
        order = np.argsort(-score, kind="stable")
        for rank, i in enumerate(order, start=1):
            rows.append({"use_case": case.name, "generator": scores.index[i], "score": float(score[i]), "rank": rank,
                         "first_share": float(np.mean(winners == i))})
    return pd.DataFrame(rows)


def plot_use_cases(ranking: pd.DataFrame, cases: list[UseCase]) -> Figure:
    """Generators x use cases, coloured by score; each cell shows the score, the rank and how often
    the generator stays first when the weights move.

    Example:
        >>> scores = pd.DataFrame({"utility": [1.0, 0.0]}, index=["copy", "marginals"]).reindex(columns=list(FAMILIES))
        >>> cases = [UseCase("ml", "", {"utility": 1})]
        >>> fig = plot_use_cases(rank_use_cases(scores, cases), cases)
        >>> fig.axes[0].texts[0].get_text()
        '1.00\\n#1 · first 100%'
    """
    names = [case.name for case in cases]
    generators = sorted(ranking["generator"].unique())
    wide = ranking.set_index(["generator", "use_case"])
    with report_style():
        fig = Figure(figsize=(1.8 + 1.5 * len(names), 1.3 + 0.35 * len(generators)), layout="constrained")
        ax = fig.add_subplot()
        grid = wide["score"].unstack().reindex(index=generators, columns=names)
        ax.imshow(grid.to_numpy(dtype=float), cmap=COLOUR_MAP_GOOD_DARK, vmin=0, vmax=1, aspect="auto")
        for i, generator in enumerate(generators):
            for j, case in enumerate(names):
                row = wide.loc[(generator, case)]
                ax.text(j, i, f"{row['score']:.2f}\n#{int(row['rank'])} · first {row['first_share']:.0%}",
                        ha="center", va="center", fontsize=7, color="white" if row["score"] > 0.55 else "black")
        ax.set_xticks(range(len(names)), names, rotation=20, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(generators)), generators)
        ax.grid(False)
        fig.suptitle("Use cases: weighted family scores (1 = best of this sweep); darker is better")
    return fig


def write_use_cases(runs: pd.DataFrame, specs: list[MetricSpec], tables_dir: Path, figures_dir: Path,
                    path: Path | str = DEFAULT_FILE, dpi: int = 300) -> list[Path]:
    """``use_cases.csv`` (score, rank, stability per use case and generator) and the figure; nothing
    with fewer than 2 generators.

    Example:
        >>> import tempfile
        >>> from bench.report.ranking import _example_runs, _example_spec
        >>> out = Path(tempfile.mkdtemp())
        >>> [p.name for p in write_use_cases(_example_runs(), [_example_spec()], out, out, dpi=50)]
        ['use_cases.csv', 'use_cases.png', 'use_cases.pdf', 'use_cases.svg']
    """
    cases = load_use_cases(path)
    scores = family_scores(runs, specs)
    if len(scores) < 2 or scores.isna().all().all():
        return []
    usable = [case for case in cases if (case.normalised() * scores.notna().any().to_numpy()).sum() > 0]
    if not usable:
        return []
    ranking = rank_use_cases(scores, usable)
    table = Path(tables_dir) / "use_cases.csv"
    table.parent.mkdir(parents=True, exist_ok=True)
    ranking.to_csv(table, index=False)
    return [table, *save_figure(plot_use_cases(ranking, usable), figures_dir, "use_cases", dpi)]


__all__ = ["UseCase", "family_scores", "load_use_cases", "plot_use_cases", "rank_use_cases", "write_use_cases"]
