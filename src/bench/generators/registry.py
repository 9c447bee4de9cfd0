"""The explicit registry of generators: name -> class. Nothing registers itself on import."""

from __future__ import annotations

from typing import Any

from bench.errors import did_you_mean
from bench.generators.base import Generator, GeneratorError
from bench.generators.baselines import CopyGenerator, HoldoutGenerator, MarginalsGenerator
from bench.generators.copula import GaussianCopulaGenerator
from bench.generators.kanon import KAnonymityGenerator
from bench.generators.plugins import check_class, load_entry_points
from bench.generators.synthcity_adapter import synthcity_generator

_SC = "synthcity.plugins"

GENERATORS: dict[str, type[Generator]] = {
    cls.name: cls
    for cls in (
        MarginalsGenerator,
        CopyGenerator,
        HoldoutGenerator,
        KAnonymityGenerator,
        GaussianCopulaGenerator,
        # synthcity adapters, one call each (bench.generators.synthcity_adapter; README "Generators").
        synthcity_generator("bayesian_network", f"{_SC}.generic.plugin_bayesian_network", "statistical",
                            "Bayesian network (pgmpy structure learning, synthcity)",
                            epochs_arg="struct_learning_n_iter", default_epochs=1000),
        synthcity_generator("arf", f"{_SC}.generic.plugin_arf", "statistical",
                            "adversarial random forests (synthcity)",
                            epochs_arg="max_iters", default_epochs=10, default_device="cpu",
                            default_params={"verbose": False}),
        synthcity_generator("marginal_distributions", f"{_SC}.generic.plugin_marginal_distributions", "statistical",
                            "independent per-column marginals (synthcity)",
                            deterministic_on_cpu=False,
                            nondeterminism="synthcity samples from a schema it rebuilds with random_state=None "
                                           "(an unseeded numpy Generator) on every generate call; "
                                           "use `marginals` for the seeded equivalent"),
        synthcity_generator("ctgan", f"{_SC}.generic.plugin_ctgan", "deep",
                            "conditional tabular GAN (synthcity)",
                            epochs_arg="n_iter", default_epochs=300, default_device="auto"),
        synthcity_generator("tvae", f"{_SC}.generic.plugin_tvae", "deep",
                            "tabular variational autoencoder (synthcity)",
                            epochs_arg="n_iter", default_epochs=300, default_device="auto"),
        synthcity_generator("rtvae", f"{_SC}.generic.plugin_rtvae", "deep",
                            "robust (beta-divergence) tabular VAE (synthcity)",
                            epochs_arg="n_iter", default_epochs=300, default_device="auto"),
        synthcity_generator("nflow", f"{_SC}.generic.plugin_nflow", "deep",
                            "normalizing flows (synthcity)",
                            epochs_arg="n_iter", default_epochs=300, default_device="auto"),
        synthcity_generator("ddpm", f"{_SC}.generic.plugin_ddpm", "deep",
                            "TabDDPM diffusion model (synthcity)",
                            epochs_arg="n_iter", default_epochs=1000, default_device="auto"),
        synthcity_generator("adsgan", f"{_SC}.privacy.plugin_adsgan", "privacy",
                            "AdsGAN: GAN with an identifiability penalty, not DP (synthcity)",
                            epochs_arg="n_iter", default_epochs=300, default_device="auto"),
        synthcity_generator("pategan", f"{_SC}.privacy.plugin_pategan", "privacy",
                            "PATE-GAN, differentially private (synthcity)",
                            differentially_private=True, epochs_arg="n_iter", default_epochs=100,
                            default_device="auto", default_params={"epsilon": 1.0, "delta": None}),
        synthcity_generator("dpgan", f"{_SC}.privacy.plugin_dpgan", "privacy",
                            "DP-GAN, DP-SGD via opacus (synthcity)",
                            differentially_private=True, epochs_arg="n_iter", default_epochs=300,
                            default_device="auto", default_params={"epsilon": 1.0, "delta": None}),
        synthcity_generator("privbayes", f"{_SC}.privacy.plugin_privbayes", "privacy",
                            "PrivBayes, differentially private Bayesian network (synthcity); "
                            "numeric columns in quantile bins",
                            differentially_private=True, default_params={"epsilon": 1.0}, discrete_bins=16),
        synthcity_generator("aim", f"{_SC}.privacy.plugin_aim", "privacy",
                            "AIM, differentially private marginals (synthcity); numeric columns in quantile bins",
                            differentially_private=True, default_device="cpu",
                            default_params={"epsilon": 1.0, "delta": 1e-9}, discrete_bins=16, release_at_fit=True),
    )
}
# The tiny budget of each built-in generator: a fit of seconds on a table of a few hundred rows. The
# contract tests run every generator at it, and `benchmarks/perf/generators.py --budgets test` measures it.
TEST_BUDGETS: dict[str, dict[str, Any]] = {
    "marginals": {}, "copy": {}, "holdout": {}, "kanon": {}, "gaussian_copula": {},
    "bayesian_network": {"epochs": 10, "struct_max_indegree": 2},
    "arf": {"epochs": 1, "num_trees": 5},
    "marginal_distributions": {},
    "ctgan": {"epochs": 2}, "tvae": {"epochs": 2}, "rtvae": {"epochs": 2}, "nflow": {"epochs": 2},
    "ddpm": {"epochs": 2, "num_timesteps": 20},
    "adsgan": {"epochs": 2}, "pategan": {"epochs": 1, "n_teachers": 2}, "dpgan": {"epochs": 2},
    "privbayes": {"K": 2}, "aim": {"n_bins": 4},
}

