"""What a user bringing their own table hears from the card checks.

A header-less CSV with '?' for missing values whose 0-4 severity column becomes a binary target
through `derive`, and a Framingham-like CSV with 'NA' and a misspelled column: expression forms,
true/false targets, did-you-mean for columns, invalid-card headings and whole-number columns.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bench.cli import main
from bench.datasets import check_synthetic, from_csv, make_split, validate_frame
from bench.datasets.cards import OPTIONAL_KEYS, REQUIRED_KEYS, cards_dir, parse_card
from bench.datasets.expressions import ALLOWED_FORMS, EVAL_FUNCTIONS, unsupported_form
from bench.datasets.schema import card_problems, find_problems
from bench.datasets.tables import derive_column
from bench.datasets.user_data import CardCheck, check_card, check_markdown
from bench.errors import BenchError
from bench.metrics.base import NotApplicable
from bench.metrics.context import ScoringContext
from bench.metrics.plausibility import rule_violations

README = cards_dir() / "README.md"
BASE = {"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-", "target": "y",
        "positive_label": 1}

HEART_COLUMNS = ["age", "sex", "chol", "num"]
HEART_CARD = {
    "name": "heart", "family": "cardiovascular", "title": "Heart disease", "licence": "-", "citation": "-",
    "target": "disease", "positive_label": 1,
    "source": {"read": {"header": None, "names": HEART_COLUMNS, "na_values": ["?"]}},
    "derive": {"disease": "num > 0"},
    "columns": {"age": {"type": "numerical", "range": [18, 100], "integer": True},
                "sex": {"type": "categorical", "values": [0, 1]},
                "chol": "numerical",
                "disease": {"type": "categorical", "values": [0, 1]}},
}


def heart_rows(n: int = 60) -> pd.DataFrame:
    """Made-up rows: severity num in 0-4 (0 for a third of them), chol missing ('?') in two rows."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"age": rng.integers(30, 78, n), "sex": rng.integers(0, 2, n),
                          "chol": rng.integers(150, 400, n).astype(object), "num": np.arange(n) % 5})
    frame.loc[[4, 9], "chol"] = "?"
    return frame


def write_heart(folder: Path, rows: pd.DataFrame | None = None, **changes) -> tuple[Path, Path]:
    csv, card = folder / "heart.csv", folder / "heart.yaml"
    (heart_rows() if rows is None else rows).to_csv(csv, header=False, index=False)
    card.write_text(yaml.safe_dump({**HEART_CARD, **changes}, sort_keys=False))
    return csv, card


FRAM_CARD = {
    "name": "fram", "family": "cardiovascular", "title": "Framingham-like", "licence": "-", "citation": "-",
    "target": "TenYearCHD", "positive_label": 1,
    "columns": {"male": {"type": "categorical", "values": [0, 1]},
                "cigsPerDay": {"type": "numerical", "range": [0, 100], "integer": True},
                "totChol": {"type": "numerical", "range": [100, 700]},
                "TenYearCHD": {"type": "categorical", "values": [0, 1]}},
    "rules": ["totChol > 100"],
}


def fram_rows(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"male": rng.integers(0, 2, n), "cigsPerDay": rng.integers(0, 40, n).astype(float),
                          "totChol": rng.integers(120, 400, n).astype(float),
                          "TenYearCHD": (np.arange(n) % 6 == 0).astype(int)})
    frame.loc[[2, 5, 8], "cigsPerDay"] = np.nan  # 'NA' in the file: missing, never a violation
    frame.loc[[7], "totChol"] = np.nan
    return frame


def write_fram(folder: Path, rows: pd.DataFrame | None = None, **changes) -> tuple[Path, Path]:
    csv, card = folder / "fram.csv", folder / "fram.yaml"
    (fram_rows() if rows is None else rows).to_csv(csv, index=False, na_rep="NA")
    card.write_text(yaml.safe_dump({**FRAM_CARD, **changes}, sort_keys=False))
    return csv, card


