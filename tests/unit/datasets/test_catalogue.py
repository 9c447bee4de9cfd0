"""The public datasets of the catalogue, loaded from the offline mirror and checked against published facts.

Expected numbers come from the mirror's README (/work/shared/datasets/README.md in CI) or are
recomputed here from the raw files with plain pandas, independently of the cards' expressions.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from bench import datasets
from bench.datasets import explore, fetch, subgroups
from bench.errors import BenchError

# name: (file in the mirror, rows x columns after loading, positives of the target, prevalence)
CATALOGUE = {
    "cdc_diabetes": ("diabetes_binary_5050split_health_indicators_BRFSS2015.csv", (70_692, 22), 35_346, 0.50),
    "heart_failure": ("heart_failure_clinical_records_dataset.csv", (299, 12), 96, 0.321),
    "cardio": ("cardio_train.csv", (68_624, 12), 33_949, 0.4947),
    "sepsis_survival": ("journal.pone.0187990.s002_EDITED_survival.csv", (110_204, 4), 8_105, 0.0735),
    "sepsis_survival_study": ("dataFrameForSurvival_study_cohort_rand2109_FIXED.csv", (19_051, 4), 3_606, 0.189),
}
NAMES = list(CATALOGUE)


@functools.lru_cache(maxsize=None)
def _load(name: str, **options) -> tuple[pd.DataFrame, datasets.DatasetCard]:
    return datasets.load(name, **options)


def load(name: str, **options) -> tuple[pd.DataFrame, datasets.DatasetCard]:
    """The loaded table (a copy: tests must not share mutations) and its card."""
    frame, card = _load(name, **options)
    return frame.copy(), card


def raw(mirror: Path, name: str, **read) -> pd.DataFrame:
    return pd.read_csv(mirror / CATALOGUE[name][0], **read)


def mirror_readme_checksums(mirror: Path) -> dict[str, str]:
    """``file -> sha256`` from the table of the mirror's README."""
    table = {}
    for line in (mirror / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0].startswith("`") and re.fullmatch(r"[0-9a-f]{64}", cells[-1]):
            table[cells[0].strip("`")] = cells[-1]
    return table


def test_every_catalogue_dataset_is_registered_with_the_mirror_checksum(mirror):
    published = mirror_readme_checksums(mirror)
    assert set(NAMES) <= set(datasets.names())
    for name, (file_name, *_rest) in CATALOGUE.items():
        card = datasets.card(name)
        (source,) = card.sources
        assert source.name == file_name
        assert source.sha256 == published[file_name] == fetch.sha256_of(mirror / file_name), name
        assert card.licence and card.citation and card.caveats and card.quasi_identifiers and card.secrets
        assert card.target in card.secrets


@pytest.mark.parametrize("name", NAMES)
def test_loads_from_the_mirror_with_shape_columns_and_prevalence(mirror, name):
    frame, card = load(name)
    _file, shape, positives, prevalence = CATALOGUE[name]
    assert frame.shape == shape
    assert list(frame.columns) == list(card.columns)
    assert sorted(frame[card.target].unique().tolist()) == [0, 1]
    assert int((frame[card.target] == card.positive_label).sum()) == positives
    assert frame[card.target].mean() == pytest.approx(prevalence, abs=0.0005)
    assert not frame.isna().any().any()  # every catalogue file is complete (see each card's `missing`)


@pytest.mark.parametrize("name", NAMES)
def test_sensitive_bands_cover_every_row(name):
    frame, card = load(name)
    assert card.sensitive
    for attribute in card.sensitive:
        labels = subgroups.subgroup_labels(frame, attribute)
        assert labels.notna().all(), f"{name}: {attribute.column} has values outside its bins"
        if attribute.is_banded:
            assert set(labels.unique()) == set(attribute.labels), f"{name}: an empty band in {attribute.column}"


@pytest.mark.parametrize("name", NAMES)
def test_splits_are_deterministic_in_the_split_seed(name):
    first = datasets.load_split(name, split_seed=0)
    again = datasets.load_split(name, split_seed=0)
    other = datasets.load_split(name, split_seed=1)
    for part in ("train", "holdout", "control"):
        pd.testing.assert_frame_equal(getattr(first, part), getattr(again, part))
    assert not first.train.equals(other.train)
    assert first.sizes() == other.sizes()
    target = first.card.target
    assert first.train[target].mean() == pytest.approx(first.holdout[target].mean(), abs=0.03)


@pytest.mark.parametrize("name", NAMES)
def test_every_card_rule_holds_on_the_loaded_data_except_where_documented(name):
    frame, card = load(name)
    violations = explore.rule_violations(frame, card, k=1).set_index("rule")
    assert (violations["rows_evaluated"] == len(frame)).all()
    broken = violations.loc[violations["broken"] > 0, "broken"].to_dict()
    # The only documented exception: 5 cleaned cardio rows with a BMI outside 12-70 (see cardio.yaml).
    expected = {rule: 5 for rule in card.rules if "height / 100" in rule} if name == "cardio" else {}
    assert broken == expected


