import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from bench.errors import BenchError
from bench.metrics.base import MetricSpec
from bench.plotting.style import figure_legend, report_style
from bench.report.build import build_report
from bench.report.figures.metrics import plot_metric, write_figures
from bench.report.summary import summarise
from bench.report.tables import (
    ADVANTAGE_LABEL,
    IDENTITY_COLUMNS,
    advantage_row,
    comparison_table,
    markdown_table,
    metric_latex,
    metric_markdown,
    paired_advantages,
    write_tables,
)

AUROC = MetricSpec("utility.tstr_auroc", goal="maximize", range=(0.0, 1.0),
                   description="AUROC on the real holdout of a model trained on synthetic data")
WALL = MetricSpec("cost.fit_wall_s", goal="minimize", range=(0.0, float("inf")), description="fit wall time (s)")
SHARE = MetricSpec("privacy.dcr_share", goal=0.5, range=(0.0, 1.0), description="share of synthetic rows nearer train")
ABSENT = MetricSpec("fairness.gap", goal="minimize", range=(0.0, 1.0), description="never logged")

DATASETS = ("pima", "sepsis_like")
GENERATORS = ("bayesian_network", "ctgan[epochs=100]", "marginals")
# Per (dataset, generator): three seeds of (auroc, wall, share). One failed cell: pima/ctgan seed 2.
VALUES = {
    ("pima", "bayesian_network"): [(0.80, 2.0, 0.48), (0.82, 2.2, 0.52), (0.81, 2.1, 0.50)],
    ("pima", "ctgan[epochs=100]"): [(0.70, 30.0, 0.60), (0.74, 31.0, 0.62), None],
    ("pima", "marginals"): [(0.60, 0.5, 0.70), (0.61, 0.6, 0.71), (0.62, 0.4, 0.69)],
    ("sepsis_like", "bayesian_network"): [(0.75, 9.0, 0.40), (0.77, 9.5, 0.42), (0.76, 9.2, 0.41)],
    ("sepsis_like", "ctgan[epochs=100]"): [(0.78, 90.0, 0.55), (0.80, 95.0, 0.56), (0.79, 92.0, 0.54)],
    ("sepsis_like", "marginals"): [(0.65, 1.0, 0.80), (0.66, 1.1, 0.81), (0.64, 0.9, 0.79)],
}


def make_runs(values=VALUES):
    rows = []
    for (dataset, generator), seeds in values.items():
        for seed, metrics in enumerate(seeds):
            failed = metrics is None
            auroc, wall, share = (math.nan,) * 3 if failed else metrics
            rows.append({
                "run_id": f"run{len(rows)}", "sweep_id": "sweep0", "cell_id": f"id{len(rows)}",
                "cell": f"{dataset}/{generator}/seed={seed}", "dataset": dataset, "generator": generator,
                "seed": seed, "status": "FAILED" if failed else "FINISHED", "error": "OOM" if failed else "",
                "utility.tstr_auroc": auroc, "cost.fit_wall_s": wall, "privacy.dcr_share": share,
            })
    return pd.DataFrame(rows)


def one_metric(values, spec):
    """values: {(dataset, generator): [value per seed, None for a failed cell]} of ``spec``; other metrics 0.5."""
    slot = {AUROC.name: 0, WALL.name: 1, SHARE.name: 2}[spec.name]
    return make_runs({key: [None if v is None else tuple(v if i == slot else 0.5 for i in range(3)) for v in seeds]
                      for key, seeds in values.items()})


@pytest.fixture
def runs():
    return make_runs()


def row(summary, dataset, generator):
    found = summary[(summary["dataset"] == dataset) & (summary["generator"] == generator)]
    assert len(found) == 1
    return found.iloc[0]


def test_summary_has_one_row_per_pair_and_a_student_t_interval(runs):
    summary = summarise(runs, AUROC)
    assert len(summary) == len(DATASETS) * len(GENERATORS)
    assert list(summary.columns[:5]) == ["dataset", "generator", "cells", "n", "failed"]
    values = np.array([0.80, 0.82, 0.81])
    half = stats.t.ppf(0.975, df=2) * values.std(ddof=1) / math.sqrt(3)
    bn = row(summary, "pima", "bayesian_network")
    assert bn["n"] == 3 and bn["failed"] == 0
    assert bn["mean"] == pytest.approx(values.mean())
    assert bn["std"] == pytest.approx(values.std(ddof=1))
    assert (bn["ci_low"], bn["ci_high"]) == pytest.approx((values.mean() - half, values.mean() + half))
    low, high = stats.t.interval(0.95, df=2, loc=values.mean(), scale=stats.sem(values))
    assert (bn["ci_low"], bn["ci_high"]) == pytest.approx((low, high))


