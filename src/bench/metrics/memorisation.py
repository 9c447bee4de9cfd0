"""Memorisation: does the synthetic table copy real training patients, sit closer to them than to
unseen patients, or let an attacker tell who was in the training data, and more so for rare ones?

Distances are Euclidean on ``TableEncoder`` rows, fitted on the training rows: numerical columns
min-max scaled by the real range (a difference across the whole range counts 1; a missing value
takes the median plus a 0/1 indicator), categories one-hot scaled so two different categories are
at distance 1. Distance comparisons use equal-sized random samples (metric seed) of the training
rows and of the holdout, at most ``distance_rows`` each, so 0.5 means "no closer to the patients it
learnt from than to patients it never saw"; the synthetic rows are sampled to the same cap.

Rare patients are training rows that are outliers (their 5th-nearest training neighbour is farther
than for 95 % of training rows) or members of the smallest subgroup of a sensitive attribute;
holdout rows are called rare by the same rules, so the rare measures compare like with like.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from bench.datasets.subgroups import MISSING, OUT_OF_BINS, subgroup_labels, subgroup_sizes
from bench.errors import BenchError
from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, Unavailable
from bench.metrics.context import ScoringContext
from bench.metrics.encoding import TableEncoder

OUTLIER_NEIGHBOUR = 5
OUTLIER_QUANTILE = 0.95
MIN_RARE_ROWS = 5
NEEDS = ("train", "holdout", "card")

EXACT_COPY_RATE = MetricSpec(
    "privacy.exact_copy_rate", goal="minimize", range=(0.0, 1.0), needs=NEEDS, headline=True,
    reference="privacy.holdout_copy_rate",
    description="share of synthetic rows identical to a training row (all columns)",
)
HOLDOUT_COPY_RATE = MetricSpec(
    "privacy.holdout_copy_rate", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="share of synthetic rows identical to a holdout row: the base rate of coincidences for coarse "
                "data (the holdout is a third of the training part's size, so expect fewer)",
)
DCR_CLOSER_TO_TRAIN = MetricSpec(
    "privacy.dcr_closer_to_train", goal=0.5, range=(0.0, 1.0), needs=NEEDS,
    description="share of synthetic rows closer to the training sample than to an equal-sized holdout sample "
                "(ties count half; 0.5: no closer to the patients it learnt from)",
)
DCR_P5 = MetricSpec(
    "privacy.dcr_p5", goal="maximize", range=(0.0, float("inf")), needs=NEEDS, reference="privacy.real_dcr_p5",
    description="5th percentile of the distance from synthetic rows to their closest training row (0: copies)",
)
REAL_DCR_P5 = MetricSpec(
    "privacy.real_dcr_p5", goal="maximize", range=(0.0, float("inf")), needs=NEEDS,
    description="5th percentile of the distance from holdout rows to their closest training row (the reference)",
)
MEMBERSHIP_AUROC = MetricSpec(
    "privacy.membership_auroc", goal=0.5, range=(0.0, 1.0), needs=NEEDS, headline=True,
    description="AUROC of a membership-inference attack scoring real rows by closeness to the synthetic data, "
                "training rows as members and holdout rows as non-members (0.5: no signal; bootstrap 95% CI)",
)
RARE_COPIED_SHARE = MetricSpec(
    "privacy.rare_copied_share", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    reference="privacy.rare_holdout_copied_share",
    description="share of rare training patients (outliers, smallest subgroups) with an exact copy in the "
                "synthetic data",
)
RARE_HOLDOUT_COPIED_SHARE = MetricSpec(
    "privacy.rare_holdout_copied_share", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="share of rare holdout patients with an exact copy in the synthetic data (the base rate)",
)
RARE_MEMBERSHIP_AUROC = MetricSpec(
    "privacy.rare_membership_auroc", goal=0.5, range=(0.0, 1.0), needs=NEEDS, headline=True,
    reference="privacy.membership_auroc",
    description="the membership-inference AUROC restricted to rare patients (outliers, smallest subgroups)",
)


def row_keys(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One hash per row over ``columns``; equal rows (missing values included) get equal keys.

    Numbers are compared as floats, so an integer 1 equals a float 1.0.

    Example:
        >>> a = pd.DataFrame({"x": [1, 2], "y": ["a", None]})
        >>> b = pd.DataFrame({"x": [2.0, 1.0], "y": [None, "b"]})
        >>> (row_keys(a, ["x", "y"]) == row_keys(b, ["x", "y"])).tolist()
        [False, False]
        >>> bool(np.isin(row_keys(a, ["x", "y"]), row_keys(b, ["x", "y"]))[1])
        True
    """
    normal = pd.DataFrame({c: pd.to_numeric(frame[c], errors="coerce").astype(float)
                           if pd.api.types.is_numeric_dtype(frame[c]) else frame[c].astype(object).where(
                               frame[c].notna(), "\0missing").astype(str) for c in columns})
    return pd.util.hash_pandas_object(normal, index=False).to_numpy()


