"""Adapters over synthcity plugins. synthcity and torch are imported inside ``fit`` only."""

from __future__ import annotations

import importlib
import inspect
import logging
import tempfile
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.generators.base import Generator, GeneratorError
from bench.generators.missingness import MissingnessEncoder


def _quiet_synthcity() -> None:
    """synthcity logs through loguru and pgmpy warns on every sampled row; keep the notebooks readable."""
    from synthcity import logger as synthcity_log

    synthcity_log.remove()
    for name in ("pgmpy", "pgmpy.sampling"):
        logging.getLogger(name).setLevel(logging.ERROR)


class SynthcityGenerator(Generator):
    """Wraps one synthcity plugin; hyperparameters pass straight through to it.

    Missing values are carried by ``MissingnessEncoder`` (synthcity plugins expect complete data).
    ``random_state`` seeds fitting; ``sample(n, seed)`` passes ``seed`` to ``generate``.
    """

    plugin: ClassVar[str]
    module: ClassVar[str]
    hyperparameter_names = None

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        _quiet_synthcity()
        plugin_class = importlib.import_module(self.module).plugin
        accepted = set(inspect.signature(plugin_class.__init__).parameters) - {"self", "kwargs", "workspace", "random_state"}
        unknown = sorted(set(self.params) - accepted)
        if unknown:
            raise GeneratorError(f"{self.name}: unknown hyperparameter(s) {unknown}; accepted: "
                                 f"{', '.join(sorted(accepted))}")
        self._workspace = tempfile.TemporaryDirectory(prefix=f"synthcity-{self.plugin}-")
        self._model = plugin_class(random_state=self.random_state, workspace=Path(self._workspace.name),
                                   **self.params)
        self._missing = MissingnessEncoder().fit(train)
        self._model.fit(self._missing.encode(train))

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        generated = self._model.generate(count=n, random_state=seed).dataframe()
        return self._missing.decode(generated)


def synthcity_generator(plugin: str, module: str, family: str, description: str,
                        budget_knobs: tuple[str, ...] = (), differentially_private: bool = False
                        ) -> type[SynthcityGenerator]:
    """Make the adapter class for one plugin, for the explicit registry.

    Example:
        >>> cls = synthcity_generator("bayesian_network", "synthcity.plugins.generic.plugin_bayesian_network",
        ...                           "statistical", "Bayesian network")
        >>> cls.name, cls.family
        ('bayesian_network', 'statistical')
    """
    attributes: dict[str, Any] = {
        "name": plugin, "plugin": plugin, "module": module, "family": family, "description": description,
        "budget_knobs": budget_knobs, "differentially_private": differentially_private,
    }
    return type(f"Synthcity_{plugin}", (SynthcityGenerator,), attributes)