def test_failed_cells_are_counted_not_dropped(runs):
    ctgan = row(summarise(runs, AUROC), "pima", "ctgan[epochs=100]")
    assert (ctgan["cells"], ctgan["n"], ctgan["failed"]) == (3, 2, 1)
    assert ctgan["mean"] == pytest.approx(0.72)
    assert "(1 failed)" in comparison_table(runs, AUROC).loc["ctgan[epochs=100]", "pima"]


def test_a_single_seed_gets_no_interval_and_no_seed_gets_no_mean():
    values = {("pima", "copy"): [(0.9, 1.0, 0.5)], ("pima", "marginals"): [None, None]}
    runs = make_runs(values)
    summary = summarise(runs, AUROC)
    copy, marginals = row(summary, "pima", "copy"), row(summary, "pima", "marginals")
    assert copy["n"] == 1 and copy["mean"] == 0.9
    assert math.isnan(copy["std"]) and math.isnan(copy["ci_low"]) and math.isnan(copy["ci_high"])
    assert (marginals["n"], marginals["failed"]) == (0, 2) and math.isnan(marginals["mean"])
    table = comparison_table(runs, AUROC)
    assert table.loc["copy", "pima"] == "0.900 (n=1)"  # a single seed is marked, never a bare number; no runner-up
    assert table.loc["marginals", "pima"] == "failed (2/2)"
    assert advantage_row(runs, AUROC).loc[ADVANTAGE_LABEL, "pima"] == "no runner-up with a value"
    assert "n = 1 seed (cells with a value) per entry; one seed: single values without an interval" in \
        metric_markdown(runs, AUROC)


def test_tables_state_n_and_mark_only_the_single_seed_entries(runs):
    three = metric_markdown(runs, AUROC)
    assert "n = 2-3 seeds (cells with a value) per entry." in three and "n=1" not in three.split("\n\n", 2)[2]
    mixed = runs[~((runs["dataset"] == "pima") & (runs["generator"] == "marginals") & (runs["seed"] > 0))]
    table = comparison_table(mixed, AUROC)
    assert table.loc["marginals", "pima"] == "0.600 (n=1)" and "n=1" not in table.loc["marginals", "sepsis_like"]
    assert "entries marked n=1 are single values" in metric_latex(mixed, AUROC)


def test_comparison_cells_show_mean_and_half_width(runs):
    table = comparison_table(runs, AUROC)
    assert list(table.index) == sorted(GENERATORS) and list(table.columns) == list(DATASETS)
    summary = summarise(runs, AUROC)
    marginals = row(summary, "pima", "marginals")
    expected = f"{marginals['mean']:.3f} ± {marginals['ci_high'] - marginals['mean']:.3f}"
    assert table.loc["marginals", "pima"] == expected


def bold(table):
    return {(g, d) for g in table.index for d in table.columns if table.loc[g, d].startswith("**")}


def test_best_is_bold_only_where_its_paired_interval_against_the_runner_up_excludes_zero():
    values = {("clear", "a"): [0.70, 0.80, 0.90, 0.75], ("clear", "b"): [0.67, 0.78, 0.87, 0.73],
              ("clear", "c"): [0.5] * 4,  # a beats b on every seed: paired differences 0.03, 0.02, 0.03, 0.02
              ("noisy", "a"): [0.80, 0.95, 0.75, 0.80], ("noisy", "b"): [0.78, 0.70, 0.88, 0.79],
              ("noisy", "c"): [0.5] * 4}  # a's mean is best, but it loses two of four seeds to b
    runs = one_metric(values, AUROC)
    assert bold(comparison_table(runs, AUROC)) == {("a", "clear")}
    advantages = paired_advantages(runs, AUROC).set_index("dataset")
    diff = np.array([0.03, 0.02, 0.03, 0.02])
    low, high = stats.t.interval(0.95, df=3, loc=diff.mean(), scale=stats.sem(diff))
    clear = advantages.loc["clear"]
    assert (clear["best"], clear["runner_up"], clear["n"], clear["clear"]) == ("a", "b", 4, True)
    assert (clear["advantage"], clear["ci_low"], clear["ci_high"]) == pytest.approx((diff.mean(), low, high))
    summary = summarise(runs, AUROC).set_index(["dataset", "generator"])
    assert summary.loc[("clear", "a"), "ci_low"] < summary.loc[("clear", "b"), "mean"]  # unpaired, they overlap
    noisy = advantages.loc["noisy"]
    assert (noisy["best"], noisy["runner_up"], noisy["clear"]) == ("a", "b", False) and noisy["ci_low"] < 0
    row = advantage_row(runs, AUROC).iloc[0]
    assert row["clear"] == f"a over b: +0.025 [{low:+.3f}, {high:+.3f}] (paired t, n=4 seeds)"


