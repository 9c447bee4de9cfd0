"""Memorisation: does the synthetic table copy real training patients, sit closer to them than to
unseen patients, or let an attacker tell who was in the training data, and more so for rare ones?

Distances are Euclidean on ``TableEncoder`` rows, fitted on the training rows: numerical columns
min-max scaled by the real range (a difference across the whole range counts 1; a missing value
takes the median plus a 0/1 indicator), categories one-hot scaled so two different categories are
at distance 1.

The patients never trained on ("unseen", called holdout in the metric names) are the split's
holdout and control parts together, the rows the privacy attacks use as their control arm. Whole
tables are the neighbour indexes: every synthetic row, every training row and every unseen row;
only the rows that ask "who is my nearest neighbour?" are sampled (metric seed, at most
``distance_rows`` per table). Sampling an index would hide memorisation: a training patient
copied into the synthetic table looks unexposed when the copy was not drawn into a capped
synthetic sample. The membership AUROC is 0.5 without signal whatever the two samples' sizes; the
distance-to-closest-record share is corrected for the unequal sizes of the training and unseen
parts (``size_adjusted_share``).

Rare patients are training rows that are outliers (their 5th-nearest training neighbour is farther
than for 95 % of sampled training rows) or members of a small subgroup (under 5 % of the training
rows) of a sensitive attribute; unseen rows are called rare by the same rules, so the rare measures
compare like with like, and each measure needs 30 rare rows on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.neighbors import NearestNeighbors

from bench.datasets.cards import DatasetCard
from bench.datasets.subgroups import MISSING, OUT_OF_BINS, subgroup_labels, subgroup_sizes
from bench.errors import BenchError
from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, Unavailable
from bench.metrics.context import ScoringContext
from bench.metrics.encoding import TableEncoder

OUTLIER_NEIGHBOUR = 5
OUTLIER_QUANTILE = 0.95
SMALL_SUBGROUP_SHARE = 0.05  # a subgroup under this share of the training rows counts as rare
MIN_RARE_ROWS = 30  # rare rows needed on each side (training and unseen) for a rare measure
LOW_FPRS = {"0_01": 0.01, "0_001": 0.001}  # false-positive rates of the membership test's TPR
NEEDS = ("train", "holdout", "control", "card")

EXACT_COPY_RATE = MetricSpec(
    "privacy.exact_copy_rate", goal="minimize", range=(0.0, 1.0), needs=NEEDS, headline=True,
    description="share of synthetic rows identical to a training row (all columns)",
)
COPIED_SHARE = MetricSpec(
    "privacy.copied_share", goal="minimize", range=(0.0, 1.0), needs=NEEDS, reference="privacy.holdout_copied_share",
    description="share of training patients with an identical synthetic row, on as many training as unseen rows",
)
HOLDOUT_COPIED_SHARE = MetricSpec(
    "privacy.holdout_copied_share", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="share of patients never trained on (holdout and control) with an identical synthetic row: the "
                "base rate of coincidences for coarse data, on as many rows as privacy.copied_share",
)
DCR_CLOSER_TO_TRAIN = MetricSpec(
    "privacy.dcr_closer_to_train", goal=0.5, range=(0.0, 1.0), needs=NEEDS,
    description="share of synthetic rows whose closest real row is a training row rather than an unseen one, "
                "corrected to equal part sizes (ties count half; 0.5: no closer to the patients it learnt from)",
)
DCR_P5 = MetricSpec(
    "privacy.dcr_p5", goal="maximize", range=(0.0, float("inf")), needs=NEEDS, reference="privacy.real_dcr_p5",
    description="5th percentile of the distance from synthetic rows to their closest training row (0: copies)",
)
REAL_DCR_P5 = MetricSpec(
    "privacy.real_dcr_p5", goal="maximize", range=(0.0, float("inf")), needs=NEEDS,
    description="5th percentile of the distance from unseen rows (holdout and control) to their closest training "
                "row (the reference)",
)
MEMBERSHIP_AUROC = MetricSpec(
    "privacy.membership_auroc", goal=0.5, range=(0.0, 1.0), needs=NEEDS, headline=True,
    description="AUROC of a membership-inference attack scoring real rows by closeness to the synthetic data, "
                "training rows as members and unseen rows (holdout and control) as non-members (0.5: no signal; "
                "bootstrap 95% CI)",
)
MEMBERSHIP_TPR = {key: MetricSpec(
    f"privacy.membership_tpr_at_fpr_{key}", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description=f"true-positive rate of the membership attack at a {rate:.1%} false-positive rate (no signal: "
                f"{rate:g}; Clopper-Pearson 95% CI over the members; Carlini et al. 2022)",
) for key, rate in LOW_FPRS.items()}
RARE_COPIED_SHARE = MetricSpec(
    "privacy.rare_copied_share", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    reference="privacy.rare_holdout_copied_share",
    description="share of rare training patients (outliers, subgroups under 5%) with an exact copy in the "
                "synthetic data",
)
RARE_HOLDOUT_COPIED_SHARE = MetricSpec(
    "privacy.rare_holdout_copied_share", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="share of rare unseen patients (holdout and control) with an exact copy in the synthetic data "
                "(the base rate)",
)
RARE_MEMBERSHIP_AUROC = MetricSpec(
    "privacy.rare_membership_auroc", goal=0.5, range=(0.0, 1.0), needs=NEEDS, headline=True,
    reference="privacy.membership_auroc",
    description="the membership-inference AUROC restricted to rare patients (outliers, subgroups under 5%)",
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


def size_adjusted_share(closer_share: float, n_train: int, n_unseen: int) -> float:
    """The closer-to-train share as if both parts had equal size: each synthetic row closer to the
    training part counts ``1 / n_train``, each closer to the unseen part ``1 / n_unseen``.

    A synthetic row drawn from the population, unrelated to either part, has its nearest real row
    in the training part with probability ``n_train / (n_train + n_unseen)`` (0.6 under the default
    60/20/20 split); this maps that expected share to 0.5, a share of 1 to 1 and 0 to 0.

    Example:
        >>> size_adjusted_share(0.75, 600, 200), size_adjusted_share(1.0, 600, 200), size_adjusted_share(0.5, 100, 100)
        (0.5, 1.0, 0.5)
    """
    expected = n_train / (n_train + n_unseen)
    to_train, to_unseen = closer_share / expected, (1 - closer_share) / (1 - expected)
    return float(to_train / (to_train + to_unseen))


def tpr_at_fpr(members: np.ndarray, others: np.ndarray, fpr: float) -> tuple[float, float, float]:
    """True-positive rate of flagging rows whose score exceeds the threshold that flags at most a share
    ``fpr`` of ``others`` (ties at the threshold are not flagged), with a Clopper-Pearson 95% interval.

    Example:
        >>> others = np.arange(1000) / 1000
        >>> [round(v, 3) for v in tpr_at_fpr(np.array([2.0, 0.9995, 0.5, 3.0]), others, 0.01)]
        [0.75, 0.194, 0.994]
    """
    threshold = np.quantile(others, 1 - fpr, method="higher")
    flagged = int(np.sum(members > threshold))
    interval = binomtest(flagged, len(members)).proportion_ci(confidence_level=0.95, method="exact")
    return flagged / len(members), float(interval.low), float(interval.high)


@dataclass
class DistanceSample:
    """The encoded tables every distance measure uses, and the sampled rows that query them."""

    context: ScoringContext

    @cached_property
    def positions(self) -> dict[str, np.ndarray]:
        """Row positions of the query samples: at most ``distance_rows`` of each table."""
        cap, rng = self.context.options["distance_rows"], np.random.default_rng(self.context.seed)
        sizes = {part: len(table) for part, table in self.tables.items()}
        if min(sizes["train"], sizes["unseen"]) < 2 * OUTLIER_NEIGHBOUR:
            raise BenchError(f"distance measures need at least {2 * OUTLIER_NEIGHBOUR} training rows and as many "
                             f"rows never trained on (holdout and control), got {sizes['train']} and {sizes['unseen']}")
        return {part: np.sort(rng.choice(size, min(size, cap), replace=False)) for part, size in sizes.items()}

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The training rows, every real row never trained on (holdout and control), and the synthetic rows."""
        return {"train": self.context.split.train, "unseen": unseen_rows(self.context),
                "synthetic": self.context.synthetic}

    @cached_property
    def whole(self) -> dict[str, np.ndarray]:
        """Every row of each table, encoded: the neighbour indexes."""
        encoder = TableEncoder(self.context.card).fit(self.context.split.train)
        return {part: encoder.transform(table) for part, table in self.tables.items()}

    def sampled(self, part: str) -> np.ndarray:
        """The encoded query sample of one part."""
        return self.whole[part][self.positions[part]]

    def nearest(self, index: np.ndarray, query: np.ndarray, k: int = 1) -> np.ndarray:
        """Distances from each ``query`` row to its ``k`` nearest ``index`` rows (``n x k``)."""
        return NearestNeighbors(n_neighbors=k).fit(index).kneighbors(query)[0]

    @cached_property
    def to_synthetic(self) -> dict[str, np.ndarray]:
        """Each sampled real row's distance to its closest row of the whole synthetic table."""
        return {part: self.nearest(self.whole["synthetic"], self.sampled(part))[:, 0] for part in ("train", "unseen")}


