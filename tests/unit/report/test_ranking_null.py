"""Known-answer simulations of the ranking's tests (Demšar 2006): with no generator effect, and the seeds of a
dataset sharing a dataset-level effect (one split and one metric seed: pseudo-replicates), the tests over
dataset blocks reject at about their nominal 5%; the old procedure, seeds as Friedman and Wilcoxon blocks,
rejects about half the time on the same data (so the simulation can tell); with a real effect they reject.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.metrics.base import MetricSpec
from bench.report.ranking import friedman_test, holm, rank_generators

AUROC = MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0), description="TSTR AUROC")
GENERATORS = np.array(["a", "b", "c"])
SEEDS = 5
ALPHA = 0.05


def simulate(rng: np.random.Generator, datasets: int, effect: float = 0.0) -> np.ndarray:
    """Metric values (dataset, seed, generator): a dataset x generator effect that every seed of the dataset
    shares (sd 1), seed noise (sd 0.3), and ``effect`` added to generator 'a' everywhere."""
    values = rng.normal(0, 1, (datasets, 1, len(GENERATORS))) + rng.normal(0, 0.3, (datasets, SEEDS, len(GENERATORS)))
    values[..., 0] += effect
    return values


def runs_table(values: np.ndarray) -> pd.DataFrame:
    dataset, seed, generator = np.indices(values.shape).reshape(3, -1)
    return pd.DataFrame({"dataset": [f"d{i}" for i in dataset], "seed": seed, "generator": GENERATORS[generator],
                         "status": "FINISHED", AUROC.name: values.ravel()})


def old_rejections(values: np.ndarray, pairs: bool) -> tuple[bool, bool]:
    """The old procedure: every (dataset, seed) a block; Friedman chi-square, and (with ``pairs``)
    Holm-corrected Wilcoxon signed-rank tests over the (dataset, seed) differences."""
    blocks = values.reshape(-1, values.shape[-1])
    friedman = stats.friedmanchisquare(*blocks.T).pvalue < ALPHA
    if not pairs:
        return bool(friedman), False
    p_values = [stats.wilcoxon(blocks[:, i] - blocks[:, j]).pvalue for i, j in ((0, 1), (0, 2), (1, 2))]
    return bool(friedman), bool((holm(p_values) < ALPHA).any())


def rejection_rates(datasets: int, simulations: int, effect: float = 0.0, seed: int = 0,
                    old_pairs: bool = False) -> dict[str, float]:
    """Shares of the simulated benchmarks in which each procedure claims a difference at ALPHA."""
    rng = np.random.default_rng(seed)
    counts = dict.fromkeys(("old_friedman", "old_pairs", "friedman", "pairs"), 0)
    for _ in range(simulations):
        values = simulate(rng, datasets, effect)
        old_friedman, old_pair = old_rejections(values, old_pairs)
        ranking = rank_generators(runs_table(values), AUROC, alpha=ALPHA)
        counts["old_friedman"] += old_friedman
        counts["old_pairs"] += old_pair
        counts["friedman"] += ranking.rejected
        counts["pairs"] += bool(ranking.pairs["significant"].any())
    return {name: count / simulations for name, count in counts.items()}


@pytest.mark.parametrize("datasets, method", [(6, "exact permutation"), (12, "F distribution")])
def test_under_the_null_the_tests_reject_near_alpha_and_seeds_as_blocks_would_not(datasets, method):
    values = simulate(np.random.default_rng(0), datasets)
    assert rank_generators(runs_table(values), AUROC).p_method == method  # both ways to a p-value are covered
    rates = rejection_rates(datasets, simulations=400, old_pairs=datasets == 12)
    assert 0.01 <= rates["friedman"] <= 0.10, rates
    assert rates["old_friedman"] > 0.2, rates  # the pseudo-replicates the simulation holds do show
    if datasets == 12:  # enough datasets for a Holm-corrected Wilcoxon test to be significant at all
        assert rates["pairs"] <= 0.10 and rates["old_pairs"] > 0.2, rates
    else:
        assert rates["pairs"] == 0, rates  # 6 datasets, 3 pairs: the smallest Holm p is 3 * 2 / 2^6 > 0.05


def test_with_a_real_generator_effect_the_tests_reject():
    rates = rejection_rates(datasets=12, simulations=100, effect=1.5, seed=1)
    assert rates["friedman"] > 0.6 and rates["pairs"] > 0.6, rates


def test_seven_generators_on_three_datasets_the_default_benchmark_shape_hold_the_level_too():
    # 5040^2 arrangements: past the exact enumeration, so p comes from random permutations.
    rng, simulations, old, new = np.random.default_rng(2), 400, 0, 0
    for _ in range(simulations):
        values = rng.normal(0, 1, (3, 1, 7)) + rng.normal(0, 0.3, (3, 3, 7))  # 3 datasets x 3 seeds x 7
        old += stats.friedmanchisquare(*values.reshape(-1, 7).T).pvalue < ALPHA
        ranks = stats.rankdata(-values.mean(axis=1), axis=1)
        _, _, p_value, method = friedman_test(ranks)
        new += p_value < ALPHA
    assert method == "20,000 random permutations"
    assert 0.01 <= new / simulations <= 0.10 and old / simulations > 0.2, (new, old)
