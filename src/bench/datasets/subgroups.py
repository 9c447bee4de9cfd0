"""Subgroups of a table by the card's sensitive attributes: labels per row and sizes per subgroup.

A sensitive attribute (``card.sensitive``) is either banded (a numerical column with left-closed
``bins`` ``[a, b)`` and one label per band, e.g. age 21-29, 30-39, ...) or taken as it is (a
categorical column: one subgroup per observed value). Missing values stay missing: a row whose
attribute is not observed belongs to no subgroup. A numerical value outside the card's bins also
gets no band (``pd.cut`` semantics); ``subgroup_sizes`` counts those rows apart from missing ones.

These functions return exact counts (they feed fairness metrics). Before showing counts to people,
pass them through ``bench.datasets.explore``, which suppresses small cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard, SensitiveAttribute
from bench.errors import BenchError

MISSING = "(missing)"
OUT_OF_BINS = "(outside bins)"
SIZE_COLUMNS = ("attribute", "subgroup", "count", "share", "positives", "prevalence")


def subgroup_labels(frame: pd.DataFrame, attribute: SensitiveAttribute) -> pd.Series:
    """The subgroup of every row for one sensitive attribute, aligned with ``frame``'s index.

    Banded attributes give an ordered categorical of the card's labels, cut with left-closed bins
    (a value equal to an edge belongs to the band that starts there); others give the raw values.
    Missing values (and values outside the bins) are missing in the result.

    Example:
        >>> attribute = SensitiveAttribute("age", bins=(18, 40, 120), labels=("18-39", "40+"))
        >>> subgroup_labels(pd.DataFrame({"age": [18, 39.9, 40, None]}), attribute).tolist()
        ['18-39', '18-39', '40+', nan]
    """
    if attribute.column not in frame.columns:
        raise BenchError(f"sensitive attribute '{attribute.column}' is not a column of the table; "
                         f"columns: {list(frame.columns)}")
    values = frame[attribute.column]
    if not attribute.is_banded:
        return values.rename(attribute.column)
    if not pd.api.types.is_numeric_dtype(values):
        raise BenchError(f"sensitive attribute '{attribute.column}' has bins, so it must be numerical; "
                         f"its dtype is {values.dtype}")
    bands = pd.cut(values, bins=list(attribute.bins), labels=list(attribute.labels), right=False, ordered=True)
    return bands.rename(attribute.column)


def _subgroup_order(labels: pd.Series, attribute: SensitiveAttribute) -> list:
    if attribute.is_banded:
        return list(attribute.labels)
    values = labels.dropna().unique().tolist()
    try:
        return sorted(values)
    except TypeError:  # mixed types (e.g. numbers and strings): a stable order all the same
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def subgroup_sizes(frame: pd.DataFrame, card: DatasetCard,
                   attributes: tuple[SensitiveAttribute, ...] | None = None) -> pd.DataFrame:
    """Size and target prevalence of every subgroup of every sensitive attribute (exact counts).

    One row per (attribute, subgroup), in the card's band order (sorted values for categorical
    attributes), then ``(outside bins)`` and ``(missing)`` rows when such rows exist, so that
    ``share`` (count / all rows) sums to 1 per attribute. ``positives`` counts rows whose target is
    the card's positive label; ``prevalence`` is ``positives`` over rows with an observed target
    (NaN for an empty subgroup). Bands without rows are kept, with count 0.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"age": "numerical", "y": "categorical"},
        ...     "sensitive": {"age": {"bins": [0, 50, 120], "labels": ["<50", "50+"]}}})
        >>> frame = pd.DataFrame({"age": [10, 20, 50, 60, None], "y": [1, 0, 1, 1, 0]})
        >>> subgroup_sizes(frame, card)[["subgroup", "count", "share", "prevalence"]]
            subgroup  count  share  prevalence
        0        <50      2    0.4         0.5
        1        50+      2    0.4         1.0
        2  (missing)      1    0.2         0.0
    """
    if card.target not in frame.columns:
        raise BenchError(f"dataset '{card.name}': the table has no target column '{card.target}'")
    attributes = card.sensitive if attributes is None else attributes
    target = frame[card.target]
    observed_target = target.notna()
    positive = observed_target & (target == card.positive_label)
    total = len(frame)
    rows = []
    for attribute in attributes:
        labels = subgroup_labels(frame, attribute)
        raw_missing = frame[attribute.column].isna()
        groups: list[tuple[object, pd.Series]] = [(g, labels == g) for g in _subgroup_order(labels, attribute)]
        outside = labels.isna() & ~raw_missing
        if outside.any():
            groups.append((OUT_OF_BINS, outside))
        if raw_missing.any():
            groups.append((MISSING, raw_missing))
        for subgroup, mask in groups:
            mask = mask.fillna(False).astype(bool).to_numpy()
            count = int(mask.sum())
            with_target = int((mask & observed_target.to_numpy()).sum())
            positives = int((mask & positive.to_numpy()).sum())
            rows.append({
                "attribute": attribute.column, "subgroup": subgroup, "count": count,
                "share": count / total if total else np.nan, "positives": positives,
                "prevalence": positives / with_target if with_target else np.nan,
            })
    return pd.DataFrame(rows, columns=list(SIZE_COLUMNS)).astype({"count": int, "positives": int})


__all__ = ["MISSING", "OUT_OF_BINS", "subgroup_labels", "subgroup_sizes"]
