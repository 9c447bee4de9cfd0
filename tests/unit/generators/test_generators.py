import numpy as np
import pandas as pd
import pytest

from bench import datasets, generators
from bench.generators.base import GeneratorError
from bench.generators.missingness import MissingnessEncoder


@pytest.fixture(scope="module")
def split():
    return datasets.load_split("sepsis_like", split_seed=0, n_patients=1000, seed=1)


def test_registry_lists_baselines_and_a_synthcity_plugin():
    assert {"marginals", "copy", "bayesian_network"} <= set(generators.names())
    for cls in generators.GENERATORS.values():
        assert cls.family in ("baseline", "statistical", "deep", "privacy") and cls.description


@pytest.mark.parametrize("name", ["marginals", "copy"])
def test_baselines_return_training_columns_dtypes_and_are_deterministic(split, name):
    fitted = generators.create(name, random_state=0).fit(split.train, split.card)
    a, b, c = fitted.sample(500, seed=1), fitted.sample(500, seed=1), fitted.sample(500, seed=2)
    assert list(a.columns) == list(split.train.columns)
    assert (a.dtypes == split.train.dtypes).all()
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_marginals_keep_each_column_but_break_correlations(split):
    synthetic = generators.create("marginals").fit(split.train, split.card).sample(5000, seed=0)
    real_corr = split.train[["sbp", "map"]].corr().iloc[0, 1]
    fake_corr = synthetic[["sbp", "map"]].corr().iloc[0, 1]
    assert real_corr > 0.5 and abs(fake_corr) < 0.1
    assert abs(synthetic["lactate"].isna().mean() - split.train["lactate"].isna().mean()) < 0.05
    assert abs(synthetic["age"].mean() - split.train["age"].mean()) < 1.5


def test_copy_returns_exactly_the_training_rows(split):
    synthetic = generators.create("copy").fit(split.train, split.card).sample(len(split.train), seed=3)
    key = lambda f: sorted(map(tuple, f.fillna(-1).astype(str).to_numpy()))  # noqa: E731
    assert key(synthetic) == key(split.train)


def test_unknown_generator_and_hyperparameters_are_refused():
    with pytest.raises(GeneratorError, match="did you mean 'marginals'"):
        generators.create("marginal")
    with pytest.raises(GeneratorError, match=r"unknown hyperparameter\(s\) \['epochs'\]"):
        generators.create("marginals", {"epochs": 3})


def test_output_is_checked_against_the_training_table(split):
    class Broken(generators.Generator):
        name, family, description = "broken", "baseline", "drops a column, adds NaN"

        def _fit(self, train, card):
            self.train = train

        def _sample(self, n, seed):
            out = self.train.iloc[:n].copy()
            return out.drop(columns=["age"]) if seed == 0 else out.assign(heart_rate=np.nan)

    fitted = Broken().fit(split.train, split.card)
    with pytest.raises(GeneratorError, match=r"lacks training column\(s\) \['age'\]"):
        fitted.sample(10, seed=0)
    with pytest.raises(GeneratorError, match="missing values in column 'heart_rate'"):
        fitted.sample(10, seed=1)
    with pytest.raises(GeneratorError, match="before fit"):
        Broken().sample(10, seed=0)


def test_missingness_encoder_round_trips():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, np.nan], "c": ["a", None, "b", "a"], "full": [1, 2, 3, 4]})
    encoder = MissingnessEncoder().fit(frame)
    encoded = encoder.encode(frame)
    assert not encoded.isna().any().any()
    assert set(encoded.columns) == {"x", "c", "full", "x__missing", "c__missing"}
    decoded = encoder.decode(encoded)
    pd.testing.assert_frame_equal(decoded.isna(), frame.isna())


def test_bayesian_network_fits_samples_deterministically_and_keeps_missingness(split):
    small = split.train.iloc[:300]
    fitted = generators.create("bayesian_network", {"struct_max_indegree": 2}, random_state=0).fit(small, split.card)
    a, b = fitted.sample(400, seed=5), fitted.sample(400, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == list(small.columns) and (a.dtypes == small.dtypes).all()
    assert a["lactate"].isna().any() and not a["heart_rate"].isna().any()
    assert set(a["sex"].unique()) <= set(small["sex"].unique())
    with pytest.raises(GeneratorError, match="unknown hyperparameter"):
        generators.create("bayesian_network", {"no_such_knob": 1}).fit(small, split.card)
