"""Adapters over synthcity plugins. synthcity and torch are imported inside ``fit`` only.

Every adapter takes the plugin's own hyperparameters (passed straight through, checked against the
plugin's signature) plus the common budget knobs:

- ``epochs``: mapped to the plugin's own iteration argument (``epochs_arg``: ``n_iter``,
  ``struct_learning_n_iter``, ``max_iters``); absent for plugins without one.
- ``time_limit_s``: wall-clock limit of ``fit`` (``bench.generators.budget.time_limit``); an overrun
  raises ``GeneratorError``.
- ``device``: ``auto`` | ``cpu`` | ``cuda``, only for plugins that run torch models; ``auto`` (the
  default of the deep ones) picks a GPU when one is present, and the resolved device is recorded.
- ``n_bins``: only for plugins that need discrete data (``discrete_bins``: AIM, PrivBayes): numeric
  columns with more distinct values are cut into that many quantile bins
  (``bench.generators.discretize``). Given raw values, synthcity's AIM takes each distinct value as
  a category, and its PrivBayes cross-tabulates every attribute against all combinations of its
  parents' distinct values, which for continuous parents grows to gigabytes; PrivBayes's own
  ``n_bins`` is replaced by this one.

Plugins that train inside ``generate`` (``release_at_fit``, e.g. AIM: synthcity runs the whole
mechanism, and spends its privacy budget, on every ``generate`` call) release one synthetic table
inside ``fit``, under the time budget; ``sample`` then draws rows from that table (seeded
shuffles, repeated when more rows are asked for), which is post-processing and spends no more
privacy budget.

Data handling, in one place: missing values are carried by ``MissingnessEncoder``; string /
categorical / boolean columns are turned into integer codes before the plugin sees them and decoded
back afterwards (``CategoryCodec``), so a plugin can only ever return categories seen in training.
A fit or generate that raises, or output with NaN/inf, becomes a ``GeneratorError``.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.generators.base import Generator, GeneratorError, seeded_order
from bench.generators.budget import time_limit
from bench.generators.device import check_device, resolve_device
from bench.generators.discretize import QuantileDiscretizer
from bench.generators.missingness import MissingnessEncoder

# Plugin arguments the adapter sets itself; a user cannot pass them.
_RESERVED = {"self", "args", "kwargs", "workspace", "random_state"}
DEFAULT_TIME_LIMIT_S = 3600.0


def _quiet_synthcity() -> None:
    """synthcity logs through loguru and pgmpy warns on every sampled row; keep the notebooks readable."""
    from synthcity import logger as synthcity_log

    synthcity_log.remove()
    for name in ("pgmpy", "pgmpy.sampling"):
        logging.getLogger(name).setLevel(logging.ERROR)


class CategoryCodec:
    """Integer codes for non-numeric columns, and back.

    Example:
        >>> import pandas as pd
        >>> codec = CategoryCodec().fit(pd.DataFrame({"s": ["b", "a", "b"], "x": [1.0, 2.0, 3.0]}))
        >>> codec.encode(pd.DataFrame({"s": ["a", "b"], "x": [0.0, 1.0]}))["s"].tolist()
        [0, 1]
        >>> codec.decode(pd.DataFrame({"s": [1.2, 7.0], "x": [0.0, 1.0]}))["s"].tolist()
        ['b', 'b']
    """

    def fit(self, frame: pd.DataFrame) -> "CategoryCodec":
        self.categories: dict[str, list[Any]] = {}
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(frame[column]):
                values = frame[column].dropna().unique().tolist()
                self.categories[column] = sorted(values, key=lambda v: (str(type(v)), str(v)))
        return self

    def encode(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column, categories in self.categories.items():
            codes = {value: code for code, value in enumerate(categories)}
            out[column] = frame[column].map(codes).astype(int)
        return out

    def decode(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        for column, categories in self.categories.items():
            codes = np.clip(np.round(pd.to_numeric(out[column]).to_numpy(dtype=float)), 0, len(categories) - 1)
            out[column] = pd.Series([categories[int(c)] for c in codes], index=out.index, dtype=object)
        return out


class SynthcityGenerator(Generator):
    """Wraps one synthcity plugin; hyperparameters pass straight through to it.

    ``random_state`` seeds fitting; ``sample(n, seed)`` passes ``seed`` to ``generate``.
    """

    plugin: ClassVar[str]
    module: ClassVar[str]
    hyperparameter_names = None
    # The plugin's own iteration argument that ``epochs`` maps to, and the benchmark default.
    epochs_arg: ClassVar[str | None] = None
    default_epochs: ClassVar[int | None] = None
    # None: the plugin has no device argument. "auto" for torch models, "cpu" for the others.
    default_device: ClassVar[str | None] = None
    # Plugin hyperparameters the benchmark sets differently from synthcity's defaults.
    default_params: ClassVar[dict[str, Any]] = {}
    deterministic_on_cpu: ClassVar[bool] = True
    nondeterminism: ClassVar[str] = ""
    # Default number of bins for plugins that need discrete data; None: the plugin takes raw values.
    discrete_bins: ClassVar[int | None] = None
    # The plugin trains inside generate: release one table in fit and sample rows from it.
    release_at_fit: ClassVar[bool] = False

    def __init__(self, random_state: int = 0, **params: Any) -> None:
        super().__init__(random_state=random_state, **params)
        plugin_params = dict(self.params)
        self.epochs = _pop_epochs(type(self), plugin_params)
        self.time_limit_s = _pop_time_limit(self.name, plugin_params)
        self.device = _pop_device(type(self), plugin_params)
        self._resolved_device: str | None = None
        self.n_bins = _pop_bins(type(self), plugin_params)
        self.plugin_params = {**self.default_params, **plugin_params}

    def resolved_device(self) -> str | None:
        """The device ``fit`` uses (``auto`` resolved; imports torch only then)."""
        if self.device is not None and self._resolved_device is None:
            self._resolved_device = resolve_device(self.device)
        return self._resolved_device

    def hyperparameters(self) -> dict[str, Any]:
        """Everything that defines the run: budget (resolved device included) and plugin params."""
        out: dict[str, Any] = {"random_state": self.random_state}
        if self.epochs_arg is not None:
            out["epochs"] = self.epochs
        out["time_limit_s"] = self.time_limit_s
        if self.device is not None:
            out["device"] = self.resolved_device()
        if self.n_bins is not None:
            out["n_bins"] = self.n_bins
        return {**out, **self.plugin_params}

    def _plugin_arguments(self, plugin_class: type) -> set[str]:
        accepted: set[str] = set()
        for klass in plugin_class.__mro__:
            init = klass.__dict__.get("__init__")
            if init is None:
                continue
            parameters = inspect.signature(init).parameters
            accepted |= set(parameters)
            if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
                break
        return accepted - _RESERVED

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        _quiet_synthcity()
        plugin_class = importlib.import_module(self.module).plugin
        accepted = self._plugin_arguments(plugin_class)
        unknown = sorted(set(self.plugin_params) - accepted)
        if unknown:
            ours = set(self.budget_knobs) | ({"n_bins"} if self.discrete_bins else set())
            raise GeneratorError(f"{self.name}: unknown hyperparameter(s) {unknown}; accepted: "
                                 f"{', '.join(sorted(accepted | ours))}")
        arguments = dict(self.plugin_params)
        if self.epochs_arg is not None:
            arguments[self.epochs_arg] = self.epochs
        if self.device is not None:
            import torch  # some plugins (ddpm) validate that device is a torch.device

            arguments["device"] = torch.device(self.resolved_device())
        self._workspace = tempfile.TemporaryDirectory(prefix=f"synthcity-{self.plugin}-")
        self._missing = MissingnessEncoder().fit(train)
        encoded = self._missing.encode(train)
        self._codec = CategoryCodec().fit(encoded)
        encoded = self._codec.encode(encoded)
        self._discretizer = QuantileDiscretizer(self.n_bins).fit(encoded) if self.n_bins else None
        if self._discretizer is not None:
            encoded = self._discretizer.encode(encoded)
        self._encoded_columns = list(encoded.columns)
        self._released: pd.DataFrame | None = None
        with time_limit(self.time_limit_s, self.name):
            try:
                self._model = plugin_class(random_state=self.random_state, workspace=Path(self._workspace.name),
                                           **arguments)
                self._model.fit(encoded)
            except GeneratorError:
                raise
            except Exception as exc:  # the library's failure becomes a recorded, named error
                raise GeneratorError(f"{self.name}: fit failed: {type(exc).__name__}: {exc}") from exc
            if self.release_at_fit:
                self._released = self._generate(len(train), self.random_state)

    def _generate(self, n: int, seed: int) -> pd.DataFrame:
        """``n`` rows from the plugin, in the encoded columns, checked to be complete and finite."""
        try:
            generated = self._model.generate(count=n, random_state=seed).dataframe()
        except Exception as exc:
            raise GeneratorError(f"{self.name}: generate failed: {type(exc).__name__}: {exc}") from exc
        missing = [c for c in self._encoded_columns if c not in generated.columns]
        if missing:
            raise GeneratorError(f"{self.name}: synthcity returned no column(s) {missing}")
        generated = generated[self._encoded_columns]
        numeric = generated.apply(pd.to_numeric, errors="coerce")
        finite = np.isfinite(numeric.to_numpy(dtype=float))
        if not finite.all():
            bad = numeric.columns[~finite.all(axis=0)].tolist()
            raise GeneratorError(f"{self.name}: produced NaN or infinite values in {bad} (diverged?)")
        return numeric

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        if self._released is not None:
            numeric = self._released.iloc[seeded_order(len(self._released), n, seed)].reset_index(drop=True)
        else:
            numeric = self._generate(n, seed)
        if self._discretizer is not None:
            numeric = self._discretizer.decode(numeric, seed)
        return self._missing.decode(self._codec.decode(numeric))


def _pop_epochs(cls: type[SynthcityGenerator], params: dict[str, Any]) -> int | None:
    """``epochs`` (or the plugin's own name for it) out of ``params``, checked; the default if absent."""
    epochs = params.pop("epochs", None)
    if cls.epochs_arg is None:
        if epochs is not None:
            raise GeneratorError(f"{cls.name}: has no epochs/iterations knob; its budget knobs are "
                                 f"{', '.join(cls.budget_knobs)}")
        return None
    if epochs is not None and cls.epochs_arg in params:
        raise GeneratorError(f"{cls.name}: give either epochs or {cls.epochs_arg}, not both")
    own = params.pop(cls.epochs_arg, cls.default_epochs)
    epochs = own if epochs is None else epochs
    if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 1:
        raise GeneratorError(f"{cls.name}: epochs must be a positive integer, got {epochs!r}")
    return int(epochs)


def _pop_time_limit(name: str, params: dict[str, Any]) -> float | None:
    """``time_limit_s`` out of ``params``: a positive number of seconds, ``None`` for no limit."""
    given = params.pop("time_limit_s", DEFAULT_TIME_LIMIT_S)
    if given is None:
        return None
    try:
        seconds = float(given)
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds > 0:
        raise GeneratorError(f"{name}: time_limit_s must be a positive number of seconds, got {given!r}")
    return seconds


def _pop_device(cls: type[SynthcityGenerator], params: dict[str, Any]) -> str | None:
    """``device`` out of ``params``: auto, cpu, cuda or cuda:N; ``None`` for plugins without one."""
    device = params.pop("device", cls.default_device)
    if cls.default_device is None and device is not None:
        raise GeneratorError(f"{cls.name}: does not run on a device; remove device={device}")
    if device is not None:
        try:
            check_device(device)
        except GeneratorError as exc:
            raise GeneratorError(f"{cls.name}: {exc}") from None
    return device


def _pop_bins(cls: type[SynthcityGenerator], params: dict[str, Any]) -> int | None:
    """``n_bins`` out of ``params`` for plugins that need discrete data; ``None`` for the others."""
    if not cls.discrete_bins:
        return None
    n_bins = params.pop("n_bins", cls.discrete_bins)
    try:
        QuantileDiscretizer(n_bins)
    except ValueError as exc:
        raise GeneratorError(f"{cls.name}: {exc}") from None
    return n_bins


def _budget_knobs(epochs_arg: str | None, default_device: str | None) -> tuple[str, ...]:
    return (("epochs",) if epochs_arg else ()) + ("time_limit_s",) + (("device",) if default_device else ())


def synthcity_generator(plugin: str, module: str, family: str, description: str,
                        differentially_private: bool = False, *,
                        epochs_arg: str | None = None, default_epochs: int | None = None,
                        default_device: str | None = None, default_params: dict[str, Any] | None = None,
                        deterministic_on_cpu: bool = True, nondeterminism: str = "",
                        discrete_bins: int | None = None, release_at_fit: bool = False,
                        ) -> type[SynthcityGenerator]:
    """Make the adapter class for one plugin, for the explicit registry.

    Its ``budget_knobs`` follow from the other arguments (epochs, time_limit_s, device).

    Example:
        >>> cls = synthcity_generator("bayesian_network", "synthcity.plugins.generic.plugin_bayesian_network",
        ...                           "statistical", "Bayesian network")
        >>> cls.name, cls.family, cls.budget_knobs
        ('bayesian_network', 'statistical', ('time_limit_s',))
    """
    if epochs_arg is not None and default_epochs is None:
        raise ValueError(f"{plugin}: epochs_arg needs a default_epochs")
    if not deterministic_on_cpu and not nondeterminism:
        raise ValueError(f"{plugin}: say why it is not deterministic on CPU")
    attributes: dict[str, Any] = {
        "name": plugin, "plugin": plugin, "module": module, "family": family, "description": description,
        "budget_knobs": _budget_knobs(epochs_arg, default_device),
        "differentially_private": differentially_private, "epochs_arg": epochs_arg,
        "default_epochs": default_epochs, "default_device": default_device,
        "default_params": dict(default_params or {}), "deterministic_on_cpu": deterministic_on_cpu,
        "nondeterminism": nondeterminism, "discrete_bins": discrete_bins, "release_at_fit": release_at_fit,
    }
    return type(f"Synthcity_{plugin}", (SynthcityGenerator,), attributes)
