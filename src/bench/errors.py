"""User-facing errors: the CLI turns these into one clear line and a non-zero exit."""

from __future__ import annotations

import difflib
from typing import Any, Iterable


class BenchError(Exception):
    """A problem with the user's input or environment, stated plainly.

    Example:
        >>> raise BenchError("benchmarks/x.yaml: unknown dataset 'pina'; expected one of: pima, sepsis_like")
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: benchmarks/x.yaml: unknown dataset 'pina'; expected one of: pima, sepsis_like
    """


def headline(error: str) -> str:
    """The line that says what went wrong: an error's first line, and its first detail where the first
    line only announces a list ("...: 1 problem"); "unknown error" for an empty text.

    Example:
        >>> headline("BenchError: dataset 'w' does not match its card: 1 problem\\n  - column 'age': out_of_range")
        "BenchError: dataset 'w' does not match its card: 1 problem: column 'age': out_of_range"
        >>> headline("ValueError: boom\\nTraceback ..."), headline("")
        ('ValueError: boom', 'unknown error')
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    first = lines[0]
    if len(lines) > 1 and (first.endswith(":") or first.rstrip("s").endswith(" problem")):
        return f"{first.rstrip(':')}: {lines[1].removeprefix('- ')}"
    return first


def closest(name: Any, choices: Iterable[Any]) -> str | None:
    """The choice ``name`` was probably meant to be: the same words in another order, the same letters in
    another case, else the closest spelling; None when nothing is close.

    Example:
        >>> closest("seed_split", ["split_seed"]), closest("totchol", ["age", "totChol"]), closest("x", ["age"])
        ('split_seed', 'totChol', None)
    """
    name, options = str(name), [str(choice) for choice in choices]
    same_words = [c for c in options if sorted(c.split("_")) == sorted(name.split("_"))]
    same_letters = [c for c in options if c.lower() == name.lower()]
    close = same_words or same_letters or difflib.get_close_matches(name, options, n=1)
    return close[0] if close else None


def did_you_mean(name: Any, choices: Iterable[Any]) -> str:
    """Return a hint naming the closest valid choice, or the list of choices.

    Example:
        >>> did_you_mean("pina", ["pima", "sepsis_like"])
        "did you mean 'pima'? (choices: pima, sepsis_like)"
    """
    options = [str(choice) for choice in choices]
    close = closest(name, options)
    listed = ", ".join(sorted(options))
    return f"did you mean '{close}'? (choices: {listed})" if close else f"expected one of: {listed}"


def quoted_with_guess(name: Any, choices: Iterable[Any]) -> str:
    """``'name'``, followed by the closest other choice as a question when there is one.

    Example:
        >>> quoted_with_guess("nm", ["num", "age"]), quoted_with_guess("zz", ["num"])
        ("'nm' (did you mean 'num'?)", "'zz'")
    """
    close = closest(name, choices)
    return f"'{name}'" + (f" (did you mean '{close}'?)" if close and close != str(name) else "")
