"""Baselines beyond copy/marginals: holdout, k-anonymity, Gaussian copula; third-party plugins."""

import importlib.metadata
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from bench import datasets, generators
from bench.generators import plugins, registry
from bench.generators.base import GeneratorError


@pytest.fixture(scope="module")
def sepsis():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=1000, seed=1)


@pytest.fixture(scope="module")
def pima():
    return datasets.load_split("pima", split_seed=0)


def rows(frame):
    """Rows as sortable tuples (NaN made comparable)."""
    return [tuple(r) for r in frame.astype(object).where(frame.notna(), "NaN").astype(str).to_numpy()]


@pytest.mark.parametrize("name", ["holdout", "kanon", "gaussian_copula"])
def test_new_baselines_are_registered_deterministic_and_conform(sepsis, name):
    cls = generators.GENERATORS[name]
    assert cls.deterministic_on_cpu is True and cls.description
    assert cls.family == ("statistical" if name == "gaussian_copula" else "baseline")
    fitted = generators.create(name, random_state=0).fit(sepsis.train, sepsis.card)
    a, b, c = fitted.sample(400, seed=1), fitted.sample(400, seed=1), fitted.sample(400, seed=2)
    assert list(a.columns) == list(sepsis.train.columns) and (a.dtypes == sepsis.train.dtypes).all()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    again = generators.create(name, random_state=0).fit(sepsis.train, sepsis.card).sample(400, seed=1)
    pd.testing.assert_frame_equal(a, again)


def test_holdout_returns_only_rows_it_did_not_see(sepsis):
    train = sepsis.train
    fitted = generators.create("holdout").fit(train, sepsis.card)
    unseen = train.drop(index=fitted.seen_index_)
    assert len(unseen) == len(train) // 2 and fitted.source_ == "train (unseen part)"
    out = fitted.sample(len(unseen), seed=0)
    assert sorted(rows(out)) == sorted(rows(unseen))  # exactly the unseen rows, none seen, no repeats
    assert set(rows(out)).isdisjoint(rows(train.loc[fitted.seen_index_]))
    assert not set(rows(out)) & set(rows(sepsis.holdout))  # never the TSTR test rows
    bigger = fitted.sample(len(unseen) + 10, seed=0)
    assert set(rows(bigger)) == set(rows(unseen))


def test_holdout_with_a_reference_part_returns_its_rows(sepsis):
    fitted = generators.GENERATORS["holdout"]().fit(sepsis.train, sepsis.card, reference=sepsis.control)
    out = fitted.sample(len(sepsis.control), seed=4)
    assert sorted(rows(out)) == sorted(rows(sepsis.control)) and fitted.source_ == "reference"
    with pytest.raises(GeneratorError, match="reference must be"):
        generators.GENERATORS["holdout"]().fit(sepsis.train, sepsis.card, reference=sepsis.control[["age"]])
    with pytest.raises(GeneratorError, match="unseen_fraction"):
        generators.create("holdout", {"unseen_fraction": 1.5}).fit(sepsis.train, sepsis.card)


@pytest.mark.parametrize("dataset", ["pima", "sepsis"])
@pytest.mark.parametrize("k", [3, 5])
def test_kanon_output_is_k_anonymous_and_otherwise_real(request, dataset, k):
    split = request.getfixturevalue(dataset)
    train, qis = split.train, list(split.card.quasi_identifiers)
    fitted = generators.create("kanon", {"k": k}).fit(train, split.card)
    report = fitted.report_
    assert report["suppressed_share"] <= 0.05 and report["classes"] >= 2
    assert any(level > 0 for level in report["levels"].values())  # raw QIs are not k-anonymous here
    for n in (len(train), 137, 2 * len(train)):
        out = fitted.sample(n, seed=n)
        class_sizes = out.groupby(qis, dropna=False).size()
        assert class_sizes.min() >= k, (n, class_sizes.min())
    # Non-QI values are real rows of the training table, unchanged.
    others = [c for c in train.columns if c not in qis]
    assert set(rows(out[others])) <= set(rows(train[others]))
    # Generalised QI values stay numeric, within the observed range; categorical ones are raw or "*".
    for q in qis:
        if pd.api.types.is_numeric_dtype(train[q]):
            assert out[q].min() >= train[q].min() and out[q].max() <= train[q].max()
        else:
            assert set(out[q].dropna()) <= set(train[q].dropna()) | {"*"}
    # The output's QI classes hold the generalised values of real rows: k-anonymity is not trivially
    # reached by suppressing nearly everything (at least 95 % of training rows stay releasable).
    assert len(fitted._table) >= 0.95 * len(train)


def test_kanon_generalises_less_when_it_may_suppress_more(sepsis):
    strict = generators.create("kanon", {"k": 5, "max_suppression": 0.0}).fit(sepsis.train, sepsis.card)
    loose = generators.create("kanon", {"k": 5, "max_suppression": 0.3}).fit(sepsis.train, sepsis.card)
    assert strict.report_["suppressed_share"] == 0.0
    assert sum(loose.report_["levels"].values()) < sum(strict.report_["levels"].values())
    with pytest.raises(GeneratorError, match="k must be a positive integer"):
        generators.create("kanon", {"k": 0})
    with pytest.raises(GeneratorError, match="no quasi-identifiers"):
        generators.create("kanon").fit(sepsis.train, None)
    with pytest.raises(GeneratorError, match="n must be >= k"):
        strict.sample(3, seed=0)


