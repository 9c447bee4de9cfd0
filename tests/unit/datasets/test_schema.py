"""Schema checks: the card's column syntax, load-time validation of real data, check_synthetic."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from bench import datasets
from bench.datasets import check_synthetic, validate_frame
from bench.datasets.cards import parse_card
from bench.datasets.schema import find_problems
from bench.errors import BenchError

BASE = {"name": "ward", "family": "other", "title": "t", "licence": "-", "citation": "-", "target": "death",
        "positive_label": 1}
COLUMNS = {
    "age": {"type": "numerical", "range": [18, 110]},
    "sex": {"type": "categorical", "values": ["F", "M"]},
    "lactate": {"type": "numerical", "range": [0, None]},
    "sofa": {"type": "ordinal", "range": [0, 24]},
    "admitted": "datetime",
    "death": "categorical",
}


def ward_card(**changes):
    return parse_card({**BASE, "columns": COLUMNS, "missing": {"never_missing": ["age", "sex"]}, **changes})


def ward(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    lactate = rng.gamma(2.0, 1.0, n)
    lactate[:60] = np.nan  # allowed
    return pd.DataFrame({
        "age": rng.integers(18, 95, n).astype(float), "sex": rng.choice(["F", "M"], n), "lactate": lactate,
        "sofa": rng.integers(0, 12, n), "admitted": pd.date_range("2020-01-01", periods=n, freq="D").astype(str),
        "death": (np.arange(n) % 4 == 0).astype(int)})


# --- the column syntax in cards -----------------------------------------------------------------

def test_columns_accept_both_forms_and_keep_columns_a_name_to_type_dict():
    card = ward_card()
    assert card.columns == {"age": "numerical", "sex": "categorical", "lactate": "numerical", "sofa": "ordinal",
                            "admitted": "datetime", "death": "categorical"}
    assert card.column_ranges == {"age": (18.0, 110.0), "lactate": (0.0, None), "sofa": (0.0, 24.0)}
    assert card.column_values == {"sex": ("F", "M")}


@pytest.mark.parametrize("spec, message", [
    ({"type": "categorical", "range": [0, 1]}, "columns.x.range is for numerical or ordinal columns, not categorical"),
    ({"type": "numerical", "values": [1, 2]}, "columns.x.values is for categorical or ordinal columns"),
    ({"type": "numerical", "range": [10, 1]}, "columns.x.range has low 10 above high 1"),
    ({"type": "numerical", "range": [0]}, "columns.x.range must be [low, high]"),
    ({"type": "numerical", "range": ["a", 3]}, "columns.x.range must be [low, high] with numbers or null"),
    ({"type": "categorical", "values": []}, "columns.x.values must be a non-empty list"),
    ({"type": "categorical", "values": ["a", "a"]}, "columns.x.values repeats a value"),
    ({"type": "numerical", "unit": "mg"}, "columns.x has unknown key(s) ['unit']"),
    ({"range": [0, 1]}, "columns.x needs a 'type'"),
    ({"type": "number"}, "columns.x.type is 'number'"),
])
def test_bad_column_specs_are_refused(spec, message):
    with pytest.raises(BenchError, match=re.escape(message)):
        parse_card({**BASE, "columns": {"x": spec, "death": "categorical"}}, where="c.yaml")


def test_positive_label_must_be_one_of_the_targets_declared_values():
    with pytest.raises(BenchError, match=re.escape("positive_label 1 is not among columns.death.values ['no', 'yes']")):
        parse_card({**BASE, "columns": {"death": {"type": "categorical", "values": ["no", "yes"]}}})


# --- real data at load time ---------------------------------------------------------------------

def test_a_valid_table_passes():
    validate_frame(ward(), ward_card())
    assert find_problems(ward(), ward_card()) == []


def test_every_problem_is_found_with_counts_and_at_most_two_examples():
    frame = ward()
    frame.loc[[1, 2, 3], "age"] = [5.0, 130.0, 140.0]          # out of range
    frame.loc[[4, 5], "sex"] = ["X", "unknown"]                 # unknown categories
    frame.loc[[6], "sex"] = np.nan                              # never missing
    frame["sofa"] = frame["sofa"].astype(object)
    frame.loc[7, "sofa"] = "high"                               # wrong type for an ordinal without values
    frame.loc[8, "admitted"] = "not a date"
    frame.loc[9, "death"] = np.nan                              # target never missing
    problems = {(p.column, p.problem): p for p in find_problems(frame, ward_card())}
    assert set(problems) == {("age", "out_of_range"), ("sex", "unknown_value"), ("sex", "missing_value"),
                             ("sofa", "not_numeric"), ("admitted", "not_datetime"), ("death", "missing_value")}
    age = problems[("age", "out_of_range")]
    assert (age.rows, age.share) == (3, 0.015)
    assert age.found == "3 of 200 rows (1.5%) outside [18, 110] (e.g. 5, 140)"
    assert problems[("sex", "unknown_value")].found == "2 of 200 rows (1.0%) with other values (e.g. 'X', 'unknown')"
    assert problems[("sex", "unknown_value")].expected == "one of: 'F', 'M'"
    assert problems[("death", "missing_value")].expected == "no missing values (the target)"
    assert problems[("sex", "missing_value")].expected == "no missing values (missing.never_missing)"


@pytest.mark.parametrize("target, found", [
    ([0] * 200, "1 class: 0 (200 rows); the positive label 1 (int) never occurs"),
    ([0, 1, 2, 3] * 50, "4 classes: 0 (50 rows), 1 (50 rows), 2 (50 rows), 3 (50 rows)"),
    (["no", "yes"] * 100, "2 classes: 'no' (100 rows), 'yes' (100 rows); the positive label 1 (int) never occurs"),
])
def test_target_needs_exactly_two_classes_including_the_positive_label(target, found):
    with pytest.raises(BenchError) as caught:
        validate_frame(ward().assign(death=target), ward_card())
    assert f"column 'death': target_classes: {found}; expected two classes including the positive label 1" \
        in str(caught.value)


def test_unknown_columns_in_the_missing_policy_are_reported():
    card = ward_card(missing={"never_missing": ["age", "weight"]})
    with pytest.raises(BenchError, match="column 'weight': unknown_column: missing.never_missing names it"):
        validate_frame(ward(), card)


def test_missing_and_unexpected_columns_are_reported():
    problems = [(p.column, p.problem) for p in find_problems(ward().drop(columns="sofa").assign(extra=1), ward_card())]
    assert problems == [("sofa", "missing_column"), ("extra", "unexpected_column")]


def test_registry_load_validates_every_dataset(monkeypatch):
    entry = datasets.DATASETS["sepsis_like"]

    def broken(card, n_patients=1000, seed=0):
        frame = entry.loader(card, n_patients=n_patients, seed=seed)
        frame.loc[:9, "heart_rate"] = np.nan  # never_missing in the card
        return frame

    monkeypatch.setitem(datasets.DATASETS, "sepsis_like", replace(entry, loader=broken))
    with pytest.raises(BenchError, match=r"dataset 'sepsis_like' does not match its card .*\n  - column "
                                         r"'heart_rate': missing_value: 10 of 1000 rows \(1.0%\) missing"):
        datasets.load("sepsis_like", n_patients=1000)


def test_shipped_datasets_pass_their_own_schema(mirror):
    for name, options in (("pima", {}), ("sepsis_like", {"n_patients": 2000})):
        frame, card = datasets.load(name, **options)
        assert find_problems(frame, card) == []


# --- synthetic data -----------------------------------------------------------------------------

def test_check_synthetic_finds_injected_problems_with_their_shares_and_shows_no_values():
    synthetic = ward()
    synthetic.loc[:9, "age"] = 987.5               # 10 of 200 out of range
    synthetic.loc[10:15, "sex"] = "Q"              # 6 unknown categories
    synthetic.loc[16:19, "age"] = np.nan           # 4 missing where never missing
    synthetic.loc[20:49, "lactate"] = np.nan       # allowed: not reported
    synthetic.loc[50:52, "lactate"] = -1.25        # 3 below 0
    report = check_synthetic(synthetic, ward_card())
    assert list(report.columns) == ["column", "problem", "share", "rows", "expected"]
    shares = {(r.column, r.problem): r.share for r in report.itertuples()}
    assert shares == {("age", "out_of_range"): 0.05, ("sex", "unknown_value"): 0.03,
                      ("age", "missing_value"): 0.02, ("lactate", "out_of_range"): 0.015}
    text = report.to_string()
    assert "987.5" not in text and "'Q'" not in text and "-1.25" not in text


def test_check_synthetic_reports_table_level_problems_instead_of_raising():
    report = check_synthetic(ward().drop(columns="sofa").assign(death=0), ward_card())
    assert {(r.column, r.problem, r.share) for r in report.itertuples()} == {
        ("sofa", "missing_column", 1.0), ("death", "target_classes", 1.0)}
    assert check_synthetic(ward(), ward_card()).empty
    assert check_synthetic(ward().iloc[:0], ward_card()).problem.tolist() == ["no_rows"]
