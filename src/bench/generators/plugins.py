"""Third-party generators: an entry point group, or a two-function adapter.

Both are explicit. ``load_entry_points`` is called once, by the registry builder in
``bench.generators.registry`` right after the built-in generators are listed; ``adapter`` builds a
``Generator`` class from ``fit_fn`` / ``sample_fn`` and ``bench.generators.registry.register`` adds
a class to the registry (this module does not import the registry: the registry imports it).
Nothing registers itself on import, and a name that clashes with a registered one is an error.

An entry point in group ``bench.generators`` names a ``Generator`` subclass (or a function returning
one), e.g. in the plugin package's ``pyproject.toml``::

    [project.entry-points."bench.generators"]
    my_model = "my_package.bench_plugin:MyModelGenerator"
"""

from __future__ import annotations

import importlib.metadata
from typing import Any, Callable, Mapping

import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.generators.base import GENERATOR_FAMILIES, Generator, GeneratorError

ENTRY_POINT_GROUP = "bench.generators"

FitFn = Callable[..., Any]
SampleFn = Callable[[Any, int, int], pd.DataFrame]


def check_class(obj: Any, where: str) -> type[Generator]:
    """``obj`` as a generator class, or a ``GeneratorError`` naming ``where`` it came from."""
    if not (isinstance(obj, type) and issubclass(obj, Generator)):
        raise GeneratorError(f"{where}: expected a bench.generators.Generator subclass, got {obj!r}")
    for attribute in ("name", "family", "description"):
        if not getattr(obj, attribute, None):
            raise GeneratorError(f"{where}: generator class {obj.__name__} does not set '{attribute}'")
    if obj.family not in GENERATOR_FAMILIES:
        raise GeneratorError(f"{where}: family '{obj.family}' of {obj.__name__} is not one of {GENERATOR_FAMILIES}")
    return obj


def load_entry_points(existing: Mapping[str, type[Generator]],
                      group: str = ENTRY_POINT_GROUP) -> dict[str, type[Generator]]:
    """The generators installed packages declare in entry point ``group``, by name.

    Each entry point loads to a ``Generator`` subclass or to a function returning one. Its
    ``name`` must not clash with ``existing`` (the built-ins) or with another plugin.

    Example:
        >>> load_entry_points({}, group="bench.no_such_group")
        {}
    """
    found: dict[str, type[Generator]] = {}
    for entry_point in importlib.metadata.entry_points(group=group):
        where = f"entry point '{entry_point.name} = {entry_point.value}' (group {group})"
        try:
            loaded = entry_point.load()
        except Exception as error:  # a broken plugin must say which one it is
            raise GeneratorError(f"{where}: could not be loaded: {error}") from error
        if not isinstance(loaded, type) and callable(loaded):
            loaded = loaded()
        cls = check_class(loaded, where)
        if cls.name in existing or cls.name in found:
            raise GeneratorError(f"{where}: generator name '{cls.name}' is already registered; "
                                 f"rename the plugin's generator")
        found[cls.name] = cls
    return found


def adapter(name: str, fit_fn: FitFn, sample_fn: SampleFn, family: str, description: str = "",
            hyperparameter_names: tuple[str, ...] | None = None, differentially_private: bool = False,
            deterministic_on_cpu: bool = True) -> type[Generator]:
    """A generator class from two functions.

    ``fit_fn(train, card, **params) -> state`` learns (``params`` are the hyperparameters plus
    ``random_state``); ``sample_fn(state, n, seed) -> DataFrame`` draws. ``family`` is one of
    ``GENERATOR_FAMILIES``; ``hyperparameter_names=None`` passes any keyword through to ``fit_fn``.
    The base class checks the output (columns, dtypes, no new missing values) like any generator's.

    Example:
        >>> import pandas as pd
        >>> def fit(train, card, random_state=0, noise=0.0):
        ...     return train.mean(numeric_only=True), noise
        >>> def sample(state, n, seed):
        ...     means, noise = state
        ...     return pd.DataFrame({c: [v + noise] * n for c, v in means.items()})
        >>> Means = adapter("column_means", fit, sample, family="baseline", hyperparameter_names=("noise",))
        >>> Means(noise=1.0).fit(pd.DataFrame({"x": [1.0, 3.0]}), None).sample(2, seed=0)["x"].tolist()
        [3.0, 3.0]
    """
    if family not in GENERATOR_FAMILIES:
        raise GeneratorError(f"adapter '{name}': family must be one of {GENERATOR_FAMILIES}, got '{family}'")
    if not (callable(fit_fn) and callable(sample_fn)):
        raise GeneratorError(f"adapter '{name}': fit_fn and sample_fn must be callables")

    def _fit(self: Generator, train: pd.DataFrame, card: DatasetCard | None) -> None:
        self._state = fit_fn(train, card, random_state=self.random_state, **self.params)

    def _sample(self: Generator, n: int, seed: int) -> pd.DataFrame:
        return sample_fn(self._state, n, seed)

    attributes = {
        "name": name, "family": family, "description": description or f"third-party generator '{name}'",
        "hyperparameter_names": hyperparameter_names, "differentially_private": differentially_private,
        "deterministic_on_cpu": deterministic_on_cpu, "third_party": True,
        "_fit": _fit, "_sample": _sample, "__module__": getattr(fit_fn, "__module__", __name__),
        "__doc__": f"Adapter generator '{name}' over {getattr(fit_fn, '__qualname__', fit_fn)} / "
                   f"{getattr(sample_fn, '__qualname__', sample_fn)}.",
    }
    return type(f"Adapter_{name}", (Generator,), attributes)