def unseen_rows(context: ScoringContext) -> pd.DataFrame:
    """Every real row the generator never trained on: the split's holdout and control parts, joined once
    per scored table (the distance measures and the copy shares both read it)."""
    return context.shared("unseen_rows", lambda c: pd.concat([c.split.holdout, c.split.control], ignore_index=True))


def synthetic_keys(context: ScoringContext) -> np.ndarray:
    """``row_keys`` of the synthetic table over the card's columns, hashed once per scored table."""
    return context.shared("synthetic_row_keys", lambda c: row_keys(c.synthetic, list(c.card.columns)))


def exact_copies(context: ScoringContext) -> list[MetricResult]:
    """The share of synthetic rows that copy a training row, and the shares of training and unseen
    patients that have a copy, on equally many rows of each."""
    columns, synthetic = list(context.card.columns), synthetic_keys(context)
    train, unseen = row_keys(context.split.train, columns), row_keys(unseen_rows(context), columns)
    size = min(len(train), len(unseen))
    rng = np.random.default_rng(context.seed)
    copied = {part: float(np.isin(keys[rng.choice(len(keys), size, replace=False)], synthetic).mean())
              for part, keys in (("train", train), ("unseen", unseen))}
    return [MetricResult(EXACT_COPY_RATE.name, float(np.isin(synthetic, train).mean())),
            MetricResult(COPIED_SHARE.name, copied["train"]),
            MetricResult(HOLDOUT_COPIED_SHARE.name, copied["unseen"])]


