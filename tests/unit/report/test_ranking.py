"""Average ranks over dataset blocks, the Friedman test (Iman-Davenport F, exact permutation p), the Nemenyi
critical difference and pairwise Wilcoxon-Holm tests, checked against scipy, Demšar (2006) and Friedman's
exact table."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.errors import BenchError
from bench.metrics.base import MetricSpec
from bench.report.figures.critical_difference import write_rankings
from bench.report.ranking import (
    exact_friedman_p,
    friedman_test,
    holm,
    iman_davenport,
    nemenyi_cd,
    rank_generators,
    rank_table,
    sampled_friedman_p,
    smallest_friedman_p,
    wilcoxon_holm_min_datasets,
)

AUROC = MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0), description="TSTR AUROC")
WALL = MetricSpec("cost.fit_wall_s", goal="minimize", range=(0.0, float("inf")), description="fit time")
SHARE = MetricSpec("privacy.dcr_closer_to_train", goal=0.5, range=(0.0, 1.0), description="ideal 0.5")
# Demšar (2006), table 5a: q_0.05 of the Nemenyi test for k = 2 ... 10 classifiers.
DEMSAR_Q05 = (1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164)


def runs_from(values, metric="utility.tstr_auroc", failed=()):
    """values: {generator: [value per block]}, blocks are (dataset d<i // 3>, seed i % 3)."""
    return pd.DataFrame([{"dataset": f"d{i // 3}", "seed": i % 3, "generator": g,
                          "status": "FAILED" if (g, i) in failed else "FINISHED",
                          metric: math.nan if (g, i) in failed else v}
                         for g, vs in values.items() for i, v in enumerate(vs)])


@pytest.mark.parametrize("k, q", zip(range(2, 11), DEMSAR_Q05))
def test_critical_difference_matches_demsars_table(k, q):
    n = 12
    assert nemenyi_cd(k, n) == pytest.approx(q * math.sqrt(k * (k + 1) / (6 * n)), abs=2e-3)


def test_friedman_statistic_equals_scipys_on_dataset_blocks_including_ties():
    rng = np.random.default_rng(3)
    per_dataset = {g: np.round(rng.normal(m, 0.05, 12), 1)
                   for g, m in (("a", 0.8), ("b", 0.75), ("c", 0.7), ("d", 0.7))}
    values = {g: np.repeat(v, 3) for g, v in per_dataset.items()}  # 12 datasets x 3 seeds
    ranking = rank_generators(runs_from(values), AUROC)
    assert ranking.n_blocks == 12 and ranking.seeds == (3, 3) and ranking.p_method == "F distribution"
    reference = stats.friedmanchisquare(*[per_dataset[g] for g in sorted(per_dataset)])
    assert ranking.chi2 == pytest.approx(reference.statistic)
    n, k, chi2 = 12, 4, reference.statistic
    assert ranking.f_stat == pytest.approx((n - 1) * chi2 / (n * (k - 1) - chi2))  # Demšar (2006), eq. 2
    assert ranking.p_value == pytest.approx(stats.f.sf(ranking.f_stat, k - 1, (k - 1) * (n - 1)))
    assert ranking.p_value != pytest.approx(reference.pvalue, rel=0.01)  # not the chi-square p
    assert (ranking.ranks.to_numpy() % 0.5 == 0).all() and (ranking.ranks.sum(axis=1) == 10).all()  # ties averaged
    assert (ranking.ranks.to_numpy() % 1 == 0.5).any()


def test_seeds_are_averaged_within_a_dataset_before_ranking():
    # "a" wins two seeds narrowly and loses one badly: its mean over the seeds is lower, so it ranks second.
    values = {"a": [0.81, 0.81, 0.50], "b": [0.80, 0.80, 0.80]}
    ranking = rank_generators(runs_from(values), AUROC)
    assert ranking.n_blocks == 1 and ranking.ranks.loc["d0"].to_dict() == {"a": 2.0, "b": 1.0}
    assert math.isnan(ranking.p_value) and ranking.p_method == "none" and not ranking.rejected


def test_exact_p_values_match_friedmans_table_and_brute_force():
    alike = np.array([[1.0, 2.0, 3.0]] * 3)
    one_swap = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 3.0, 2.0]])
    assert exact_friedman_p(alike) == pytest.approx(1 / 36)  # Friedman's exact table, k = 3, N = 3
    assert exact_friedman_p(one_swap) == pytest.approx(0.194, abs=1e-3)
    assert stats.f.sf(iman_davenport(14 / 3, 3, 3), 2, 4) < 0.05  # the F approximation would reject the one-swap case
    assert friedman_test(one_swap)[2:] == (pytest.approx(0.194, abs=1e-3), "exact permutation")
    ranks = np.array([[1.0, 2.5, 2.5, 4.0], [2.0, 1.0, 4.0, 3.0], [1.0, 3.0, 2.0, 4.0]])  # ties included
    observed = np.sum(ranks.sum(axis=0) ** 2)
    spreads = [np.sum((ranks[0] + ranks[1][list(p1)] + ranks[2][list(p2)]) ** 2)
               for p1 in itertools.permutations(range(4)) for p2 in itertools.permutations(range(4))]
    assert exact_friedman_p(ranks) == pytest.approx(np.mean(np.array(spreads) >= observed - 1e-9))
    assert exact_friedman_p(ranks, limit=100) is None  # 24^2 arrangements: past the limit
    assert sampled_friedman_p(ranks) == pytest.approx(exact_friedman_p(ranks), abs=0.01)  # random permutations


