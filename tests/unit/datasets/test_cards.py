import re
from pathlib import Path

import pytest

from bench.datasets import cards
from bench.datasets.cards import load_card, parse_card
from bench.errors import BenchError

MINIMAL = {"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-", "target": "y",
           "positive_label": 1, "columns": {"x": "numerical", "y": "categorical"}}


def test_every_shipped_card_is_valid_and_names_a_known_target():
    paths = sorted(cards.cards_dir().glob("*.yaml"))
    assert {p.stem for p in paths} >= {"pima", "sepsis_like"}
    for path in paths:
        card = load_card(path)
        assert card.target in card.columns
        assert card.citation and card.licence


def test_pima_card_declares_missing_zeros_and_age_bands():
    card = load_card(cards.cards_dir() / "pima.yaml")
    assert card.missing["zero_means_missing"] == ["Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI"]
    (age,) = card.sensitive
    assert age.column == "Age" and age.labels == ("21-29", "30-39", "40-49", "50+")
    assert card.sources[0].sha256 == "698c203a14aa31941d2251175330c9199f3ccdb31597abbba2a3e35416257a72"


@pytest.mark.parametrize("change, message", [
    ({"target": "z"}, "target 'z' is not in 'columns'"),
    ({"family": "oncology"}, "family is 'oncology'; expected one of"),
    ({"columns": {"x": "number", "y": "categorical"}}, "columns.x is 'number'"),
    ({"quasi_identifiers": ["age"]}, "quasi_identifiers names column 'age'"),
    ({"colums": {}}, "unknown key(s): colums"),
    ({"sensitive": {"x": {"bins": [0, 10, 20], "labels": ["low"]}}}, "needs 2 labels, got 1"),
    ({"source": {"files": [{"name": "f.csv", "sha256": "abc"}]}}, "must be 64 hex digits"),
    ({"rules": ["x >> > 0"]}, "rules[0] does not parse: 'x >> > 0'"),
    ({"rules": ["z > 0"]}, "rules[0] 'z > 0' uses unknown column 'z': not among the card's columns"),
    ({"cleaning": [{"rule": "x > 0"}]}, "cleaning[0] needs 'rule'"),
    ({"excluded": {"x": {"type": "numerical", "reason": "r"}}}, "excluded column 'x' is also in 'columns'"),
    ({"excluded": {"t": {"type": "float", "reason": "r"}}}, "excluded.t.type is 'float'"),
    ({"derive": {"x": "(("}}, "derive.x does not parse"),
])
def test_bad_cards_are_refused_with_the_key_named(change, message):
    with pytest.raises(BenchError, match=re.escape(message)):
        parse_card({**MINIMAL, **change}, where="my_card.yaml")


def test_missing_required_key_is_named():
    raw = dict(MINIMAL)
    del raw["target"]
    with pytest.raises(BenchError, match="missing required key.*target"):
        parse_card(raw)


def test_unreadable_card_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(BenchError, match="dataset card not found"):
        load_card(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(BenchError, match="not valid YAML"):
        load_card(bad)


def test_excluded_columns_come_back_only_on_request():
    card = parse_card({**MINIMAL, "excluded": {"t": {"type": "numerical", "reason": "leaks the outcome"}},
                       "cleaning": [{"rule": "t >= 0", "reason": "days"}], "rules": ["abs(x) < 10"]})
    assert "t" not in card.columns and card.with_excluded().columns["t"] == "numerical"
    assert card.cleaning[0]["reason"] == "days"
