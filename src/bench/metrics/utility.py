"""Utility: does a model trained on synthetic data work on real patients (TSTR), next to the same
model trained on the real training data (TRTR)?

Three models (``models.MODELS``) are trained on each side and tested on the real holdout. The
random forest is the reference model: its numbers carry the short names (``utility.tstr_auroc``,
``utility.tstr_gap``, the headline); the others are prefixed (``utility.lr_tstr_auroc``). Every
number has a 95% bootstrap CI over the holdout rows, and TSTR - TRTR gaps use paired resamples.
Decisions (accuracy, F1) flag, for every model and both arms, the same share of patients: the
positive share of the real training rows (``ScoringContext.selection_rate``), so a synthetic table
with another prevalence changes them only through the model's scores. A model that failed to train
makes its own metrics unavailable, with the reason; the other models still score.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from bench.metrics import bootstrap
from bench.metrics.base import Evaluator, MetricResult, MetricSpec, Unavailable
from bench.metrics.context import ScoringContext
from bench.metrics.models import IMPORTANCE_REPEATS, IMPORTANCE_ROWS, MODELS, REFERENCE_MODEL, ModelFailed, Prediction

MEASURES: dict[str, tuple[str, tuple[float, float], str]] = {
    # measure -> (goal, range, meaning)
    "auroc": ("maximize", (0.0, 1.0), "AUROC"),
    "accuracy": ("maximize", (0.0, 1.0), "accuracy (flagging the real training prevalence, TSTR and TRTR alike)"),
    "f1": ("maximize", (0.0, 1.0), "F1 of the positive class (flagging the real training prevalence, TSTR and "
                                   "TRTR alike)"),
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
IMPORTANCE_AGREEMENT = MetricSpec(
    "utility.feature_importance_agreement", goal="maximize", range=(-1.0, 1.0), needs=("train", "holdout", "card"),
    description="Spearman correlation between the permutation importances (AUROC lost when a column is shuffled, "
                f"{IMPORTANCE_REPEATS} shuffles, on at most {IMPORTANCE_ROWS:,} real holdout rows) of the random "
                "forest trained on synthetic and on real data",
)

MeasureFunction = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def measure_function(measure: str, prediction: Prediction, flagged: np.ndarray) -> tuple[MeasureFunction, np.ndarray]:
    """The bootstrap function of a measure and what it reads: the prediction's scores, or ``flagged``
    (its decisions, ``ScoringContext.decisions``)."""
    functions = {"auroc": (bootstrap.auroc, prediction.scores), "brier": (bootstrap.brier, prediction.scores),
                 "accuracy": (bootstrap.accuracy, flagged), "f1": (bootstrap.f1, flagged)}
    return functions[measure]


def measured(context: ScoringContext, prediction: Prediction, measure: str) -> tuple[float, np.ndarray]:
    """Point value (all rows once) and per-resample values of one measure of one prediction."""
    function, values = measure_function(measure, prediction, context.decisions(prediction))
    return bootstrap.estimate(function, context.holdout_labels, values, context.weights)


def model_results(context: ScoringContext, model: str) -> list[MetricResult]:
    """One model's measures, TSTR and TRTR, with bootstrap CIs, and its AUROC gap (paired resamples)."""
    arms = context.arms(model)
    results, resampled_auroc = [], {}
    for measure in MEASURES:
        for arm, prediction in arms.items():
            value, resampled = measured(context, prediction, measure)
            if measure == "auroc":
                resampled_auroc[arm] = (value, resampled)
            results.append(MetricResult(metric_name(model, arm, measure), value, *bootstrap.interval(resampled)))
    (tstr_value, tstr_resampled), (trtr_value, trtr_resampled) = resampled_auroc["tstr"], resampled_auroc["trtr"]
    results.append(MetricResult(metric_name(model, "gap"), tstr_value - trtr_value,
                                *bootstrap.interval(tstr_resampled - trtr_resampled)))
    return results


def tstr_trtr(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Every model's results; a model that failed on either side makes only its own metrics unavailable
    (a holdout with one class fails them all: ``ScoringContext.holdout_labels`` raises)."""
    results: list[MetricResult | Unavailable] = []
    for model in MODELS:
        try:
            results += model_results(context, model)
        except ModelFailed as exc:
            results += [Unavailable(spec.name, str(exc), failed=True) for spec in MODEL_SPECS[model]]
    return results


def importance_agreement(context: ScoringContext) -> list[MetricResult | Unavailable]:
    """Whether synthetic data makes the forest rely on the features real data makes it rely on."""
    arms = context.arms(REFERENCE_MODEL)
    synthetic, real = arms["tstr"].importances, arms["trtr"].importances
    if synthetic is None or real is None or synthetic.nunique() < 2 or real.nunique() < 2:
        return [Unavailable(IMPORTANCE_AGREEMENT.name, "a forest trained on one class has no importances")]
    importances = pd.DataFrame({"feature": real.index, "real": real.to_numpy(),
                                "synthetic": synthetic.reindex(real.index).to_numpy()})
    rho = spearmanr(importances["real"], importances["synthetic"]).statistic
    return [MetricResult(IMPORTANCE_AGREEMENT.name, float(rho), details=importances)]


EVALUATORS = (
    Evaluator("utility.tstr", tuple(spec for specs in MODEL_SPECS.values() for spec in specs), tstr_trtr),
    Evaluator("utility.agreement", (IMPORTANCE_AGREEMENT,), importance_agreement),
)
