"""The privacy-utility trade-off: the Pareto front, the table behind the figure, and the files."""

import math

import pandas as pd
import pytest

from bench.metrics.base import MetricSpec
from bench.report.build import build_report
from bench.report.figures.tradeoff import RISK, UTILITY, pareto_front, plot_tradeoff, tradeoff_table

SPECS = {RISK: MetricSpec(RISK, goal="minimize", range=(0.0, 1.0), description="max risk"),
         UTILITY: MetricSpec(UTILITY, goal="maximize", range=(-1.0, 1.0), description="TSTR - TRTR")}
# dataset -> generator -> (risk, utility gap) per seed; kanon is dominated by ctgan on pima.
CELLS = {
    "pima": {"marginals": [(0.00, -0.30), (0.02, -0.28)], "ctgan": [(0.05, -0.10), (0.07, -0.08)],
             "kanon": [(0.40, -0.15), (0.42, -0.17)], "copy": [(0.60, 0.00), (0.58, 0.01)]},
    "cardio": {"marginals": [(0.01, -0.20), (0.01, -0.22)], "ctgan": [(0.30, -0.25), None],
               "kanon": [(0.20, -0.05), (0.22, -0.04)], "copy": [(0.55, 0.00), (0.57, 0.00)]},
}


def make_runs():
    return pd.DataFrame([{"dataset": d, "generator": g, "seed": s, "status": "FAILED" if v is None else "FINISHED",
                          RISK: math.nan if v is None else v[0], UTILITY: math.nan if v is None else v[1]}
                         for d, gens in CELLS.items() for g, seeds in gens.items() for s, v in enumerate(seeds)])


def test_the_front_holds_exactly_the_undominated_generators():
    points = pd.DataFrame({"risk": [0.1, 0.1, 0.2, 0.05], "utility": [0.5, 0.4, 0.6, 0.1]}, index=list("abcd"))
    assert pareto_front(points) == ["d", "a", "c"]  # b is dominated by a (same risk, less utility)
    table = tradeoff_table(make_runs(), SPECS[RISK], SPECS[UTILITY]).set_index(["dataset", "generator"])
    assert set(table[table["pareto"]].loc["pima"].index) == {"marginals", "ctgan", "copy"}
    # On cardio ctgan's one finished seed is dominated by kanon; its failed seed is counted, not dropped.
    assert set(table[table["pareto"]].loc["cardio"].index) == {"marginals", "kanon", "copy"}
    assert table.loc[("cardio", "ctgan"), "failed"] == 1


def test_the_figure_draws_the_threshold_and_one_panel_per_dataset():
    fig = plot_tradeoff(make_runs(), SPECS[RISK], SPECS[UTILITY], threshold=0.09)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert sorted(ax.get_title() for ax in panels) == ["cardio", "pima"]
    for ax in panels:
        assert any(list(line.get_xdata()) == [0.09, 0.09] for line in ax.get_lines())


@pytest.mark.slow
def test_the_report_writes_the_tradeoff_only_when_both_metrics_were_logged(tmp_path):
    outputs = build_report(make_runs(), list(SPECS.values()), tmp_path, name="t")
    names = [p.name for p in outputs["trade-off"]]
    assert names == ["tradeoff_privacy_utility.csv", "tradeoff_privacy_utility.png", "tradeoff_privacy_utility.pdf",
                     "tradeoff_privacy_utility.svg"]
    assert all(p.is_file() and p.stat().st_size > 0 for p in outputs["trade-off"])
    assert build_report(make_runs().drop(columns=[RISK]), [SPECS[UTILITY]], tmp_path / "u")["trade-off"] == []
