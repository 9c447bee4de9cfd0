"""Average ranks of generators over datasets, with the tests that say which differences count.

A *block* is one dataset (Demšar 2006): each generator's metric is first averaged over its seeds on
that dataset, then the generators are ranked within the dataset by the metric's goal (rank 1 is
best; ties share the average rank). The seeds of one dataset share its data split and metric seed,
so they are pseudo-replicates, not independent samples: ranking each (dataset, seed) as a block made
the Friedman test reject about half the time with no generator effect at all. A generator with a
failed or valueless cell in a dataset ranks last there (tied with the other such generators), so a
generator cannot look good by failing where it would have done badly; ``imputed`` counts those
ranks. Datasets on which fewer than two generators have all their values carry no information and
are dropped.

The tests, all at ``alpha``:

- Friedman's test of the average ranks, reported as Iman & Davenport's (1980) F (Demšar 2006,
  eq. 2). Its p-value comes from the permutation distribution of the ranks within datasets on
  small benchmarks, where the F approximation is off (19% rejections instead of 5% for 3
  generators on 3 datasets, 6% for 7 on 3): exact up to ``EXACT_LIMIT`` arrangements, else from
  ``PERMUTATION_DRAWS`` random ones with fewer than ``F_FROM_DATASETS`` datasets; from the F
  distribution with more.
- The Nemenyi critical difference (CD) of average ranks, all pairs at once; read (and drawn as
  bars) only when the Friedman test rejects.
- Pairwise Wilcoxon signed-rank tests over the per-dataset differences (seeds averaged first), with
  Holm's (1979) step-down correction, which Benavoli et al. (2016) recommend over mean-rank
  post-hoc tests. With k generators they need ``wilcoxon_holm_min_datasets(k)`` datasets to reach
  significance at all (7 for 3 generators, 10 for 6).

With one dataset no test is possible, and with two only the Friedman test of 4 or more generators
could reject (its smallest p is 1/k!); ``Ranking.notes`` says plainly when no test can reach
significance.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from bench.errors import BenchError
from bench.metrics.base import MetricSpec

FINISHED = "FINISHED"
EXACT_LIMIT = 10**6  # arrangements of ranks within datasets up to which the Friedman p is exact
PERMUTATION_DRAWS = 20_000  # random arrangements for the Friedman p past EXACT_LIMIT, below F_FROM_DATASETS
F_FROM_DATASETS = 10  # datasets from which the Friedman p comes from the F distribution (Demšar 2006: N > 10)
PAIR_COLUMNS = ("generator_a", "generator_b", "datasets", "a_better", "b_better", "median_advantage",
                "p_wilcoxon", "p_holm", "significant")


@dataclass(frozen=True)
class Ranking:
    """Average ranks of the generators on one metric over dataset blocks, with the tests that say which
    differences count (see the module's notes)."""

    metric: str
    ranks: pd.DataFrame  # one row per dataset (block), one column per generator
    imputed: int  # ranks given to generators with a failed or valueless cell in a dataset (last there)
    chi2: float  # Friedman's chi-square, tie-corrected; NaN with one dataset
    f_stat: float  # Iman-Davenport F; inf when every dataset ranks the generators alike
    p_value: float  # of the Friedman test; NaN with one dataset
    # where p_value comes from: "exact permutation", "20,000 random permutations", "F distribution", "none"
    p_method: str
    cd: float  # Nemenyi critical difference of average ranks at alpha
    alpha: float
    pairs: pd.DataFrame  # pairwise Wilcoxon signed-rank tests with Holm's correction (PAIR_COLUMNS)
    seeds: tuple[int, int] = (1, 1)  # fewest and most seeds averaged into one dataset's value

    @property
    def average(self) -> pd.Series:
        """Average rank per generator, best (lowest) first."""
        return self.ranks.mean().sort_values(kind="mergesort")

    @property
    def n_blocks(self) -> int:
        """The datasets ranked on."""
        return len(self.ranks)

    @property
    def k(self) -> int:
        """The generators ranked."""
        return self.ranks.shape[1]

    @property
    def rejected(self) -> bool:
        """Whether the Friedman test rejects equal average ranks at ``alpha`` (never with one dataset)."""
        return bool(self.p_value < self.alpha)

    @property
    def omnibus_possible(self) -> bool:
        """Whether this many datasets could let the Friedman test reject at all."""
        return smallest_friedman_p(self.k, self.n_blocks) <= self.alpha

    @property
    def pairs_possible(self) -> bool:
        """Whether this many datasets could make a Holm-corrected pairwise Wilcoxon test significant."""
        return self.n_blocks >= wilcoxon_holm_min_datasets(self.k, self.alpha)

    def groups(self) -> list[tuple[str, ...]]:
        """Maximal runs of generators (in rank order) whose average ranks differ by less than the CD:
        the bars of the critical-difference diagram. Singletons are left out. When the Friedman test
        does not reject, no difference is read (Demšar 2006) and one bar joins them all.

        Example:
            >>> ranking = rank_generators(_example_runs(), _example_spec())  # 5 datasets: CD 1.48
            >>> ranking.groups()
            [('copy', 'gaussian_copula'), ('gaussian_copula', 'marginals')]
            >>> rank_generators(_example_runs(datasets=2), _example_spec()).groups()  # too few to reject
            [('copy', 'gaussian_copula', 'marginals')]
        """
        names, values = list(self.average.index), self.average.to_numpy()
        if not self.rejected:
            return [tuple(names)]
        groups: list[tuple[str, ...]] = []
        for start in range(len(names)):
            end = start
            while end + 1 < len(names) and values[end + 1] - values[start] < self.cd:
                end += 1
            group = tuple(names[start:end + 1])
            if len(group) > 1 and not any(set(group) <= set(g) for g in groups):
                groups.append(group)
        return groups

    def seeds_text(self) -> str:
        """The seeds averaged per dataset: ``3`` or ``1-3``."""
        low, high = self.seeds
        return f"{low}" if low == high else f"{low}-{high}"

    def notes(self) -> list[str]:
        """Plain sentences for the diagram and the tables: the blocks, the tests used and what they found,
        or that too few datasets let no test reach significance.

        Example:
            >>> for line in rank_generators(_example_runs(datasets=2), _example_spec()).notes():
            ...     print(line)
            Blocks: 2 datasets, each generator's value averaged over its 2 seeds there first (the seeds of a dataset share its split: not independent).
            2 datasets are too few for any test to reach significance at alpha 0.05 with 3 generators (smallest possible Friedman p 0.17): the ranks are descriptive only.
        """  # noqa: E501 - a doctest's expected output, kept whole
        n, k, alpha = self.n_blocks, self.k, self.alpha
        lines = [f"Blocks: {_plural(n, 'dataset')}, one seed each." if self.seeds[1] == 1 else
                 f"Blocks: {_plural(n, 'dataset')}, each generator's value averaged over its {self.seeds_text()} "
                 "seeds there first (the seeds of a dataset share its split: not independent)."]
        if n == 1:
            lines.append("One dataset: no test is possible; the ranks are descriptive only.")
        elif not (self.omnibus_possible or self.pairs_possible):
            lines.append(f"{n} datasets are too few for any test to reach "
                         f"significance at alpha {alpha:g} with {k} generators (smallest possible Friedman p "
                         f"{smallest_friedman_p(k, n):.2g}): the ranks are descriptive only.")
        else:
            lines += self._test_notes()
        if self.imputed:
            lines.append(f"{_plural(self.imputed, 'rank')} imputed: a generator with a failed or valueless cell "
                         "in a dataset ranks last there.")
        return lines

    def _test_notes(self) -> list[str]:
        n, k, alpha = self.n_blocks, self.k, self.alpha
        verdict = "differ significantly" if self.rejected else "do not differ significantly"
        f_text = "inf (every dataset ranks them alike)" if math.isinf(self.f_stat) else f"{self.f_stat:.3g}"
        lines = [f"Friedman test as Iman-Davenport F = {f_text} (df {k - 1}, {(k - 1) * (n - 1)}), "
                 f"p = {self.p_value:.2g} ({self.p_method}): the average ranks {verdict} at alpha {alpha:g}.",
                 f"Bars: within the Nemenyi critical difference {self.cd:.2f}, all pairs at once"
                 + ("." if k - 1 > self.cd else f" (no pair can differ by more on {n} datasets).") if self.rejected
                 else "Bar: all generators, none told apart (the Friedman test did not reject)."]
        if self.pairs_possible:
            lines.append(f"Pairwise Wilcoxon signed-rank tests of the per-dataset differences, Holm-corrected: "
                         f"{int(self.pairs['significant'].sum())} of {len(self.pairs)} pairs significant.")
        else:
            lines.append(f"Pairwise Wilcoxon signed-rank tests (Holm-corrected) need at least "
                         f"{wilcoxon_holm_min_datasets(k, alpha)} datasets for {k} generators: none can be "
                         "significant here.")
        return lines

    def table(self) -> pd.DataFrame:
        """Average rank per generator with the datasets, the seeds averaged and the tests' outcome, for a CSV."""
        return pd.DataFrame({"generator": self.average.index, "average_rank": self.average.to_numpy(),
                             "datasets": self.n_blocks, "seeds_per_dataset": self.seeds_text(),
                             "imputed_ranks": self.imputed, "friedman_chi2": self.chi2,
                             "iman_davenport_f": self.f_stat, "friedman_p": self.p_value, "p_method": self.p_method,
                             "significant": self.rejected, "nemenyi_cd": self.cd, "alpha": self.alpha})


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _example_spec() -> MetricSpec:
    return MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0), description="TSTR AUROC")