def card_key_table() -> dict[str, str]:
    """The first table of datasets/README.md: key -> the rest of its row."""
    rows = {}
    for line in README.read_text().split("\n## ")[0].splitlines():
        match = re.match(r"\| `([a-z_.]+)`(?:, `([a-z_.]+)`)? \|(.*)", line)
        if match:
            rows[match.group(1)] = rows[match.group(2) or match.group(1)] = match.group(3)
    return rows


# --------------------------------------------------------------------- 1. derive, cleaning, expression forms


def test_readme_card_key_table_documents_every_card_key_including_derive_and_cleaning():
    rows = card_key_table()
    documented = {key.split(".")[0] for key in rows}
    assert set(REQUIRED_KEYS) | set(OPTIONAL_KEYS) <= documented, set(REQUIRED_KEYS) | set(OPTIONAL_KEYS) - documented
    assert "true/false result is stored as the integers 0/1" in rows["derive"]
    assert "rows where `rule`" in rows["cleaning"] and "are dropped" in rows["cleaning"]
    text = README.read_text()
    assert "## Reading order: derive, missing values, cleaning" in text
    assert "## Expressions: derive, cleaning and rules" in text
    functions = re.search(r"\| the functions `([a-z0-9 ]+)` \|", text).group(1).split()
    assert functions == list(EVAL_FUNCTIONS)  # the README lists exactly the functions a card may call


def test_the_readme_example_of_a_headerless_file_with_a_derived_target_works(tmp_path):
    section = README.read_text().split("## Reading order")[1].split("## ")[0]
    example = yaml.safe_load(section.split("```yaml\n")[1].split("```")[0])
    card = parse_card({"name": "heart", "family": "other", "title": "t", "licence": "-", "citation": "-", **example})
    (tmp_path / "heart.csv").write_text("63,1,1,145,233,0\n67,1,4,160,?,2\n41,0,2,130,204,0\n62,0,4,140,268,3\n")
    frame, _ = from_csv(tmp_path / "heart.csv", card)
    assert frame["disease"].tolist() == [0, 1, 0, 1] and frame["chol"].isna().tolist() == [False, True, False, False]


# Every form the README's expression table documents, on a small frame, with the answer pandas gives.
FRAME = pd.DataFrame({"age": [17, 30, 70], "sex": ["F", "M", "F"], "x": [-2.0, 0.5, np.nan],
                      "num": [0, 3, 1], "alive": [1, 0, 1], "weight": [50.0, 80.0, 100.0],
                      "height": [100.0, 200.0, 100.0]})
DOCUMENTED_FORMS = [
    ("age >= 18", [False, True, True]),
    ("sex == 'F'", [True, False, True]),
    ('sex == "M"', [False, True, False]),
    ("1 - alive", [0, 1, 0]),
    ("weight / (height / 100) ** 2", [50.0, 20.0, 100.0]),
    ("age // 10 % 3", [1, 0, 1]),
    ("-x > 1", [True, False, False]),
    ("0 <= num <= 2", [True, False, True]),
    ("num in [1, 2, 3, 4]", [False, True, True]),
    ("sex not in ['U', 'M']", [True, False, True]),
    ("age >= 18 and age <= 60", [False, True, False]),
    ("(age > 18) & (num > 0)", [False, True, True]),
    ("(age < 18) | (num == 1)", [True, False, True]),
    ("~(num > 0)", [True, False, False]),
    ("not num == 0", [False, True, True]),
    ("age < 18 or alive == 0", [True, True, False]),
    ("abs(x) < 1", [False, True, False]),
    ("floor(age / 20)", [0.0, 1.0, 3.0]),
    ("ceil(sqrt(num))", [0.0, 2.0, 1.0]),
    ("log10(weight) >= 2", [False, False, True]),
    ("x != x or x > 0", [False, True, True]),
    ("num == True", [False, False, True]),
]


