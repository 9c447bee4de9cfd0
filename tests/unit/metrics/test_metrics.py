"""The metric registry and ``score``: declared meanings, scorecards, and failures that stay local."""

from dataclasses import replace

import pandas as pd
import pytest

from bench import datasets, generators, metrics
from bench.errors import BenchError
from bench.metrics import registry
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, Unavailable
from bench.tracking import store, writes

pytestmark = pytest.mark.slow  # the tests here score whole tables with the scorecard (seconds each)

ALL_FAMILIES = ("fidelity", "utility", "fairness", "privacy")


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=2000, seed=2)


def copy_of(split):
    return generators.create("copy").fit(split.train, split.card).sample(len(split.train), seed=0)


@pytest.mark.parametrize("name, options", [("pima", {}), ("heart_failure", {}),
                                           ("cardio", {"max_train": 1500, "max_eval": 600})])
def test_every_metric_computes_on_every_dataset_family(mirror, name, options):
    split = datasets.load_split(name, split_seed=0, **options)
    synthetic = generators.create("gaussian_copula").fit(split.train, split.card).sample(len(split.train), seed=0)
    scores = metrics.score(split, synthetic, ALL_FAMILIES, seed=0)
    assert not scores.failures, scores.failures
    produced = {r.name for r in scores.results} | {u.name for u in scores.unavailable}
    assert produced == {s.name for ev in metrics.EVALUATORS if ev.family in ALL_FAMILIES for s in ev.produces}
    for result in scores.results:  # values inside their declared range, CI around the value
        low, high = metrics.spec(result.name).range
        assert low <= result.value <= high
        if result.ci_low is not None:
            assert result.ci_low <= result.value + 1e-9 and result.value - 1e-9 <= result.ci_high


def test_scores_are_deterministic_for_a_seed(split):
    synthetic = generators.create("marginals").fit(split.train, split.card).sample(len(split.train), seed=0)
    first = metrics.score(split, synthetic, ALL_FAMILIES, seed=3).table()
    second = metrics.score(split, synthetic, ALL_FAMILIES, seed=3).table()
    pd.testing.assert_frame_equal(first, second)


def test_an_empty_or_incomplete_table_fails_every_metric_with_the_reason_and_raises_nothing(split):
    empty = metrics.score(split, split.train.head(0), ALL_FAMILIES)
    assert not empty.results and empty.failures
    assert all(u.failed and "empty (0 rows)" in u.reason for u in empty.unavailable)
    partial = metrics.score(split, split.train.drop(columns=["age"]), ["fidelity"])
    assert all("lacks the training column(s) ['age']" in u.reason for u in partial.unavailable)


def test_a_failing_evaluator_leaves_the_others_running(split, monkeypatch):
    def broken(context):
        raise ValueError("boom")

    spec = MetricSpec("fidelity.broken", goal="maximize", range=(0, 1), description="d")
    monkeypatch.setattr(registry, "EVALUATORS", (Evaluator("fidelity.broken", (spec,), broken),
                                                 *registry.EVALUATORS))
    monkeypatch.setitem(registry.METRICS, spec.name, spec)
    scores = metrics.score(split, copy_of(split), ["fidelity"])
    assert [u.name for u in scores.failures] == ["fidelity.broken"]
    assert "fidelity.broken failed: ValueError: boom" in scores.failures[0].reason
    assert scores.by_name()["fidelity.univariate_similarity"].value == pytest.approx(1.0)


def test_a_one_class_holdout_is_a_clear_failure_of_utility_only(split):
    one_class = replace(split, holdout=split.holdout[split.holdout["hospital_death"] == 0])
    scores = metrics.score(one_class, copy_of(split), ["fidelity", "utility"])
    failed = {u.name for u in scores.failures}
    assert failed == {s.name for ev in metrics.EVALUATORS if ev.family == "utility" for s in ev.produces}
    assert "all of one class of 'hospital_death'" in scores.failures[0].reason
    assert "fidelity.univariate_similarity" in scores.by_name()


def test_no_sensitive_attribute_makes_fairness_not_applicable_not_failed(split):
    bare = replace(split, card=replace(split.card, sensitive=()))
    scores = metrics.score(bare, copy_of(split), ["fairness"])
    assert not scores.results and not scores.failures
    assert {u.status for u in scores.unavailable} == {"not applicable"}
    assert "names no sensitive attribute" in scores.unavailable[0].reason


def test_results_are_checked_against_their_declared_range():
    spec = MetricSpec("fidelity.x", goal="maximize", range=(0.0, 1.0), description="d")
    with pytest.raises(BenchError, match="NaN"):
        MetricResult("fidelity.x", float("nan")).check(spec)
    with pytest.raises(BenchError, match="outside its declared range"):
        MetricResult("fidelity.x", 1.5).check(spec)
    with pytest.raises(ValueError, match="family"):
        MetricSpec("nofamily", goal="maximize", range=(0, 1), description="d")


def test_goals_order_values():
    assert metrics.spec("utility.tstr_auroc").better(0.9, 0.8)
    assert metrics.spec("cost.fit_wall_s").better(1.0, 2.0)
    assert metrics.spec("fidelity.detection_auroc").better(0.55, 0.7)
    assert metrics.spec("fairness.equalized_odds_added").better(-0.01, 0.05)


def test_unknown_family_is_a_configuration_error(split):
    with pytest.raises(BenchError, match="unknown metric family 'fidelty'"):
        metrics.score(split, split.train, ["fidelty"])


def test_every_metric_declares_a_meaning_once():
    names = [s.name for ev in metrics.EVALUATORS for s in ev.produces]
    assert len(names) == len(set(names))
    for name, spec in metrics.METRICS.items():
        assert name == spec.name and spec.description and spec.range[0] < spec.range[1]
        assert spec.reference is None or spec.reference in metrics.METRICS
    headline = {s.family for s in metrics.METRICS.values() if s.headline}
    assert headline == {"fidelity", "utility", "fairness", "privacy", "cost"}


def test_unavailable_metrics_are_logged_as_tags_with_their_reason(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    experiment = store.experiment_id(uri, "t", tmp_path / "artifacts")
    run_id = writes.start_sweep(uri, experiment, "sweep", {})
    writes.log_cell_results(uri, run_id, {"dataset": "x"}, [MetricResult("utility.tstr_auroc", 0.7, 0.6, 0.8)],
                              [Unavailable("fairness.vanished_subgroups", "no sensitive attribute")])
    from mlflow.tracking import MlflowClient

    run = MlflowClient(uri).get_run(run_id)
    assert run.data.tags["unavailable.fairness.vanished_subgroups"] == "not applicable: no sensitive attribute"
    assert run.data.metrics["utility.tstr_auroc.ci_low"] == 0.6
