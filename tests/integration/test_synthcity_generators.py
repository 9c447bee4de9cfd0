"""The synthcity adapter's own logic: budget knobs, device, categorical codec, time limit, NaN guard."""

import time

import numpy as np
import pandas as pd
import pytest

from bench import generators
from bench.generators.base import GeneratorError
from bench.generators.budget import time_limit
from bench.generators.device import resolve_device
from bench.generators.synthcity_adapter import CategoryCodec, SynthcityGenerator

SYNTHCITY = {n for n, c in generators.GENERATORS.items() if issubclass(c, SynthcityGenerator)}


def test_all_the_synthcity_plugins_are_registered_with_family_and_dp():
    expected = {"bayesian_network": ("statistical", False), "arf": ("statistical", False),
                "marginal_distributions": ("statistical", False), "ctgan": ("deep", False),
                "tvae": ("deep", False), "rtvae": ("deep", False), "nflow": ("deep", False),
                "ddpm": ("deep", False), "adsgan": ("privacy", False), "pategan": ("privacy", True),
                "dpgan": ("privacy", True), "privbayes": ("privacy", True), "aim": ("privacy", True)}
    assert SYNTHCITY == set(expected)
    for name, (family, dp) in expected.items():
        cls = generators.GENERATORS[name]
        assert (cls.family, cls.differentially_private) == (family, dp)
        assert "time_limit_s" in cls.budget_knobs
        assert ("device" in cls.budget_knobs) == (cls.default_device is not None)
        assert cls.default_device == ("auto" if family == "deep" else cls.default_device)


def test_epochs_map_to_the_plugins_own_argument_and_are_recorded():
    gen = generators.create("ctgan", {"epochs": 7, "batch_size": 50}, random_state=4)
    params = gen.hyperparameters()
    assert params["epochs"] == 7 and params["batch_size"] == 50 and params["random_state"] == 4
    assert params["device"] in ("cpu", "cuda") and params["time_limit_s"] == 3600.0
    assert generators.create("ctgan", {"n_iter": 9}).hyperparameters()["epochs"] == 9
    assert generators.create("ctgan").hyperparameters()["epochs"] == 300
    assert generators.create("bayesian_network", {"epochs": 5}).hyperparameters()["epochs"] == 5


def test_dp_generators_record_epsilon_and_delta():
    assert generators.create("dpgan", {"epsilon": 0.5, "delta": 1e-5}).hyperparameters()["epsilon"] == 0.5
    assert generators.create("aim").hyperparameters()["delta"] == 1e-9
    assert generators.create("privbayes").hyperparameters()["epsilon"] == 1.0


@pytest.mark.parametrize("name, params, message", [
    ("ctgan", {"epochs": 0}, "epochs must be a positive integer"),
    ("ctgan", {"epochs": 2, "n_iter": 3}, "either epochs or n_iter"),
    ("privbayes", {"epochs": 2}, "has no epochs"),
    ("privbayes", {"device": "cpu"}, "does not run on a device"),
    ("ctgan", {"device": "tpu"}, "device must be"),
    ("ctgan", {"time_limit_s": 0}, "time_limit_s must be a positive"),
])
def test_bad_budget_knobs_are_refused_at_creation(name, params, message):
    with pytest.raises(GeneratorError, match=message):
        generators.create(name, params)


def test_resolve_device():
    assert resolve_device("cpu") == "cpu"
    import torch

    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(GeneratorError, match="device must be"):
        resolve_device("gpu0")


def test_category_codec_round_trips_and_stays_in_the_training_categories():
    frame = pd.DataFrame({"s": ["b", "a", "c", "a"], "flag": [True, False, True, True], "x": [1.0, 2, 3, 4]})
    codec = CategoryCodec().fit(frame)
    encoded = codec.encode(frame)
    assert pd.api.types.is_integer_dtype(encoded["s"]) and encoded["x"].equals(frame["x"])
    decoded = codec.decode(encoded)
    assert decoded["s"].tolist() == frame["s"].tolist() and decoded["flag"].tolist() == frame["flag"].tolist()
    assert codec.decode(pd.DataFrame({"s": [-3.0, 9.0], "flag": [0.4, 0.6], "x": [0, 0]}))["s"].tolist() == ["a", "c"]


def test_time_limit_interrupts_a_running_loop_in_the_main_thread():
    start = time.perf_counter()
    with pytest.raises(GeneratorError, match="exceeded its time budget"):
        with time_limit(0.2, "demo"):
            while True:
                time.sleep(0.01)
    assert time.perf_counter() - start < 2


