"""A sweep's privacy verdicts and its metrics without a value, as tables for the report.

Each cell's scorecard II ends in a verdict (``pass``, ``fail`` or ``inconclusive`` against the
risk threshold, see ``bench.metrics.privacy``) and names its worst attack; each metric that could
not be computed carries its reason (``unavailable.<metric>`` tags). Both live in MLflow tags, which
the metric tables do not show: this module counts them per dataset and generator, so that a
verdict or a missing metric is never only in a tag.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bench.report import latex
from bench.report.summary import FINISHED
from bench.report.tables import markdown_table

VERDICTS = ("pass", "fail", "inconclusive")
REFERENCE_GENERATOR = "holdout"  # real rows never trained on: the max_risk every generator is read against
VERDICT_RULE = ("against the risk threshold (pass: every attack's one-sided 95% upper bound below it; fail: an attack "
                "shown above it by one-sided tests, Holm-corrected over the attacks; inconclusive: otherwise), "
                "counted over seeds; worst: the attack behind the highest upper bound; max_risk: the mean over "
                f"the judged cells, beside the {REFERENCE_GENERATOR} baseline's (real rows never trained on)")
VERDICT_TABLE_COLUMNS = ("dataset", "generator", "cells", *VERDICTS, "no_verdict", "worst_attack", "max_risk",
                         "reference_max_risk")
UNAVAILABLE_COLUMNS = ("metric", "status", "reason", "dataset", "generator", "cells")


def _example_runs() -> pd.DataFrame:
    """Four cells of one dataset: two copy seeds (fail, inconclusive), one failed marginals cell, one holdout cell."""
    return pd.DataFrame({
        "dataset": ["pima"] * 4, "generator": ["copy", "copy", "marginals", "holdout"], "seed": [0, 1, 0, 0],
        "status": [FINISHED, FINISHED, "FAILED", FINISHED], "privacy_verdict": ["fail", "inconclusive", "", "pass"],
        "privacy_worst_attack": ["singling_out", "inference", "", "linkability"],
        "privacy.max_risk": [0.6, 0.3, float("nan"), 0.01], "privacy.risk_upper_bound": [0.7, 0.5, float("nan"), 0.05],
        "unavailable": [{"fairness.worst_subgroup_gap": "not applicable: no subgroup of 20 rows"}, {}, {}, {}]})


def has_verdicts(runs: pd.DataFrame) -> bool:
    """Whether some cell of ``runs`` has a privacy verdict (privacy was scored).

    Example:
        >>> has_verdicts(_example_runs()), has_verdicts(_example_runs().assign(privacy_verdict=""))
        (True, False)
    """
    return "privacy_verdict" in runs and bool(runs["privacy_verdict"].isin(VERDICTS).any())


def verdict_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per (dataset, generator): its cells, how many of them passed, failed or were
    inconclusive, how many have no verdict (a failed cell, or privacy not scored), the worst attack
    (the one behind the highest upper bound, ``privacy.risk_upper_bound``, over its cells), the mean
    ``privacy.max_risk`` of its judged cells, and that of the ``holdout`` baseline on the same
    dataset (real rows never trained on: what an attack finds in data that leaks nothing).

    Example:
        >>> table = verdict_table(_example_runs())
        >>> table[["generator", "cells", "pass", "fail", "inconclusive", "no_verdict"]].values.tolist()
        [['copy', 2, 0, 1, 1, 0], ['holdout', 1, 1, 0, 0, 0], ['marginals', 1, 0, 0, 0, 1]]
        >>> table["worst_attack"].tolist(), table["max_risk"].round(2).tolist(), table["reference_max_risk"].tolist()
        (['singling_out', 'linkability', ''], [0.45, 0.01, nan], [0.01, 0.01, 0.01])
    """
    rows = []
    for (dataset, generator), group in runs.groupby(["dataset", "generator"], sort=True):
        verdicts = group.get("privacy_verdict", pd.Series("", index=group.index)).where(group["status"] == FINISHED, "")
        counts = {verdict: int((verdicts == verdict).sum()) for verdict in VERDICTS}
        judged = group[verdicts.isin(VERDICTS)]
        worst, ranked_by = "", next((c for c in ("privacy.risk_upper_bound", "privacy.max_risk") if c in judged), None)
        if len(judged) and ranked_by and judged[ranked_by].notna().any():
            worst = str(judged.loc[judged[ranked_by].idxmax(), "privacy_worst_attack"])
        rows.append({"dataset": dataset, "generator": generator, "cells": len(group), **counts,
                     "no_verdict": len(group) - sum(counts.values()), "worst_attack": worst,
                     "max_risk": judged["privacy.max_risk"].mean() if "privacy.max_risk" in judged else float("nan")})
    table = pd.DataFrame(rows, columns=list(VERDICT_TABLE_COLUMNS[:-1]))
    reference = table[table["generator"] == REFERENCE_GENERATOR].set_index("dataset")["max_risk"]
    return table.assign(reference_max_risk=table["dataset"].map(reference).astype(float))