def test_best_is_bold_for_minimize(runs):
    assert bold(comparison_table(runs, WALL)) == {("marginals", "pima"), ("marginals", "sepsis_like")}


def test_best_is_bold_for_a_target_goal():
    # target 0.5: "near" is closest; "far" has the highest values, "under" the lowest, both farther away.
    values = {("pima", "near"): [0.50, 0.52, 0.49], ("pima", "far"): [0.60, 0.65, 0.58],
              ("pima", "under"): [0.30, 0.35, 0.32]}
    runs = one_metric(values, SHARE)
    assert bold(comparison_table(runs, SHARE)) == {("near", "pima")}
    advantage = paired_advantages(runs, SHARE).iloc[0]
    assert advantage["runner_up"] == "far" and advantage["advantage"] == pytest.approx(0.10)  # 0.5 nearer by 0.1


def test_a_generator_with_only_failures_is_never_best():
    values = {("pima", "a"): [None], ("pima", "b"): [(0.6, 1.0, 0.5)]}
    assert bold(comparison_table(make_runs(values), AUROC)) == set()  # nothing to be clearly better than


def test_deterministic_generators_show_no_interval_and_no_false_certainty():
    values = {("pima", "copy"): [0.1] * 3, ("pima", "fixed"): [0.05] * 3,  # two deterministic generators
              ("sepsis_like", "copy"): [0.9] * 3, ("sepsis_like", "noisy"): [0.70, 0.75, 0.72]}
    runs = one_metric(values, AUROC)
    table = comparison_table(runs, AUROC)
    assert table.loc["copy", "pima"] == "0.100 (n=3 identical)"  # np.std of three 0.1s is not exactly 0
    assert table.loc["fixed", "pima"] == "0.050 (n=3 identical)"
    assert table.loc["copy", "sepsis_like"] == "**0.900** (n=3 identical)"  # a random runner-up gives an interval
    assert bold(table) == {("copy", "sepsis_like")}  # a constant difference is one value, not certainty
    row = advantage_row(runs, AUROC).iloc[0]
    assert row["pima"] == "copy over fixed: +0.050 (same difference on all 3 seeds: no interval)"
    assert row["sepsis_like"].startswith("copy over noisy: +0.177 [") and "(paired t, n=3 seeds)" in row["sepsis_like"]
    markdown = metric_markdown(runs, AUROC)
    assert "± 0.000" not in markdown and "Entries marked identical had the same value on every seed" in markdown
    assert r"$\pm$ 0.000" not in metric_latex(runs, AUROC)
    summary = summarise(runs, AUROC)
    assert (summary["std"] == 0).sum() == 3 and (summary["ci_low"] == summary["ci_high"]).sum() == 3


def test_a_half_width_that_rounds_to_zero_is_not_shown_as_zero():
    runs = one_metric({("pima", "a"): [0.5, 0.5001, 0.5], ("pima", "b"): [0.4, 0.4, 0.41]}, AUROC)
    assert comparison_table(runs, AUROC).loc["a", "pima"] == "**0.500 ± <0.001**"  # and clearly best
    assert comparison_table(runs, AUROC, latex=True).loc["a", "pima"] == r"\textbf{0.500 $\pm$ $<$0.001}"


def test_style_is_applied_only_inside_the_block():
    import matplotlib

    before = matplotlib.rcParams["axes.spines.top"]
    with report_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["axes.spines.top"] == before