@pytest.mark.parametrize("expression, expected", DOCUMENTED_FORMS)
def test_documented_expression_forms_are_accepted_and_evaluate_with_pandas(expression, expected):
    assert unsupported_form(expression) is None
    parse_card({**BASE, "columns": {c: "numerical" for c in FRAME} | {"y": "categorical"},
                "rules": [expression]})  # accepted in a card
    result = FRAME.eval(expression, engine="python")
    assert [v.item() if hasattr(v, "item") else v for v in result] == pytest.approx(expected, nan_ok=True)


def test_allowed_functions_are_the_ones_pandas_eval_provides():
    from pandas.core.computation.ops import MATHOPS

    assert set(EVAL_FUNCTIONS) <= set(MATHOPS)
    for name in EVAL_FUNCTIONS:  # each one really evaluates, to numbers
        args = {"arctan2": "(num + 1, num + 2)", "arcsin": "(num / 10)", "arccos": "(num / 10)",
                "arctanh": "(num / 10)"}.get(name, "(num / 10 + 1)")
        assert FRAME.eval(f"{name}{args}", engine="python").notna().sum() == 3, name


@pytest.mark.parametrize("expression, what, hint", [
    ("(num > 0).astype(int)", "uses a method call ('.astype(...)')",
     "write 'num > 0' alone: a true/false result is stored as 0/1, "
     "so declare y as {type: categorical, values: [0, 1]}"),
    ("x.abs() < 3", "uses a method call ('.abs(...)')", "write abs(x)"),
    ("x.values > 0", "uses attribute access ('.values')", "name a column directly"),
    ("round(x) == 1", "uses the function 'round', which DataFrame.eval does not provide", "floor(x + 0.5)"),
    ("max(x, num) > 0", "uses the function 'max', which DataFrame.eval does not provide", "no element-wise max"),
    ("int(num > 0)", "uses the function 'int', which DataFrame.eval does not provide", "stored as 0/1"),
    ("x[0] > 1", "uses indexing ('[...]')", ""),
    ("x is None", "uses the comparison 'is'", "write == or !="),
    ("x if num else 0", "uses a conditional ('a if c else b')", ""),
    ("num ^ 1", "uses the operator '^'", ""),
    ("abs(x=num) > 0", "uses keyword arguments in abs(...)", "pass arguments by position"),
    ("[1, 2]", "uses a list outside 'in [...]' / 'not in [...]'", ""),
    ("num in [x, 2]", "uses the list item 'x'", "constants only"),
])
def test_unsupported_forms_are_refused_when_the_card_is_read(expression, what, hint):
    with pytest.raises(BenchError) as caught:
        parse_card({**BASE, "columns": {"x": "numerical", "num": "numerical", "y": "categorical"},
                    "derive": {"y": expression}}, where="heart.yaml")
    text = str(caught.value)
    assert text.startswith(f"heart.yaml: derive.y '{expression}' {what}, which a card expression cannot contain")
    assert hint in text and text.endswith(f"Allowed: {ALLOWED_FORMS}")


def test_a_refused_method_call_in_a_rule_or_cleaning_names_its_key():
    columns = {"x": "numerical", "y": "categorical"}
    with pytest.raises(BenchError, match=re.escape("c.yaml: rules[0] 'x.abs() < 3' uses a method call")):
        parse_card({**BASE, "columns": columns, "rules": ["x.abs() < 3"]}, where="c.yaml")
    with pytest.raises(BenchError, match=re.escape("c.yaml: cleaning[0].rule '(x > 0).astype(bool)' uses a method "
                                                   "call ('.astype(...)'), which a card expression cannot contain: "
                                                   "write 'x > 0' alone: a comparison is true or false by itself")):
        parse_card({**BASE, "columns": columns, "cleaning": [{"rule": "(x > 0).astype(bool)", "reason": "r"}]},
                   where="c.yaml")


