"""The explicit registry of generators: name -> class. Nothing registers itself on import."""

from __future__ import annotations

from typing import Any

from bench.errors import did_you_mean
from bench.generators.base import Generator, GeneratorError
from bench.generators.baselines import CopyGenerator, MarginalsGenerator
from bench.generators.synthcity_adapter import synthcity_generator

GENERATORS: dict[str, type[Generator]] = {
    cls.name: cls
    for cls in (
        MarginalsGenerator,
        CopyGenerator,
        synthcity_generator(
            "bayesian_network", "synthcity.plugins.generic.plugin_bayesian_network", family="statistical",
            description="Bayesian network (pgmpy structure learning, synthcity)",
            budget_knobs=("struct_learning_n_iter",),
        ),
    )
}


def names() -> list[str]:
    """Registered generator names. Example: ``'marginals' in names()`` is True."""
    return sorted(GENERATORS)


def create(name: str, params: dict[str, Any] | None = None, random_state: int = 0) -> Generator:
    """Instantiate a registered generator with hyperparameters.

    Example:
        >>> create("marginals", random_state=3).hyperparameters()
        {'random_state': 3}
    """
    if name not in GENERATORS:
        raise GeneratorError(f"unknown generator '{name}'; {did_you_mean(name, names())}")
    return GENERATORS[name](random_state=random_state, **(params or {}))