def verdict_text(row: pd.Series) -> str:
    """One table entry: the non-zero counts, then the worst attack and the mean ``max_risk`` beside the
    ``holdout`` baseline's.

    Example:
        >>> verdict_text(verdict_table(_example_runs()).iloc[0])
        '1 fail, 1 inconclusive of 2 (worst: singling_out; max_risk 0.45, holdout 0.01)'
    """
    counts = [f"{int(row[key])} {key.replace('_', ' ')}" for key in (*VERDICTS, "no_verdict") if int(row[key])]
    notes = [f"worst: {row['worst_attack']}"] if row["worst_attack"] else []
    if pd.notna(row.get("max_risk")):
        reference = row.get("reference_max_risk")
        notes.append(f"max_risk {row['max_risk']:.2f}" + (f", {REFERENCE_GENERATOR} {reference:.2f}"
                                                          if pd.notna(reference) and row["generator"] !=
                                                          REFERENCE_GENERATOR else ""))
    return f"{', '.join(counts)} of {int(row['cells'])}" + (f" ({'; '.join(notes)})" if notes else "")


def verdict_comparison(runs: pd.DataFrame) -> pd.DataFrame:
    """Wide text table, rows generator, columns dataset, each entry a ``verdict_text``.

    Example:
        >>> verdict_comparison(_example_runs())["pima"].to_dict()["marginals"]
        '1 no verdict of 1'

    """
    table = verdict_table(runs)
    table = table.assign(text=[verdict_text(row) for _, row in table.iterrows()])
    wide = table.pivot(index="generator", columns="dataset", values="text").fillna("")
    wide.columns.name = None
    return wide


def unavailable_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Metrics without a value: one row per (metric, status, reason, dataset, generator) with the number
    of finished cells it concerns; empty when every metric has its value everywhere.

    Example:
        >>> unavailable_table(_example_runs()).iloc[0].tolist()
        ['fairness.worst_subgroup_gap', 'not applicable', 'no subgroup of 20 rows', 'pima', 'copy', 1]
    """
    rows = [{"metric": metric, "status": status.strip(), "reason": reason.strip(), "dataset": cell.dataset,
             "generator": cell.generator}
            for cell in runs[runs["status"] == FINISHED].itertuples()
            for metric, text in (getattr(cell, "unavailable", None) or {}).items()
            for status, _, reason in [str(text).partition(":")]]
    frame = pd.DataFrame(rows, columns=list(UNAVAILABLE_COLUMNS[:-1]))
    return frame.groupby(list(frame.columns), sort=True).size().rename("cells").reset_index()


def write_verdicts(runs: pd.DataFrame, tables_dir: Path) -> list[Path]:
    """``privacy_verdicts.csv`` (counts), ``.md`` and ``.tex`` (generator x dataset) and
    ``unavailable.csv`` under ``tables_dir``; the verdict tables only when some cell scored privacy.

    Example:
        >>> import tempfile
        >>> [p.name for p in write_verdicts(_example_runs(), Path(tempfile.mkdtemp()))]
        ['privacy_verdicts.csv', 'privacy_verdicts.md', 'privacy_verdicts.tex', 'unavailable.csv']
    """
    tables_dir = Path(tables_dir)
    tables_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    if has_verdicts(runs):
        verdict_table(runs).to_csv(tables_dir / "privacy_verdicts.csv", index=False)
        wide = verdict_comparison(runs)
        wide.index.name = "generator"
        note = f"Privacy verdicts per cell {VERDICT_RULE}; no verdict: a failed cell or privacy not scored."
        (tables_dir / "privacy_verdicts.md").write_text(f"### Privacy verdicts\n\n{note}\n\n{markdown_table(wide)}\n",
                                                        encoding="utf-8")
        latex_wide = wide.map(latex.escape)
        (tables_dir / "privacy_verdicts.tex").write_text(latex.tabular(latex_wide,
                                                                       note + "\nNeeds \\usepackage{booktabs}.")
                                                         + "\n", encoding="utf-8")
        paths += [tables_dir / f"privacy_verdicts.{suffix}" for suffix in ("csv", "md", "tex")]
    unavailable_table(runs).to_csv(tables_dir / "unavailable.csv", index=False)
    return paths + [tables_dir / "unavailable.csv"]


__all__ = ["REFERENCE_GENERATOR", "UNAVAILABLE_COLUMNS", "VERDICTS", "VERDICT_RULE", "VERDICT_TABLE_COLUMNS",
           "has_verdicts", "unavailable_table", "verdict_comparison", "verdict_table", "verdict_text", "write_verdicts"]