def test_validate_refuses_a_method_call_in_derive_without_a_knock_on_missing_column(tmp_path, capsys):
    csv, card = write_heart(tmp_path, derive={"disease": "(num > 0).astype(int)"})
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 1
    out = capsys.readouterr().out
    assert f"card  {card}: the YAML parses, but the card is invalid (see the problem below), so no file is " \
           "checked" in out
    assert "1 problem:" in out
    assert (f"  - invalid card: {card}: derive.disease '(num > 0).astype(int)' "
            "uses a method call ('.astype(...)')") in out
    assert "write 'num > 0' alone" in out
    assert "BinOp" not in out and "are missing" not in out and "cannot evaluate" not in out


# --------------------------------------------------------------------- 2. a true/false derived target


def test_a_true_false_derive_gives_a_0_1_integer_target_that_values_0_1_accept(tmp_path):
    rows = heart_rows()
    csv, card_path = write_heart(tmp_path, rows)
    frame, card = from_csv(csv, card_path)
    assert frame["disease"].dtype == np.int64
    assert frame["disease"].tolist() == (rows["num"] > 0).astype(int).tolist()  # 1 for num 1-4, 0 for num 0
    assert frame["chol"].isna().sum() == 2  # '?' read as missing
    split = make_split(frame, card, split_seed=0)
    assert set(split.train["disease"]) == {0, 1}


def test_a_true_false_derive_is_missing_where_its_column_is_missing():
    derived = derive_column(pd.DataFrame({"num": [0.0, 2.0, np.nan]}), "num > 0", "derive.disease")
    assert str(derived.dtype) == "Int64" and derived.isna().tolist() == [False, False, True]
    assert derived.iloc[:2].tolist() == [0, 1]


def test_a_derived_target_with_missing_severity_is_refused(tmp_path):
    rows = heart_rows().astype({"num": object})
    rows.loc[[1, 6], "num"] = "?"
    csv, card_path = write_heart(tmp_path, rows)
    with pytest.raises(BenchError, match=r"column 'disease': missing_value: 2 of 60 rows \(3.3%\) missing; "
                                         r"expected no missing values \(the target\)"):
        from_csv(csv, card_path)


@pytest.mark.parametrize("values, positive, data, problem", [
    ([0, 1], 1, [True, False] * 5, "unknown_value: 10 of 10 rows (100.0%) with other values (e.g. False, True); "
                                   "expected one of: 0, 1; true/false values are not 0/1"),
    ([True, False], True, [1, 0] * 5, "unknown_value: 10 of 10 rows (100.0%) with other values (e.g. 0, 1); "
                                      "expected one of: True, False; 0/1 values are not true/false"),
    ([True, False], True, [True, False] * 5, None),
    ([0, 1], 1, [1, 0] * 5, None),
    ([0, 1], 1, [1.0, 0.0] * 5, None),  # a float 1.0 is the number 1
])
def test_true_false_and_0_1_are_told_apart_by_values(values, positive, data, problem):
    card = parse_card({**BASE, "positive_label": positive,
                       "columns": {"x": "numerical", "y": {"type": "categorical", "values": values}}})
    frame = pd.DataFrame({"x": range(10), "y": data})
    found = [p.message() for p in find_problems(frame, card) if p.column == "y"]
    if problem is None:
        assert found == [] and validate_frame(frame, card) is None
    else:
        assert found[0].startswith(f"column 'y': {problem}")
        with pytest.raises(BenchError, match=re.escape(problem)):
            validate_frame(frame, card)


def test_a_true_false_target_without_values_does_not_pass_for_positive_label_1():
    card = parse_card({**BASE, "columns": {"x": "numerical", "y": "categorical"}})
    problems = find_problems(pd.DataFrame({"x": range(4), "y": [True, False] * 2}), card)
    assert [(p.column, p.problem) for p in problems] == [("y", "target_classes")]
    assert "the positive label 1 (int) never occurs" in problems[0].found


# --------------------------------------------------------------------- 3. did you mean 'totChol'?


