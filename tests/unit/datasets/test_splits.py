"""Splits for tiny tables (every part keeps both classes) and large ones (stratified, seeded caps)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from bench import datasets
from bench.datasets import make_split
from bench.datasets.cards import parse_card
from bench.errors import BenchError

CARD = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-", "target": "y",
                   "positive_label": 1, "columns": {"id": "numerical", "x": "numerical", "y": "categorical"}})


def table(n: int, positives: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.zeros(n, dtype=int)
    y[rng.choice(n, positives, replace=False)] = 1
    return pd.DataFrame({"id": np.arange(n), "x": rng.normal(size=n), "y": y})


def test_heart_failure_sized_table_keeps_both_classes_in_every_part(mirror):
    raw = pd.read_csv(mirror / "heart_failure_clinical_records_dataset.csv")
    card = parse_card({"name": "heart_failure", "family": "cardiovascular", "title": "t", "licence": "-",
                       "citation": "-", "target": "DEATH_EVENT", "positive_label": 1,
                       "columns": {c: "numerical" for c in raw.columns if c != "DEATH_EVENT"} | {
                           "DEATH_EVENT": "categorical"}})
    assert len(raw) == 299 and raw["DEATH_EVENT"].sum() == 96
    split = make_split(raw, card, split_seed=0)
    assert split.sizes() == {"train": 179, "holdout": 60, "control": 60}
    for part in (split.train, split.holdout, split.control):
        counts = part["DEATH_EVENT"].value_counts()
        assert counts.min() >= 2 and abs(counts[1] / len(part) - 96 / 299) < 0.02


def test_a_part_with_too_few_rows_of_a_class_is_refused_with_the_part_named():
    frame = table(100, positives=5)  # train 3, holdout 1, control 1
    with pytest.raises(BenchError, match=r"dataset 't': the (holdout|control) part would get 1 row\(s\) of class 1 "
                                         r"of 'y' \(the table has 5\); every part needs at least 2 rows of each class"):
        make_split(frame, CARD, split_seed=0)
    split = make_split(frame, CARD, split_seed=0, min_class_rows=1)
    assert [int(p["y"].sum()) for p in (split.train, split.holdout, split.control)] == [3, 1, 1]


def test_too_small_for_sklearn_is_a_bench_error():
    with pytest.raises(BenchError, match="needs two classes with at least 3 rows each"):
        make_split(table(30, positives=2), CARD, split_seed=0)


def test_uncapped_split_is_the_plain_stratified_split():
    """Small tables split exactly as before the caps existed (existing results stay comparable)."""
    frame = table(1000, positives=120)
    split = make_split(frame, CARD, split_seed=4)
    train, rest = train_test_split(frame, train_size=0.6, random_state=4, stratify=frame["y"])
    holdout, _ = train_test_split(rest, train_size=0.5, random_state=4, stratify=rest["y"])
    assert split.train["id"].tolist() == train["id"].tolist()
    assert split.holdout["id"].tolist() == holdout["id"].tolist()


def test_large_table_caps_holdout_and_control_by_default_stratified_and_seeded():
    frame = table(60_000, positives=6_000)
    split = make_split(frame, CARD, split_seed=1)
    assert split.sizes() == {"train": 36_000, "holdout": 10_000, "control": 10_000}
    for part in (split.train, split.holdout, split.control):
        assert part["y"].mean() == pytest.approx(0.1, abs=0.001)
    ids = [set(p["id"]) for p in (split.train, split.holdout, split.control)]
    assert not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2])
    again = make_split(frame, CARD, split_seed=1)
    other = make_split(frame, CARD, split_seed=2)
    pd.testing.assert_frame_equal(split.control, again.control)
    assert not split.control["id"].equals(other.control["id"])
    # Capping the evaluation parts never changes the training part.
    uncapped = make_split(frame, CARD, split_seed=1, max_eval=None)
    assert uncapped.sizes() == {"train": 36_000, "holdout": 12_000, "control": 12_000}
    pd.testing.assert_frame_equal(split.train, uncapped.train)
    assert set(split.holdout["id"]) <= set(uncapped.holdout["id"])


def test_train_cap_is_optional_and_stratified():
    split = make_split(table(20_000, positives=1_000), CARD, split_seed=0, max_train=5_000, max_eval=2_000)
    assert split.sizes() == {"train": 5_000, "holdout": 2_000, "control": 2_000}
    assert split.train["y"].sum() == 250


@pytest.mark.parametrize("caps, message", [
    ({"max_eval": 0}, "max_eval must be a positive integer or None"),
    ({"max_train": 2.5}, "max_train must be a positive integer or None"),
    ({"min_class_rows": 0}, "min_class_rows must be a positive integer"),
])
def test_bad_caps_are_refused(caps, message):
    with pytest.raises(BenchError, match=message):
        make_split(table(100, positives=50), CARD, split_seed=0, **caps)


def test_load_split_passes_the_caps():
    split = datasets.load_split("sepsis_like", n_patients=30_000, max_train=3_000, max_eval=1_000)
    assert split.sizes() == {"train": 3_000, "holdout": 1_000, "control": 1_000}
