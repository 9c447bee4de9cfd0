"""Rebalance a synthetic table over the subgroups of one sensitive attribute.

A generator can be asked for more rows than needed; keeping an equal number from every subgroup
gives a model trained on the synthetic data as many examples of a rare subgroup as of a common
one. Only synthetic rows are drawn: repeating one of them (when a subgroup has too few) repeats no
patient, except for generators that copy real rows (``copy``, ``kanon``, ``holdout``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.datasets.subgroups import subgroup_labels
from bench.errors import BenchError, did_you_mean


def rebalance(pool: pd.DataFrame, card: DatasetCard, attribute: str, n_rows: int, seed: int = 0) -> pd.DataFrame:
    """``n_rows`` rows of ``pool`` with the same number from every subgroup of ``attribute`` present in it.

    Rows are drawn without replacement while a subgroup has enough of them, with replacement
    otherwise; rows outside every subgroup (missing value, outside the bins) are left out.

    Example:
        >>> from bench.datasets import card
        >>> pool = pd.DataFrame({"Age": [25] * 90 + [55] * 10, "Outcome": [0, 1] * 50})
        >>> rebalanced = rebalance(pool, card("pima"), "Age", 40)
        >>> rebalanced["Age"].value_counts().sort_index().tolist()
        [20, 20]
    """
    attributes = {a.column: a for a in card.sensitive}
    if attribute not in attributes:
        raise BenchError(f"'{attribute}' is not a sensitive attribute of dataset '{card.name}'; "
                         f"{did_you_mean(attribute, sorted(attributes))}")
    if n_rows < 1:
        raise BenchError(f"n_rows must be a positive number of rows, got {n_rows}")
    labels = subgroup_labels(pool, attributes[attribute])
    present = list(labels.dropna().unique())  # the subgroups with at least one synthetic row
    if not present:
        raise BenchError(f"the synthetic table has no row in any subgroup of '{attribute}'")
    rng = np.random.default_rng(seed)
    quotas = np.full(len(present), n_rows // len(present))
    quotas[: n_rows % len(present)] += 1
    chosen = []
    for group, quota in zip(present, quotas):
        rows = np.flatnonzero((labels == group).to_numpy())
        chosen.append(rng.choice(rows, size=quota, replace=quota > len(rows)))
    picked = np.concatenate(chosen)
    return pool.iloc[rng.permutation(picked)].reset_index(drop=True)