def test_the_friedman_p_comes_from_permutations_on_few_datasets_and_the_f_distribution_on_many():
    rng = np.random.default_rng(4)
    few = np.argsort(rng.random((3, 7)), axis=1) + 1.0  # 5040^2 arrangements: too many to enumerate
    chi2, f_stat, p_value, method = friedman_test(few)
    assert method == "20,000 random permutations" and p_value == friedman_test(few)[2]  # seeded: reproducible
    many = np.argsort(rng.random((12, 7)), axis=1) + 1.0
    chi2, f_stat, p_value, method = friedman_test(many)
    assert method == "F distribution" and p_value == pytest.approx(stats.f.sf(f_stat, 6, 66))


def test_the_smallest_attainable_p_values_are_known():
    assert smallest_friedman_p(3, 2) == pytest.approx(1 / 6) and smallest_friedman_p(4, 2) == pytest.approx(1 / 24)
    for k in (2, 3, 6):
        fewest, pairs = wilcoxon_holm_min_datasets(k), k * (k - 1) // 2
        for n, reachable in ((fewest - 1, False), (fewest, True)):
            smallest = stats.wilcoxon(np.arange(1.0, n + 1)).pvalue  # every difference on one side
            assert bool(smallest * pairs <= 0.05) == reachable, (k, n)


def test_holm_adjusts_step_down_and_keeps_the_order():
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted.tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]).tolist() == pytest.approx([1.0, 1.0])


def test_ranks_follow_the_metric_goal():
    values = {"fast": [1.0, 2.0, 1.5], "slow": [10.0, 20.0, 15.0]}
    assert rank_table(runs_from(values, "cost.fit_wall_s"), WALL)[0]["fast"].eq(1).all()
    shares = {"ideal": [0.49, 0.52, 0.5], "memorises": [0.9, 0.95, 0.2]}  # 0.2 is as far from 0.5 as 0.8
    assert rank_table(runs_from(shares, SHARE.name), SHARE)[0]["ideal"].eq(1).all()
    aurocs = {"good": [0.9, 0.8, 0.85], "bad": [0.5, 0.6, 0.55]}
    assert rank_table(runs_from(aurocs), AUROC)[0]["good"].eq(1).all()


