"""Subgroups, aggregate-only exploration and the students' notebook notebooks/explore_dataset.ipynb."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from bench import datasets
from bench.datasets import explore, explore_figures
from bench.datasets.cards import SensitiveAttribute, parse_card
from bench.datasets.subgroups import MISSING, OUT_OF_BINS, subgroup_labels, subgroup_sizes
from bench.sweep.notebook_job import ensure_kernel
from conftest import REPO
from notebook_checks import contains_a_row, output_texts, row_signatures

NOTEBOOK = REPO / "notebooks" / "explore_dataset.ipynb"
AGE = SensitiveAttribute("Age", bins=(21, 30, 40, 50, 120), labels=("21-29", "30-39", "40-49", "50+"))


def tiny_card(**extra):
    raw = {"name": "tiny", "family": "other", "title": "Tiny", "licence": "-", "citation": "-", "target": "y",
           "positive_label": 1, "columns": {"age": "numerical", "sex": "categorical", "lo": "numerical",
                                            "hi": "numerical", "y": "categorical"}}
    return parse_card({**raw, **extra})


# --------------------------------------------------------------------------------------------- subgroups


def test_banding_is_left_closed_so_an_edge_value_lands_in_the_upper_band():
    frame = pd.DataFrame({"Age": [21, 29, 29.99, 30, 39.5, 40, 49, 50, 119]})
    labels = subgroup_labels(frame, AGE)
    assert labels.tolist() == ["21-29", "21-29", "21-29", "30-39", "30-39", "40-49", "40-49", "50+", "50+"]
    assert list(labels.index) == list(frame.index)


def test_missing_stays_missing_and_values_outside_the_bins_get_no_band():
    frame = pd.DataFrame({"Age": [np.nan, 25, 20, 120, 45], "sex": ["F", None, "M", "F", np.nan]})
    bands = subgroup_labels(frame, AGE)
    assert bands.isna().tolist() == [True, False, True, True, False]  # 20 < 21 and 120 (right-open) are outside
    raw = subgroup_labels(frame, SensitiveAttribute("sex"))
    assert raw.isna().tolist() == [False, True, False, False, True]
    assert raw.dropna().tolist() == ["F", "M", "F"]


def test_subgroup_sizes_counts_shares_and_prevalence_on_a_hand_made_frame():
    card = tiny_card(sensitive={"age": {"bins": [18, 40, 65, 120], "labels": ["18-39", "40-64", "65+"]}, "sex": {}})
    frame = pd.DataFrame({
        "age": [18, 30, 39, 40, 40, 64, 65, 90, np.nan, 10],
        "sex": ["F", "F", "M", "M", "F", None, "M", "F", "F", "M"],
        "y":   [1, 0, 0, 1, 1, 0, 1, np.nan, 1, 0],
        "lo": 0, "hi": 0,
    })
    sizes = subgroup_sizes(frame, card)
    age = sizes[sizes["attribute"] == "age"].set_index("subgroup")
    assert list(age.index) == ["18-39", "40-64", "65+", OUT_OF_BINS, MISSING]
    assert age["count"].tolist() == [3, 3, 2, 1, 1]
    assert age["positives"].tolist() == [1, 2, 1, 0, 1]
    # 65+ has one positive among its one observed target (the other row's target is missing)
    assert age["prevalence"].tolist() == pytest.approx([1 / 3, 2 / 3, 1.0, 0.0, 1.0])
    sex = sizes[sizes["attribute"] == "sex"].set_index("subgroup")
    assert sex["count"].to_dict() == {"F": 5, "M": 4, MISSING: 1}
    assert sex.loc["F", "prevalence"] == pytest.approx(3 / 4)  # F rows' targets: 1, 0, 1, (missing), 1
    for _, group in sizes.groupby("attribute"):
        assert group["share"].sum() == pytest.approx(1.0)
        assert group["count"].sum() == len(frame)


def test_subgroup_sizes_on_pima_cover_every_row():
    frame, card = datasets.load("pima")
    sizes = subgroup_sizes(frame, card)
    assert sizes["count"].sum() == 768 and sizes["share"].sum() == pytest.approx(1.0)
    assert sizes["positives"].sum() == int((frame["Outcome"] == 1).sum())
    forties = frame[(frame["Age"] >= 40) & (frame["Age"] < 50)]
    row = sizes.set_index("subgroup").loc["40-49"]
    assert row["count"] == len(forties) and row["prevalence"] == pytest.approx(forties["Outcome"].mean())


# --------------------------------------------------------------------------------------------- explore


def test_suppression_hides_counts_from_one_to_four_only():
    assert [explore.suppress_count(c) for c in (0, 1, 4, 5, 100)] == [0, "<5", "<5", 5, 100]
    assert explore.suppress_share(3, 768) == "<5 rows" and explore.suppress_share(0, 768) == 0.0


def test_column_overview_on_pima_has_no_extremes_and_right_missing_shares():
    frame, card = datasets.load("pima")
    overview = explore.column_overview(frame, card)
    lowered = {c.lower() for c in overview.columns}
    assert not lowered & {"min", "max", "minimum", "maximum"}
    assert overview.loc["Insulin", "missing_share"] == pytest.approx(374 / 768)
    assert overview.loc["SkinThickness", "missing_share"] == pytest.approx(227 / 768)
    assert overview.loc["Glucose", "missing_share"] == pytest.approx(5 / 768)
    assert overview.loc["Pregnancies", "missing_share"] == 0
    assert overview["type"].to_dict() == card.columns
    assert overview.loc["Insulin", "median"] == pytest.approx(frame["Insulin"].median())
    for column in card.columns_of_type("numerical"):
        stats = overview.loc[column, ["mean", "sd", "q25", "median", "q75"]].astype(float).to_numpy()
        extremes = [frame[column].min(), frame[column].max()]
        assert not np.isin(stats, extremes).any(), f"{column}: an extreme value is shown"
    assert overview.loc["Outcome", "top_categories"] == "0: 65.1%, 1: 34.9%"


def test_column_overview_pools_no_small_category_and_hides_stats_of_few_values():
    card = tiny_card()
    frame = pd.DataFrame({"age": [30.0] * 3 + [np.nan] * 17, "sex": ["F"] * 17 + ["M"] * 3,
                          "lo": 1.0, "hi": 2.0, "y": [0, 1] * 10})
    overview = explore.column_overview(frame, card)
    assert math.isnan(overview.loc["age", "mean"])  # only 3 observed values: no statistics
    assert overview.loc["sex", "top_categories"] == "F: 85.0%, M: <5 rows"


def test_missingness_suppresses_small_patterns_and_pools_the_rest():
    frame = pd.DataFrame({"a": [1.0] * 20 + [np.nan] * 7 + [1.0] * 3,
                          "b": [1.0] * 26 + [np.nan] * 4})
    # patterns: complete 20, a only 6, a and b 1, b only 3
    result = explore.missingness(frame)
    patterns = result.patterns.set_index("missing_columns")
    assert patterns.loc["(nothing missing)", "rows"] == 20
    assert patterns.loc["a", "rows"] == 6 and patterns.loc["a", "share"] == pytest.approx(6 / 30)
    assert patterns.loc["b", "rows"] == "<5" and patterns.loc["b", "share"] == "<5 rows"
    assert patterns.loc["a, b", "rows"] == "<5"
    assert result.by_column["missing"].tolist() == [7, "<5"]
    pooled = explore.missingness(frame, top=2).patterns
    assert pooled["missing_columns"].tolist() == ["(nothing missing)", "a", "(other patterns: 2)"]
    assert pooled["rows"].tolist() == [20, 6, "<5"]
    exact = explore.missingness(frame, k=1).patterns.set_index("missing_columns")["rows"]
    assert exact.to_dict() == {"(nothing missing)": 20, "a": 6, "b": 3, "a, b": 1}


def test_missingness_on_pima_never_shows_a_count_below_five():
    patterns = explore.missingness(datasets.load("pima")[0]).patterns
    shown = [r for r in patterns["rows"] if not isinstance(r, str)]
    assert all(r >= 5 for r in shown) and "<5" in list(patterns["rows"])
    assert patterns.iloc[0]["rows"] == 392  # complete rows


def test_rule_violations_gives_right_shares_and_skips_rows_with_missing_columns():
    card = tiny_card(rules=["lo <= hi", "age >= 18", "hi < 100"])
    lo = [1, 5, 6, 7, 8, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, np.nan, 50, np.nan, 1]
    hi = [2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, np.nan, np.nan, 200]
    frame = pd.DataFrame({"age": [30] * 18 + [10, np.nan], "sex": "F", "lo": lo, "hi": hi, "y": [0, 1] * 10})
    table = explore.rule_violations(frame, card, k=1).set_index("rule")
    # lo <= hi: 3 rows lack lo or hi (two would break it if judged); of the 17 judged, 5 break it
    assert table.loc["lo <= hi", "rows_evaluated"] == 17 and table.loc["lo <= hi", "broken"] == 5
    assert table.loc["lo <= hi", "share_broken"] == pytest.approx(5 / 17)
    assert table.loc["lo <= hi", "columns"] == "lo, hi"
    assert table.loc["age >= 18", "rows_evaluated"] == 19 and table.loc["age >= 18", "broken"] == 1
    assert table.loc["hi < 100", "rows_evaluated"] == 18 and table.loc["hi < 100", "share_broken"] == pytest.approx(
        1 / 18)
    shown = explore.rule_violations(frame, card).set_index("rule")
    assert shown.loc["lo <= hi", "broken"] == 5
    assert shown.loc["age >= 18", "broken"] == "<5" and shown.loc["age >= 18", "share_broken"] == "<5 rows"


def test_rule_violations_on_pima_are_judged_on_observed_rows():
    frame, card = datasets.load("pima")
    table = explore.rule_violations(frame, card).set_index("rule")
    assert table.loc["Glucose > 0", "rows_evaluated"] == 763  # 5 missing glucose values are not judged
    assert table.loc["BMI >= 10 and BMI <= 80", "rows_evaluated"] == 757
    assert (table["broken"] == 0).all()


def test_subgroup_table_suppresses_small_subgroups_and_revealing_prevalences():
    card = tiny_card(sensitive={"sex": {}})
    frame = pd.DataFrame({"sex": ["F"] * 20 + ["M"] * 10 + ["X"] * 3, "y": [0] * 18 + [1] * 2 + [0, 1] * 5 + [1] * 3,
                          "age": 30, "lo": 1, "hi": 2})
    table = explore.subgroup_table(frame, card).set_index("subgroup")
    assert table.loc["F", "count"] == 20 and table.loc["F", "positives"] == "<5"
    assert table.loc["F", "prevalence"] == "<5 rows"  # 2 of 20 would reveal two patients
    assert table.loc["M", "prevalence"] == pytest.approx(0.5)
    assert table.loc["X", "count"] == "<5" and table.loc["X", "share"] == "<5 rows"


def test_histogram_bins_hold_five_rows_and_leave_out_the_extremes():
    frame, _ = datasets.load("pima")
    for column in ("Insulin", "Age", "BMI", "DiabetesPedigreeFunction"):
        values = frame[column].dropna()
        edges, counts = explore_figures.histogram_bins(values)
        assert counts.min() >= 5 and len(edges) == len(counts) + 1
        # an extreme value is drawn only when at least 5 rows share it (Age: many women aged 21)
        for extreme in (values.min(), values.max()):
            if edges[0] <= extreme <= edges[-1]:
                assert (values == extreme).sum() >= 5, f"{column}: a lone extreme value {extreme} is drawn"
    insulin = frame["Insulin"].dropna()
    edges, _ = explore_figures.histogram_bins(insulin)
    assert edges[0] > insulin.min() and edges[-1] < insulin.max()
    assert explore_figures.histogram_bins(pd.Series([1.0, 2.0, np.nan])) is None


def test_figures_are_bare_figures_with_a_panel_per_column_and_attribute(tmp_path):
    frame, card = datasets.load("pima")
    fig = explore_figures.plot_distributions(frame, card)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == list(card.columns)
    fig.savefig(tmp_path / "distributions.png", dpi=40)
    frame, card = datasets.load("sepsis_like", n_patients=1000)
    sub = explore_figures.plot_subgroup_sizes(frame, card)
    assert [ax.get_title(loc="left") for ax in sub.axes] == ["age", "sex", "ethnic_group"]
    assert (tmp_path / "distributions.png").read_bytes()[:4] == b"\x89PNG"


# --------------------------------------------------------------------------------------------- notebook


def test_row_detector_finds_printed_rows():
    frame, card = datasets.load("pima")
    rows = row_signatures(frame)
    assert contains_a_row(frame.iloc[[100]].to_string(), rows)
    assert contains_a_row(frame.sample(3, random_state=0).to_html(), rows)  # rows with NaN included
    assert contains_a_row(str(frame.iloc[5].tolist()), rows)
    assert not contains_a_row(explore.column_overview(frame, card).to_html(), rows)


CASES = {"pima": {}, "sepsis_like": {"n_patients": 1000}}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The notebook executed by Papermill once per case, both kernels at once (each is its own process)."""
    kernel = ensure_kernel()
    out = tmp_path_factory.mktemp("explore")

    def run(dataset: str) -> Path:
        output = out / f"explore_{dataset}.ipynb"
        papermill.execute_notebook(str(NOTEBOOK), str(output),
                                   parameters={"dataset": dataset, "options": CASES[dataset]},
                                   kernel_name=kernel, progress_bar=False, cwd=str(NOTEBOOK.parent))
        return output

    with ThreadPoolExecutor(max_workers=len(CASES)) as pool:
        return dict(zip(CASES, pool.map(run, CASES)))