def distance_to_closest_record(context: ScoringContext) -> list[MetricResult]:
    """Closer-to-train share (size-adjusted) and the 5th percentile of the distance to the closest record."""
    sample = context.shared("distance_sample", DistanceSample)
    synthetic = sample.sampled("synthetic")
    to_train = sample.nearest(sample.whole["train"], synthetic)[:, 0]
    to_unseen = sample.nearest(sample.whole["unseen"], synthetic)[:, 0]
    raw = float(np.mean(to_train < to_unseen) + 0.5 * np.mean(to_train == to_unseen))
    n_train, n_unseen = len(sample.whole["train"]), len(sample.whole["unseen"])
    real = sample.nearest(sample.whole["train"], sample.sampled("unseen"))[:, 0]
    details = pd.DataFrame({"sample": ["synthetic to train", "synthetic to unseen", "unseen to train"],
                            "rows": [len(to_train), len(to_train), len(real)],
                            "index_rows": [n_train, n_unseen, n_train],
                            "p5": [np.percentile(d, 5) for d in (to_train, to_unseen, real)],
                            "median": [np.median(d) for d in (to_train, to_unseen, real)],
                            "closer_share": [raw, 1 - raw, None],
                            "expected_share": [n_train / (n_train + n_unseen), n_unseen / (n_train + n_unseen),
                                               None]})
    return [MetricResult(DCR_CLOSER_TO_TRAIN.name, size_adjusted_share(raw, n_train, n_unseen), details=details),
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


def membership(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Distance-based membership inference: sampled training rows as members, sampled unseen rows as
    non-members; its AUROC and its true-positive rates at low false-positive rates."""
    sample = context.shared("distance_sample", DistanceSample)
    members, others = sample.to_synthetic["train"], sample.to_synthetic["unseen"]
    value, low, high = membership_auroc(members, others, context.seed)
    results: list[MetricResult | Unavailable] = [MetricResult(MEMBERSHIP_AUROC.name, value, low, high)]
    for key, rate in LOW_FPRS.items():
        needed = int(round(1 / rate))
        if len(others) < needed:
            results.append(Unavailable(MEMBERSHIP_TPR[key].name, f"a {rate:.1%} false-positive rate needs at least "
                                                                  f"{needed} rows never trained on, the sample has "
                                                                  f"{len(others)}"))
        else:
            results.append(MetricResult(MEMBERSHIP_TPR[key].name, *tpr_at_fpr(-members, -others, rate)))
    return results


def small_subgroups(table: pd.DataFrame, train: pd.DataFrame, card: DatasetCard) -> dict[str, np.ndarray]:
    """Row masks of ``table`` for every subgroup under ``SMALL_SUBGROUP_SHARE`` of the training rows.

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=4000)
        >>> sorted(small_subgroups(split.train, split.train, split.card))
        ['ethnic_group = group_d']
    """
    found = {}
    for attribute in card.sensitive:
        sizes = subgroup_sizes(train, card, (attribute,))
        sizes = sizes[~sizes["subgroup"].isin([MISSING, OUT_OF_BINS]) & (sizes["count"] > 0)
                      & (sizes["share"] < SMALL_SUBGROUP_SHARE)]
        labels = subgroup_labels(table, attribute)
        for group in sizes["subgroup"]:
            found[f"{attribute.column} = {group}"] = (labels == group).fillna(False).to_numpy(dtype=bool)
    return found


def rare_rows(sample: DistanceSample) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Which sampled training and unseen rows are rare, and the masks of each reason (outliers, each small subgroup)."""
    train = sample.sampled("train")
    train_distance = sample.nearest(train, train, OUTLIER_NEIGHBOUR + 1)[:, -1]  # itself is the first
    unseen_distance = sample.nearest(train, sample.sampled("unseen"), OUTLIER_NEIGHBOUR)[:, -1]
    threshold = np.quantile(train_distance, OUTLIER_QUANTILE)
    reasons = {f"outlier (distance to the {OUTLIER_NEIGHBOUR}th nearest training row above its "
               f"{OUTLIER_QUANTILE:.0%} quantile)": {"train": train_distance > threshold,
                                                     "unseen": unseen_distance > threshold}}
    split, card = sample.context.split, sample.context.card
    tables = {part: sample.tables[part].iloc[sample.positions[part]] for part in ("train", "unseen")}
    masks = {part: small_subgroups(table, split.train, card) for part, table in tables.items()}
    for group in masks["train"]:
        reasons[f"small subgroup: {group}"] = {part: masks[part][group] for part in tables}
    rare = {part: np.any([masks_of[part] for masks_of in reasons.values()], axis=0) for part in tables}
    return rare, reasons


def _rare_measures(rare: dict[str, np.ndarray], copied: dict[str, np.ndarray], sample: DistanceSample,
                   seed: int) -> dict[str, float | None]:
    row: dict[str, float | None] = {"train_rows": int(rare["train"].sum()), "unseen_rows": int(rare["unseen"].sum()),
                                    "copied_share": None, "unseen_copied_share": None, "membership_auroc": None,
                                    "auroc_ci_low": None, "auroc_ci_high": None}
    if min(row["train_rows"], row["unseen_rows"]) >= MIN_RARE_ROWS:
        row["copied_share"] = float(copied["train"][rare["train"]].mean())
        row["unseen_copied_share"] = float(copied["unseen"][rare["unseen"]].mean())
        row["membership_auroc"], row["auroc_ci_low"], row["auroc_ci_high"] = membership_auroc(
            sample.to_synthetic["train"][rare["train"]], sample.to_synthetic["unseen"][rare["unseen"]], seed)
    return row


def rare_patients(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Exact copies and membership inference restricted to rare patients: all of them, and per reason in the details."""
    sample = context.shared("distance_sample", DistanceSample)
    rare, reasons = rare_rows(sample)
    columns, synthetic = list(context.card.columns), synthetic_keys(context)
    copied = {part: np.isin(row_keys(sample.tables[part].iloc[sample.positions[part]], columns), synthetic)
              for part in ("train", "unseen")}
    rows = [{"reason": reason, **_rare_measures(masks, copied, sample, context.seed)}
            for reason, masks in {"all rare patients": rare, **reasons}.items()]
    overall, details = rows[0], pd.DataFrame(rows)
    if overall["copied_share"] is None:
        reason = (f"fewer than {MIN_RARE_ROWS} rare patients among the sampled training or unseen rows "
                  f"({int(overall['train_rows'])} and {int(overall['unseen_rows'])})")
        return [Unavailable(spec.name, reason) for spec in (RARE_COPIED_SHARE, RARE_HOLDOUT_COPIED_SHARE,
                                                           RARE_MEMBERSHIP_AUROC)]
    return [MetricResult(RARE_COPIED_SHARE.name, float(overall["copied_share"]), details=details),
            MetricResult(RARE_HOLDOUT_COPIED_SHARE.name, float(overall["unseen_copied_share"])),
            MetricResult(RARE_MEMBERSHIP_AUROC.name, float(overall["membership_auroc"]), overall["auroc_ci_low"],
                         overall["auroc_ci_high"])]


EVALUATORS = (
    Evaluator("privacy.exact_copies", (EXACT_COPY_RATE, COPIED_SHARE, HOLDOUT_COPIED_SHARE), exact_copies),
    Evaluator("privacy.distance", (DCR_CLOSER_TO_TRAIN, DCR_P5, REAL_DCR_P5), distance_to_closest_record),
    Evaluator("privacy.membership", (MEMBERSHIP_AUROC, *MEMBERSHIP_TPR.values()), membership),
    Evaluator("privacy.rare_patients", (RARE_COPIED_SHARE, RARE_HOLDOUT_COPIED_SHARE, RARE_MEMBERSHIP_AUROC),
              rare_patients),
)