def test_failed_cells_rank_last_on_their_dataset_and_are_counted_and_empty_datasets_are_dropped():
    values = {"a": [0.9] * 6, "b": [0.8] * 6, "c": [0.7] * 6}  # datasets d0 (seeds 0-2) and d1
    # "a" fails one seed of d0, where it is best on the others: it ranks last on d0, failing never helps;
    # on d1 only "c" has values: the dataset says nothing.
    failed = {("a", 0), ("a", 3), ("b", 4)}
    ranks, imputed = rank_table(runs_from(values, failed=failed), AUROC)
    assert list(ranks.index) == ["d0"] and imputed == 1
    assert ranks.loc["d0"].to_dict() == {"a": 3.0, "b": 1.0, "c": 2.0}
    ranking = rank_generators(runs_from(values, failed=failed), AUROC)
    assert ranking.imputed == 1 and "1 rank imputed" in " ".join(ranking.notes())
    assert rank_table(runs_from(values), AUROC)[0].loc["d0"].to_dict() == {"a": 1.0, "b": 2.0, "c": 3.0}


def test_clearly_separated_generators_are_not_grouped_and_equal_ones_are():
    rng = np.random.default_rng(0)
    apart = {g: m + rng.normal(0, 0.01, 90) for g, m in (("best", 0.9), ("middle", 0.7), ("worst", 0.5))}
    ranking = rank_generators(runs_from(apart), AUROC)  # 30 datasets
    assert list(ranking.average.index) == ["best", "middle", "worst"] and ranking.groups() == []
    assert ranking.p_value < 1e-6 and ranking.rejected and math.isinf(ranking.f_stat)
    assert ranking.pairs["significant"].all() and (ranking.pairs["a_better"] == 30).all()
    tied = rank_generators(runs_from({g: [0.7] * 6 for g in ("x", "y", "z")}), AUROC)
    assert tied.groups() == [("x", "y", "z")] and tied.chi2 == 0 and tied.p_value == 1


def test_too_few_datasets_are_said_plainly_and_nothing_is_significant():
    # Two datasets on which "a" beats "b" beats "c" on every seed: with seeds as blocks (6 blocks) the old
    # chi-square test called this significant (p 0.0025); two datasets cannot show it.
    values = {"a": [0.9, 0.91, 0.92] * 2, "b": [0.8, 0.81, 0.82] * 2, "c": [0.7, 0.71, 0.72] * 2}
    assert stats.friedmanchisquare(*values.values()).pvalue < 0.01
    ranking = rank_generators(runs_from(values), AUROC)
    assert ranking.n_blocks == 2 and ranking.p_value == pytest.approx(1 / 6) and not ranking.rejected
    assert not ranking.omnibus_possible and not ranking.pairs_possible
    assert ranking.groups() == [("a", "b", "c")] and not ranking.pairs["significant"].any()
    notes = " ".join(ranking.notes())
    assert "2 datasets are too few for any test to reach significance" in notes and "descriptive only" in notes
    assert "Iman-Davenport" not in notes


def test_notes_and_table_name_the_tests_used():
    values = {"a": [0.9] * 15, "b": [0.8] * 15, "c": [0.7] * 15}  # 5 datasets x 3 seeds, alike everywhere
    ranking = rank_generators(runs_from(values), AUROC)
    notes = " ".join(ranking.notes())
    assert "Blocks: 5 datasets" in notes and "averaged over its 3 seeds" in notes
    assert "Iman-Davenport F = inf" in notes and "(exact permutation)" in notes and "differ significantly" in notes
    assert "Nemenyi critical difference 1.48" in notes
    assert "need at least 7 datasets for 3 generators" in notes  # Wilcoxon-Holm cannot reach 0.05 on 5
    table = ranking.table()
    assert table[["datasets", "seeds_per_dataset", "p_method", "significant"]].iloc[0].tolist() == [
        5, "3", "exact permutation", True]
    assert ranking.p_value == pytest.approx(1 / 6**4)