@pytest.mark.parametrize("dataset", list(CASES))
def test_notebook_executes_and_shows_no_real_row(dataset, executed):
    notebook = nbformat.read(executed[dataset], as_version=4)
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not any(o.get("output_type") == "error" for o in outputs)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3  # distributions, subgroup sizes, missingness
    texts = output_texts(notebook)
    frame, card = datasets.load(dataset, **CASES[dataset])
    assert any(card.title in t for t in texts)
    assert any("rows_evaluated" in t for t in texts) and any("share_unique" in t for t in texts)
    rows = row_signatures(frame)
    leaking = [t[:200] for t in texts if contains_a_row(t, rows)]
    assert not leaking, f"real rows in the outputs: {leaking}"


def test_notebook_parameters_are_documented_for_papermill():
    inferred = papermill.inspect_notebook(str(NOTEBOOK))
    assert set(inferred) == {"dataset", "options"}
    assert inferred["dataset"]["default"] == '"pima"' and inferred["options"]["default"] == "{}"
    assert all(p["help"] for p in inferred.values())


def test_committed_notebook_has_no_outputs_and_prints_no_rows():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)
    source = "\n".join(cell.source for cell in code)
    for forbidden in (".head(", ".tail(", ".sample(", ".iloc", ".loc[", "print(frame", "display(frame"):
        assert forbidden not in source