# Third-party generators declared by installed packages (entry point group "bench.generators"),
# loaded here, once, after the built-ins; a clashing name is an error (bench.generators.plugins).
GENERATORS.update(load_entry_points(GENERATORS))


_REGISTERED: set[str] = set()  # names added by register(), the only ones unregister() removes


def register(cls: type[Generator]) -> type[Generator]:
    """Add a generator class to the registry (``bench.generators.GENERATORS``); returns it.

    A name already registered is refused. Example (``unregister`` undoes it):
        >>> import pandas as pd
        >>> from bench.generators.plugins import adapter
        >>> Cls = adapter("doc_echo", lambda train, card, random_state=0: train,
        ...               lambda state, n, seed: state.sample(n, random_state=seed, replace=True), family="baseline")
        >>> len(create(register(Cls).name).fit(pd.DataFrame({"x": [1, 2]}), None).sample(3, seed=0))
        3
        >>> unregister("doc_echo")
    """
    cls = check_class(cls, f"register({getattr(cls, '__name__', cls)!r})")
    if cls.name in GENERATORS:
        raise GeneratorError(f"register: generator name '{cls.name}' is already registered "
                             f"({GENERATORS[cls.name].__name__})")
    GENERATORS[cls.name] = cls
    _REGISTERED.add(cls.name)
    return cls


def unregister(name: str) -> None:
    """Remove a generator added with ``register`` (for tests and notebooks); others cannot be removed.

    Example:
        >>> unregister("marginals")
        Traceback (most recent call last):
        ...
        bench.generators.base.GeneratorError: unregister: 'marginals' was not added with register()
    """
    if name not in _REGISTERED:
        raise GeneratorError(f"unregister: '{name}' was not added with register()")
    _REGISTERED.discard(name)
    GENERATORS.pop(name, None)


def names() -> list[str]:
    """Registered generator names. Example: ``'marginals' in names()`` is True."""
    return sorted(GENERATORS)


def test_budget(name: str) -> dict[str, Any]:
    """The tiny test budget of a generator (``{}``: its defaults are already quick, or a plugin's).

    Example:
        >>> test_budget("ctgan")
        {'epochs': 2}
    """
    return dict(TEST_BUDGETS.get(name, {}))


def create(name: str, params: dict[str, Any] | None = None, random_state: int = 0) -> Generator:
    """Instantiate a registered generator with hyperparameters.

    Example:
        >>> create("marginals", random_state=3).hyperparameters()
        {'random_state': 3}
    """
    if name not in GENERATORS:
        raise GeneratorError(f"unknown generator '{name}'; {did_you_mean(name, names())}")
    return GENERATORS[name](random_state=random_state, **(params or {}))
