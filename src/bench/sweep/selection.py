"""``bench run --only``: pick the cells of a matrix to run by dataset, generator and seed patterns.

A selection is comma-separated ``key=pattern`` conditions, all of which a cell must meet; ``|``
separates alternatives within one condition. Patterns are shell-style (``*``, ``?``, ``[...]``)
and match the readable label (``ctgan[epochs=100]``) or the bare name (``ctgan``).

Example:
    >>> from bench.sweep.config import Cell
    >>> cells = [Cell("b", d, {}, g, {}, seed=s) for d in ("pima", "cardio") for g in ("ctgan", "copy")
    ...          for s in (0, 1)]
    >>> [c.name for c in select_cells(cells, "dataset=pima,generator=ct*|copy,seed=1")]
    ['pima/ctgan/seed=1', 'pima/copy/seed=1']
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from bench.errors import BenchError, did_you_mean
from bench.sweep.config import Cell

KEYS = ("dataset", "generator", "seed")


def parse_selection(text: str) -> dict[str, list[str]]:
    """``{key: [pattern, ...]}`` from ``dataset=pima,generator=ctgan*|tvae``; errors name the bad part.

    Example:
        >>> parse_selection("generator=ctgan*|tvae, seed=0")
        {'generator': ['ctgan*', 'tvae'], 'seed': ['0']}
    """
    conditions: dict[str, list[str]] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, equals, patterns = part.partition("=")
        key = key.strip()
        if not equals or not patterns.strip():
            raise BenchError(f"--only: '{part}' is not key=pattern (keys: {', '.join(KEYS)}), e.g. "
                             "'dataset=pima,generator=ctgan*'")
        if key not in KEYS:
            raise BenchError(f"--only: unknown key '{key}'; {did_you_mean(key, list(KEYS))}")
        if key in conditions:
            raise BenchError(f"--only: '{key}' is given twice; use '|' for alternatives ({key}=a|b)")
        conditions[key] = [p.strip() for p in patterns.split("|") if p.strip()]
    if not conditions:
        raise BenchError("--only: empty selection; expected key=pattern conditions, e.g. 'dataset=pima'")
    return conditions


def _values(cell: Cell, key: str) -> tuple[str, ...]:
    if key == "dataset":
        return cell.dataset_label, cell.dataset
    if key == "generator":
        return cell.generator_label, cell.generator
    return (str(cell.seed),)


def select_cells(cells: list[Cell], text: str) -> list[Cell]:
    """The cells meeting every condition of ``text``, in matrix order; a selection matching none is an error."""
    conditions = parse_selection(text)
    chosen = [cell for cell in cells
              if all(any(fnmatchcase(value, pattern) for value in _values(cell, key) for pattern in patterns)
                     for key, patterns in conditions.items())]
    if not chosen:
        shown = sorted({cell.dataset_label for cell in cells}) + sorted({cell.generator_label for cell in cells})
        raise BenchError(f"--only '{text}' matches none of the {len(cells)} cells; datasets and generators in this "
                         f"file: {', '.join(shown)}")
    return chosen


__all__ = ["KEYS", "parse_selection", "select_cells"]
