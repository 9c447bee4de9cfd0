"""Average ranks, Friedman test and Nemenyi critical difference, checked against scipy and Demšar (2006)."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench import report
from bench.errors import BenchError
from bench.metrics.base import MetricSpec
from bench.ranking import nemenyi_cd, rank_generators, rank_table

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


def test_friedman_statistic_equals_scipys_including_ties():
    rng = np.random.default_rng(3)
    values = {g: np.round(rng.normal(m, 0.05, 12), 1) for g, m in (("a", 0.8), ("b", 0.75), ("c", 0.7), ("d", 0.7))}
    ranking = rank_generators(runs_from(values), AUROC)
    reference = stats.friedmanchisquare(*[values[g] for g in sorted(values)])
    assert ranking.chi2 == pytest.approx(reference.statistic) and ranking.p_value == pytest.approx(reference.pvalue)
    assert (ranking.ranks.to_numpy() % 0.5 == 0).all() and (ranking.ranks.sum(axis=1) == 10).all()  # ties averaged


def test_ranks_follow_the_metric_goal():
    values = {"fast": [1.0, 2.0, 1.5], "slow": [10.0, 20.0, 15.0]}
    assert rank_table(runs_from(values, "cost.fit_wall_s"), WALL)[0]["fast"].eq(1).all()
    shares = {"ideal": [0.49, 0.52, 0.5], "memorises": [0.9, 0.95, 0.2]}  # 0.2 is as far from 0.5 as 0.8
    assert rank_table(runs_from(shares, SHARE.name), SHARE)[0]["ideal"].eq(1).all()
    aurocs = {"good": [0.9, 0.8, 0.85], "bad": [0.5, 0.6, 0.55]}
    assert rank_table(runs_from(aurocs), AUROC)[0]["good"].eq(1).all()


def test_failed_cells_rank_last_and_are_counted_and_empty_blocks_are_dropped():
    values = {"a": [0.9, 0.9, 0.9, 0.9], "b": [0.8, 0.8, 0.8, 0.8], "c": [0.7, 0.7, 0.7, 0.7]}
    # "a" fails in block 0 (ranked last there); in block 3 only "c" has a value: the block says nothing.
    failed = {("a", 0), ("a", 3), ("b", 3)}
    ranks, imputed = rank_table(runs_from(values, failed=failed), AUROC)
    assert len(ranks) == 3 and imputed == 1
    assert ranks.iloc[0].to_dict() == {"a": 3.0, "b": 1.0, "c": 2.0}
    assert rank_generators(runs_from(values, failed=failed), AUROC).imputed == 1


def test_clearly_separated_generators_are_not_grouped_and_equal_ones_are():
    rng = np.random.default_rng(0)
    apart = {g: m + rng.normal(0, 0.01, 30) for g, m in (("best", 0.9), ("middle", 0.7), ("worst", 0.5))}
    ranking = rank_generators(runs_from(apart), AUROC)
    assert list(ranking.average.index) == ["best", "middle", "worst"] and ranking.groups() == []
    assert ranking.p_value < 1e-6
    tied = rank_generators(runs_from({g: [0.7] * 6 for g in ("x", "y", "z")}), AUROC)
    assert tied.groups() == [("x", "y", "z")] and tied.chi2 == 0 and tied.p_value == 1


def test_too_little_to_rank_is_a_clear_error():
    with pytest.raises(BenchError, match="at least 2 generators and 2 .* blocks"):
        rank_generators(runs_from({"only": [0.5, 0.6, 0.7]}), AUROC)


def test_the_report_writes_rank_tables_and_critical_difference_diagrams(tmp_path):
    rng = np.random.default_rng(1)
    runs = runs_from({g: rng.normal(m, 0.02, 6) for g, m in (("a", 0.8), ("b", 0.7), ("c", 0.6))})
    runs["fidelity.never"] = math.nan
    never = MetricSpec("fidelity.never", goal="maximize", range=(0.0, 1.0), description="no values")
    paths = report.write_rankings(runs, [AUROC, never], tmp_path / "t", tmp_path / "f", dpi=50)
    assert [p.name for p in paths] == ["ranks_utility_tstr_auroc.csv", "cd_utility_tstr_auroc.png",
                                       "cd_utility_tstr_auroc.pdf", "cd_utility_tstr_auroc.svg"]
    table = pd.read_csv(paths[0])
    assert list(table["generator"]) == ["a", "b", "c"] and table["average_rank"].is_monotonic_increasing
    assert (tmp_path / "f" / "cd_utility_tstr_auroc.png").read_bytes()[:4] == b"\x89PNG"