def test_tables_are_written_with_stable_names(runs, tmp_path):
    out = tmp_path / "tables" / "quick"
    paths = write_tables(runs, [AUROC, WALL, ABSENT], out)
    assert [p.name for p in paths] == [
        "utility_tstr_auroc.csv", "utility_tstr_auroc.md", "utility_tstr_auroc.tex", "cost_fit_wall_s.csv",
        "cost_fit_wall_s.md", "cost_fit_wall_s.tex", "cells.csv"]
    assert all(p.is_file() and p.parent == out for p in paths)
    assert not list(out.glob("fairness_gap*"))
    summary = pd.read_csv(out / "utility_tstr_auroc.csv")
    assert len(summary) == 6 and summary["failed"].sum() == 1
    markdown = (out / "utility_tstr_auroc.md").read_text(encoding="utf-8")
    title = markdown.splitlines()[0]
    assert "utility.tstr_auroc" in title and "↑" in title and AUROC.description in title
    assert "↓" in (out / "cost_fit_wall_s.md").read_text(encoding="utf-8").splitlines()[0]
    assert "| generator | pima | sepsis_like |" in markdown
    assert "| bayesian_network | 0.810 ± " in markdown and "**" not in markdown and "(1 failed)" in markdown
    assert "| best vs runner-up | bayesian_network over ctgan[epochs=100]: +0.090 [-0.037, +0.217] (paired t, n=2 " \
           "seeds) | ctgan[epochs=100] over bayesian_network: +0.030 (same difference on all 3 seeds: no interval) |" \
        in markdown
    assert "in bold only where the 95% paired Student-t interval" in markdown
    cells = pd.read_csv(out / "cells.csv")
    assert len(cells) == len(runs) and (cells["status"] == "FAILED").sum() == 1
    assert list(cells.columns[:9]) == list(IDENTITY_COLUMNS)
    assert {"utility.tstr_auroc", "cost.fit_wall_s", "privacy.dcr_share"} <= set(cells.columns)


def test_latex_fragment_is_a_well_formed_booktabs_tabular_with_the_table_values(runs, tmp_path):
    write_tables(runs, [AUROC], tmp_path)
    tex = (tmp_path / "utility_tstr_auroc.tex").read_text(encoding="utf-8")
    body = [line for line in tex.splitlines() if not line.startswith("%")]
    assert body[0] == r"\begin{tabular}{lrr}" and body[-1] == r"\end{tabular}"
    assert [line for line in body if line in (r"\toprule", r"\midrule", r"\bottomrule")] == [
        r"\toprule", r"\midrule", r"\midrule", r"\bottomrule"]  # the advantage row below the second rule
    rows = [line for line in body if line.endswith(r" \\")]
    assert rows[0] == r"generator $\uparrow$ & pima & sepsis\_like \\"  # the underscore is escaped
    assert all(line.replace(r"\&", "").count("&") == 2 for line in rows)  # 3 columns in every row
    assert tex.count("{") == tex.count("}")
    cells = {line.split(" & ")[0]: line.removesuffix(r" \\").split(" & ")[1:] for line in rows[1:]}
    summary = summarise(runs, AUROC).set_index(["dataset", "generator"])
    pima_bn = summary.loc[("pima", "bayesian_network")]
    assert cells[r"bayesian\_network"][0] == (rf"{pima_bn['mean']:.3f} $\pm$ "  # best, but not clearly: not bold
                                           rf"{pima_bn['ci_high'] - pima_bn['mean']:.3f}")
    assert cells["ctgan[epochs=100]"][0].endswith("(1 failed)")
    assert cells["best vs runner-up"][0] == (r"bayesian\_network over ctgan[epochs=100]: +0.090 [-0.037, +0.217] "
                                             "(paired t, n=2 seeds)")


def test_markdown_escapes_pipes():
    table = pd.DataFrame({"pima": ["0.9"]}, index=pd.Index(["a|b"], name="generator"))
    assert "| a\\|b | 0.9 |" in markdown_table(table)


def test_plot_marks_failed_cells_and_labels_the_goal(runs):
    values = dict(VALUES)
    values[("sepsis_like", "marginals")] = [None, None, None]
    fig = plot_metric(make_runs(values), AUROC)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == list(DATASETS)
    assert "↑" in axes[0].get_ylabel()
    assert AUROC.description in fig.get_suptitle().replace("\n", " ")
    texts = [t.get_text() for ax in axes for t in ax.texts]
    assert "1/3 failed" in texts and "failed\n3/3" in texts
    assert [t.get_text() for t in axes[0].get_xticklabels()] == sorted(GENERATORS)


def legend_inside_figure(fig):
    """Whether the figure's legend, as drawn, lies within the figure's edges."""
    fig.draw_without_rendering()
    (legend,) = fig.legends
    box, page = legend.get_window_extent(), fig.bbox
    return page.x0 <= box.x0 and box.x1 <= page.x1


