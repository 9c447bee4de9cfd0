"""Fairness per subgroup: is every group of patients (by each sensitive attribute of the card)
represented, served by the TSTR model as well as by the TRTR model, and treated alike, and is the
synthetic data faithful within each group, not only on average?

Subgroups come from ``bench.datasets.subgroups`` (age in the card's bands, sex, ...); rows whose
attribute is missing or outside the bands belong to no subgroup. A subgroup with fewer than
``MIN_SUBGROUP_ROWS`` rows in the real part concerned (train for representation and fidelity,
holdout for utility), or, for utility and group fairness, fewer than ``MIN_CLASS_ROWS`` patients of
either class, is reported as too small in the details and left out of the worst-case numbers,
never silently dropped. Utility numbers use the reference model (random forest) and the shared
bootstrap resamples of the holdout, so small subgroups get wide intervals rather than bare numbers.
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
MIN_CLASS_ROWS = 5
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
    description="lowest per-subgroup TSTR minus TRTR AUROC of the random forest (bootstrap 95% CI over the holdout)",
)
TSTR_SUBGROUP_SPREAD = MetricSpec(
    "fairness.tstr_subgroup_auroc_spread", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    reference="fairness.trtr_subgroup_auroc_spread",
    description="best minus worst subgroup TSTR AUROC, for the attribute where it is largest",
)
TRTR_SUBGROUP_SPREAD = MetricSpec(
    "fairness.trtr_subgroup_auroc_spread", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
    description="best minus worst subgroup TRTR AUROC (the real-data reference), for the attribute where it is largest",
)
_GROUP_FAIRNESS = {
    "equalized_odds": "equalized-odds difference (largest gap in true- or false-positive rate between subgroups)",
    "demographic_parity": "demographic-parity difference (largest gap in the share flagged between subgroups)",
}
GROUP_FAIRNESS_SPECS = [
    spec for key, meaning in _GROUP_FAIRNESS.items() for spec in (
        MetricSpec(f"fairness.tstr_{key}_diff", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                   reference=f"fairness.trtr_{key}_diff",
                   description=f"{meaning} of the TSTR random forest, worst attribute (fairlearn)"),
        MetricSpec(f"fairness.trtr_{key}_diff", goal="minimize", range=(0.0, 1.0), needs=NEEDS,
                   description=f"{meaning} of the TRTR random forest, worst attribute (fairlearn)"),
        MetricSpec(f"fairness.{key}_added", goal=0.0, range=(-1.0, 1.0), needs=NEEDS,
                   headline=key == "equalized_odds",
                   description=f"TSTR minus TRTR {key.replace('_', '-')} difference for the attribute where synthesis "
                               "changed it most: bias that synthesis adds (> 0) or removes (< 0)"),
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


def holdout_subgroups(context: ScoringContext, attribute: SensitiveAttribute) -> list[tuple[str, np.ndarray, str]]:
    """``(subgroup, row mask, status)`` for each subgroup of the holdout; status is ``"ok"`` or why it is too small."""
    labels = subgroup_labels(context.split.holdout, attribute)
    y = context.holdout_labels
    out = []
    for subgroup in _real_subgroups(subgroup_sizes(context.split.holdout, context.card, (attribute,)))["subgroup"]:
        mask = (labels == subgroup).fillna(False).to_numpy(dtype=bool)
        positives, negatives = int(y[mask].sum()), int((1 - y[mask]).sum())
        if mask.sum() < MIN_SUBGROUP_ROWS:
            status = f"too small (under {MIN_SUBGROUP_ROWS} holdout rows)"
        elif min(positives, negatives) < MIN_CLASS_ROWS:
            status = f"too small (under {MIN_CLASS_ROWS} holdout patients of one class)"
        else:
            status = "ok"
        out.append((str(subgroup), mask, status))
    return out


def _nan_reduce(function, stacked: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN resamples stay NaN
        return function(stacked, axis=0)


def _with_interval(name: str, value: float, resampled: np.ndarray) -> dict[str, float | None]:
    low, high = bootstrap.interval(resampled)
    return {name: value, f"{name}_ci_low": low, f"{name}_ci_high": high}


def _spread(measured: list[tuple[float, np.ndarray]]) -> tuple[float, np.ndarray]:
    """Best minus worst subgroup: on the sample and on every resample."""
    values, stacked = np.array([v for v, _ in measured]), np.stack([r for _, r in measured])
    return values.max() - values.min(), _nan_reduce(np.nanmax, stacked) - _nan_reduce(np.nanmin, stacked)


def subgroup_utility(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """TSTR and TRTR AUROC per subgroup with CIs; the worst-subgroup gap and the best-to-worst spreads."""
    y, weights = context.holdout_labels, context.weights
    predictions = {"tstr": context.tstr[REFERENCE_MODEL], "trtr": context.reference.trtr[REFERENCE_MODEL]}
    rows, gaps, spreads = [], [], {"tstr": [], "trtr": []}
    for attribute in sensitive_attributes(context):
        per_arm: dict[str, list[tuple[float, np.ndarray]]] = {"tstr": [], "trtr": []}
        for subgroup, mask, status in holdout_subgroups(context, attribute):
            row = {"attribute": attribute.column, "subgroup": subgroup, "holdout_rows": int(mask.sum()),
                   "status": status}
            if status == "ok":
                for arm, prediction in predictions.items():
                    per_arm[arm].append(bootstrap.estimate(bootstrap.auroc, y[mask], prediction.scores[mask],
                                                           weights[:, mask]))
                    row.update(_with_interval(f"{arm}_auroc", *per_arm[arm][-1]))
                (tstr_value, tstr_resampled), (trtr_value, trtr_resampled) = per_arm["tstr"][-1], per_arm["trtr"][-1]
                gaps.append((tstr_value - trtr_value, tstr_resampled - trtr_resampled))
                row.update(_with_interval("gap", *gaps[-1]))
            rows.append(row)
        if len(per_arm["tstr"]) >= 2:  # a spread needs two subgroups of the same attribute
            for arm, measured in per_arm.items():
                spreads[arm].append(_spread(measured))
    details = pd.DataFrame(rows)
    results: list[MetricResult | Unavailable] = []
    if gaps:
        stacked = np.stack([r for _, r in gaps])
        results.append(MetricResult(WORST_SUBGROUP_GAP.name, min(v for v, _ in gaps),
                                    *bootstrap.interval(_nan_reduce(np.nanmin, stacked)), details=details))
    else:
        results.append(Unavailable(WORST_SUBGROUP_GAP.name, "no subgroup is large enough in the holdout (at least "
                                   f"{MIN_SUBGROUP_ROWS} rows and {MIN_CLASS_ROWS} patients of each class)"))
    for spec, arm in ((TSTR_SUBGROUP_SPREAD, "tstr"), (TRTR_SUBGROUP_SPREAD, "trtr")):
        if spreads[arm]:
            stacked = np.stack([r for _, r in spreads[arm]])
            results.append(MetricResult(spec.name, max(v for v, _ in spreads[arm]),
                                        *bootstrap.interval(_nan_reduce(np.nanmax, stacked))))
        else:
            results.append(Unavailable(spec.name, "no sensitive attribute has two subgroups large enough "
                                                  "in the holdout"))
    return results


# ------------------------------------------------------------------------------------------ group fairness


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
    positive, negative = y.astype(bool), ~y.astype(bool)
    rates = {"selection": [], "tpr": [], "fpr": []}
    for mask in groups:
        rates["selection"].append(bootstrap.rate(flagged[mask], weights[:, mask]))
        rates["tpr"].append(bootstrap.rate(flagged[mask & positive], weights[:, mask & positive]))
        rates["fpr"].append(bootstrap.rate(flagged[mask & negative], weights[:, mask & negative]))
    spread = {k: np.max(np.stack(v), axis=0) - np.min(np.stack(v), axis=0) for k, v in rates.items()}
    return {"equalized_odds": np.maximum(spread["tpr"], spread["fpr"]), "demographic_parity": spread["selection"]}


def group_fairness(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Equalized-odds and demographic-parity differences of the TSTR and TRTR forests, and what synthesis adds."""
    from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

    y, weights = context.holdout_labels, context.weights
    decisions = {"tstr": context.tstr[REFERENCE_MODEL].decisions(),
                 "trtr": context.reference.trtr[REFERENCE_MODEL].decisions()}
    rows, per_attribute = [], []
    for attribute in sensitive_attributes(context):
        eligible = [(name, mask) for name, mask, status in holdout_subgroups(context, attribute) if status == "ok"]
        if len(eligible) < 2:
            rows.append({"attribute": attribute.column, "subgroups": len(eligible),
                         "status": "fewer than two subgroups large enough in the holdout"})
            continue
        rows_in = np.any([mask for _, mask in eligible], axis=0)
        group_of_row = np.empty(len(y), dtype=object)
        for name, mask in eligible:
            group_of_row[mask] = name
        row = {"attribute": attribute.column, "subgroups": len(eligible), "status": "ok"}
        resampled = {}
        for arm, flagged in decisions.items():
            row[f"{arm}_equalized_odds"] = float(equalized_odds_difference(
                y[rows_in], flagged[rows_in], sensitive_features=group_of_row[rows_in]))
            row[f"{arm}_demographic_parity"] = float(demographic_parity_difference(
                y[rows_in], flagged[rows_in], sensitive_features=group_of_row[rows_in]))
            resampled[arm] = group_gaps(y, flagged, [mask for _, mask in eligible], weights)
        rows.append(row)
        per_attribute.append((row, resampled))
    details = pd.DataFrame(rows)
    if not per_attribute:
        reason = "no sensitive attribute has two subgroups large enough in the holdout"
        return [Unavailable(spec.name, reason) for spec in GROUP_FAIRNESS_SPECS]
    results: list[MetricResult | Unavailable] = []
    for key in _GROUP_FAIRNESS:
        for arm in decisions:
            worst = max(range(len(per_attribute)), key=lambda i: per_attribute[i][0][f"{arm}_{key}"])
            resampled = _nan_reduce(np.nanmax, np.stack([r[arm][key] for _, r in per_attribute]))
            results.append(MetricResult(f"fairness.{arm}_{key}_diff", per_attribute[worst][0][f"{arm}_{key}"],
                                        *bootstrap.interval(resampled),
                                        details=details if (key, arm) == ("equalized_odds", "tstr") else None))
        # What synthesis changed: the attribute whose difference moved most, with its sign.
        moved = max(range(len(per_attribute)), key=lambda i: abs(
            per_attribute[i][0][f"tstr_{key}"] - per_attribute[i][0][f"trtr_{key}"]))
        row, resampled = per_attribute[moved]
        results.append(MetricResult(f"fairness.{key}_added", row[f"tstr_{key}"] - row[f"trtr_{key}"],
                                    *bootstrap.interval(resampled["tstr"][key] - resampled["trtr"][key])))
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
    Evaluator("fairness.subgroup_utility", (WORST_SUBGROUP_GAP, TSTR_SUBGROUP_SPREAD, TRTR_SUBGROUP_SPREAD),
              subgroup_utility),
    Evaluator("fairness.group_fairness", tuple(GROUP_FAIRNESS_SPECS), group_fairness),
    Evaluator("fairness.subgroup_fidelity", (WORST_SUBGROUP_FIDELITY,), subgroup_fidelity),
)
