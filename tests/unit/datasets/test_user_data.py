"""Your own data: a private CSV with its card through from_csv, the registry (user_csv) and cell ids."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bench import datasets
from bench.cli import main
from bench.datasets import fetch, from_csv, make_split
from bench.datasets.cards import cards_dir, load_card
from bench.datasets.tables import load_csv_table, read_table
from bench.errors import BenchError
from bench.sweep.config import Cell, load_benchmark

CARD = {
    "name": "ward", "family": "other", "title": "Ward extract", "licence": "private", "citation": "internal",
    "target": "death", "positive_label": 1,
    "columns": {
        "age": {"type": "numerical", "range": [18, 110]},
        "sex": {"type": "categorical", "values": ["F", "M"]},
        "lactate": {"type": "numerical", "range": [0, 30]},
        "death": {"type": "categorical", "values": [0, 1]},
    },
    "missing": {"never_missing": ["age", "sex"]},
    "rules": ["age >= 18"],
}


def ward_frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lactate = rng.gamma(2.0, 1.0, n).round(1)
    lactate[rng.random(n) < 0.3] = np.nan  # allowed: lactate is not in never_missing
    return pd.DataFrame({"age": rng.integers(18, 95, n), "sex": rng.choice(["F", "M"], n),
                         "lactate": lactate, "death": (np.arange(n) % 5 == 0).astype(int)})


def write_ward(folder: Path, frame: pd.DataFrame | None = None, sep: str = ",", **card_changes) -> tuple[Path, Path]:
    csv, card = folder / "ward.csv", folder / "ward.yaml"
    (ward_frame() if frame is None else frame).to_csv(csv, index=False, sep=sep)
    card.write_text(yaml.safe_dump({**CARD, **card_changes}, sort_keys=False))
    return csv, card


def test_from_csv_reads_validates_and_splits(tmp_path):
    csv, card_path = write_ward(tmp_path)
    frame, card = from_csv(csv, card_path)
    assert list(frame.columns) == ["age", "sex", "lactate", "death"] and len(frame) == 200
    assert card.name == "ward" and card.column_ranges["age"] == (18.0, 110.0)
    split = make_split(frame, card, split_seed=0)
    assert split.sizes() == {"train": 120, "holdout": 40, "control": 40}
    # The same with the card given as an object and as a str path.
    again, _ = from_csv(str(csv), load_card(card_path))
    pd.testing.assert_frame_equal(frame, again)


def test_from_csv_applies_read_options_derive_zero_missing_and_cleaning(tmp_path):
    raw = ward_frame().assign(age_months=lambda f: f["age"] * 12).drop(columns="age")
    raw.loc[:4, "lactate"] = 0.0
    raw.loc[5, "age_months"] = 12 * 10  # a 10-year-old: the cleaning rule drops the row
    csv, card_path = write_ward(tmp_path, raw, sep=";", source={"read": {"sep": ";"}},
                                derive={"age": "age_months / 12"},
                                missing={"never_missing": ["age", "sex"], "zero_means_missing": ["lactate"]},
                                cleaning=[{"rule": "age >= 18", "reason": "adults only"}])
    frame, _ = from_csv(csv, card_path)
    assert len(frame) == 199 and list(frame.columns) == ["age", "sex", "lactate", "death"]
    assert frame.loc[:3, "lactate"].isna().all() and (frame["age"] >= 18).all()


def test_public_loader_and_user_reader_share_one_path(mirror):
    card = load_card(cards_dir() / "pima.yaml")
    pd.testing.assert_frame_equal(load_csv_table(card), read_table(mirror / "diabetes.csv", card))
    frame, user_card = from_csv(mirror / "diabetes.csv", card)  # pima's card verifies the sha256
    assert frame.shape == (768, 9) and user_card is card


def test_checksum_in_the_card_is_verified_for_user_files(tmp_path):
    csv, card_path = write_ward(tmp_path)
    digest = fetch.sha256_of(csv)
    write_ward(tmp_path, source={"files": [{"name": "ward.csv", "sha256": digest}]})
    assert len(from_csv(csv, card_path)[0]) == 200
    write_ward(tmp_path, source={"files": [{"name": "ward.csv", "sha256": "a" * 64}]})
    with pytest.raises(BenchError, match=f"ward.csv has sha256 {digest}; card 'ward' expects a{{64}}"):
        from_csv(csv, card_path)


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="death"), r"column\(s\) \['death'\] named in card 'ward' are missing"),
    (lambda f: f.drop(columns="lactate"), r"column\(s\) \['lactate'\] named in card 'ward' are missing"),
    (lambda f: f.assign(death=1), r"column 'death': target_classes: 1 class: 1 \(200 rows\); expected two classes"),
    (lambda f: f.assign(age=f["age"].astype(object).where(f.index != 3, "abc")),
     r"column 'age': not_numeric: 1 of 200 rows \(0.5%\) not numbers \(e.g. 'abc'\); expected numbers"),
])
def test_bad_user_tables_are_refused_with_a_clear_error(tmp_path, change, message):
    csv, card_path = write_ward(tmp_path, change(ward_frame()))
    with pytest.raises(BenchError, match=message):
        from_csv(csv, card_path)


def test_out_of_range_error_names_dataset_column_counts_examples_and_expectation_but_no_rows(tmp_path):
    frame = ward_frame()
    frame.loc[[3, 7, 9], "age"] = [150, 4, 222]
    frame.loc[3, "lactate"] = 17.3  # a distinctive value on the same row: must not be shown
    csv, card_path = write_ward(tmp_path, frame)
    with pytest.raises(BenchError) as caught:
        from_csv(csv, card_path)
    text = str(caught.value)
    assert f"dataset 'ward' does not match its card ({card_path}): 1 problem" in text
    assert "column 'age': out_of_range: 3 of 200 rows (1.5%) outside [18, 110] (e.g. 4, 222); " \
           "expected values in [18, 110]" in text
    assert "17.3" not in text and "150" not in text  # two examples only, never the row


def test_missing_file_and_missing_card_are_clear_errors(tmp_path):
    csv, card_path = write_ward(tmp_path)
    with pytest.raises(BenchError, match="data file for dataset 'ward' not found: .*nope.csv"):
        from_csv(tmp_path / "nope.csv", card_path)
    with pytest.raises(BenchError, match="dataset card not found: .*nope.yaml"):
        from_csv(csv, tmp_path / "nope.yaml")


def test_user_csv_through_the_registry(tmp_path):
    csv, card_path = write_ward(tmp_path)
    split = datasets.load_split("user_csv", split_seed=1, path=str(csv), card=str(card_path))
    assert split.card.name == "ward" and split.sizes() == {"train": 120, "holdout": 40, "control": 40}
    frame, card = datasets.load("user_csv", path=str(csv), card=str(card_path))
    pd.testing.assert_frame_equal(frame, from_csv(csv, card_path)[0])
    # the wording of the options error is the registry's (two forms: "option(s) ['n_patients']; its options:
    # path, ..." and "option 'n_patients'; expected one of: card, ..."); what matters here is the name
    with pytest.raises(BenchError, match=r"has no option.*'n_patients'.*(its options|expected one of)"):
        datasets.load("user_csv", path=str(csv), card=str(card_path), n_patients=5)
    with pytest.raises(BenchError, match="needs the option card=/absolute/path"):
        datasets.load("user_csv", path=str(csv))
    with pytest.raises(BenchError, match="option path=ward.csv must be an absolute path"):
        datasets.load("user_csv", path="ward.csv", card=str(card_path))


def test_user_csv_cell_id_covers_the_card_and_the_file(tmp_path):
    csv, card_path = write_ward(tmp_path)
    options = {"path": str(csv), "card": str(card_path)}
    cell = Cell("b", "user_csv", options, "marginals", {}, seed=0)
    first = cell.id
    assert cell.spec()["card_sha256"] == datasets.card_checksum("user_csv", **options)
    assert Cell("b", "user_csv", dict(options), "marginals", {}, seed=0).id == first
    write_ward(tmp_path, ward_frame(seed=1))  # same card, other rows
    assert cell.id != first
    second = cell.id
    write_ward(tmp_path, ward_frame(seed=1), title="Ward extract, v2")  # same rows, edited card
    assert cell.id not in (first, second)
    # Public datasets keep their card-only checksum (existing cell ids do not change).
    assert Cell("b", "pima", {}, "marginals", {}, seed=0).spec()["card_sha256"] == fetch.sha256_of(
        cards_dir() / "pima.yaml")


def test_benchmark_file_with_user_csv_dry_runs(tmp_path, capsys, monkeypatch):
    csv, card_path = write_ward(tmp_path)
    bench_file = tmp_path / "ward_bench.yaml"
    bench_file.write_text(f'name: ward\ndatasets: ["user_csv[path={csv},card={card_path}]"]\n'
                          "generators: [marginals]\nseeds: [0]\n")
    cells = load_benchmark(bench_file).cells()
    assert cells[0].dataset_options == {"path": str(csv), "card": str(card_path)}
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    assert main(["run", str(bench_file), "--dry-run"]) == 0
    assert "1 cells" in capsys.readouterr().out
    assert sorted(tmp_path.iterdir()) == before
    missing = tmp_path / "missing_bench.yaml"
    missing.write_text(f'name: ward\ndatasets: ["user_csv[path={tmp_path / "no.csv"},card={card_path}]"]\n'
                       "generators: [marginals]\nseeds: [0]\n")
    assert main(["run", str(missing), "--dry-run"]) == 2
    assert re.search(r"data file for dataset 'user_csv' not found: .*no.csv", capsys.readouterr().err)