# --- dataset facts ------------------------------------------------------------------------------------------


def test_cdc_diabetes_facts(mirror):
    frame, card = load("cdc_diabetes")
    assert int(frame.duplicated().sum()) == 1_635
    assert set(frame["Sex"].unique()) == {0, 1} and frame["Age"].between(1, 13).all()
    assert card.columns["Age"] == card.columns["Income"] == card.columns["Education"] == "ordinal"
    assert card.columns["MentHlth"] == card.columns["PhysHlth"] == "numerical"
    age = {a.column: a for a in card.sensitive}["Age"]
    bands = subgroups.subgroup_labels(pd.DataFrame({"Age": range(1, 14)}), age).tolist()
    assert bands == ["18-34"] * 3 + ["35-49"] * 3 + ["50-64"] * 3 + ["65-79"] * 3 + ["80+"]
    pd.testing.assert_frame_equal(frame, raw(mirror, "cdc_diabetes")[list(card.columns)])


def test_heart_failure_keeps_the_leaky_time_column_out_unless_asked(mirror):
    frame, card = load("heart_failure")
    assert "time" not in frame.columns and "time" in card.excluded and "leaks" in card.excluded["time"]["reason"]
    with_time, wide_card = load("heart_failure", include_excluded=True)
    assert list(with_time.columns) == list(card.columns) + ["time"] == list(wide_card.columns)
    assert with_time["time"].between(4, 285).all()
    pd.testing.assert_frame_equal(with_time.drop(columns="time"), frame)
    assert int(frame["DEATH_EVENT"].sum()) == 96
    # Mean-imputed values documented in the card's missing.note.
    assert int((frame["platelets"] == 263358.03).sum()) == 25
    assert int((frame["creatinine_phosphokinase"] == 582).sum()) == 47
    pd.testing.assert_frame_equal(with_time, raw(mirror, "heart_failure")[list(card.columns) + ["time"]])