def test_time_limit_checks_afterwards_where_it_cannot_interrupt():
    import threading

    errors = []

    def work():
        try:
            with time_limit(0.05, "demo"):
                time.sleep(0.2)
        except GeneratorError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors and "exceeded its time budget" in errors[0]
    with time_limit(5, "demo"):
        pass


def test_nan_output_is_an_error_not_garbage():
    gen = generators.create("marginal_distributions")
    train = pd.DataFrame({"x": [1.0, 2.0, 3.0], "s": ["a", "b", "a"]})
    gen._template, gen._has_missing = train.iloc[:0], {"x": False, "s": False}
    gen._encoded_columns = ["x", "s"]
    gen._released, gen._discretizer = None, None
    gen._codec = CategoryCodec().fit(train)
    from bench.generators.missingness import MissingnessEncoder

    gen._missing = MissingnessEncoder().fit(train)

    class Diverged:
        def generate(self, count, random_state):
            class Loader:
                def dataframe(self):
                    return pd.DataFrame({"x": [np.nan] * count, "s": [0] * count})
            return Loader()

    gen._model = Diverged()
    with pytest.raises(GeneratorError, match=r"NaN or infinite values in \['x'\]"):
        gen.sample(4, seed=0)


def test_quantile_discretizer_codes_every_column_and_draws_back_inside_the_bin():
    from bench.generators.discretize import QuantileDiscretizer

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 95, 500), "lactate": rng.lognormal(0.5, 0.6, 500),
                          "sex": rng.integers(0, 2, 500)})
    disc = QuantileDiscretizer(n_bins=8).fit(frame)
    codes = disc.encode(frame)
    assert codes["lactate"].nunique() == 8 and set(codes["sex"]) == {0, 1}
    assert codes.min().min() == 0 and all(codes[c].max() < 8 for c in codes)
    back = disc.decode(codes, seed=1)
    assert disc.encode(back).equals(codes)  # every value is drawn inside its own bin
    assert (back["age"] == back["age"].round()).all() and back["age"].between(18, 94).all()
    assert not np.allclose(back["lactate"], frame["lactate"])  # drawn anew, not the real values
    pd.testing.assert_frame_equal(back, disc.decode(codes, seed=1))
    assert not back.equals(disc.decode(codes, seed=2))
    with pytest.raises(ValueError, match="n_bins must be an integer >= 2"):
        QuantileDiscretizer(n_bins=1)


def test_aim_releases_one_table_at_fit_and_samples_without_rerunning_the_mechanism():
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"age": rng.integers(18, 95, 150), "hr": rng.normal(90, 15, 150),
                          "sex": rng.choice(["F", "M"], 150), "y": rng.integers(0, 2, 150)})
    gen = generators.create("aim", {"n_bins": 4}).fit(train, None)
    assert gen.hyperparameters()["n_bins"] == 4 and gen.hyperparameters()["epsilon"] == 1.0

    def rerun(*args, **kwargs):
        raise AssertionError("sample() re-ran AIM: every run spends the privacy budget again")

    gen._model.generate = rerun
    out = gen.sample(400, seed=0)  # more rows than released: the released table, reshuffled
    assert len(out) == 400 and set(out["sex"]) <= {"F", "M"} and set(out["y"]) <= {0, 1}
    assert out["hr"].between(train["hr"].min(), train["hr"].max()).all()
    assert out["hr"].nunique() > 4  # drawn inside the bins, not 4 bin codes
    pd.testing.assert_frame_equal(out, gen.sample(400, seed=0))
    with pytest.raises(GeneratorError, match="n_bins must be an integer >= 2"):
        generators.create("aim", {"n_bins": 1})
    with pytest.raises(GeneratorError, match="unknown hyperparameter"):
        generators.create("ctgan", {"n_bins": 4}).fit(train, None)


def test_privbayes_models_binned_numeric_columns_and_draws_values_back():
    rng = np.random.default_rng(1)
    train = pd.DataFrame({"hr": rng.normal(90, 15, 300), "lactate": rng.lognormal(0.5, 0.6, 300),
                          "map": rng.normal(80, 10, 300), "y": rng.integers(0, 2, 300)})
    gen = generators.create("privbayes").fit(train, None)
    assert gen.hyperparameters()["n_bins"] == 16 and gen.hyperparameters()["epsilon"] == 1.0
    assert all(len(gen._discretizer.columns[c].edges) == 17 for c in ("hr", "lactate", "map"))
    out = gen.sample(300, seed=0)
    assert out["hr"].nunique() > 16 and out["lactate"].between(train["lactate"].min(), train["lactate"].max()).all()
    assert set(out["y"]) <= {0, 1}
