import numpy as np
import pandas as pd
import pytest

from bench import datasets
from bench.datasets import make_split
from bench.errors import BenchError


@pytest.fixture(scope="module")
def pima():
    return datasets.load("pima")


def test_pima_loads_from_the_mirror_with_zeros_as_missing(mirror, pima):
    frame, card = pima
    assert frame.shape == (768, 9)
    assert list(frame.columns) == list(card.columns)
    # Published counts of zeros that encode "not measured" (see the mirror README).
    assert frame.isna().sum()[card.missing["zero_means_missing"]].tolist() == [5, 35, 227, 374, 11]
    assert frame["Pregnancies"].isna().sum() == 0 and (frame["Pregnancies"] == 0).sum() > 0
    assert frame["Outcome"].sum() == 268


def test_split_is_deterministic_disjoint_and_stratified(mirror, pima):
    frame, card = pima
    first = make_split(frame, card, split_seed=7)
    again = make_split(frame, card, split_seed=7)
    other = make_split(frame, card, split_seed=8)
    for part in ("train", "holdout", "control"):
        pd.testing.assert_frame_equal(getattr(first, part), getattr(again, part))
    assert not getattr(first, "train").equals(other.train)
    assert sum(first.sizes().values()) == len(frame)
    # Disjoint: no row of the original table lands in two parts (pima has no duplicate rows).
    keys = [set(map(tuple, getattr(first, part).fillna(-1).to_numpy())) for part in ("train", "holdout", "control")]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    prevalence = frame["Outcome"].mean()
    for part in ("train", "holdout", "control"):
        assert abs(getattr(first, part)["Outcome"].mean() - prevalence) < 0.01


def test_split_refuses_bad_fractions_and_single_class_targets(pima):
    frame, card = pima
    with pytest.raises(BenchError, match="summing to 1"):
        make_split(frame, card, split_seed=0, fractions=(0.5, 0.2, 0.2))
    with pytest.raises(BenchError, match="needs two classes"):
        make_split(frame.assign(Outcome=1), card, split_seed=0)


def test_unknown_dataset_suggests_the_closest_name():
    with pytest.raises(BenchError, match="unknown dataset 'pimaa'; did you mean 'pima'"):
        datasets.load("pimaa")


def test_sepsis_like_split_through_the_registry_is_reproducible():
    a = datasets.load_split("sepsis_like", split_seed=3, n_patients=1000, seed=5)
    b = datasets.load_split("sepsis_like", split_seed=3, n_patients=1000, seed=5)
    pd.testing.assert_frame_equal(a.train, b.train)
    assert a.sizes() == {"train": 600, "holdout": 200, "control": 200}
    assert np.isclose(a.train[a.card.target].mean(), a.holdout[a.card.target].mean(), atol=0.02)


def test_unknown_loader_option_is_refused_with_the_accepted_ones():
    with pytest.raises(BenchError,
                       match=r"dataset 'sepsis_like' has no option 'clean'; expected one of: n_patients, seed"):
        datasets.load("sepsis_like", clean=False)
    with pytest.raises(BenchError, match=r"has no option 'n_patient'; did you mean 'n_patients'\?"):
        datasets.card_checksum("sepsis_like", n_patient=5000)


def test_an_unknown_user_csv_option_is_named_before_the_missing_one(tmp_path):
    # user_csv[file=...] used to say "needs the option path", hiding the misspelt option
    with pytest.raises(BenchError, match=r"dataset 'user_csv' has no option 'file'; expected one of: card, clean, "
                                         r"include_excluded, path"):
        datasets.card_checksum("user_csv", file=str(tmp_path / "ward.csv"), card=str(tmp_path / "ward.yaml"))