@pytest.mark.parametrize("change, message", [
    ({"target": "tenyearchd"}, "target 'tenyearchd' is not in 'columns'; did you mean 'TenYearCHD'?"),
    ({"quasi_identifiers": ["male", "totchol"]},
     "quasi_identifiers names column 'totchol', which is not in 'columns'; did you mean 'totChol'?"),
    ({"secrets": ["totchol"]}, "secrets names column 'totchol', which is not in 'columns'; did you mean 'totChol'?"),
    ({"sensitive": {"Male": {}}}, "sensitive attribute 'Male' is not in 'columns'; did you mean 'male'?"),
    ({"rules": ["totchol > 100"]},
     "rules[0] 'totchol > 100' uses unknown column 'totchol': not among the card's columns; did you mean 'totChol'?"),
    ({"rules": ["cigsPerDay >= 0 and totchol > 100 and cigsperday < 90"]},
     "uses unknown columns 'totchol': not among the card's columns; did you mean 'totChol'? (choices: "
     "TenYearCHD, cigsPerDay, male, totChol); 'cigsperday': not among the card's columns; did you mean 'cigsPerDay'?"),
    ({"cleaning": [{"rule": "totchol < 700", "reason": "r"}]},
     "cleaning[0].rule 'totchol < 700' uses unknown column 'totchol': not among the card's columns; "
     "did you mean 'totChol'?"),
])
def test_a_misspelled_column_in_the_card_gets_a_did_you_mean(change, message):
    with pytest.raises(BenchError, match=re.escape(message)):
        parse_card({**FRAM_CARD, **change}, where="fram.yaml")


def test_a_misspelled_missing_value_key_gets_a_did_you_mean():
    card = parse_card({**FRAM_CARD, "missing": {"never_missing": ["male", "totchol"]}})
    assert [p.message() for p in card_problems(card)] == [
        "column 'totchol': unknown_column: missing.never_missing names it (did you mean 'totChol'?); expected one "
        "of the card's columns: male, cigsPerDay, totChol, TenYearCHD"]


def test_a_misspelled_card_column_is_named_with_the_file_column_and_its_rule_is_not_blamed(tmp_path, capsys):
    columns = {("totchol" if c == "totChol" else c): spec for c, spec in FRAM_CARD["columns"].items()}
    csv, card = write_fram(tmp_path, columns=columns, rules=["totchol > 100", "cigsPerDay >= 0"])
    check = check_card(card, csv)
    assert check.problems == [
        f"{csv}: column(s) ['totchol'] named in card 'fram' are missing (did you mean 'totChol' for 'totchol'?); "
        "the file has ['male', 'cigsPerDay', 'totChol', 'TenYearCHD']"]
    assert "rule 'totchol > 100' not checked: the table has no column 'totchol' (did you mean 'totChol'?)" \
        in check.notes
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "cannot be evaluated" not in out and "UndefinedVariableError" not in out and "1 problem:" in out


def test_a_misspelled_file_column_in_derive_is_named_once(tmp_path):
    csv, card = write_heart(tmp_path, derive={"disease": "nmu > 0"})
    check = check_card(card, csv)
    assert check.problems == [
        "card 'heart': derive.disease: 'nmu > 0' uses column 'nmu' (did you mean 'num'?), which the file does not "
        "have; the file has ['age', 'sex', 'chol', 'num']"]  # not again as a missing column 'disease'
    with pytest.raises(BenchError, match=re.escape("uses column 'nmu' (did you mean 'num'?)")):
        from_csv(csv, card)


def test_a_misspelled_zero_means_missing_column_is_reported_once(tmp_path):
    csv, card = write_fram(tmp_path, missing={"zero_means_missing": ["cigsperday"]})
    assert check_card(card, csv).problems == [
        "column 'cigsperday': unknown_column: missing.zero_means_missing names it (did you mean 'cigsPerDay'?); "
        "expected one of the card's columns: male, cigsPerDay, totChol, TenYearCHD"]
    with pytest.raises(BenchError, match=re.escape("missing.zero_means_missing names column 'cigsperday', which is "
                                                   "not among the card's columns; did you mean 'cigsPerDay'?")):
        from_csv(csv, card)