def _example_runs(datasets: int = 5) -> pd.DataFrame:
    """``datasets`` datasets (up to 5) x 2 seeds x 3 generators; copy is best everywhere, marginals worst."""
    values = {"copy": 0.9, "gaussian_copula": 0.85, "marginals": 0.6}
    names = ("pima", "cardio", "heart_failure", "sepsis_like", "diabetes")[:datasets]
    return pd.DataFrame([{"dataset": d, "seed": s, "generator": g, "status": FINISHED,
                          "utility.tstr_auroc": v - 0.01 * s} for d in names for s in (0, 1)
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
    return float(_nemenyi_q(k, alpha) * math.sqrt(k * (k + 1) / (6 * n_blocks)))


@functools.lru_cache(maxsize=None)
def _nemenyi_q(k: int, alpha: float) -> float:
    """The studentized range quantile over sqrt(2) (slow to compute: kept once per k and alpha)."""
    return float(stats.studentized_range.ppf(1 - alpha, k, np.inf) / math.sqrt(2))


def smallest_friedman_p(k: int, n_blocks: int) -> float:
    """The smallest p-value the exact Friedman test can give for ``k`` generators on ``n_blocks`` datasets:
    every dataset ranking them alike, one arrangement of the (k!)^(n-1) that fix the first dataset.

    Example:
        >>> round(smallest_friedman_p(3, 2), 3), round(smallest_friedman_p(3, 3), 4), smallest_friedman_p(4, 1)
        (0.167, 0.0278, 1.0)
    """
    return 1.0 / math.factorial(k) ** max(n_blocks - 1, 0)


def wilcoxon_holm_min_datasets(k: int, alpha: float = 0.05) -> int:
    """The fewest datasets on which a two-sided Wilcoxon signed-rank test can be significant after Holm's
    correction over the k(k-1)/2 pairs: its smallest exact p, 2 / 2^n, must reach alpha / (k(k-1)/2).

    Example:
        >>> wilcoxon_holm_min_datasets(2), wilcoxon_holm_min_datasets(3), wilcoxon_holm_min_datasets(6)
        (6, 7, 10)
    """
    pairs = k * (k - 1) / 2
    return 1 + max(1, math.ceil(math.log2(pairs / alpha)))


def dataset_means(runs: pd.DataFrame, spec: MetricSpec) -> pd.DataFrame:
    """Each generator's metric averaged over its seeds on each dataset (rows dataset, columns generator);
    NaN where one of its cells on the dataset failed or has no value, or where it never ran.

    Example:
        >>> runs = _example_runs(datasets=1)
        >>> runs.loc[(runs["generator"] == "copy") & (runs["seed"] == 1), "status"] = "FAILED"
        >>> dataset_means(runs, _example_spec()).loc["pima"].round(3).to_dict()
        {'copy': nan, 'gaussian_copula': 0.845, 'marginals': 0.595}
    """
    if spec.name not in runs.columns:
        raise BenchError(f"metric '{spec.name}' has no column in the runs table (no cell logged it)")
    value = pd.to_numeric(runs[spec.name], errors="coerce").where(runs["status"] == FINISHED)
    cells = runs.assign(value=value).groupby(["dataset", "generator"])["value"]
    means = cells.mean().where(cells.count() == cells.size())
    return means.unstack("generator").reindex(columns=sorted(runs["generator"].unique()))


def _block_losses(runs: pd.DataFrame, spec: MetricSpec) -> pd.DataFrame:
    """``dataset_means`` turned so that lower is better, on the datasets where 2+ generators have values."""
    means = dataset_means(runs, spec)
    return spec.loss(means[means.notna().sum(axis=1) >= 2])


def rank_table(runs: pd.DataFrame, spec: MetricSpec) -> tuple[pd.DataFrame, int]:
    """Ranks per dataset block and generator (seeds averaged first), and how many were imputed for
    generators with a failed or valueless cell on the dataset (ranked last there).

    Example:
        >>> ranks, imputed = rank_table(_example_runs(), _example_spec())
        >>> ranks.loc["pima"].to_dict(), imputed
        ({'copy': 1.0, 'gaussian_copula': 2.0, 'marginals': 3.0}, 0)
    """
    losses = _block_losses(runs, spec)
    return losses.rank(axis=1, method="average", na_option="bottom"), int(losses.isna().to_numpy().sum())


def friedman_chi2(ranks: np.ndarray) -> float:
    """Friedman's chi-square of ``ranks`` (rows blocks, columns generators), corrected for ties; equal to
    ``scipy.stats.friedmanchisquare`` (Demšar 2006, eq. 1).

    Example:
        >>> friedman_chi2(np.array([[1.0, 2.0, 3.0]] * 3))
        6.0
    """
    n, k = ranks.shape
    average = ranks.mean(axis=0)
    chi2 = 12 * n / (k * (k + 1)) * (np.sum(average**2) - k * (k + 1) ** 2 / 4)
    correction = 1 - sum(_tie_sum(row) for row in ranks) / (n * (k**3 - k))
    return float(chi2 / correction) if correction > 0 else 0.0


def _tie_sum(row: np.ndarray) -> float:
    """Sum of t^3 - t over groups of t tied ranks in one block (the Friedman tie correction)."""
    counts = np.unique(row, return_counts=True)[1]
    return float(np.sum(counts**3 - counts))


def iman_davenport(chi2: float, k: int, n_blocks: int) -> float:
    """Iman & Davenport's (1980) F = (N-1) chi2 / (N(k-1) - chi2), F-distributed on k-1 and (k-1)(N-1)
    degrees of freedom (Demšar 2006, eq. 2); inf when every block ranks alike, NaN with one block.

    Example:
        >>> round(iman_davenport(14 / 3, 3, 3), 3), iman_davenport(6.0, 3, 3)
        (7.0, inf)
    """
    if n_blocks < 2:
        return math.nan
    room = n_blocks * (k - 1) - chi2
    return math.inf if room <= 1e-9 * n_blocks * k else float((n_blocks - 1) * chi2 / room)


def exact_friedman_p(ranks: np.ndarray, limit: int = EXACT_LIMIT) -> float | None:
    """The exact permutation p-value of the Friedman statistic: the share of the arrangements of each
    block's ranks (the first block fixed) whose rank sums spread at least as much as observed; ties
    stay as they are. None when there are more than ``limit`` arrangements.

    Example:
        >>> round(exact_friedman_p(np.array([[1.0, 2.0, 3.0]] * 3)), 4)  # 1/36 (Friedman's exact table)
        0.0278
        >>> round(exact_friedman_p(np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 3.0, 2.0]])), 3)
        0.194
    """
    n, k = ranks.shape
    if math.factorial(k) ** (n - 1) > limit:
        return None
    orders = np.array(list(itertools.permutations(range(k))))
    sums = ranks[:1]
    for row in ranks[1:]:
        sums = (sums[:, None, :] + row[orders][None, :, :]).reshape(-1, k)
    spread, observed = np.sum(sums**2, axis=1), float(np.sum(ranks.sum(axis=0) ** 2))
    return float(np.mean(spread >= observed - 1e-9))


def sampled_friedman_p(ranks: np.ndarray, draws: int = PERMUTATION_DRAWS, seed: int = 0) -> float:
    """The permutation p-value of the Friedman statistic from ``draws`` random arrangements of each block's
    ranks (the first block fixed), counting the observed one: (1 + as spread) / (1 + draws). Seeded, so
    the same ranks give the same p.

    Example:
        >>> ranks = np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 4.0, 3.0]])
        >>> round(sampled_friedman_p(ranks), 3), round(exact_friedman_p(ranks), 3)  # near the exact p
        (0.033, 0.033)
    """
    n, k = ranks.shape
    shuffled = np.random.default_rng(seed).permuted(np.tile(ranks[1:], (draws, 1, 1)), axis=2)
    spread = np.sum((ranks[0] + shuffled.sum(axis=1)) ** 2, axis=1)
    observed = float(np.sum(ranks.sum(axis=0) ** 2))
    return float((1 + np.sum(spread >= observed - 1e-9)) / (1 + draws))


def friedman_test(ranks: np.ndarray) -> tuple[float, float, float, str]:
    """``(chi2, F, p, where p comes from)`` of the Friedman test on ``ranks`` (rows datasets): F is Iman and
    Davenport's; p is exact (permutations) when ``exact_friedman_p`` can enumerate them, else from random
    permutations with fewer than ``F_FROM_DATASETS`` datasets, else from the F distribution; with one
    dataset there is no test.

    Example:
        >>> chi2, f, p, method = friedman_test(np.array([[1.0, 2.0, 3.0]] * 3))
        >>> chi2, f, round(p, 4), method
        (6.0, inf, 0.0278, 'exact permutation')
    """
    n, k = ranks.shape
    if n < 2:
        return math.nan, math.nan, math.nan, "none"
    chi2 = friedman_chi2(ranks)
    f_stat = iman_davenport(chi2, k, n)
    exact = exact_friedman_p(ranks)
    if exact is not None:
        return chi2, f_stat, exact, "exact permutation"
    if n < F_FROM_DATASETS:
        return chi2, f_stat, sampled_friedman_p(ranks), f"{PERMUTATION_DRAWS:,} random permutations"
    return chi2, f_stat, float(stats.f.sf(f_stat, k - 1, (k - 1) * (n - 1))), "F distribution"


def holm(p_values: np.ndarray | list[float]) -> np.ndarray:
    """Holm's (1979) step-down adjusted p-values: reject where the adjusted p is below alpha.

    Example:
        >>> holm([0.01, 0.04, 0.03]).round(3).tolist()
        [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="mergesort")
    adjusted = np.minimum(np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order]), 1.0)
    out = np.empty_like(p)
    out[order] = adjusted
    return out


def paired_differences(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per dataset, how much lower the ``first`` generator's loss is than the ``second``'s (positive: first
    better). Where only one of them has a value, the other counts as worse than any observed difference
    (failing never helps); where neither has, 0.

    Example:
        >>> paired_differences(np.array([0.1, 0.2, math.nan]), np.array([0.3, math.nan, 0.5])).round(2).tolist()
        [0.2, 1.4, -1.4]
    """
    diff = second - first
    observed = np.abs(diff[np.isfinite(diff)])
    beyond = 2 * (observed.max() if observed.size else 0.0) + 1.0
    diff = np.where(np.isnan(first) & ~np.isnan(second), -beyond, diff)
    diff = np.where(~np.isnan(first) & np.isnan(second), beyond, diff)
    return np.where(np.isnan(first) & np.isnan(second), 0.0, diff)


def wilcoxon_p(differences: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences (exact for small samples; zero
    differences dropped); 1 when none is non-zero.

    Example:
        >>> wilcoxon_p(np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])), wilcoxon_p(np.zeros(3))
        (0.03125, 1.0)
    """
    nonzero = differences[differences != 0]
    if nonzero.size == 0:
        return 1.0
    return float(stats.wilcoxon(nonzero).pvalue)


def pairwise_wilcoxon(losses: pd.DataFrame, order: list[str], alpha: float = 0.05) -> pd.DataFrame:
    """Every pair of ``order`` (generator_a ranked better on average) compared over the datasets with a
    Wilcoxon signed-rank test of the per-dataset differences, Holm-corrected over all pairs (Demšar 2006;
    Benavoli et al. 2016); ``median_advantage`` is a's median advantage over b in the metric's units
    (how much closer, for a target goal), over the datasets where both have a value.

    Example:
        >>> losses = pd.DataFrame({"a": [0.1] * 6, "b": [0.2] * 6})
        >>> pair = pairwise_wilcoxon(losses, ["a", "b"]).iloc[0]
        >>> pair[["datasets", "a_better", "p_wilcoxon", "significant"]].tolist()
        [6, 6, 0.03125, True]
    """
    rows, columns = [], {name: losses[name].to_numpy(dtype=float) for name in order}
    for a, b in itertools.combinations(order, 2):
        diff = paired_differences(columns[a], columns[b])
        both = ~(np.isnan(columns[a]) | np.isnan(columns[b]))
        rows.append({"generator_a": a, "generator_b": b, "datasets": len(diff), "a_better": int((diff > 0).sum()),
                     "b_better": int((diff < 0).sum()),
                     "median_advantage": float(np.median(diff[both])) if both.any() else math.nan,
                     "p_wilcoxon": wilcoxon_p(diff)})
    table = pd.DataFrame(rows, columns=list(PAIR_COLUMNS[:-2]))
    table["p_holm"] = holm(table["p_wilcoxon"].to_numpy())
    table["significant"] = table["p_holm"] < alpha
    return table


def rank_generators(runs: pd.DataFrame, spec: MetricSpec, alpha: float = 0.05) -> Ranking:
    """Average ranks over dataset blocks (seeds averaged first), the Friedman test (Iman-Davenport F, with a
    permutation p on small benchmarks), the Nemenyi CD and pairwise Wilcoxon-Holm tests of the generators
    on ``spec``.

    Example:
        >>> ranking = rank_generators(_example_runs(), _example_spec())
        >>> ranking.average.to_dict(), ranking.n_blocks, round(ranking.p_value, 4), ranking.p_method
        ({'copy': 1.0, 'gaussian_copula': 2.0, 'marginals': 3.0}, 5, 0.0008, 'exact permutation')
    """
    losses = _block_losses(runs, spec)
    ranks = losses.rank(axis=1, method="average", na_option="bottom")
    n, k = ranks.shape
    if k < 2 or n < 1:
        raise BenchError(f"ranking '{spec.name}' needs at least 2 generators and 1 dataset on which 2 of them "
                         f"have values, got {k} generators and {n} such datasets")
    chi2, f_stat, p_value, method = friedman_test(ranks.to_numpy(dtype=float))
    order = list(ranks.mean().sort_values(kind="mergesort").index)
    seeds = runs[runs["dataset"].isin(ranks.index)].groupby("dataset")["seed"].nunique()
    return Ranking(spec.name, ranks, int(losses.isna().to_numpy().sum()), chi2, f_stat, p_value, method,
                   nemenyi_cd(k, n, alpha), alpha, pairwise_wilcoxon(losses, order, alpha),
                   (int(seeds.min()), int(seeds.max())))


__all__ = ["PAIR_COLUMNS", "Ranking", "dataset_means", "exact_friedman_p", "friedman_chi2", "friedman_test", "holm",
           "iman_davenport", "nemenyi_cd", "paired_differences", "pairwise_wilcoxon", "rank_generators", "rank_table",
           "sampled_friedman_p", "smallest_friedman_p", "wilcoxon_holm_min_datasets", "wilcoxon_p"]
