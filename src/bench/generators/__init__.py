"""Generators: ``create(name, params, random_state)`` then ``fit(train, card)`` and ``sample(n, seed)``."""

from bench.generators.base import Generator, GeneratorError
from bench.generators.registry import GENERATORS, create, names

__all__ = ["GENERATORS", "Generator", "GeneratorError", "create", "names"]
