"""Fairness per subgroup: is every group of patients (by each sensitive attribute of the card)
represented, served by the TSTR model as well as by the TRTR model, and treated alike, and is the
synthetic data faithful within each group, not only on average?

Subgroups come from ``bench.datasets.subgroups`` (age in the card's bands, sex, ...); rows whose
attribute is missing or outside the bands belong to no subgroup. A subgroup with fewer than
``MIN_SUBGROUP_ROWS`` real training rows (representation, fidelity), or fewer than
``MIN_CLASS_ROWS`` holdout patients of either class (subgroup AUROC, equalized odds, demographic
parity), is reported as too small in the details and left out of the worst-case numbers, never
silently dropped. Utility numbers use the reference model (random forest) and the shared bootstrap
resamples of the holdout; every subgroup's and every attribute's value comes with its interval in
the details, and the worst subgroup or attribute is named in a tag.

Decisions (equalized odds, demographic parity) flag the same share of patients for the TSTR and the
TRTR forest, the real training prevalence (``ScoringContext.decisions``): a synthetic table with
another prevalence then changes them only through the model's scores. The subgroup AUROC spreads
need no decision at all.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from bench.datasets.cards import SensitiveAttribute
from bench.datasets.subgroups import MISSING, OUT_OF_BINS, subgroup_labels, subgroup_sizes
from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, NotApplicable, Unavailable
from bench.metrics.context import ScoringContext
from bench.metrics.fidelity import column_similarities
from bench.metrics.models import REFERENCE_MODEL

MIN_SUBGROUP_ROWS = 20
# A subgroup enters the AUROC and decision comparisons only with at least this many holdout patients
# of each class. A rate over n patients has a standard error of up to 0.5 / sqrt(n) (0.11 at 20) and
# the AUROC of 20 positives and 20 negatives about 0.07 at AUROC 0.8 (Hanley & McNeil 1982); with
# fewer (the suite used 5), the worst of several subgroups is mostly the noisiest one, and the worst
# case selects noise. 20 is the low end of the usual 20-30: at 30, the default benchmark's 5,000-patient
# sepsis cohort (6 % mortality, 20 deaths among the women of its holdout) would have no group fairness
# at all; every subgroup's value carries its interval in the details.
MIN_CLASS_ROWS = 20
NEEDS = ("train", "holdout", "card")

REPRESENTATION_RATIO_MIN = MetricSpec(
    "fairness.representation_ratio_min", goal=1.0, range=(0.0, float("inf")), needs=("train", "card"), headline=True,
    description="smallest ratio of a subgroup's share in synthetic data to its share in real data "
                "(1: every subgroup as common as in real data; 0: a subgroup vanished)",
)
VANISHED_SUBGROUPS = MetricSpec(
    "fairness.vanished_subgroups", goal="minimize", range=(0.0, float("inf")), needs=("train", "card"),
    description="number of subgroups present in real data (at the minimum size) with no synthetic row",
)
WORST_SUBGROUP_GAP = MetricSpec(
    "fairness.worst_subgroup_gap", goal="maximize", range=(-1.0, 1.0), needs=NEEDS, headline=True,
    description=f"lowest per-subgroup TSTR minus TRTR AUROC of the random forest (bootstrap 95% CI over the holdout; "
                f"subgroups with at least {MIN_CLASS_ROWS} holdout patients of each class; the subgroup is named in "
                "the tag fairness.worst_subgroup)",
)
TSTR_SUBGROUP_SPREAD = MetricSpec(
    "fairness.tstr_subgroup_auroc_spread", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    reference="fairness.trtr_subgroup_auroc_spread",
    description="best minus worst subgroup TSTR AUROC (threshold-free), for the attribute where it is largest",
)
TRTR_SUBGROUP_SPREAD = MetricSpec(
    "fairness.trtr_subgroup_auroc_spread", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="best minus worst subgroup TRTR AUROC (the real-data reference), for the attribute where it is largest",
)
SUBGROUP_SPREAD_ADDED = MetricSpec(
    "fairness.subgroup_auroc_spread_added", goal=0.0, range=(-1.0, 1.0), needs=NEEDS,
    description="TSTR minus TRTR subgroup AUROC spread, both on the attribute with the largest TSTR spread (named "
                "in the tag fairness.subgroup_auroc_spread_attribute; every attribute in the details): AUROC "
                "inequality that synthesis adds (> 0) or removes (< 0), paired bootstrap 95% CI",
)
_GROUP_FAIRNESS = {
    "equalized_odds": "equalized-odds difference (largest gap in true- or false-positive rate between subgroups)",
    "demographic_parity": "demographic-parity difference (largest gap in the share flagged between subgroups)",
}
GROUP_FAIRNESS_SPECS = [
    spec for key, meaning in _GROUP_FAIRNESS.items() for spec in (
        MetricSpec(f"fairness.tstr_{key}_diff", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                   reference=f"fairness.trtr_{key}_diff",
                   description=f"{meaning} of the TSTR random forest, worst attribute (fairlearn's definition; "
                               "the real training prevalence flagged)"),
        MetricSpec(f"fairness.trtr_{key}_diff", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                   description=f"{meaning} of the TRTR random forest, worst attribute (fairlearn's definition; "
                               "the real training prevalence flagged)"),
        MetricSpec(f"fairness.{key}_added", goal=0.0, range=(-1.0, 1.0), needs=NEEDS,
                   headline=key == "equalized_odds",
                   description=f"TSTR minus TRTR {key.replace('_', '-')} difference, both on the attribute where the "
                               f"TSTR difference is largest (named in the tag fairness.{key}_attribute; every "
                               "attribute in the details): bias that synthesis adds (> 0) or removes (< 0), paired "
                               "bootstrap 95% CI"),
    )
]
WORST_SUBGROUP_FIDELITY = MetricSpec(
    "fairness.worst_subgroup_fidelity", goal="maximize", range=(0.0, 1.0), needs=("train", "card"),
    reference="fidelity.univariate_similarity",
    description="lowest per-subgroup univariate similarity (synthetic vs real rows of that subgroup, other columns)",
)


def sensitive_attributes(context: ScoringContext) -> tuple[SensitiveAttribute, ...]:
    """The card's sensitive attributes, or ``NotApplicable`` when it names none."""
    if not context.card.sensitive:
        raise NotApplicable(f"dataset '{context.card.name}' names no sensitive attribute in its card")
    return context.card.sensitive


