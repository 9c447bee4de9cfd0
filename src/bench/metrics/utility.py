"""Utility: does a model trained on synthetic data work on real patients (TSTR), next to the same
model trained on the real training data (TRTR)?

Three models (``models.MODELS``) are trained on each side and tested on the real holdout. The
random forest is the reference model: its numbers carry the short names (``utility.tstr_auroc``,
``utility.tstr_gap``, the headline); the others are prefixed (``utility.lr_tstr_auroc``). Every
number has a 95% bootstrap CI over the holdout rows, and TSTR - TRTR gaps use paired resamples.
Decisions (accuracy, F1) flag the share of patients equal to the model's training prevalence
(``models.Prediction.decisions``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, Unavailable
from bench.metrics.context import ScoringContext
from bench.metrics.models import MODELS, REFERENCE_MODEL, Prediction

MEASURES: dict[str, tuple[str, tuple[float, float], str]] = {
    # measure -> (goal, range, meaning)
    "auroc": ("maximize", (0.0, 1.0), "AUROC"),
    "accuracy": ("maximize", (0.0, 1.0), "accuracy (flagging the training prevalence)"),
    "f1": ("maximize", (0.0, 1.0), "F1 of the positive class (flagging the training prevalence)"),
    "brier": ("minimize", (0.0, 1.0), "Brier score (mean squared error of the predicted probability)"),
}
ARMS = {"tstr": "trained on synthetic data (TSTR)", "trtr": "trained on the real training data (TRTR)"}


def metric_name(model: str, arm: str, measure: str = "auroc") -> str:
    """Name of a utility number; the reference model's numbers carry no model prefix.

    Example:
        >>> metric_name("rf", "tstr"), metric_name("lr", "trtr", "brier"), metric_name("gbm", "gap")
        ('utility.tstr_auroc', 'utility.lr_trtr_brier', 'utility.gbm_tstr_gap')
    """
    prefix = "" if model == REFERENCE_MODEL else f"{model}_"
    if arm == "gap":
        return f"utility.{prefix}tstr_gap"
    return f"utility.{prefix}{arm}_{measure}"


def _model_specs(model: str) -> list[MetricSpec]:
    label = MODELS[model].label
    specs = []
    for measure, (goal, value_range, meaning) in MEASURES.items():
        for arm, how in ARMS.items():
            specs.append(MetricSpec(
                metric_name(model, arm, measure), goal=goal, range=value_range, needs=("train", "holdout", "card"),
                headline=model == REFERENCE_MODEL and measure == "auroc" and arm == "tstr",
                reference=metric_name(model, "trtr", measure) if arm == "tstr" else None,
                description=f"{meaning} on the real holdout of a {label} {how}"))
    specs.append(MetricSpec(
        metric_name(model, "gap"), goal="maximize", range=(-1.0, 1.0), needs=("train", "holdout", "card"),
        headline=model == REFERENCE_MODEL,
        description=f"TSTR minus TRTR AUROC of the {label}: 0 means as useful as real data, below 0 less useful"))
    return specs


MODEL_SPECS: dict[str, list[MetricSpec]] = {model: _model_specs(model) for model in MODELS}
MODEL_RANK_AGREEMENT = MetricSpec(
    "utility.model_rank_agreement", goal="maximize", range=(-1.0, 1.0), needs=("train", "holdout", "card"),
    description=f"Spearman correlation between the {len(MODELS)} models' TSTR AUROCs and their TRTR AUROCs "
                "(1: synthetic data ranks the models as real data does)",
)
IMPORTANCE_AGREEMENT = MetricSpec(
    "utility.feature_importance_agreement", goal="maximize", range=(-1.0, 1.0), needs=("train", "holdout", "card"),
    description="Spearman correlation between the random forest's feature importances (impurity, per column) "
                "trained on synthetic and on real data",
)

MeasureFunction = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def measure_function(measure: str, prediction: Prediction) -> tuple[MeasureFunction, np.ndarray]:
    """The bootstrap function of a measure and what it reads from the prediction (scores or decisions)."""
    functions = {"auroc": (bootstrap.auroc, prediction.scores), "brier": (bootstrap.brier, prediction.scores),
                 "accuracy": (bootstrap.accuracy, prediction.decisions()),
                 "f1": (bootstrap.f1, prediction.decisions())}
    return functions[measure]


def measured(y: np.ndarray, prediction: Prediction, measure: str, weights: np.ndarray) -> tuple[float, np.ndarray]:
    """Point value (all rows once) and per-resample values of one measure of one prediction."""
    function, values = measure_function(measure, prediction)
    return bootstrap.estimate(function, y, values, weights)


def tstr_trtr(context: ScoringContext) -> list[MetricResult]:
    """Every model, every measure, TSTR and TRTR, with bootstrap CIs; and each model's AUROC gap."""
    y, weights = context.holdout_labels, context.weights
    results = []
    for model in MODELS:
        arms = {"tstr": context.tstr[model], "trtr": context.reference.trtr[model]}
        resampled_auroc = {}
        for measure in MEASURES:
            for arm, prediction in arms.items():
                value, resampled = measured(y, prediction, measure, weights)
                if measure == "auroc":
                    resampled_auroc[arm] = (value, resampled)
                results.append(MetricResult(metric_name(model, arm, measure), value, *bootstrap.interval(resampled)))
        (tstr_value, tstr_resampled), (trtr_value, trtr_resampled) = resampled_auroc["tstr"], resampled_auroc["trtr"]
        results.append(MetricResult(metric_name(model, "gap"), tstr_value - trtr_value,
                                    *bootstrap.interval(tstr_resampled - trtr_resampled)))
    return results


def agreement(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Whether synthetic data ranks the models and the features as real data does."""
    y, unit = context.holdout_labels, bootstrap.unit_weights(len(context.holdout_labels))
    rows = [{"model": model, "tstr_auroc": float(bootstrap.auroc(y, context.tstr[model].scores, unit)[0]),
             "trtr_auroc": float(bootstrap.auroc(y, context.reference.trtr[model].scores, unit)[0])}
            for model in MODELS]
    models = pd.DataFrame(rows)
    results: list[MetricResult | Unavailable] = []
    if models["tstr_auroc"].nunique() < 2 or models["trtr_auroc"].nunique() < 2:
        results.append(Unavailable(MODEL_RANK_AGREEMENT.name, "the models tie on one side (e.g. a synthetic target "
                                   "with one class gives every model AUROC 0.5), so there is no ranking to compare"))
    else:
        rho = spearmanr(models["tstr_auroc"], models["trtr_auroc"]).statistic
        results.append(MetricResult(MODEL_RANK_AGREEMENT.name, float(rho), details=models))
    synthetic, real = context.tstr[REFERENCE_MODEL].importances, context.reference.trtr[REFERENCE_MODEL].importances
    if synthetic is None or real is None or synthetic.nunique() < 2 or real.nunique() < 2:
        results.append(Unavailable(IMPORTANCE_AGREEMENT.name, "a forest trained on one class has no importances"))
    else:
        importances = pd.DataFrame({"feature": real.index, "real": real.to_numpy(),
                                    "synthetic": synthetic.reindex(real.index).to_numpy()})
        rho = spearmanr(importances["real"], importances["synthetic"]).statistic
        results.append(MetricResult(IMPORTANCE_AGREEMENT.name, float(rho), details=importances))
    return results


EVALUATORS = (
    Evaluator("utility.tstr", tuple(spec for specs in MODEL_SPECS.values() for spec in specs), tstr_trtr),
    Evaluator("utility.agreement", (MODEL_RANK_AGREEMENT, IMPORTANCE_AGREEMENT), agreement),
)