def test_cardio_cleaning_removes_exactly_the_impossible_rows(mirror):
    original = raw(mirror, "cardio", sep=";")
    assert original.shape == (70_000, 13)
    # The mirror README's counts of bad rows.
    assert int((original["ap_hi"] <= 0).sum()) == 7
    assert int((original["ap_hi"] > 250).sum()) == 40
    assert int((original["ap_lo"] > original["ap_hi"]).sum()) == 1_234
    assert int((original["height"] < 120).sum()) == 52
    assert int(original.drop(columns="id").duplicated().sum()) == 24
    # The card's bounds, written out here with numpy: a row goes if it breaks any of them.
    hi, lo = original["ap_hi"].to_numpy(), original["ap_lo"].to_numpy()
    height, weight = original["height"].to_numpy(), original["weight"].to_numpy()
    bad = ((hi < 50) | (hi > 250) | (lo < 30) | (lo > 200) | (lo > hi)
           | (height < 120) | (height > 220) | (weight < 30) | (weight > 250))
    assert int(bad.sum()) == 1_376

    cleaned, card = load("cardio")
    everything, _ = load("cardio", clean=False)
    assert len(everything) == 70_000 and len(cleaned) == 70_000 - int(bad.sum())
    expected = original.loc[~bad].assign(age_years=(original["age"] // 365.25).astype(float))
    pd.testing.assert_frame_equal(cleaned, expected[list(card.columns)].reset_index(drop=True))
    for readme_rule in ("ap_hi <= 0", "ap_hi > 250", "ap_lo > ap_hi", "height < 120"):
        assert len(cleaned.query(readme_rule)) == 0 and len(everything.query(readme_rule)) > 0

    # Each cleaning rule alone, on the raw rows, removes what the card's comment says.
    derived = original.assign(age_years=original["age"] // 365.25)
    alone = [int((~derived.eval(item["rule"], engine="python")).sum()) for item in card.cleaning]
    assert alone == [188, 40, 53, 953, 1_234, 53, 7]
    assert all(item["reason"].strip() for item in card.cleaning)


def test_cardio_age_is_in_years_and_id_is_gone(mirror):
    frame, card = load("cardio")
    assert "id" not in frame.columns and "age" not in frame.columns
    assert frame["age_years"].between(29, 64).all() and (frame["age_years"] % 1 == 0).all()
    assert 50 < frame["age_years"].mean() < 56
    assert card.sources[0].urls == () and "not stated" in card.licence.lower()
    assert any("BENCH_DATA_MIRROR" in c and "BENCH_DATA_CACHE" in c for c in card.caveats)


def test_cardio_rules_on_raw_rows_break_at_the_documented_shares():
    frame, card = load("cardio", clean=False)
    shares = explore.rule_violations(frame, card, k=1).set_index("rule")["share_broken"]
    assert shares["ap_lo <= ap_hi"] == pytest.approx(1_234 / 70_000)
    assert shares.max() == shares["ap_lo <= ap_hi"] < 0.018  # "up to 1.8 %" in the card's caveats


def test_sepsis_survival_death_is_the_positive_label(mirror):
    frame, card = load("sepsis_survival")
    original = raw(mirror, "sepsis_survival")
    assert "hospital_outcome_1alive_0dead" not in frame.columns and card.target == "hospital_death"
    assert (frame["hospital_death"] == 1 - original["hospital_outcome_1alive_0dead"]).all()
    assert frame["hospital_death"].mean() == pytest.approx(0.0735, abs=0.00005)
    features = frame[["age_years", "sex_0male_1female", "episode_number"]].value_counts()
    assert len(features) == 975 and int((features == 1).sum()) == 49  # mirror README
    rows = frame.value_counts()
    assert len(rows) == 1_511 and int((rows == 1).sum()) == 190  # the card's caveat
    assert int((frame["episode_number"] == 1).sum()) == 84_811  # patients (Chicco & Jurman 2020)
    sizes = subgroups.subgroup_sizes(frame, card)
    by_age = sizes[sizes["attribute"] == "age_years"].set_index("subgroup")["prevalence"]
    # Mortality by age band in the mirror README: 0.7 %, 3.1 %, 7.5 %, 13.5 %.
    assert by_age[["<40", "40-59", "60-79", "80+"]].round(3).tolist() == [0.007, 0.031, 0.075, 0.135]


def test_sepsis_study_cohort_is_a_subset_of_the_primary_cohort():
    primary, _ = load("sepsis_survival")
    study, card = load("sepsis_survival_study")
    assert list(study.columns) == list(primary.columns)
    counts = pd.concat([primary.value_counts().rename("primary"), study.value_counts().rename("study")],
                       axis=1).fillna(0)
    assert (counts["study"] <= counts["primary"]).all()
    assert study["age_years"].median() == 77


# --- obtaining the files ------------------------------------------------------------------------------------


def test_tampered_mirror_file_is_refused_and_nothing_is_cached(mirror, tmp_path, monkeypatch, isolated_cache):
    bad_mirror = tmp_path / "mirror"
    bad_mirror.mkdir()
    name = CATALOGUE["heart_failure"][0]
    data = (mirror / name).read_bytes()
    (bad_mirror / name).write_bytes(data.replace(b"75,0,582", b"76,0,582", 1))
    monkeypatch.setenv("BENCH_DATA_MIRROR", str(bad_mirror))
    with pytest.raises(BenchError, match=r"has sha256 [0-9a-f]{64}, but the card expects 9c73cea7.*not the published"):
        datasets.load("heart_failure")
    assert not isolated_cache.exists() or list(isolated_cache.iterdir()) == []


def test_file_without_url_asks_for_a_local_copy(tmp_path, monkeypatch, isolated_cache):
    monkeypatch.setenv("BENCH_DATA_MIRROR", str(tmp_path))  # a mirror without the file
    for name in ("cardio", "cdc_diabetes"):
        with pytest.raises(BenchError, match=rf"{re.escape(CATALOGUE[name][0])} has no public download URL; "
                                             rf"put the file in {re.escape(str(isolated_cache))}"):
            datasets.load(name)
    assert not isolated_cache.exists() or list(isolated_cache.iterdir()) == []


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["heart_failure", "sepsis_survival", "sepsis_survival_study"])
def test_archive_member_of_the_card_is_extracted_into_the_cache(mirror, tmp_path, monkeypatch, isolated_cache, name):
    """The card's member path, served from a zip laid out as the card says (file:// instead of UCI)."""
    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)
    card = datasets.card(name)
    source = card.sources[0]
    assert source.urls and source.urls[0].startswith("https://archive.ics.uci.edu/static/public/")
    data = (mirror / source.name).read_bytes()
    *inner, member = source.member.split("/")
    payload = {member: data}
    if inner:  # the sepsis archive nests a zip in the zip
        payload = {"/".join(inner): _zip(payload), "README.txt": b"other files are ignored"}
    served = tmp_path / "served.zip"
    served.write_bytes(_zip(payload))
    local = dataclasses.replace(source, urls=(served.as_uri(),))
    assert fetch.resolve(local) == isolated_cache / source.name
    assert [p.name for p in isolated_cache.iterdir()] == [source.name]
    assert fetch.sha256_of(isolated_cache / source.name) == source.sha256
    monkeypatch.setattr(datasets.registry, "load_card", lambda path: dataclasses.replace(card, sources=(local,)))
    frame, _ = datasets.load(name)  # now from the cache
    assert len(frame) == CATALOGUE[name][1][0]