@dataclass
class DistanceSample:
    """The encoded samples every distance measure uses, and their nearest-neighbour distances."""

    context: ScoringContext

    @cached_property
    def positions(self) -> dict[str, np.ndarray]:
        """Row positions of the samples: train and holdout of equal size, synthetic at the same cap."""
        split, cap = self.context.split, self.context.options["distance_rows"]
        rng = np.random.default_rng(self.context.seed)
        size = min(len(split.train), len(split.holdout), cap)
        if size < 2 * MIN_RARE_ROWS:
            raise BenchError(f"distance measures need at least {2 * MIN_RARE_ROWS} training and holdout rows, "
                             f"got {len(split.train)} and {len(split.holdout)}")
        return {"train": np.sort(rng.choice(len(split.train), size, replace=False)),
                "holdout": np.sort(rng.choice(len(split.holdout), size, replace=False)),
                "synthetic": np.sort(rng.choice(len(self.context.synthetic),
                                                min(len(self.context.synthetic), cap), replace=False))}

    @cached_property
    def encoded(self) -> dict[str, np.ndarray]:
        split = self.context.split
        encoder = TableEncoder(self.context.card).fit(split.train)
        tables = {"train": split.train, "holdout": split.holdout, "synthetic": self.context.synthetic}
        return {part: encoder.transform(tables[part].iloc[self.positions[part]]) for part in tables}

    def nearest(self, index: str, query: str, k: int = 1) -> np.ndarray:
        """Distances from each ``query`` row to its ``k`` nearest ``index`` rows (``n x k``)."""
        from sklearn.neighbors import NearestNeighbors

        return NearestNeighbors(n_neighbors=k).fit(self.encoded[index]).kneighbors(self.encoded[query])[0]

    @cached_property
    def to_synthetic(self) -> dict[str, np.ndarray]:
        """Each sampled real row's distance to its closest synthetic row."""
        return {part: self.nearest("synthetic", part)[:, 0] for part in ("train", "holdout")}


def synthetic_keys(context: ScoringContext) -> np.ndarray:
    """``row_keys`` of the synthetic table over the card's columns, hashed once per scored table."""
    return context.shared("synthetic_row_keys", lambda c: row_keys(c.synthetic, list(c.card.columns)))


def exact_copies(context: ScoringContext) -> list[MetricResult]:
    """Shares of synthetic rows identical to a training row and to a holdout row."""
    columns, synthetic = list(context.card.columns), synthetic_keys(context)
    train, holdout = row_keys(context.split.train, columns), row_keys(context.split.holdout, columns)
    return [MetricResult(EXACT_COPY_RATE.name, float(np.isin(synthetic, train).mean())),
            MetricResult(HOLDOUT_COPY_RATE.name, float(np.isin(synthetic, holdout).mean()))]


def distance_to_closest_record(context: ScoringContext) -> list[MetricResult]:
    """Closer-to-train share and the 5th percentile of the distance to the closest record."""
    sample = context.shared("distance_sample", DistanceSample)
    to_train = sample.nearest("train", "synthetic")[:, 0]
    to_holdout = sample.nearest("holdout", "synthetic")[:, 0]
    closer = float(np.mean(to_train < to_holdout) + 0.5 * np.mean(to_train == to_holdout))
    real = sample.nearest("train", "holdout")[:, 0]
    details = pd.DataFrame({"sample": ["synthetic to train", "synthetic to holdout", "holdout to train"],
                            "rows": [len(to_train), len(to_train), len(real)],
                            "p5": [np.percentile(d, 5) for d in (to_train, to_holdout, real)],
                            "median": [np.median(d) for d in (to_train, to_holdout, real)]})
    return [MetricResult(DCR_CLOSER_TO_TRAIN.name, closer, details=details),
            MetricResult(DCR_P5.name, float(np.percentile(to_train, 5))),
            MetricResult(REAL_DCR_P5.name, float(np.percentile(real, 5)))]


def membership_auroc(closeness_members: np.ndarray, closeness_others: np.ndarray,
                     seed: int) -> tuple[float, float | None, float | None]:
    """AUROC of telling members from others by closeness to the synthetic data, with a bootstrap CI.

    Example:
        >>> value, low, high = membership_auroc(np.array([0.0, 0.1, 0.2]), np.array([0.3, 0.4, 0.5]), seed=0)
        >>> value
        1.0
    """
    is_member = np.r_[np.ones(len(closeness_members)), np.zeros(len(closeness_others))]
    scores = -np.r_[closeness_members, closeness_others]  # closer to a synthetic row: more likely a member
    value, resampled = bootstrap.estimate(bootstrap.auroc, is_member, scores,
                                          bootstrap.resample_weights(len(scores), seed))
    return (value, *bootstrap.interval(resampled))