def test_the_legend_is_never_cut_off_at_the_figure_edges(runs):
    with_reference = MetricSpec(AUROC.name, goal="maximize", range=(0.0, 1.0), description="d",
                                reference="utility.trtr_auroc")
    runs = runs.assign(**{"utility.trtr_auroc": 0.9})
    pima = runs[runs["dataset"] == "pima"]
    for shown in (runs, pima, pima[pima["generator"] == "marginals"]):  # two panels, one, one of one generator
        with report_style():
            fig = plot_metric(shown, with_reference)
        assert legend_inside_figure(fig), f"{shown[['dataset', 'generator']].nunique().tolist()} datasets, generators"


def test_a_legend_takes_as_many_columns_as_fit_and_widens_the_figure_only_when_one_does_not():
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    short = [Line2D([], [], label=f"g{i}") for i in range(4)]
    fig = Figure(figsize=(6, 3), layout="constrained")
    legend = figure_legend(fig, short)
    assert fig.get_figwidth() == 6 and legend_inside_figure(fig)
    rows = {round(text.get_window_extent().y0) for text in legend.get_texts()}
    assert len(rows) == 1, "four short entries in one row"
    long = [Line2D([], [], label=f"a legend entry that is far too long for this narrow figure {i}") for i in range(3)]
    narrow = Figure(figsize=(2, 3), layout="constrained")
    legend = figure_legend(narrow, long)
    assert narrow.get_figwidth() > 2 and legend_inside_figure(narrow)
    assert len({round(text.get_window_extent().x0) for text in legend.get_texts()}) == 1, "one column"


def test_figures_are_real_png_and_pdf(runs, tmp_path):
    paths = write_figures(runs, [AUROC, ABSENT, SHARE], tmp_path / "figures", dpi=60)
    assert [p.name for p in paths] == [
        "utility_tstr_auroc.png", "utility_tstr_auroc.pdf", "utility_tstr_auroc.svg",
        "privacy_dcr_share.png", "privacy_dcr_share.pdf", "privacy_dcr_share.svg"]
    for path in paths:
        data = path.read_bytes()
        assert len(data) > 1000
        expected = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF", ".svg": b"<?xml"}[path.suffix]
        assert data.startswith(expected) and (path.suffix != ".svg" or b"<svg" in data)


def test_build_report_writes_tables_and_figures(runs, tmp_path):
    outputs = build_report(runs, [WALL], tmp_path)
    assert {p.parent.name for p in outputs["tables"]} == {"tables"}
    assert [p.name for p in outputs["figures"]] == ["cost_fit_wall_s.png", "cost_fit_wall_s.pdf", "cost_fit_wall_s.svg"]


def test_empty_runs_raise_a_clear_error(tmp_path):
    with pytest.raises(BenchError, match="no runs found"):
        build_report(pd.DataFrame(), [AUROC], tmp_path)
    assert not (tmp_path / "tables").exists()


def test_a_missing_metric_column_is_a_clear_error_for_one_metric(runs):
    with pytest.raises(BenchError, match="fairness.gap"):
        summarise(runs, ABSENT)


def test_reference_metric_is_drawn_at_its_mean_per_dataset(runs):
    with_reference = MetricSpec(AUROC.name, goal="maximize", range=(0.0, 1.0), description="d",
                                reference="utility.trtr_auroc")
    runs = runs.assign(**{"utility.trtr_auroc": np.where(runs["dataset"] == "pima", 0.9, 0.8)})
    fig = plot_metric(runs, with_reference)
    levels = {ax.get_title(): [line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == ":"]
              for ax in fig.axes if ax.get_visible()}
    assert levels == {"pima": [pytest.approx(0.9)], "sepsis_like": [pytest.approx(0.8)]}


