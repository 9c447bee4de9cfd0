"""Privacy metrics against known answers: a copy fails, real unseen rows do not, k-anonymity leaks
attributes, a small deep generator lands in between; the verdict and its options."""

from dataclasses import replace

import pandas as pd
import pytest

from bench import datasets, generators, metrics
from bench.metrics import privacy

PRIVACY = ["privacy"]


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=2000, seed=1)


def scored(split, name, params=None, **options):
    generator = generators.create(name, params or {}, random_state=0).fit(split.train, split.card)
    seen = generator.seen_rows(split.train)
    scored_split = split if seen is split.train else replace(split, train=seen.reset_index(drop=True))
    scores = metrics.score(scored_split, generator.sample(len(seen), seed=0), PRIVACY, seed=0, options=options)
    assert not scores.failures, scores.failures
    return scores


@pytest.fixture(scope="module")
def baselines(split):
    return {name: scored(split, name, params) for name, params in
            [("copy", {}), ("holdout", {}), ("kanon", {"k": 5}), ("tvae", {"epochs": 10})]}


def value(scores, name):
    return scores.by_name()[f"privacy.{name}"].value


def test_copy_is_flagged_and_fails(baselines):
    copy = baselines["copy"]
    assert copy.tags()[privacy.VERDICT_TAG] == "fail"
    assert value(copy, "exact_copy_rate") == 1.0 and value(copy, "holdout_copy_rate") == 0.0
    assert value(copy, "singling_out_risk") > 0.4 and value(copy, "inference_risk") > 0.5
    assert value(copy, "membership_auroc") > 0.95 and value(copy, "dcr_p5") == 0.0
    assert value(copy, "rare_copied_share") == 1.0 and value(copy, "rare_membership_auroc") > 0.95


def test_real_rows_never_trained_on_show_low_risk(baselines):
    holdout = baselines["holdout"]
    assert holdout.tags()[privacy.VERDICT_TAG] != "fail"
    assert value(holdout, "singling_out_risk") < 0.09 and value(holdout, "linkability_risk") < 0.09
    assert value(holdout, "exact_copy_rate") == 0.0
    assert abs(value(holdout, "membership_auroc") - 0.5) < 0.05
    assert abs(value(holdout, "dcr_closer_to_train") - 0.5) < 0.07
    assert value(holdout, "dcr_p5") == pytest.approx(value(holdout, "real_dcr_p5"), rel=0.25)


def test_k_anonymity_leaks_attributes_to_an_attacker_who_knows_more_than_the_identifiers(baselines):
    kanon, holdout = baselines["kanon"], baselines["holdout"]
    assert value(kanon, "inference_all_columns_risk") > 0.5
    assert value(kanon, "inference_all_columns_risk") > value(holdout, "inference_all_columns_risk") + 0.3
    assert kanon.tags()[privacy.VERDICT_TAG] == "fail"
    assert value(kanon, "exact_copy_rate") < 0.01  # no row is a copy, yet the patients are exposed


def test_a_small_deep_generator_lands_between_copy_and_unseen_rows(baselines):
    deep, copy, holdout = baselines["tvae"], baselines["copy"], baselines["holdout"]
    assert value(deep, "max_risk") < value(copy, "max_risk") - 0.5
    assert value(deep, "exact_copy_rate") < value(copy, "exact_copy_rate")
    assert value(deep, "membership_auroc") < value(copy, "membership_auroc")
    assert value(holdout, "dcr_p5") * 0.5 < value(deep, "dcr_p5")


def test_attack_details_hold_the_rates_and_only_synthetic_predicates(baselines, split):
    copy = baselines["copy"].by_name()
    details = copy["privacy.max_risk"].details
    assert {"singling_out", "linkability", "inference_all_columns[sepsis]"} <= set(details["attack"])
    assert {"attack_rate", "control_rate", "baseline_rate", "trusted", "verdict"} <= set(details.columns)
    queries = copy["privacy.singling_out_risk"].details["successful_query"]
    assert len(queries) > 0 and all(isinstance(q, str) for q in queries)
    train_budget = min(len(split.train), len(split.control) + len(split.holdout))
    assert set(details["n_attacks"]) == {min(500, train_budget)}


def test_the_threshold_and_the_attack_budget_are_options(split):
    lenient = scored(split, "holdout", risk_threshold=1.0, n_attacks=50)
    details = lenient.by_name()["privacy.max_risk"].details
    assert set(details["n_attacks"]) == {50}
    assert lenient.tags()["privacy.risk_threshold"] == "1"
    assert lenient.tags()[privacy.VERDICT_TAG] in ("pass", "inconclusive")
    strict = scored(split, "copy", risk_threshold=0.0)
    assert strict.tags()[privacy.VERDICT_TAG] == "fail"
    with pytest.raises(Exception, match="risk_threshold"):
        metrics.score(split, split.train, PRIVACY, options={"risk_threshold": 2})


def test_privacy_scores_are_deterministic(split):
    first = scored(split, "gaussian_copula").table()
    second = scored(split, "gaussian_copula").table()
    pd.testing.assert_frame_equal(first, second)


def test_without_identifiers_or_secrets_only_singling_out_and_distances_run(split):
    bare = replace(split, card=replace(split.card, quasi_identifiers=(), secrets=()))
    scores = scored(bare, "copy")
    missing = {u.name for u in scores.unavailable}
    assert "privacy.linkability_risk" in missing and "privacy.inference_risk" in missing
    assert not scores.failures
    assert scores.tags()[privacy.VERDICT_TAG] == "fail"  # from singling out alone
