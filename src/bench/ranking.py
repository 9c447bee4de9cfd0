"""Average ranks of generators with a Friedman test and Nemenyi critical difference (Demšar 2006).

A *block* is one (dataset, seed): every generator of the block is ranked on one metric by the
metric's goal (rank 1 is best; ties share the average rank). A generator whose cell failed or has
no value in a block ranks last in that block (tied with the other failures), so a generator cannot
look good by failing where it would have done badly; ``imputed`` counts those ranks. Blocks in
which fewer than two generators have a value carry no information and are dropped.

The Friedman test asks whether the generators' average ranks differ more than chance would make
them; the Nemenyi critical difference (CD) is the smallest difference of average ranks that is
significant at ``alpha`` for all pairs at once. Seeds of one dataset are not independent samples
of datasets, so read the test as "across the dataset and seed blocks of this sweep".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bench.errors import BenchError
from bench.metrics.base import MetricSpec

FINISHED = "FINISHED"


@dataclass(frozen=True)
class Ranking:
    """Average ranks of the generators on one metric, with the test that says which differences count."""

    metric: str
    ranks: pd.DataFrame  # one row per block (dataset, seed), one column per generator
    imputed: int  # ranks given to failed or missing cells (ranked last in their block)
    chi2: float
    p_value: float
    cd: float
    alpha: float

    @property
    def average(self) -> pd.Series:
        """Average rank per generator, best (lowest) first."""
        return self.ranks.mean().sort_values(kind="mergesort")

    @property
    def n_blocks(self) -> int:
        return len(self.ranks)

    def groups(self) -> list[tuple[str, ...]]:
        """Maximal runs of generators (in rank order) whose average ranks differ by less than the CD:
        the bars of the critical-difference diagram. Singletons are left out.

        Example:
            >>> ranking = rank_generators(_example_runs(), _example_spec())  # 4 blocks: CD 1.66
            >>> ranking.groups()
            [('copy', 'gaussian_copula'), ('gaussian_copula', 'marginals')]
        """
        names, values = list(self.average.index), self.average.to_numpy()
        groups: list[tuple[str, ...]] = []
        for start in range(len(names)):
            end = start
            while end + 1 < len(names) and values[end + 1] - values[start] < self.cd:
                end += 1
            group = tuple(names[start:end + 1])
            if len(group) > 1 and not any(set(group) <= set(g) for g in groups):
                groups.append(group)
        return groups

    def table(self) -> pd.DataFrame:
        """Average rank per generator with the number of blocks and the test's outcome, for a CSV."""
        return pd.DataFrame({"generator": self.average.index, "average_rank": self.average.to_numpy(),
                             "blocks": self.n_blocks, "imputed_ranks": self.imputed, "friedman_chi2": self.chi2,
                             "friedman_p": self.p_value, "nemenyi_cd": self.cd, "alpha": self.alpha})


def _example_spec() -> MetricSpec:
    return MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0), description="TSTR AUROC")


def _example_runs() -> pd.DataFrame:
    """2 datasets x 2 seeds x 3 generators; copy is best everywhere, marginals worst."""
    values = {"copy": 0.9, "gaussian_copula": 0.85, "marginals": 0.6}
    return pd.DataFrame([{"dataset": d, "seed": s, "generator": g, "status": FINISHED,
                          "utility.tstr_auroc": v - 0.01 * s} for d in ("pima", "cardio") for s in (0, 1)
                         for g, v in values.items()])


def nemenyi_cd(k: int, n_blocks: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference of average ranks for ``k`` generators over ``n_blocks`` blocks.

    ``q_alpha`` is the studentized range quantile over the square root of 2 (Demšar 2006, table 5a:
    2.343 for k = 3 at alpha 0.05).

    Example:
        >>> round(nemenyi_cd(3, 10), 3)  # 2.343 * sqrt(3 * 4 / (6 * 10))
        1.048
    """
    if k < 2 or n_blocks < 1:
        raise BenchError(f"a critical difference needs at least 2 generators and 1 block, got {k} and {n_blocks}")
    q_alpha = stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2)
    return float(q_alpha * math.sqrt(k * (k + 1) / (6 * n_blocks)))


def rank_table(runs: pd.DataFrame, spec: MetricSpec) -> tuple[pd.DataFrame, int]:
    """Ranks per (dataset, seed) block and generator, and how many were imputed for failed cells.

    Example:
        >>> ranks, imputed = rank_table(_example_runs(), _example_spec())
        >>> ranks.loc[("pima", 0)].to_dict(), imputed
        ({'copy': 1.0, 'gaussian_copula': 2.0, 'marginals': 3.0}, 0)
    """
    if spec.name not in runs.columns:
        raise BenchError(f"metric '{spec.name}' has no column in the runs table (no cell logged it)")
    values = runs.assign(value=runs[spec.name].where(runs["status"] == FINISHED))
    wide = values.pivot_table(index=["dataset", "seed"], columns="generator", values="value", aggfunc="first",
                              dropna=False)
    wide = wide.reindex(columns=sorted(runs["generator"].unique()))
    wide = wide[wide.notna().sum(axis=1) >= 2]
    scores = spec.loss(wide)
    imputed = int(scores.isna().to_numpy().sum())
    ranks = scores.rank(axis=1, method="average", na_option="bottom")
    return ranks, imputed


def rank_generators(runs: pd.DataFrame, spec: MetricSpec, alpha: float = 0.05) -> Ranking:
    """Average ranks, Friedman test and Nemenyi CD of the generators in ``runs`` on ``spec``.

    Example:
        >>> ranking = rank_generators(_example_runs(), _example_spec())
        >>> ranking.average.to_dict(), ranking.n_blocks, round(ranking.p_value, 4)
        ({'copy': 1.0, 'gaussian_copula': 2.0, 'marginals': 3.0}, 4, 0.0183)
    """
    ranks, imputed = rank_table(runs, spec)
    k, n = ranks.shape[1], ranks.shape[0]
    if k < 2 or n < 2:
        raise BenchError(f"ranking '{spec.name}' needs at least 2 generators and 2 (dataset, seed) blocks with "
                         f"values, got {k} generators and {n} blocks")
    average = ranks.mean().to_numpy()
    chi2 = 12 * n / (k * (k + 1)) * (np.sum(average**2) - k * (k + 1) ** 2 / 4)
    tie_correction = 1 - ((ranks.apply(_tie_sum, axis=1)).sum()) / (n * (k**3 - k))
    chi2 = float(chi2 / tie_correction) if tie_correction > 0 else 0.0
    p_value = float(stats.chi2.sf(chi2, k - 1))
    return Ranking(spec.name, ranks, imputed, chi2, p_value, nemenyi_cd(k, n, alpha), alpha)


def _tie_sum(row: pd.Series) -> float:
    """Sum of t^3 - t over groups of t tied ranks in one block (the Friedman tie correction)."""
    counts = row.value_counts().to_numpy()
    return float(np.sum(counts**3 - counts))


__all__ = ["Ranking", "nemenyi_cd", "rank_generators", "rank_table"]