def test_heatmaps_shade_by_goal_mark_failed_pairs_and_write_one_figure_per_family(runs, tmp_path):
    from bench.report.figures.heatmaps import goodness, plot_family, write_heatmaps

    means = pd.DataFrame({"pima": [0.4, 0.5, 0.9]}, index=["a", "b", "c"])
    assert goodness(means, AUROC)["pima"].tolist() == pytest.approx([0.0, 0.2, 1.0])
    assert goodness(means, WALL)["pima"].tolist() == pytest.approx([1.0, 0.8, 0.0])
    assert goodness(means, SHARE)["pima"].idxmax() == "b"  # 0.5 is SHARE's target
    all_failed = runs.copy()
    all_failed.loc[(all_failed["dataset"] == "pima") & (all_failed["generator"] == "marginals"), "status"] = "FAILED"
    texts = [t.get_text() for t in plot_family(all_failed, [AUROC], "utility").axes[0].texts]
    assert texts.count("failed") == 1 and len(texts) == 6  # one label per (generator, dataset) pair
    paths = write_heatmaps(runs, [AUROC, WALL, SHARE, ABSENT], tmp_path, dpi=50)
    assert sorted(p.name for p in paths) == sorted(f"heatmap_{f}.{s}" for f in ("utility", "cost", "privacy")
                                                   for s in ("png", "pdf", "svg"))


def test_cost_figure_puts_quality_against_time_and_energy_and_skips_zero_costs(tmp_path):
    from bench.report.figures.cost import cost_points, plot_cost, write_cost_figure

    runs = make_runs()
    runs["utility.tstr_gap"] = runs["utility.tstr_auroc"] - 0.8
    runs["cost.energy_kwh_per_1k_rows"] = runs["cost.fit_wall_s"] * 1e-5
    runs.loc[runs["generator"] == "marginals", "cost.fit_wall_s"] = 0.0  # cannot sit on a log axis
    points = cost_points(runs)
    pima_ctgan = points[(points["dataset"] == "pima") & (points["generator"] == "ctgan[epochs=100]")].iloc[0]
    assert pima_ctgan["cost.fit_wall_s"] == pytest.approx(30.5)  # the failed seed is not averaged in
    fig = plot_cost(runs)
    assert [ax.get_xscale() for ax in fig.axes] == ["log", "log"]
    drawn = [len(collection.get_offsets()) for collection in fig.axes[0].collections]
    assert sum(drawn) == 4 and len(drawn) == 2  # marginals' zero fit time left out; one marker per dataset
    assert [p.name for p in write_cost_figure(runs, tmp_path, dpi=50)] == ["cost_vs_quality.png", "cost_vs_quality.pdf",
                                                                         "cost_vs_quality.svg"]
    assert write_cost_figure(runs.drop(columns=["utility.tstr_gap"]), tmp_path) == []


def test_fairness_figures_average_subgroups_over_seeds_and_skip_subgroups_too_small_to_judge(tmp_path):
    from bench.report.figures.fairness import (
        plot_representation,
        plot_subgroups,
        write_representation_figure,
        write_subgroup_figure,
    )

    rows = [{"dataset": "pima", "generator": g, "seed": s, "attribute": "Age", "subgroup": sub, "status": status,
             "tstr_auroc": tstr + 0.02 * s, "trtr_auroc": 0.8, "ratio": ratio}
            for g, tstr, ratio in (("copy", 0.8, 1.0), ("marginals", 0.5, 0.0)) for s in (0, 1)
            for sub, status in (("21-29", "ok"), ("50+", "too small (under 20 holdout rows)"))]
    details = pd.DataFrame(rows)
    paths = (write_subgroup_figure(details, tmp_path / "t", tmp_path / "f", dpi=50)
             + write_representation_figure(details, tmp_path / "t", tmp_path / "f", dpi=50))
    assert sorted(p.name for p in paths) == sorted(["fairness_subgroups.csv", "fairness_subgroups.png",
                                                    "fairness_subgroups.pdf", "fairness_subgroups.svg",
                                                    "fairness_representation.csv", "fairness_representation.png",
                                                    "fairness_representation.pdf", "fairness_representation.svg"])
    means = pd.read_csv(tmp_path / "t" / "fairness_subgroups.csv")
    assert list(means["label"].unique()) == ["Age = 21-29"]  # the too-small subgroup is not plotted as a value
    assert means.set_index("generator").loc["marginals", "tstr_auroc"] == pytest.approx(0.51)
    assert [t.get_text() for t in plot_subgroups(details).axes[0].get_yticklabels()] == ["Age = 21-29"]
    erased = plot_representation(details).axes[0].collections
    assert sorted(float(c.get_offsets()[0][0]) for c in erased) == [0.0, 1.0]  # marginals erased it, copy kept it
    assert write_subgroup_figure(pd.DataFrame(), tmp_path, tmp_path) == []
    assert write_representation_figure(pd.DataFrame(), tmp_path, tmp_path) == []