def _real_subgroups(sizes: pd.DataFrame) -> pd.DataFrame:
    return sizes[~sizes["subgroup"].isin([MISSING, OUT_OF_BINS])]


# ------------------------------------------------------------------------------------------ representation


def representation(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Each subgroup's share in synthetic vs real training rows; the worst ratio; subgroups that vanished."""
    rows = []
    for attribute in sensitive_attributes(context):
        real = _real_subgroups(subgroup_sizes(context.split.train, context.card, (attribute,)))
        synthetic = subgroup_sizes(context.synthetic, context.card, (attribute,)).set_index("subgroup")
        for _, group in real.iterrows():
            synthetic_count = int(synthetic["count"].get(group["subgroup"], 0))
            synthetic_share = synthetic_count / len(context.synthetic) if len(context.synthetic) else 0.0
            big_enough = group["count"] >= MIN_SUBGROUP_ROWS
            status = ("vanished" if synthetic_count == 0 else "ok") if big_enough else \
                f"too small (under {MIN_SUBGROUP_ROWS} real rows)"
            rows.append({"attribute": attribute.column, "subgroup": str(group["subgroup"]),
                         "real_share": group["share"], "synthetic_share": synthetic_share,
                         "ratio": synthetic_share / group["share"] if group["share"] > 0 else np.nan,
                         "status": status})
    details = pd.DataFrame(rows, columns=["attribute", "subgroup", "real_share", "synthetic_share", "ratio", "status"])
    judged = details[details["status"].isin(["ok", "vanished"])]
    if judged.empty:
        reason = f"every subgroup has fewer than {MIN_SUBGROUP_ROWS} real training rows"
        return [Unavailable(REPRESENTATION_RATIO_MIN.name, reason), Unavailable(VANISHED_SUBGROUPS.name, reason)]
    return [MetricResult(REPRESENTATION_RATIO_MIN.name, float(judged["ratio"].min()), details=details),
            MetricResult(VANISHED_SUBGROUPS.name, float((judged["status"] == "vanished").sum()))]


# ------------------------------------------------------------------------------------------ subgroup utility


Estimate = tuple[float, np.ndarray]  # a value on the holdout itself and on every bootstrap resample


def holdout_subgroups(context: ScoringContext, attribute: SensitiveAttribute) -> list[tuple[str, np.ndarray, str]]:
    """``(subgroup, row mask, status)`` for each subgroup of the holdout; status is ``"ok"`` or why it is too
    small (fewer than ``MIN_CLASS_ROWS`` holdout patients of either class)."""
    labels = subgroup_labels(context.split.holdout, attribute)
    y = context.holdout_labels
    out = []
    for subgroup in _real_subgroups(subgroup_sizes(context.split.holdout, context.card, (attribute,)))["subgroup"]:
        mask = (labels == subgroup).fillna(False).to_numpy(dtype=bool)
        smaller_class = min(int(y[mask].sum()), int((1 - y[mask]).sum()))
        status = "ok" if smaller_class >= MIN_CLASS_ROWS else \
            f"too small (under {MIN_CLASS_ROWS} holdout patients of one class)"
        out.append((str(subgroup), mask, status))
    return out


def _nan_reduce(function, stacked: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN resamples stay NaN
        return function(stacked, axis=0)


def _with_interval(name: str, value: float, resampled: np.ndarray) -> dict[str, float | None]:
    low, high = bootstrap.interval(resampled)
    return {name: value, f"{name}_ci_low": low, f"{name}_ci_high": high}


def _difference(a: Estimate, b: Estimate) -> Estimate:
    """``a - b`` on the sample and on every (paired) resample."""
    return a[0] - b[0], a[1] - b[1]


def _spread(measured: dict[str, Estimate]) -> tuple[Estimate, str, str]:
    """Best minus worst subgroup on the sample and on every resample, with the best and the worst subgroup."""
    names, values = list(measured), np.array([v for v, _ in measured.values()])
    stacked = np.stack([r for _, r in measured.values()])
    spread = (float(values.max() - values.min()), _nan_reduce(np.nanmax, stacked) - _nan_reduce(np.nanmin, stacked))
    return spread, names[int(values.argmax())], names[int(values.argmin())]


def _spread_row(attribute: str, per_subgroup: dict[str, dict[str, Estimate]]) -> tuple[dict, dict[str, Estimate]]:
    """One attribute's AUROC spread per arm (with its best and worst subgroup) and the spread synthesis adds."""
    row: dict = {"attribute": attribute, "subgroups": len(per_subgroup), "status": "ok"}
    spreads = {}
    for arm in ("tstr", "trtr"):
        spreads[arm], best, worst = _spread({name: arms[arm] for name, arms in per_subgroup.items()})
        row.update(_with_interval(f"{arm}_spread", *spreads[arm]), **{f"{arm}_best": best, f"{arm}_worst": worst})
    spreads["added"] = _difference(spreads["tstr"], spreads["trtr"])
    row.update(_with_interval("added", *spreads["added"]))
    return row, spreads


def _attribute_added(name: str, per_attribute: list[tuple[dict, dict[str, Estimate]]], tag: str,
                     details: pd.DataFrame) -> MetricResult:
    """TSTR minus TRTR on the attribute with the largest TSTR value (its name in ``tag``), paired CI.

    The attribute is chosen by the synthetic-trained model's own unfairness, not by the largest
    change, so a large change in a fair direction on one attribute cannot hide an added one elsewhere.
    """
    row, estimates = max(per_attribute, key=lambda item: item[1]["tstr"][0])
    return MetricResult(name, estimates["added"][0], *bootstrap.interval(estimates["added"][1]),
                        details=details, tags={tag: str(row["attribute"])})


def _worst_case(name: str, estimates: list[Estimate], largest: bool,
                details: pd.DataFrame | None = None) -> MetricResult:
    """The largest (or smallest) value over ``estimates``; its CI from the worst case of every resample."""
    values, stacked = [v for v, _ in estimates], np.stack([r for _, r in estimates])
    worst, resampled = (max(values), _nan_reduce(np.nanmax, stacked)) if largest else \
        (min(values), _nan_reduce(np.nanmin, stacked))
    return MetricResult(name, worst, *bootstrap.interval(resampled), details=details)


def subgroup_utility(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """TSTR and TRTR AUROC per subgroup with CIs; the worst-subgroup gap; the best-to-worst spreads per arm
    and the spread synthesis adds."""
    y, weights = context.holdout_labels, context.weights
    scores = {arm: prediction.scores for arm, prediction in context.arms(REFERENCE_MODEL).items()}
    rows, gaps, per_attribute, spread_rows = [], {}, [], []
    for attribute in sensitive_attributes(context):
        per_subgroup: dict[str, dict[str, Estimate]] = {}
        for subgroup, mask, status in holdout_subgroups(context, attribute):
            row = {"attribute": attribute.column, "subgroup": subgroup, "holdout_rows": int(mask.sum()),
                   "status": status}
            if status == "ok":
                arms = {arm: bootstrap.estimate(bootstrap.auroc, y[mask], s[mask], weights[:, mask])
                        for arm, s in scores.items()}
                gaps[f"{attribute.column} = {subgroup}"] = _difference(arms["tstr"], arms["trtr"])
                for arm, estimate in arms.items():
                    row.update(_with_interval(f"{arm}_auroc", *estimate))
                row.update(_with_interval("gap", *gaps[f"{attribute.column} = {subgroup}"]))
                per_subgroup[subgroup] = arms
            rows.append(row)
        if len(per_subgroup) >= 2:  # a spread needs two subgroups of the same attribute
            per_attribute.append(_spread_row(attribute.column, per_subgroup))
            spread_rows.append(per_attribute[-1][0])
        else:
            spread_rows.append({"attribute": attribute.column, "subgroups": len(per_subgroup),
                                "status": "fewer than two subgroups large enough in the holdout"})
    results: list[MetricResult | Unavailable] = []
    if gaps:
        worst = min(gaps, key=lambda name: gaps[name][0])
        result = _worst_case(WORST_SUBGROUP_GAP.name, list(gaps.values()), False, pd.DataFrame(rows))
        result.tags["fairness.worst_subgroup"] = worst
        results.append(result)
    else:
        results.append(Unavailable(WORST_SUBGROUP_GAP.name, "no subgroup is large enough in the holdout (at least "
                                   f"{MIN_CLASS_ROWS} patients of each class)"))
    if not per_attribute:
        reason = "no sensitive attribute has two subgroups large enough in the holdout"
        return results + [Unavailable(s.name, reason) for s in (TSTR_SUBGROUP_SPREAD, TRTR_SUBGROUP_SPREAD,
                                                                SUBGROUP_SPREAD_ADDED)]
    for spec, arm in ((TSTR_SUBGROUP_SPREAD, "tstr"), (TRTR_SUBGROUP_SPREAD, "trtr")):
        results.append(_worst_case(spec.name, [spreads[arm] for _, spreads in per_attribute], True))
    results.append(_attribute_added(SUBGROUP_SPREAD_ADDED.name, per_attribute,
                                    "fairness.subgroup_auroc_spread_attribute", pd.DataFrame(spread_rows)))
    return results


# ------------------------------------------------------------------------------------------ group fairness

RATES = {"selection": "share flagged", "tpr": "true-positive rate", "fpr": "false-positive rate"}


def group_rates(y: np.ndarray, flagged: np.ndarray, groups: list[np.ndarray],
                weights: np.ndarray) -> dict[str, np.ndarray]:
    """Share flagged, true- and false-positive rate of each group (row masks), per resample
    (``n_groups x n_resamples``; NaN where a resample holds no patient of the kind).

    Example:
        >>> y = np.array([1, 0, 1, 0]); flagged = np.array([1, 0, 0, 0])
        >>> groups = [np.array([True, True, False, False]), np.array([False, False, True, True])]
        >>> group_rates(y, flagged, groups, bootstrap.unit_weights(4))["tpr"].tolist()
        [[1.0], [0.0]]
    """
    positive = np.asarray(y).astype(bool)
    of = {"selection": np.ones_like(positive), "tpr": positive, "fpr": ~positive}
    return {rate: np.stack([bootstrap.rate(flagged[mask & rows], weights[:, mask & rows]) for mask in groups])
            for rate, rows in of.items()}


def group_gaps(y: np.ndarray, flagged: np.ndarray, groups: list[np.ndarray],
               weights: np.ndarray) -> dict[str, np.ndarray]:
    """Equalized-odds and demographic-parity differences between ``groups`` (row masks), per resample.

    The same definitions as fairlearn's ``equalized_odds_difference`` and
    ``demographic_parity_difference`` (between groups, worst case), with weights, so that one call
    gives the value (unit weights) or every bootstrap resample.

    Example:
        >>> y = np.array([1, 0, 1, 0]); flagged = np.array([1, 0, 0, 0])
        >>> groups = [np.array([True, True, False, False]), np.array([False, False, True, True])]
        >>> {k: v.tolist() for k, v in group_gaps(y, flagged, groups, bootstrap.unit_weights(4)).items()}
        {'equalized_odds': [1.0], 'demographic_parity': [0.5]}
    """
    spread = {rate: values.max(axis=0) - values.min(axis=0)
              for rate, values in group_rates(y, flagged, groups, weights).items()}
    return {"equalized_odds": np.maximum(spread["tpr"], spread["fpr"]), "demographic_parity": spread["selection"]}


def _between(key: str, names: list[str], rates: dict[str, np.ndarray]) -> str:
    """Which rate sets a difference and the subgroups at its two ends, e.g. ``true-positive rate: F 0.81 vs M 0.62``."""
    rate = "selection" if key == "demographic_parity" else max(("tpr", "fpr"), key=lambda r: np.ptp(rates[r]))
    values = rates[rate]
    high, low = int(np.argmax(values)), int(np.argmin(values))
    return f"{RATES[rate]}: {names[high]} {values[high]:.3f} vs {names[low]} {values[low]:.3f}"


def _add_rates(group_rows: list[dict], names: list[str], arm: str, point: dict[str, np.ndarray],
               resampled: dict[str, np.ndarray]) -> None:
    """Write one arm's rates, with CIs, into the rows of the subgroups ``names`` (in that order in the arrays)."""
    for group_row in group_rows:
        if group_row["subgroup"] in names:
            at = names.index(group_row["subgroup"])
            for rate in RATES:
                group_row.update(_with_interval(f"{arm}_{rate}", float(point[rate][at, 0]), resampled[rate][at]))


def _attribute_group_fairness(context: ScoringContext, attribute: SensitiveAttribute, decisions: dict[str, np.ndarray]
                              ) -> tuple[list[dict], dict, dict[str, dict[str, Estimate]]]:
    """One attribute's per-subgroup rates (rows), its differences per arm and what synthesis adds (a row and
    the estimates behind it); the estimates are empty when fewer than two subgroups are large enough."""
    y, weights, unit = context.holdout_labels, context.weights, bootstrap.unit_weights(len(context.holdout_labels))
    subgroups = holdout_subgroups(context, attribute)
    eligible = [(name, mask) for name, mask, status in subgroups if status == "ok"]
    group_rows = [{"attribute": attribute.column, "subgroup": name, "holdout_rows": int(mask.sum()), "status": status}
                  for name, mask, status in subgroups]
    row: dict = {"attribute": attribute.column, "subgroups": len(eligible), "status": "ok"}
    if len(eligible) < 2:
        return group_rows, {**row, "status": "fewer than two subgroups large enough in the holdout"}, {}
    names, masks = [name for name, _ in eligible], [mask for _, mask in eligible]
    estimates: dict[str, dict[str, Estimate]] = {key: {} for key in _GROUP_FAIRNESS}
    for arm, flagged in decisions.items():
        point = group_rates(y, flagged, masks, unit)
        _add_rates(group_rows, names, arm, point, group_rates(y, flagged, masks, weights))
        gaps, resampled_gaps = group_gaps(y, flagged, masks, unit), group_gaps(y, flagged, masks, weights)
        for key in _GROUP_FAIRNESS:
            estimates[key][arm] = (float(gaps[key][0]), resampled_gaps[key])
            row.update(_with_interval(f"{arm}_{key}", *estimates[key][arm]))
            row[f"{arm}_{key}_between"] = _between(key, names, {rate: v[:, 0] for rate, v in point.items()})
    for key, arms in estimates.items():
        arms["added"] = _difference(arms["tstr"], arms["trtr"])
        row.update(_with_interval(f"{key}_added", *arms["added"]))
    return group_rows, row, estimates


def group_fairness(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Equalized-odds and demographic-parity differences of the TSTR and TRTR forests, and what synthesis adds.

    Both forests flag the same share of holdout patients (``ScoringContext.decisions``). Details:
    every subgroup's rates with CIs (on ``fairness.tstr_equalized_odds_diff``), every attribute's
    differences and added bias with CIs and the subgroups that set them (on each ``*_added``).
    """
    decisions = {arm: context.decisions(prediction) for arm, prediction in context.arms(REFERENCE_MODEL).items()}
    group_rows, attribute_rows, per_attribute = [], [], {key: [] for key in _GROUP_FAIRNESS}
    for attribute in sensitive_attributes(context):
        rows, row, estimates = _attribute_group_fairness(context, attribute, decisions)
        group_rows += rows
        attribute_rows.append(row)
        for key, arms in estimates.items():
            per_attribute[key].append((row, arms))
    if not per_attribute["equalized_odds"]:
        reason = "no sensitive attribute has two subgroups large enough in the holdout"
        return [Unavailable(spec.name, reason) for spec in GROUP_FAIRNESS_SPECS]
    attributes = pd.DataFrame(attribute_rows)
    results: list[MetricResult | Unavailable] = []
    for key in _GROUP_FAIRNESS:
        for arm in decisions:
            details = pd.DataFrame(group_rows) if (key, arm) == ("equalized_odds", "tstr") else None
            results.append(_worst_case(f"fairness.{arm}_{key}_diff", [arms[arm] for _, arms in per_attribute[key]],
                                       True, details))
        columns = ["attribute", "subgroups", "status"] + [c for c in attributes.columns if key in c]
        results.append(_attribute_added(f"fairness.{key}_added", per_attribute[key], f"fairness.{key}_attribute",
                                        attributes[columns]))
    return results


# ------------------------------------------------------------------------------------------ subgroup fidelity


def subgroup_fidelity(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Univariate similarity within each subgroup (its own column left out); the worst subgroup's score."""
    rows = []
    for attribute in sensitive_attributes(context):
        real_labels = subgroup_labels(context.split.train, attribute)
        synthetic_labels = subgroup_labels(context.synthetic, attribute)
        columns = {c: kind for c, kind in context.card.columns.items() if c != attribute.column}
        for subgroup in _real_subgroups(subgroup_sizes(context.split.train, context.card, (attribute,)))["subgroup"]:
            real = context.split.train[(real_labels == subgroup).fillna(False).to_numpy(dtype=bool)]
            synthetic = context.synthetic[(synthetic_labels == subgroup).fillna(False).to_numpy(dtype=bool)]
            row = {"attribute": attribute.column, "subgroup": str(subgroup), "synthetic_rows": len(synthetic)}
            if len(real) < MIN_SUBGROUP_ROWS:
                row.update(status=f"too small (under {MIN_SUBGROUP_ROWS} real rows)", score=np.nan)
            else:
                row.update(status="ok", score=float(column_similarities(real, synthetic, columns)["score"].mean()))
            rows.append(row)
    details = pd.DataFrame(rows)
    judged = details[details["status"] == "ok"]
    if judged.empty:
        return [Unavailable(WORST_SUBGROUP_FIDELITY.name,
                            f"every subgroup has fewer than {MIN_SUBGROUP_ROWS} real training rows")]
    return [MetricResult(WORST_SUBGROUP_FIDELITY.name, float(judged["score"].min()), details=details)]


EVALUATORS = (
    Evaluator("fairness.representation", (REPRESENTATION_RATIO_MIN, VANISHED_SUBGROUPS), representation),
    Evaluator("fairness.subgroup_utility", (WORST_SUBGROUP_GAP, TSTR_SUBGROUP_SPREAD, TRTR_SUBGROUP_SPREAD,
                                            SUBGROUP_SPREAD_ADDED), subgroup_utility),
    Evaluator("fairness.group_fairness", tuple(GROUP_FAIRNESS_SPECS), group_fairness),
    Evaluator("fairness.subgroup_fidelity", (WORST_SUBGROUP_FIDELITY,), subgroup_fidelity),
)
