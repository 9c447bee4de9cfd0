"""Plain-language readings of a scorecard: one sentence per headline number, for students and reports.

Each reader turns one metric (and the metrics it is read against, such as the real-data reference)
into a sentence with a judgement. The judgement bands are rules of thumb for reading a single
cell, stated in ``BANDS`` so that they are visible and easy to argue with; the metric's declared
meaning (``bench metrics``) stays the definition.
"""

from __future__ import annotations

import math
from typing import Callable

import pandas as pd

from bench.metrics.base import MetricResult
from bench.metrics.registry import Scorecard

Results = dict[str, MetricResult]
Reader = Callable[[MetricResult, Results], str]

# (upper bound, words): the first band whose bound is above the value applies.
BANDS: dict[str, tuple[tuple[float, str], ...]] = {
    "similarity": ((0.8, "clearly different from the real data"), (0.9, "close to the real data, with visible "
                   "differences"), (math.inf, "very close to the real data")),
    "detection": ((0.6, "can barely tell synthetic rows from real ones"), (0.75, "often tells synthetic rows from "
                  "real ones"), (math.inf, "easily tells synthetic rows from real ones")),
    "gap": ((-0.1, "much less useful than the real data"), (-0.03, "somewhat less useful than the real data"),
            (math.inf, "about as useful as the real data")),
    "representation": ((1e-12, "has vanished from the synthetic data"), (0.5, "is strongly under-represented"),
                       (0.8, "is under-represented"), (math.inf, "keeps most of its real share")),
    "bias": ((-0.05, "removes some of the real model's unfairness (or blurs the subgroups)"),
             (0.05, "leaves the fairness of the model about as it is with real data"),
             (math.inf, "adds unfairness that the real data does not have")),
}


def band(kind: str, value: float) -> str:
    """The words of the band of ``BANDS[kind]`` that ``value`` falls in.

    Example:
        >>> band("detection", 0.55), band("gap", -0.2)
        ('can barely tell synthetic rows from real ones', 'much less useful than the real data')
    """
    return next(words for bound, words in BANDS[kind] if value < bound)


def number(result: MetricResult, digits: int = 3) -> str:
    """``value [low, high]`` of a result (the interval only when it has one).

    Example:
        >>> number(MetricResult("utility.tstr_auroc", 0.81234, 0.78, 0.84))
        '0.812 [0.780, 0.840]'
    """
    text = f"{result.value:.{digits}f}"
    if result.ci_low is not None and result.ci_high is not None:
        text += f" [{result.ci_low:.{digits}f}, {result.ci_high:.{digits}f}]"
    return text


def _share(value: float) -> str:
    return f"{100 * value:.1f}%"


def _similarity(what: str) -> Reader:
    return lambda r, _: f"{what} {number(r)} (1 = identical): {band('similarity', r.value)}."


def _detection(r: MetricResult, _: Results) -> str:
    return (f"a classifier trained to spot synthetic rows reaches AUROC {number(r)} (0.5 = guessing): "
            f"it {band('detection', r.value)}.")


def _rules(r: MetricResult, results: Results) -> str:
    real = results.get("fidelity.real_rule_violation_rate")
    reference = f", against {_share(real.value)} of the real rows" if real else ""
    return f"{_share(r.value)} of synthetic rows break at least one clinical rule of the card{reference}."


def _tstr(r: MetricResult, results: Results) -> str:
    real = results.get("utility.trtr_auroc")
    reference = f"; trained on the real rows it reaches {number(real)}" if real else ""
    return (f"a random forest trained on the synthetic rows reaches AUROC {number(r)} on real patients it never "
            f"saw{reference}.")


def _gap(r: MetricResult, _: Results) -> str:
    return f"TSTR minus TRTR AUROC is {number(r)}: for this model the synthetic data is {band('gap', r.value)}."


def _lowest(details: pd.DataFrame | None, column: str) -> str:
    """``attribute = subgroup`` of the judged row of a details table with the lowest ``column``, or ''."""
    if details is None or column not in details or details.empty:
        return ""
    judged = details[details["status"] == "ok"] if "status" in details else details
    if judged.empty or judged[column].isna().all():
        return ""
    row = judged.loc[judged[column].idxmin()]
    return f"{row['attribute']} = {row['subgroup']}"


def _representation(r: MetricResult, _: Results) -> str:
    which = _lowest(r.details, "ratio") or "the least represented subgroup"
    return (f"{which} has {r.value:.2f} times its real share in the synthetic data (1 = as common as in the real "
            f"data): it {band('representation', r.value)}.")


def _vanished(r: MetricResult, _: Results) -> str:
    count = int(r.value)
    return "no subgroup of the real data is missing from the synthetic data." if count == 0 else (
        f"{count} subgroup(s) of the real data have no synthetic row at all.")


def _worst_subgroup(r: MetricResult, _: Results) -> str:
    which = _lowest(r.details, "gap") or "the worst subgroup"
    return (f"in {which}, training on synthetic rather than real rows changes the AUROC by {number(r)} "
            "(0 = no loss; the interval is wide when the subgroup is small).")


