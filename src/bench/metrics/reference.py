"""What real data achieves, computed once per split and reused by every generator scored against it.

The TRTR models (every utility model trained on the real training rows, scored on the holdout),
the reference forest's permutation importances on the holdout and the real rows' rule violations
depend only on the split and the metric seed. They are kept in memory and in a small on-disk cache
(``<BENCH_DATA_CACHE>/reference/<key>.npz``, beside the downloaded files, never in results or
MLflow), so the cells of a sweep, each in its own process, fit them once per split.

The key is a sha256 of the training and holdout rows' contents, the card's columns, the seed and
the model definitions' version (``REFERENCE_VERSION``, raised whenever ``models`` change), so a
different split, a changed card or an upgraded scikit-learn never reuses a stale entry. A
reference in which a model failed (``FitFailure``) is kept in memory only, so a passing error (e.g.
out of memory) is not stored for later cells.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bench.datasets.fetch import cache_dir
from bench.datasets.rules import judge_plausibility
from bench.datasets.splits import Split
from bench.metrics.models import MODELS, FitFailure, Prediction, fit_predict_or_failure

# 2: whole-number columns among the checks; 3: shares over the rows judged; 4: dense one-hot capped at
# MAX_CATEGORIES levels, permutation (not impurity) importances on the holdout
REFERENCE_VERSION = 4
_MEMORY: dict[str, "RealReference"] = {}
_MEMORY_LIMIT = 8


@dataclass
class RealReference:
    """TRTR predictions per model on the holdout, and the real rows' plausibility violations.

    ``rule_broken`` is, per plausibility check (each card rule, then each whole-number column; see
    ``bench.datasets.rules.judge_plausibility``), the share of real training rows it judges that break
    it; ``any_rule_broken`` the share of the rows judged by at least one check that break at least one.
    """

    trtr: dict[str, Prediction | FitFailure]
    rule_broken: pd.Series
    any_rule_broken: float


def reference_key(split: Split, seed: int) -> str:
    """sha256 naming a split's reference: row contents, card columns, seed, model and library versions.

    Example:
        >>> from bench.datasets import load_split
        >>> split = load_split("sepsis_like", n_patients=1000)
        >>> reference_key(split, 0) == reference_key(split, 0) != reference_key(split, 1)
        True
    """
    import sklearn

    digest = hashlib.sha256()
    for part in (split.train, split.holdout):
        digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
    digest.update(json.dumps([split.card.columns, split.card.target, str(split.card.positive_label),
                              list(split.card.rules), list(split.card.integer_columns), seed, REFERENCE_VERSION,
                              sklearn.__version__, sorted(MODELS)]).encode())
    return digest.hexdigest()


def real_reference(split: Split, seed: int) -> RealReference:
    """The split's reference, from memory, from the disk cache, or computed (and then stored)."""
    key = reference_key(split, seed)
    if key in _MEMORY:
        return _MEMORY[key]
    path = cache_dir() / "reference" / f"{key}.npz"
    reference = _read(path) if path.is_file() else None
    if reference is None:
        reference = compute_reference(split, seed)
        if not any(isinstance(p, FitFailure) for p in reference.trtr.values()):
            _write(path, reference)
    if len(_MEMORY) >= _MEMORY_LIMIT:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[key] = reference
    return reference


def compute_reference(split: Split, seed: int) -> RealReference:
    """Fit every utility model on the real training rows and judge those rows by the card's plausibility checks."""
    card = split.card
    trtr = {model: fit_predict_or_failure(model, split.train, split.holdout, card, seed) for model in MODELS}
    judged, broken = judge_plausibility(split.train, card)
    shares = broken.sum() / judged.sum().where(judged.sum() > 0)
    rows_judged = int(judged.any(axis=1).sum())
    any_broken = float(broken.any(axis=1).sum() / rows_judged) if rows_judged else 0.0
    return RealReference(trtr, shares.fillna(0.0).astype(float), any_broken)


def _write(path: Path, reference: RealReference) -> None:
    arrays: dict[str, np.ndarray] = {
        "rules": np.array(list(reference.rule_broken.index), dtype=str),
        "rule_broken": reference.rule_broken.to_numpy(dtype=float),
        "any_rule_broken": np.array(reference.any_rule_broken),
    }
    for model, prediction in reference.trtr.items():
        arrays[f"{model}.scores"] = prediction.scores
        arrays[f"{model}.meta"] = np.array([prediction.prevalence, float(prediction.constant)])
        if prediction.importances is not None:
            arrays[f"{model}.importance_names"] = np.array(list(prediction.importances.index), dtype=str)
            arrays[f"{model}.importances"] = prediction.importances.to_numpy(dtype=float)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        np.savez(handle, **arrays)
    os.replace(handle.name, path)  # atomic: concurrent cells never read a half-written file


def _read(path: Path) -> RealReference | None:
    """The cached reference, or None when the file is unreadable or lacks a model (it is then recomputed)."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            trtr = {}
            for model in MODELS:
                prevalence, constant = stored[f"{model}.meta"]
                importances = None
                if f"{model}.importances" in stored:
                    importances = pd.Series(stored[f"{model}.importances"],
                                            index=list(stored[f"{model}.importance_names"]))
                trtr[model] = Prediction(stored[f"{model}.scores"], float(prevalence), importances, bool(constant))
            rules = pd.Series(stored["rule_broken"], index=list(stored["rules"]), dtype=float)
            return RealReference(trtr, rules, float(stored["any_rule_broken"]))
    except (OSError, KeyError, ValueError):
        return None


__all__ = ["REFERENCE_VERSION", "RealReference", "compute_reference", "real_reference", "reference_key"]