# --------------------------------------------------------------------- 4. invalid card vs YAML that does not parse


def test_an_invalid_card_is_headed_as_such_not_as_a_parse_failure(tmp_path, capsys):
    csv, card = write_fram(tmp_path, quasi_identifiers=["totchol"])
    check = check_card(card, csv)
    assert check.card is None and check.file is None
    assert check.card_error == (f"{card}: quasi_identifiers names column 'totchol', which is not in 'columns'; "
                                "did you mean 'totChol'? (choices: TenYearCHD, cigsPerDay, male, totChol)")
    assert check.problems == [f"invalid card: {check.card_error}"]
    assert check.notes == ["the file is not checked until the card is valid"]
    assert check_markdown(check).startswith(f"**card** `{card}`: the YAML parses, but the card is invalid")
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (f"card  {card}: the YAML parses, but the card is invalid (see the problem "
                                   "below), so no file is checked")
    assert "does not parse" not in out


def test_yaml_that_does_not_parse_says_so_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(BenchError, match="^the YAML does not parse, so the card cannot be checked: .*not valid YAML"):
        check_card(bad)
    assert main(["datasets", "validate", str(bad)]) == 2
    assert "the YAML does not parse" in capsys.readouterr().err


def test_a_valid_card_line_names_dataset_target_and_columns():
    card = parse_card(FRAM_CARD)
    check = CardCheck(Path("fram.yaml"), card=card)
    assert check.card_line() == "dataset 'fram', target 'TenYearCHD' (positive 1), 4 columns"


# --------------------------------------------------------------------- 5. whole-number columns


@pytest.mark.parametrize("spec, message", [
    ({"type": "categorical", "integer": True}, "columns.n.integer is for numerical columns, not categorical"),
    ({"type": "ordinal", "integer": True}, "columns.n.integer is for numerical columns, not ordinal"),
    ({"type": "numerical", "integer": 1}, "columns.n.integer must be true or false, got 1"),
    ({"type": "numerical", "integer": "yes please"}, "columns.n.integer must be true or false, got 'yes please'"),
])
def test_bad_integer_declarations_are_refused(spec, message):
    with pytest.raises(BenchError, match=re.escape(message)):
        parse_card({**BASE, "columns": {"n": spec, "y": "categorical"}})


def test_integer_columns_are_parsed():
    card = parse_card({**FRAM_CARD, "columns": {**FRAM_CARD["columns"],
                                                "totChol": {"type": "numerical", "integer": False}}})
    assert card.integer_columns == ("cigsPerDay",) and card.columns["cigsPerDay"] == "numerical"


def test_a_real_integer_column_holding_fractions_is_refused_on_load(tmp_path):
    rows = fram_rows()
    rows.loc[[10, 11, 12], "cigsPerDay"] = [1.5, 2.25, 20.5]
    csv, card = write_fram(tmp_path, rows)
    with pytest.raises(BenchError) as caught:
        from_csv(csv, card)
    assert ("column 'cigsPerDay': not_integer: 3 of 200 rows (1.5%) not whole numbers (e.g. 1.5, 20.5); "
            "expected whole numbers (columns.cigsPerDay.integer: true)") in str(caught.value)
    assert "2.25" not in str(caught.value)  # two examples at most
    assert from_csv(*write_fram(tmp_path))[0]["cigsPerDay"].isna().sum() == 3  # NA is missing, not a fraction


def test_check_synthetic_reports_the_share_of_fractions():
    card = parse_card(FRAM_CARD)
    synthetic = fram_rows().assign(cigsPerDay=lambda f: f["cigsPerDay"] + np.where(f.index < 50, 0.4, 0.0))
    report = check_synthetic(synthetic, card)
    assert report[["column", "problem", "rows"]].values.tolist() == [["cigsPerDay", "not_integer", 50 - 3]]


