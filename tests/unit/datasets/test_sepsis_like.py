"""Tests of the sepsis-like ICU simulator and its dataset card (datasets/sepsis_like.yaml)."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from bench.datasets import sepsis_like
from bench.datasets.cards import cards_dir, load_card
from bench.errors import BenchError

VITALS = ["heart_rate", "resp_rate", "temperature", "sbp", "map", "o2sat"]
LABS = ["lactate", "wbc", "creatinine", "platelets", "bilirubin"]


@pytest.fixture(scope="module")
def card():
    return load_card(cards_dir() / "sepsis_like.yaml")


@pytest.fixture(scope="module")
def big(card) -> pd.DataFrame:
    """200k patients: large enough for tight checks on rates and moments."""
    return sepsis_like.load(card, n_patients=200_000, seed=0)


def age_band(age: pd.Series) -> pd.Series:
    return pd.cut(age, list(sepsis_like.AGE_BAND_EDGES), right=False, labels=list(sepsis_like.AGE_BAND_LABELS))


# --- card and loader ----------------------------------------------------------------------------

def test_card_loads_and_matches_simulator(card):
    assert card.name == "sepsis_like"
    assert card.family == "sepsis"
    assert card.target == "hospital_death" and card.positive_label == 1
    assert not card.sources
    assert list(card.columns) == list(sepsis_like.COLUMNS)
    assert card.columns["sofa_partial"] == "ordinal"
    assert set(card.secrets) == {"hospital_death", "sepsis", "lactate"}
    age = next(s for s in card.sensitive if s.column == "age")
    assert age.bins == tuple(float(b) for b in sepsis_like.AGE_BAND_EDGES)
    assert age.labels == sepsis_like.AGE_BAND_LABELS
    assert {s.column for s in card.sensitive} == {"age", "sex", "ethnic_group"}


def test_card_ground_truth_uses_module_constants(card):
    truth = card.generator["ground_truth"]
    params = card.generator["parameters"]
    assert truth["sepsis_prevalence"] == sepsis_like.SEPSIS_PREVALENCE == params["sepsis_prevalence"]
    assert truth["mortality_by_age_band"] == sepsis_like.MORTALITY_BY_AGE_BAND == params["mortality_by_age_band"]
    assert truth["rare_group"]["label"] == sepsis_like.RARE_GROUP
    assert truth["rare_group"]["share"] == sepsis_like.ETHNIC_GROUP_SHARES[sepsis_like.RARE_GROUP]
    assert params["ethnic_group_shares"] == sepsis_like.ETHNIC_GROUP_SHARES
    assert params["mortality_odds_ratios"] == sepsis_like.MORTALITY_ODDS_RATIOS
    for column, (mean, sd) in {**sepsis_like.VITAL_ANCHORS}.items():
        assert params["vital_anchors_mean_sd"][column] == [mean, sd]
    for column, (mean, sd) in sepsis_like.LAB_ANCHORS.items():
        assert params["lab_anchors_mean_sd_lognormal"][column] == [mean, sd]


def test_load_returns_card_columns_in_order_and_row_count(card):
    frame = sepsis_like.load(card, n_patients=1000, seed=3)
    assert len(frame) == 1000
    assert list(frame.columns) == list(card.columns)


def test_load_reorders_to_card_order(card):
    reordered = dataclasses.replace(card, columns=dict(reversed(list(card.columns.items()))))
    frame = sepsis_like.load(reordered, n_patients=1000, seed=3)
    assert list(frame.columns) == list(reversed(sepsis_like.COLUMNS))


def test_registry_loads_the_simulator():
    from bench.datasets import registry

    frame, the_card = registry.load("sepsis_like", n_patients=1000, seed=0)
    assert frame.shape == (1000, len(the_card.columns))


@pytest.mark.parametrize("bad", [999, 1_000_001, 2000.0, "2000", True, None])
def test_n_patients_is_validated(card, bad):
    with pytest.raises(BenchError) as excinfo:
        sepsis_like.load(card, n_patients=bad)
    message = str(excinfo.value)
    assert "n_patients" in message
    assert repr(bad) in message
    assert "1000" in message and "1000000" in message


def test_bounds_are_accepted(card):
    assert len(sepsis_like.load(card, n_patients=1000)) == 1000
    assert len(sepsis_like.load(card, n_patients=np.int64(1001))) == 1001


def test_bad_seed_is_rejected(card):
    with pytest.raises(BenchError, match="seed"):
        sepsis_like.load(card, n_patients=1000, seed=-1)


def test_column_mismatch_with_card_is_named(card):
    columns = {k: v for k, v in card.columns.items() if k != "lactate"}
    columns["troponin"] = "numerical"
    with pytest.raises(BenchError) as excinfo:
        sepsis_like.load(dataclasses.replace(card, columns=columns), n_patients=1000)
    assert "troponin" in str(excinfo.value) and "lactate" in str(excinfo.value)


# --- determinism and shape --------------------------------------------------------------------------

def test_same_seed_gives_identical_frame():
    pd.testing.assert_frame_equal(sepsis_like.simulate(3000, seed=7), sepsis_like.simulate(3000, seed=7))


def test_different_seed_gives_different_frame():
    a, b = sepsis_like.simulate(3000, seed=7), sepsis_like.simulate(3000, seed=8)
    assert not a.equals(b)
    assert (a["heart_rate"] != b["heart_rate"]).mean() > 0.5


def test_simulate_does_not_touch_global_rng():
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    sepsis_like.simulate(1000, seed=0)
    assert np.random.random() == before


def test_one_million_rows():
    frame = sepsis_like.simulate(1_000_000, seed=1)
    assert frame.shape == (1_000_000, len(sepsis_like.COLUMNS))
    assert frame["hospital_death"].isin([0, 1]).all()


def test_types_and_categories(big):
    for column in ["age", "heart_rate", "resp_rate", "sbp", "map", "o2sat", "sofa_partial", "sepsis",
                   "hospital_death"]:
        assert pd.api.types.is_integer_dtype(big[column]), column
    for column in ["temperature", *LABS]:
        assert pd.api.types.is_float_dtype(big[column]), column
    assert set(big["sex"]) == {"F", "M"}
    assert set(big["ethnic_group"]) == set(sepsis_like.ETHNIC_GROUP_SHARES)
    assert set(big["sepsis"]) == {0, 1} and set(big["hospital_death"]) == {0, 1}
    assert big["age"].between(18, 95).all()
    assert ((big["platelets"].dropna() % 1) == 0).all()


# --- published anchors --------------------------------------------------------------------------------

def test_sepsis_prevalence(big):
    assert abs(big["sepsis"].mean() - sepsis_like.SEPSIS_PREVALENCE) < 0.004


def test_demographics(big):
    assert abs(big["age"].mean() - 60.9) < 0.5
    assert abs(big["age"].std() - 16.2) < 0.8
    assert abs((big["sex"] == "M").mean() - 0.54) < 0.01


def test_mortality_by_age_band(big):
    rates = big.groupby(age_band(big["age"]), observed=False)["hospital_death"].mean()
    assert list(rates.index) == list(sepsis_like.AGE_BAND_LABELS)
    assert rates.is_monotonic_increasing and rates.iloc[-1] > 5 * rates.iloc[0]
    for label, anchor in sepsis_like.MORTALITY_BY_AGE_BAND.items():
        assert abs(rates[label] - anchor) <= max(0.002, 0.1 * anchor), (label, rates[label], anchor)


def test_mortality_risk_factors(big):
    by_sepsis = big.groupby("sepsis")["hospital_death"].mean()
    assert by_sepsis[1] > 3 * by_sepsis[0]
    by_sofa = big.groupby(big["sofa_partial"].clip(upper=6))["hospital_death"].mean()
    assert by_sofa.is_monotonic_increasing


@pytest.mark.parametrize("column", VITALS)
def test_vital_moments_near_anchors(big, column):
    mean, sd = sepsis_like.VITAL_ANCHORS[column]
    assert abs(big[column].mean() - mean) < 0.05 * sd, (column, big[column].mean())
    assert abs(big[column].std() - sd) < 0.05 * sd, (column, big[column].std())


@pytest.mark.parametrize("column", ["wbc", "creatinine", "platelets", "bilirubin"])
def test_lab_moments_near_anchors(big, column):
    # These labs are (nearly) missing at random with respect to their own level, so observed
    # values keep the anchor moments; skewed labs have noisy SDs, hence the wider tolerance.
    mean, sd = sepsis_like.LAB_ANCHORS[column]
    values = big[column].dropna()
    assert abs(values.mean() - mean) < 0.06 * mean, (column, values.mean())
    assert abs(values.std() - sd) < 0.12 * sd, (column, values.std())


def test_labs_are_right_skewed(big):
    for column in LABS:
        values = big[column].dropna()
        assert values.mean() > values.median(), column
        assert values.skew() > 0.5, column


def test_observed_lactate_is_biased_upwards_by_informative_missingness(big):
    mean, _ = sepsis_like.LAB_ANCHORS["lactate"]
    assert mean < big["lactate"].mean() < 1.35 * mean


# --- structure ----------------------------------------------------------------------------------

def corr(frame: pd.DataFrame, a: str, b: str) -> float:
    return float(frame[[a, b]].dropna().corr().iloc[0, 1])


@pytest.mark.parametrize("a,b,sign", [
    ("map", "sbp", +1), ("lactate", "hospital_death", +1), ("sofa_partial", "hospital_death", +1),
    ("age", "hospital_death", +1), ("age", "sepsis", +1), ("heart_rate", "sepsis", +1),
    ("resp_rate", "sepsis", +1), ("lactate", "sepsis", +1), ("wbc", "sepsis", +1),
    ("creatinine", "sepsis", +1), ("bilirubin", "sepsis", +1), ("map", "sepsis", -1),
    ("sbp", "sepsis", -1), ("platelets", "sepsis", -1), ("o2sat", "sepsis", -1),
    ("heart_rate", "resp_rate", +1), ("heart_rate", "map", -1), ("lactate", "map", -1),
])
def test_correlation_signs(big, a, b, sign):
    r = corr(big, a, b)
    assert sign * r > 0.02, (a, b, r)


def test_card_ground_truth_correlation_signs_hold(big, card):
    for pair, direction in card.generator["ground_truth"]["correlation_signs"].items():
        a, b = pair.split("~")
        r = corr(big, a, b)
        assert (r > 0) if direction == "positive" else (r < 0), (pair, r)


def test_map_strongly_tracks_sbp(big):
    assert corr(big, "map", "sbp") > 0.7


def test_septic_temperature_deviates_both_ways(big):
    septic = big.loc[big["sepsis"] == 1, "temperature"]
    other = big.loc[big["sepsis"] == 0, "temperature"]
    assert septic.mean() > other.mean()
    assert (septic < 36.0).mean() > (other < 36.0).mean()  # hypothermic septic patients too
    assert septic.std() > other.std()


def test_rare_group_share_and_physiology(big, card):
    share = (big["ethnic_group"] == sepsis_like.RARE_GROUP).mean()
    assert 0.015 < share < 0.025
    assert (sepsis_like.load(card, n_patients=1000, seed=0)["ethnic_group"] == sepsis_like.RARE_GROUP).any()
    shares = big["ethnic_group"].value_counts(normalize=True)
    for label, expected in sepsis_like.ETHNIC_GROUP_SHARES.items():
        assert abs(shares[label] - expected) < 0.01, label
    rare = big["ethnic_group"] == sepsis_like.RARE_GROUP
    ratio = big.loc[rare, "creatinine"].median() / big.loc[~rare, "creatinine"].median()
    assert 1.2 < ratio < 1.5
    assert big.loc[rare, "sofa_partial"].mean() > big.loc[~rare, "sofa_partial"].mean()


def test_missingness_rates(big):
    rates = big.isna().mean()
    for column in ["age", "sex", "ethnic_group", *VITALS, "sofa_partial", "sepsis", "hospital_death"]:
        assert rates[column] == 0.0, column
    assert 0.45 < rates["lactate"] < 0.55
    assert 0.35 < rates["bilirubin"] < 0.45
    for column in sepsis_like.ROUTINE_LABS:
        assert 0.015 < rates[column] < 0.05, column
    by_sepsis = big["lactate"].isna().groupby(big["sepsis"]).mean()
    assert by_sepsis[1] < 0.25 < 0.45 < by_sepsis[0]
    bili = big["bilirubin"].isna().groupby(big["sepsis"]).mean()
    assert bili[1] < bili[0]
    # routine labs tend to be missing together (no panel drawn)
    both = (big["wbc"].isna() & big["platelets"].isna()).mean()
    assert both > 2 * rates["wbc"] * rates["platelets"]


def test_sofa_partial_range_and_recomputation(big):
    sofa = big["sofa_partial"]
    assert sofa.between(0, 16).all()
    assert sofa.min() == 0 and sofa.max() >= 8
    complete = big.dropna(subset=["platelets", "bilirubin", "creatinine"])
    expected = (
        (complete["map"] < 70).astype(int)
        + sum((complete["platelets"] < t).astype(int) for t in (150, 100, 50, 20))
        + sum((complete["bilirubin"] >= t).astype(int) for t in (1.2, 2.0, 6.0, 12.0))
        + sum((complete["creatinine"] >= t).astype(int) for t in (1.2, 2.0, 3.5, 5.0))
    )
    assert (expected == complete["sofa_partial"]).all()
    assert big.groupby("sepsis")["sofa_partial"].mean().diff().iloc[-1] > 1.0


def test_sofa_partial_uses_true_values_before_masking(big):
    # rows with bilirubin masked still score liver points: some of them exceed what the
    # observed columns alone can explain
    masked = big[big["bilirubin"].isna()].dropna(subset=["platelets", "creatinine"])
    observable = (
        (masked["map"] < 70).astype(int)
        + sum((masked["platelets"] < t).astype(int) for t in (150, 100, 50, 20))
        + sum((masked["creatinine"] >= t).astype(int) for t in (1.2, 2.0, 3.5, 5.0))
    )
    assert (masked["sofa_partial"] >= observable).all()
    assert (masked["sofa_partial"] > observable).mean() > 0.1


def test_every_card_rule_holds_where_observed(big, card):
    assert card.rules
    for rule in card.rules:
        used = [c for c in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule) if c in big.columns]
        assert used, rule
        rows = big.dropna(subset=used)
        assert len(rows) > 1000, rule
        assert bool(rows.eval(rule).all()), rule


def test_o2sat_and_pressures_are_plausible(big):
    assert big["o2sat"].max() == 100 and (big["o2sat"] == 100).mean() > 0.05
    assert (big["map"] <= big["sbp"] - sepsis_like.MIN_PULSE_GAP).all()


@pytest.mark.parametrize("n_patients, seed", [(10_000, 11), (50_000, 12), (1_000_000, 13)])
def test_card_ground_truth_holds_at_several_sizes(card, n_patients, seed):
    """The card's ground-truth facts hold within binomial tolerances (4 standard errors) at each size."""
    truth = card.generator["ground_truth"]
    frame = sepsis_like.load(card, n_patients=n_patients, seed=seed)

    def within(observed: float, expected: float, n: int) -> bool:
        return abs(observed - expected) <= 4 * np.sqrt(expected * (1 - expected) / n) + 1e-3

    assert within(frame["sepsis"].mean(), truth["sepsis_prevalence"], n_patients)
    bands = age_band(frame["age"])
    for band, expected in truth["mortality_by_age_band"].items():
        in_band = frame.loc[bands == band, "hospital_death"]
        assert within(in_band.mean(), expected, len(in_band)), band
    rare = truth["rare_group"]
    assert within((frame["ethnic_group"] == rare["label"]).mean(), rare["share"], n_patients)
    for pair, sign in truth["correlation_signs"].items():
        a, b = pair.split("~")
        correlation = frame[[a, b]].dropna().corr().iloc[0, 1]
        assert (correlation > 0) == (sign == "positive"), pair
