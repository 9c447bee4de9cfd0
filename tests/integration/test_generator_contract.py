"""Contract test: every registered generator, on a small mixed-type table, with a tiny budget.

Columns, dtypes, row count, no NaN where training had none, determinism (for generators that
declare ``deterministic_on_cpu``), and error behaviour (unknown hyperparameter, time budget).
"""

import subprocess
import sys

import pandas as pd
import pytest

from bench import datasets, generators
from bench.generators import registry
from bench.generators.base import GeneratorError

# The tiny test budget of every built-in generator (bench.generators.registry.TEST_BUDGETS).
TEST_PARAMS = registry.TEST_BUDGETS
NAMES = generators.names()


@pytest.fixture(scope="module")
def table():
    split = datasets.load_split("sepsis_like", split_seed=0, n_patients=1000, seed=1)
    columns = ["age", "sex", "ethnic_group", "temperature", "heart_rate", "lactate", "wbc", "sepsis"]
    table = split.train[columns].iloc[:200].reset_index(drop=True)
    assert table["lactate"].isna().any() and table["sex"].dtype == object
    return table, split.card


@pytest.fixture(scope="module")
def fitted(table):
    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = generators.create(name, TEST_PARAMS[name], random_state=0).fit(*table)
        return cache[name]
    return get


def test_every_registered_generator_has_a_test_budget():
    assert sorted(set(NAMES) - set(TEST_PARAMS)) == []


@pytest.mark.parametrize("name", NAMES)
def test_contract(name, table, fitted):
    train, card = table
    cls = generators.GENERATORS[name]
    assert cls.family in ("baseline", "statistical", "deep", "privacy") and cls.description
    assert isinstance(cls.deterministic_on_cpu, bool)
    model = fitted(name)
    synthetic = model.sample(150, seed=7)
    assert list(synthetic.columns) == list(train.columns)
    assert (synthetic.dtypes == train.dtypes).all(), synthetic.dtypes
    assert len(synthetic) == 150
    complete = [c for c in train.columns if not train[c].isna().any()]
    assert not synthetic[complete].isna().any().any()
    assert set(synthetic["sex"].dropna()) <= set(train["sex"])
    params = model.hyperparameters()
    assert params["random_state"] == 0
    for knob in cls.budget_knobs:
        assert knob in params, f"{name}: budget knob {knob} is not recorded as a param"
    if cls.differentially_private:
        assert "epsilon" in params


@pytest.mark.parametrize("name", [n for n in NAMES if generators.GENERATORS[n].deterministic_on_cpu])
def test_same_seed_and_data_give_the_same_table(name, table, fitted):
    first = fitted(name).sample(100, seed=3)
    again = generators.create(name, TEST_PARAMS[name], random_state=0).fit(*table).sample(100, seed=3)
    pd.testing.assert_frame_equal(first, again)


def test_nondeterministic_generators_say_why():
    for cls in generators.GENERATORS.values():
        if not cls.deterministic_on_cpu:
            assert getattr(cls, "nondeterminism", ""), cls.name


@pytest.mark.parametrize("name", NAMES)
def test_unknown_hyperparameter_is_refused(name, table):
    with pytest.raises(GeneratorError, match="unknown hyperparameter"):
        generators.create(name, {**TEST_PARAMS[name], "no_such_knob": 1}).fit(*table)


@pytest.mark.parametrize("name", [n for n in NAMES if "time_limit_s" in generators.GENERATORS[n].budget_knobs])
def test_exceeding_the_time_budget_fails_the_fit(name, table):
    with pytest.raises(GeneratorError, match="exceeded its time budget"):
        generators.create(name, {**TEST_PARAMS[name], "time_limit_s": 0.001}).fit(*table)


def test_importing_bench_and_listing_generators_does_not_import_torch():
    code = ("import sys, bench, bench.generators, bench.cli\n"
            "assert bench.cli.main(['generators']) == 0\n"
            "bench.generators.create('ctgan', {'epochs': 2})\n"
            "heavy = sorted(m for m in ('torch', 'synthcity') if m in sys.modules)\n"
            "assert not heavy, heavy\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ctgan" in result.stdout and "budget knobs" in result.stdout