def _added(kind: str) -> Reader:
    """Reader of a ``*_added`` metric, naming the attribute it was measured on (its tag) when known.

    Example:
        >>> read = _added("equalized-odds")
        >>> read(MetricResult("fairness.equalized_odds_added", 0.2,
        ...                   tags={"fairness.equalized_odds_attribute": "sex"}), {})
        'synthesis changes the equalized-odds difference for sex (where the synthetic-data model is least fair) by +0.200: it adds unfairness that the real data does not have.'
    """  # noqa: E501 - a doctest's expected output, kept whole
    def read(r: MetricResult, _: Results) -> str:
        attribute = r.tags.get(f"fairness.{kind.replace('-', '_')}_attribute")
        where = f" for {attribute} (where the synthetic-data model is least fair)" if attribute else ""
        return f"synthesis changes the {kind} difference{where} by {r.value:+.3f}: it {band('bias', r.value)}."
    return read


def _max_risk(r: MetricResult, _: Results) -> str:
    tags = r.tags
    verdict = tags.get("privacy.verdict", "?")
    attack = tags.get("privacy.max_risk_attack", "an attack")
    return (f"the attack with the highest upper bound ({attack}) has a residual risk of {number(r)}; "
            f"verdict against the {tags.get('privacy.risk_threshold', '0.09')} threshold: **{verdict}** "
            f"({tags.get('privacy.verdict_reason', '')}).")


def _attack(what: str) -> Reader:
    return lambda r, _: (f"{what}: residual risk {number(r)} (success on trained-on patients beyond success on "
                         "patients never trained on; 0 = no more than for strangers).")


def _copies(r: MetricResult, results: Results) -> str:
    copied, unseen = results.get("privacy.copied_share"), results.get("privacy.holdout_copied_share")
    reference = (f"; {_share(copied.value)} of training patients have a copy, against {_share(unseen.value)} of "
                 "patients never trained on (coincidences)") if copied and unseen else ""
    return f"{_share(r.value)} of synthetic rows are exact copies of a training patient{reference}."


def _closer(r: MetricResult, _: Results) -> str:
    lean = "no closer to" if abs(r.value - 0.5) < 0.05 else ("closer to" if r.value > 0.5 else "further from")
    return (f"{_share(r.value)} of synthetic rows lie nearer to a training patient than to an unseen one, corrected "
            f"for the two groups' sizes (50% = no memorisation signal): the synthetic rows are {lean} the patients "
            "the generator learnt from.")


def _seconds(stage: str) -> Reader:
    return lambda r, results: (f"{stage} took {r.value:.1f} s of wall time"
                               + (f" and peaked at {results[f'cost.{stage}_peak_rss_mb'].value:.0f} MB of memory"
                                  if f"cost.{stage}_peak_rss_mb" in results else "") + ".")


# Metric -> (short label, reader); the order is the reading order within a family.
READERS: dict[str, tuple[str, Reader]] = {
    "fidelity.univariate_similarity": ("Columns one by one", _similarity("per-column similarity is")),
    "fidelity.pair_similarity": ("Pairs of columns", _similarity("similarity of the column pairs is")),
    "fidelity.detection_auroc": ("Telling real from synthetic", _detection),
    "fidelity.rule_violation_rate": ("Impossible patients", _rules),
    "utility.tstr_auroc": ("Train on synthetic, test on real", _tstr),
    "utility.tstr_gap": ("Utility gap", _gap),
    "fairness.representation_ratio_min": ("Smallest representation", _representation),
    "fairness.vanished_subgroups": ("Vanished subgroups", _vanished),
    "fairness.worst_subgroup_gap": ("Worst subgroup", _worst_subgroup),
    "fairness.equalized_odds_added": ("Bias added (equalized odds)", _added("equalized-odds")),
    "fairness.demographic_parity_added": ("Bias added (demographic parity)", _added("demographic-parity")),
    "privacy.max_risk": ("Verdict", _max_risk),
    "privacy.singling_out_risk": ("Singling out", _attack("isolating one patient with a three-column predicate")),
    "privacy.linkability_risk": ("Linkability", _attack("linking two halves of a patient's known attributes")),
    "privacy.inference_risk": ("Inference", _attack("guessing a secret from the quasi-identifiers")),
    "privacy.exact_copy_rate": ("Exact copies", _copies),
    "privacy.dcr_closer_to_train": ("Closer to training patients", _closer),
    "cost.fit_wall_s": ("Fitting", _seconds("fit")),
    "cost.sample_wall_s": ("Sampling", _seconds("sample")),
    "cost.evaluate_wall_s": ("Scoring", _seconds("evaluate")),
}


def reading(scores: Scorecard, family: str) -> str:
    """A Markdown list reading every number of ``family`` that has a reader, in plain words.

    Metrics of the family that could not be computed are listed with their reason.

    Example:
        >>> scores = Scorecard([MetricResult("utility.tstr_auroc", 0.78), MetricResult("utility.trtr_auroc", 0.83),
        ...                     MetricResult("utility.tstr_gap", -0.05)])
        >>> print(reading(scores, "utility"))
        - **Train on synthetic, test on real**: a random forest trained on the synthetic rows reaches AUROC 0.780 on real patients it never saw; trained on the real rows it reaches 0.830.
        - **Utility gap**: TSTR minus TRTR AUROC is -0.050: for this model the synthetic data is somewhat less useful than the real data.
    """  # noqa: E501 - a doctest's expected output, kept whole
    results = scores.by_name()
    lines = [f"- **{label}**: {read(results[name], results)}" for name, (label, read) in READERS.items()
             if name.startswith(f"{family}.") and name in results]
    lines += [f"- **{u.name}** has no value: {u.reason}" for u in scores.unavailable if u.name.startswith(f"{family}.")]
    return "\n".join(lines) if lines else f"No {family} metric was computed."