def membership(context: ScoringContext) -> list[MetricResult]:
    """Distance-based membership inference: training sample as members, holdout sample as non-members."""
    sample = context.shared("distance_sample", DistanceSample)
    value, low, high = membership_auroc(sample.to_synthetic["train"], sample.to_synthetic["holdout"], context.seed)
    return [MetricResult(MEMBERSHIP_AUROC.name, value, low, high)]


def rare_rows(sample: DistanceSample) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Which sampled training and holdout rows are rare (outliers or smallest subgroups), and why."""
    train_distance = sample.nearest("train", "train", OUTLIER_NEIGHBOUR + 1)[:, -1]  # itself is the first
    holdout_distance = sample.nearest("train", "holdout", OUTLIER_NEIGHBOUR)[:, -1]
    threshold = np.quantile(train_distance, OUTLIER_QUANTILE)
    outlier = {"train": train_distance > threshold, "holdout": holdout_distance > threshold}
    split, card = sample.context.split, sample.context.card
    tables = {part: getattr(split, part).iloc[sample.positions[part]] for part in ("train", "holdout")}
    smallest = {part: np.zeros(len(table), dtype=bool) for part, table in tables.items()}
    reasons = [{"reason": f"outlier (distance to the {OUTLIER_NEIGHBOUR}th nearest training row above its "
                          f"{OUTLIER_QUANTILE:.0%} quantile)",
                "train_rows": int(outlier["train"].sum()), "holdout_rows": int(outlier["holdout"].sum())}]
    for attribute in card.sensitive:
        sizes = subgroup_sizes(split.train, card, (attribute,))
        sizes = sizes[~sizes["subgroup"].isin([MISSING, OUT_OF_BINS]) & (sizes["count"] > 0)]
        if sizes.empty:
            continue
        group = sizes.sort_values("count", kind="stable").iloc[0]["subgroup"]
        members = {part: (subgroup_labels(table, attribute) == group).fillna(False).to_numpy(dtype=bool)
                   for part, table in tables.items()}
        for part in smallest:
            smallest[part] |= members[part]
        reasons.append({"reason": f"smallest subgroup of {attribute.column}: {group}",
                        "train_rows": int(members["train"].sum()), "holdout_rows": int(members["holdout"].sum())})
    rare = {part: outlier[part] | smallest[part] for part in outlier}
    return rare, pd.DataFrame(reasons)


def rare_patients(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Exact copies and membership inference restricted to rare patients."""
    sample = context.shared("distance_sample", DistanceSample)
    rare, reasons = rare_rows(sample)
    columns, synthetic = list(context.card.columns), synthetic_keys(context)
    copied = {part: np.isin(row_keys(getattr(context.split, part).iloc[sample.positions[part]], columns), synthetic)
              for part in ("train", "holdout")}
    results: list[MetricResult | Unavailable] = []
    if min(rare["train"].sum(), rare["holdout"].sum()) < MIN_RARE_ROWS:
        reason = (f"fewer than {MIN_RARE_ROWS} rare patients among the sampled training or holdout rows "
                  f"({int(rare['train'].sum())} and {int(rare['holdout'].sum())})")
        return [Unavailable(spec.name, reason) for spec in (RARE_COPIED_SHARE, RARE_HOLDOUT_COPIED_SHARE,
                                                           RARE_MEMBERSHIP_AUROC)]
    results.append(MetricResult(RARE_COPIED_SHARE.name, float(copied["train"][rare["train"]].mean()),
                                details=reasons))
    results.append(MetricResult(RARE_HOLDOUT_COPIED_SHARE.name, float(copied["holdout"][rare["holdout"]].mean())))
    value, low, high = membership_auroc(sample.to_synthetic["train"][rare["train"]],
                                        sample.to_synthetic["holdout"][rare["holdout"]], context.seed)
    results.append(MetricResult(RARE_MEMBERSHIP_AUROC.name, value, low, high))
    return results


EVALUATORS = (
    Evaluator("privacy.exact_copies", (EXACT_COPY_RATE, HOLDOUT_COPY_RATE), exact_copies),
    Evaluator("privacy.distance", (DCR_CLOSER_TO_TRAIN, DCR_P5, REAL_DCR_P5), distance_to_closest_record),
    Evaluator("privacy.membership", (MEMBERSHIP_AUROC,), membership),
    Evaluator("privacy.rare_patients", (RARE_COPIED_SHARE, RARE_HOLDOUT_COPIED_SHARE, RARE_MEMBERSHIP_AUROC),
              rare_patients),
)