def test_gaussian_copula_keeps_correlations_marginals_and_missingness(sepsis):
    train = sepsis.train
    synthetic = generators.create("gaussian_copula").fit(train, sepsis.card).sample(5000, seed=0)
    real = train[["sbp", "map"]].corr().iloc[0, 1]
    fake = synthetic[["sbp", "map"]].corr().iloc[0, 1]
    assert real > 0.5 and abs(real - fake) < 0.1
    marginals = generators.create("marginals").fit(train, sepsis.card).sample(5000, seed=0)
    assert abs(marginals[["sbp", "map"]].corr().iloc[0, 1]) < 0.1  # the contrast the copula is for
    assert abs(synthetic["lactate"].isna().mean() - train["lactate"].isna().mean()) < 0.05
    assert not synthetic["heart_rate"].isna().any()
    assert set(synthetic["ethnic_group"]) <= set(train["ethnic_group"])
    assert abs(synthetic["age"].mean() - train["age"].mean()) < 1.5
    assert set(synthetic["sbp"]) <= set(train["sbp"])  # empirical marginals: only seen values


# --- third-party generators ------------------------------------------------------------------


def fit_means(train, card, random_state=0, shift=0.0):
    return {"means": train.mean(numeric_only=True), "columns": list(train.columns), "shift": shift}


def sample_means(state, n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: state["means"][c] + state["shift"] + rng.normal(size=n) for c in state["columns"]})


def test_two_function_adapter_becomes_a_registered_generator():
    cls = plugins.adapter("means_plus_noise", fit_means, sample_means, family="statistical",
                          hyperparameter_names=("shift",))
    train = pd.DataFrame({"x": np.arange(100.0), "y": np.arange(100.0) * 2})
    registry.register(cls)
    try:
        assert "means_plus_noise" in generators.names()
        fitted = generators.create("means_plus_noise", {"shift": 1000.0}, random_state=0).fit(train, None)
        out = fitted.sample(50, seed=3)
        pd.testing.assert_frame_equal(out, fitted.sample(50, seed=3))
        assert list(out.columns) == ["x", "y"] and abs(out["x"].mean() - 1049.5) < 1
        with pytest.raises(GeneratorError, match="unknown hyperparameter"):
            generators.create("means_plus_noise", {"epochs": 1})
        with pytest.raises(GeneratorError, match="already registered"):
            registry.register(cls)
    finally:
        registry.unregister("means_plus_noise")
    assert "means_plus_noise" not in generators.names()
    with pytest.raises(GeneratorError, match="family must be one of"):
        plugins.adapter("x", fit_means, sample_means, family="third_party")


class FakeEntryPoint:
    def __init__(self, name, obj):
        self.name, self.value, self.obj = name, f"fake_package:{name}", obj

    def load(self):
        if isinstance(self.obj, Exception):
            raise self.obj
        return self.obj


def test_entry_points_are_loaded_explicitly_and_clashes_are_refused(monkeypatch):
    plugin = plugins.adapter("plugin_means", fit_means, sample_means, family="statistical")
    clash = plugins.adapter("marginals", fit_means, sample_means, family="baseline")
    calls = []

    def fake_entry_points(group):
        calls.append(group)
        return [FakeEntryPoint("plugin_means", plugin)]

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    found = plugins.load_entry_points(registry.GENERATORS)
    assert calls == ["bench.generators"] and found == {"plugin_means": plugin}
    train = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    assert len(found["plugin_means"]().fit(train, None).sample(4, seed=0)) == 4

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [FakeEntryPoint("marginals", clash)])
    with pytest.raises(GeneratorError, match="'marginals' is already registered"):
        plugins.load_entry_points(registry.GENERATORS)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [FakeEntryPoint("bad", object)])
    with pytest.raises(GeneratorError, match="entry point 'bad = fake_package:bad'.*Generator subclass"):
        plugins.load_entry_points(registry.GENERATORS)
    monkeypatch.setattr(importlib.metadata, "entry_points",
                        lambda group: [FakeEntryPoint("broken", ImportError("no module named torchy"))])
    with pytest.raises(GeneratorError, match="could not be loaded: no module named torchy"):
        plugins.load_entry_points(registry.GENERATORS)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [FakeEntryPoint("factory", lambda: plugin)])
    assert plugins.load_entry_points({}) == {"plugin_means": plugin}


def test_importing_bench_registers_installed_entry_points():
    # A fresh interpreter whose package metadata declares one plugin: bench's registry picks it up.
    script = textwrap.dedent("""
        import importlib.metadata

        class LazyEntryPoint:  # loads like a real one: only when the registry builder asks
            name, value = "plugin_means", "fake_package:plugin_means"

            def load(self):
                import pandas as pd
                from bench.generators.plugins import adapter
                return adapter("plugin_means", lambda train, card, random_state=0: train,
                               lambda state, n, seed: state.sample(n, replace=True, random_state=seed),
                               family="statistical")

        importlib.metadata.entry_points = lambda group: [LazyEntryPoint()] if group == "bench.generators" else []
        from bench import generators
        print(sorted(generators.names()))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "'plugin_means'" in result.stdout and "'kanon'" in result.stdout