def fram_split():
    card = parse_card(FRAM_CARD)
    return make_split(fram_rows(600), card, split_seed=0)


def test_fractions_in_an_integer_column_count_as_rule_violations():
    split = fram_split()
    train = split.train
    observed = train.index[train["cigsPerDay"].notna()]
    fractional, low_chol = observed[:30], observed[20:45]  # 10 rows break both
    synthetic = train.copy()
    synthetic.loc[fractional, "cigsPerDay"] += 0.5
    synthetic.loc[low_chol, "totChol"] = 90.0
    synthetic.loc[train.index[train["cigsPerDay"].isna()], "cigsPerDay"] = np.nan  # missing: never a violation
    rate, real = rule_violations(ScoringContext(split, synthetic.reset_index(drop=True)))
    assert rate.value == pytest.approx(45 / len(train))  # 30 + 25 - 10 rows break at least one check
    assert real.value == 0.0
    details = rate.details.set_index("rule")
    assert list(details.index) == ["totChol > 100", "cigsPerDay is a whole number"]
    whole = details.loc["cigsPerDay is a whole number"]
    assert whole["synthetic_rows_judged"] == train["cigsPerDay"].notna().sum()
    assert whole["synthetic_share_broken"] == pytest.approx(30 / train["cigsPerDay"].notna().sum())
    assert whole["real_share_broken"] == 0.0


def test_the_real_rate_applies_the_same_whole_number_check():
    split = fram_split()  # make_split does not validate: a real part may hold fractions
    train = split.train.copy()
    rows = train.index[train["cigsPerDay"].notna()][:12]
    train.loc[rows, "cigsPerDay"] += 0.25
    split = replace(split, train=train)
    rate, real = rule_violations(ScoringContext(split, split.train.reset_index(drop=True)))
    assert real.value == pytest.approx(12 / len(train)) == rate.value
    assert rate.details.set_index("rule").loc["cigsPerDay is a whole number", "real_share_broken"] == \
        pytest.approx(12 / train["cigsPerDay"].notna().sum())


def test_integer_columns_alone_make_the_rule_violation_rate_applicable():
    split = fram_split()
    card = parse_card({**FRAM_CARD, "rules": []})
    split = replace(split, card=card)
    rate, _ = rule_violations(ScoringContext(split, split.train.reset_index(drop=True)))
    assert rate.value == 0.0 and list(rate.details["rule"]) == ["cigsPerDay is a whole number"]
    bare = replace(split, card=parse_card({**FRAM_CARD, "rules": [], "columns": {
        **FRAM_CARD["columns"], "cigsPerDay": "numerical"}}))
    with pytest.raises(NotApplicable, match="declares no clinical rules and no integer columns"):
        rule_violations(ScoringContext(bare, bare.train))


SHIPPED_INTEGER_COLUMNS = {
    "pima": ("Pregnancies", "Age"), "cdc_diabetes": ("MentHlth", "PhysHlth"), "cardio": ("age_years",),
    "sepsis_survival": ("age_years",), "sepsis_survival_study": ("age_years",), "sepsis_like": ("age",),
    "heart_failure": (),  # age holds 60.667 in two rows
}


def test_shipped_cards_declare_integer_columns_only_where_the_files_hold_whole_numbers(mirror):
    from bench import datasets

    for name, expected in SHIPPED_INTEGER_COLUMNS.items():
        options = {"n_patients": 5000} if name == "sepsis_like" else {"clean": False} if name == "cardio" else {}
        frame, card = datasets.load(name, **options)  # validated on load: a fraction would raise
        assert card.integer_columns == expected, name
        for column in expected:
            values = frame[column].dropna()
            assert (values == np.round(values)).all() and len(values) > 0, (name, column)
