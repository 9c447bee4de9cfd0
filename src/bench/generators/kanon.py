"""Conventional k-anonymisation: generalise the quasi-identifiers, suppress what is still rare.

This is what health registries release today, so synthetic data can be compared with it on the same
scorecard. The algorithm is full-domain generalisation with Sweeney's *Datafly* heuristic:

1. every quasi-identifier (QI, from the dataset card or the ``quasi_identifiers`` hyperparameter)
   has a ladder of generalisation levels. Numeric QIs: level 0 is the raw value, level ``l >= 1``
   cuts the value range into intervals of width ``w0 * 2**(l - 1)`` (``w0`` a round number about
   1/64 of the range, at least 1 for integer columns; intervals start at the column's minimum
   rounded down to ``w0``), the last level is one interval covering the whole range. A generalised
   value is reported as a representative of its interval (the midpoint,
   or the middle integer for integer columns) so the column stays numeric. Missing values stay
   missing (their own class). Non-numeric QIs: level 0 is the raw value, level 1 is ``"*"``;
2. while more than ``max_suppression`` of the rows lie in equivalence classes (rows sharing all
   generalised QI values) smaller than ``k``, the QI with the most distinct generalised values is
   generalised one more level;
3. the rows of classes still smaller than ``k`` are suppressed (dropped);
4. ``sample(n, seed)`` returns rows of the anonymised table (see ``KAnonymityGenerator``).

Columns that are not QIs are released unchanged: the rows are real patients' rows.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.generators.base import Generator, GeneratorError

STAR = "*"


def _nice_width(span: float, integer: bool, steps: int = 64) -> float:
    """A round interval width (1, 2 or 5 times a power of ten) of about ``span / steps``.

    Example:
        >>> _nice_width(74.0, integer=True), _nice_width(3.9, integer=False)
        (2.0, 0.1)
    """
    raw = span / steps if span > 0 else 1.0
    exponent = math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        width = factor * 10.0 ** exponent
        if width >= raw * (1 - 1e-9):
            break
    width = round(width, 12)
    return max(width, 1.0) if integer else width


class _Ladder:
    """The generalisation levels of one quasi-identifier (see the module docstring).

    Example:
        >>> import pandas as pd
        >>> ladder = _Ladder(pd.Series([21, 23, 35, 60]))
        >>> ladder.widths
        [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
        >>> ladder.apply(pd.Series([21, 23, 35, 60]), 5).tolist()
        [28.5, 28.5, 28.5, 56.5]
        >>> ladder.apply(pd.Series([21, 23, 35, 60]), ladder.top).tolist()
        [40.0, 40.0, 40.0, 40.0]
    """

    def __init__(self, values: pd.Series) -> None:
        self.numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if not self.numeric:
            self.widths: list[float] = []
            self.top = 1
            return
        observed = values.dropna().astype(float)
        self.integer = pd.api.types.is_integer_dtype(values)
        self.low = float(observed.min()) if len(observed) else 0.0
        self.high = float(observed.max()) if len(observed) else 0.0
        span = self.high - self.low
        self.widths = []
        width = _nice_width(span, self.integer)
        self.anchor = math.floor(self.low / width) * width  # intervals start at the minimum, rounded down
        while span > 0 and width <= self.high - self.anchor:
            self.widths.append(width)
            width *= 2
        self.top = len(self.widths) + 1  # levels 1..len(widths) are intervals; top is the whole range

    def apply(self, values: pd.Series, level: int) -> pd.Series:
        """The column generalised to ``level`` (0: unchanged)."""
        if level == 0:
            return values
        if not self.numeric:
            return pd.Series(STAR, index=values.index, dtype=object)
        x = values.astype(float)
        if level >= self.top:
            middle = (self.low + self.high) / 2
            return x.where(x.isna(), round(middle) if self.integer else middle)
        width = self.widths[level - 1]
        start = self.anchor + np.floor((x - self.anchor) / width) * width
        end = start + width - 1 if self.integer else start + width  # last integer / right end
        middle = (np.maximum(start, self.low) + np.minimum(end, self.high)) / 2  # clipped to the data
        return middle.round(10)

    def describe(self, level: int) -> str:
        """How the column is generalised at ``level``, in words."""
        if level == 0:
            return "raw"
        if not self.numeric or level >= self.top:
            return "suppressed (*)" if not self.numeric else "one interval (whole range)"
        return f"intervals of width {self.widths[level - 1]:g}"


def _class_ids(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Equivalence class of each row: rows with equal values (NaN equal to NaN) share an id.

    Example:
        >>> import pandas as pd
        >>> _class_ids(pd.DataFrame({"a": [1, 1, None, None], "b": ["x", "x", "y", "y"]}), ["a", "b"]).tolist()
        [0, 0, 1, 1]
    """
    return frame.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()


def anonymise(train: pd.DataFrame, quasi_identifiers: list[str], k: int,
              max_suppression: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """k-anonymise ``train`` on ``quasi_identifiers`` (Datafly); returns the kept rows and a report.

    The report holds the level and its meaning for each QI, the suppressed share and the number of
    equivalence classes. Every QI combination of the returned table occurs at least ``k`` times.

    Example:
        >>> import pandas as pd
        >>> train = pd.DataFrame({"age": [30, 31, 32, 50, 51, 52, 90], "y": [0, 1, 0, 1, 0, 1, 1]})
        >>> table, report = anonymise(train, ["age"], k=3, max_suppression=0.2)
        >>> table["age"].value_counts().min() >= 3, report["suppressed_share"]
        (True, 0.142857)
    """
    ladders = {q: _Ladder(train[q]) for q in quasi_identifiers}
    levels = {q: 0 for q in quasi_identifiers}
    rows = len(train)
    while True:
        generalised = train.copy()
        for q in quasi_identifiers:
            generalised[q] = ladders[q].apply(train[q], levels[q])
        ids = _class_ids(generalised, quasi_identifiers)
        sizes = np.bincount(ids)
        small = sizes[ids] < k
        if small.mean() <= max_suppression:
            break
        candidates = [q for q in quasi_identifiers if levels[q] < ladders[q].top]
        if not candidates:
            break
        widest = max(candidates, key=lambda q: generalised[q].nunique(dropna=False))
        levels[widest] += 1
    kept = generalised.loc[~small]
    if len(kept) < k:
        raise GeneratorError(f"kanon: no equivalence class of {k} rows remains after suppression "
                             f"({rows} training rows); use a smaller k or a larger table")
    report = {
        "k": k,
        "levels": dict(levels),
        "generalisation": {q: ladders[q].describe(levels[q]) for q in quasi_identifiers},
        "suppressed_share": round(float(small.mean()), 6),
        "classes": int(len(np.unique(ids[~small]))),
    }
    return kept, report


class KAnonymityGenerator(Generator):
    """k-anonymised training rows: generalised quasi-identifiers, rare classes suppressed.

    Hyperparameters: ``k`` (default 5), ``max_suppression`` (share of training rows that may be
    dropped instead of generalising further, default 0.05) and ``quasi_identifiers`` (default: the
    card's). ``report_`` says how each QI was generalised and what share of rows was suppressed.

    ``sample(n, seed)`` keeps every QI class of the output at ``k`` rows or more: rows are drawn as
    seeded shuffles of the anonymised table (repeated when ``n`` exceeds it, as ``copy`` does);
    when ``n`` is smaller, classes that would get fewer than ``k`` rows are replaced by further
    rows of the classes already drawn ``k`` times. With ``n`` equal to the anonymised table's size
    the output is exactly that table, shuffled. ``n < k`` is refused.

    Example:
        >>> import pandas as pd
        >>> train = pd.DataFrame({"age": [30, 31, 32, 33, 50, 51, 52, 53], "y": [0, 1] * 4})
        >>> gen = KAnonymityGenerator(k=4, quasi_identifiers=["age"]).fit(train, None)
        >>> gen.sample(8, seed=0)["age"].value_counts().min(), gen.report_["generalisation"]["age"]
        (4, 'intervals of width 4')
    """

    name = "kanon"
    family = "baseline"
    description = "k-anonymised training rows (Datafly generalisation of the quasi-identifiers + suppression)"
    hyperparameter_names = ("k", "max_suppression", "quasi_identifiers")
    deterministic_on_cpu = True

    def __init__(self, random_state: int = 0, **params: Any) -> None:
        super().__init__(random_state, **params)
        self.k = params.get("k", 5)
        self.max_suppression = params.get("max_suppression", 0.05)
        if isinstance(self.k, bool) or not isinstance(self.k, int) or self.k < 1:
            raise GeneratorError(f"kanon: k must be a positive integer, got {self.k!r}")
        if not isinstance(self.max_suppression, (int, float)) or not 0 <= self.max_suppression < 1:
            raise GeneratorError(f"kanon: max_suppression must be a share in [0, 1), got {self.max_suppression!r}")

    def _fit(self, train: pd.DataFrame, card: DatasetCard | None) -> None:
        qis = self.params.get("quasi_identifiers") or (list(card.quasi_identifiers) if card else [])
        if not qis:
            raise GeneratorError("kanon: no quasi-identifiers: the dataset card declares none and the "
                                 "'quasi_identifiers' hyperparameter is not set")
        absent = [q for q in qis if q not in train.columns]
        if absent:
            raise GeneratorError(f"kanon: quasi-identifier(s) {absent} are not training columns")
        self.quasi_identifiers = list(qis)
        table, self.report_ = anonymise(train, self.quasi_identifiers, self.k, float(self.max_suppression))
        self._table = table.reset_index(drop=True)
        self._ids = _class_ids(self._table, self.quasi_identifiers)

    def _stream(self, rng: np.random.Generator):
        """Row positions of the anonymised table: one seeded permutation after another."""
        while True:
            yield from rng.permutation(len(self._table))

    def _sample(self, n: int, seed: int) -> pd.DataFrame:
        if n < self.k:
            raise GeneratorError(f"kanon: cannot return {n} rows {self.k}-anonymously (n must be >= k)")
        stream = self._stream(np.random.default_rng(seed))
        chosen = np.fromiter((next(stream) for _ in range(n)), dtype=int, count=n)
        counts = np.bincount(self._ids[chosen], minlength=self._ids.max() + 1)
        full = counts >= self.k
        if not full.any():
            full[self._ids[chosen[0]]] = True  # the first drawn row's class fills the sample
        keep = chosen[full[self._ids[chosen]]]
        extra = []
        while len(keep) + len(extra) < n:
            position = next(stream)
            if full[self._ids[position]]:
                extra.append(position)
        order = np.concatenate([keep, np.asarray(extra, dtype=int)])
        return self._table.iloc[order]
