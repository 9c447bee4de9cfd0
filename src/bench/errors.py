"""User-facing errors: the CLI turns these into one clear line and a non-zero exit."""


class BenchError(Exception):
    """A problem with the user's input or environment, stated plainly.

    Example:
        >>> raise BenchError("benchmarks/x.yaml: unknown dataset 'pina'; expected one of: pima, sepsis_like")
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: benchmarks/x.yaml: unknown dataset 'pina'; expected one of: pima, sepsis_like
    """


def did_you_mean(name: str, choices: list[str]) -> str:
    """Return a hint naming the closest valid choice, or the list of choices.

    Example:
        >>> did_you_mean("pina", ["pima", "sepsis_like"])
        "did you mean 'pima'? (choices: pima, sepsis_like)"
    """
    import difflib

    same_words = [c for c in choices if sorted(c.split("_")) == sorted(name.split("_"))]  # seed_split -> split_seed
    close = same_words or difflib.get_close_matches(name, choices, n=1)
    listed = ", ".join(sorted(choices))
    return f"did you mean '{close[0]}'? (choices: {listed})" if close else f"expected one of: {listed}"