def test_pairwise_wilcoxon_tests_use_the_per_dataset_means_and_holm():
    rng = np.random.default_rng(5)
    means = {"a": rng.normal(0.8, 0.05, 8), "b": rng.normal(0.7, 0.05, 8), "c": rng.normal(0.8, 0.05, 8)}
    seeds = np.array([-0.01, 0.0, 0.01])  # seed noise that averages out within each dataset
    values = {g: (m[:, None] + seeds).ravel() for g, m in means.items()}
    ranking = rank_generators(runs_from(values), AUROC)
    pairs = ranking.pairs.set_index(["generator_a", "generator_b"])
    for (a, b), row in pairs.iterrows():
        reference = stats.wilcoxon(means[a] - means[b]).pvalue
        assert row["p_wilcoxon"] == pytest.approx(reference) and row["datasets"] == 8
        assert row["median_advantage"] == pytest.approx(np.median(means[a] - means[b]))
    assert pairs["p_holm"].tolist() == pytest.approx(holm(pairs["p_wilcoxon"]).tolist())
    significant = {pair for pair, row in pairs.iterrows() if row["significant"]}
    assert ("a", "c") not in significant and ("c", "a") not in significant  # no difference: not significant
    assert all("b" in pair for pair in significant) and significant  # b is worse than a and c on every dataset


def test_a_failed_generator_loses_its_pairwise_comparison():
    values = {"a": [0.5] * 21, "b": [0.9] * 21, "c": [0.3] * 21}  # 7 datasets; b best wherever it has a value
    failed = {("b", i) for i in range(0, 21, 3)}  # b fails one seed of every dataset
    pairs = rank_generators(runs_from(values, failed=failed), AUROC).pairs.set_index(["generator_a", "generator_b"])
    assert pairs.loc[("a", "b"), ["a_better", "b_better"]].tolist() == [7, 0]  # failing never helps
    assert math.isnan(pairs.loc[("a", "b"), "median_advantage"])  # no dataset on which both have a value
    assert pairs.loc[("a", "c"), "median_advantage"] == pytest.approx(0.2)


def test_too_little_to_rank_is_a_clear_error():
    with pytest.raises(BenchError, match="at least 2 generators and 1 dataset"):
        rank_generators(runs_from({"only": [0.5, 0.6, 0.7]}), AUROC)


def test_the_report_writes_rank_tables_and_critical_difference_diagrams(tmp_path):
    rng = np.random.default_rng(1)
    runs = runs_from({g: rng.normal(m, 0.02, 6) for g, m in (("a", 0.8), ("b", 0.7), ("c", 0.6))})
    runs["fidelity.never"] = math.nan
    never = MetricSpec("fidelity.never", goal="maximize", range=(0.0, 1.0), description="no values")
    paths = write_rankings(runs, [AUROC, never], tmp_path / "t", tmp_path / "f", dpi=50)
    assert [p.name for p in paths] == ["ranks_utility_tstr_auroc.csv", "ranks_utility_tstr_auroc_pairs.csv",
                                       "ranks_utility_tstr_auroc.md", "cd_utility_tstr_auroc.png",
                                       "cd_utility_tstr_auroc.pdf", "cd_utility_tstr_auroc.svg"]
    table = pd.read_csv(paths[0])
    assert list(table["generator"]) == ["a", "b", "c"] and table["average_rank"].is_monotonic_increasing
    assert (table["datasets"] == 2).all() and not table["significant"].any()
    assert len(pd.read_csv(paths[1])) == 3  # one row per pair
    markdown = paths[2].read_text(encoding="utf-8")
    assert "2 datasets are too few for any test to reach significance" in markdown and "| a vs b |" in markdown
    assert (tmp_path / "f" / "cd_utility_tstr_auroc.png").read_bytes()[:4] == b"\x89PNG"


def test_the_critical_difference_diagram_names_the_tests_or_says_none_can_decide():
    from bench.report.figures.critical_difference import plot_critical_difference

    many = rank_generators(runs_from({"a": [0.9] * 15, "b": [0.8] * 15, "c": [0.7] * 15}), AUROC)
    title = plot_critical_difference(many, {}).get_suptitle().replace("\n", " ")
    assert "5 datasets" in title and "Iman-Davenport" in title and "Nemenyi" in title and "Wilcoxon" in title
    few = rank_generators(runs_from({"a": [0.9] * 6, "b": [0.8] * 6, "c": [0.7] * 6}), AUROC)
    title = plot_critical_difference(few, {}).get_suptitle().replace("\n", " ")
    assert "too few for any test to reach significance" in title and "Iman-Davenport" not in title
