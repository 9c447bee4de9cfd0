"""The privacy verdicts and the metrics without a value reach the tables and report.html, not only MLflow tags."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.report import page as report_page
from bench.report import verdicts


def runs_with_verdicts() -> pd.DataFrame:
    rows = [
        # dataset, generator, seed, status, verdict, worst attack, max risk, unavailable
        ("pima", "copy", 0, "FINISHED", "fail", "singling_out", 0.9, {}),
        ("pima", "copy", 1, "FINISHED", "fail", "linkability", 0.95, {}),
        ("pima", "copy", 2, "FAILED", "", "", float("nan"), {}),
        ("pima", "holdout", 0, "FINISHED", "pass", "inference", 0.02, {}),
        ("pima", "holdout", 1, "FINISHED", "inconclusive", "inference", 0.12,
         {"fairness.worst_subgroup_gap": "not applicable: no subgroup with 20 rows in the holdout"}),
        ("heart", "holdout", 0, "FINISHED", "pass", "singling_out", 0.01,
         {"fairness.worst_subgroup_gap": "not applicable: no subgroup with 20 rows in the holdout",
          "utility.tstr_auroc": "failed: ValueError: one class"}),
    ]
    return pd.DataFrame([{
        "run_id": f"r{i}", "cell": f"{d}/{g}/seed={s}", "dataset": d, "generator": g, "seed": s, "status": st,
        "error": "" if st == "FINISHED" else "MemoryError", "privacy_verdict": v, "privacy_worst_attack": a,
        "privacy.max_risk": r, "privacy.risk_upper_bound": r + 0.05, "unavailable": u}
        for i, (d, g, s, st, v, a, r, u) in enumerate(rows)])


def test_verdicts_are_counted_per_generator_and_dataset_with_the_worst_attack():
    table = verdicts.verdict_table(runs_with_verdicts()).set_index(["dataset", "generator"])
    copy, holdout = table.loc[("pima", "copy")], table.loc[("pima", "holdout")]
    assert (copy["cells"], copy["fail"], copy["pass"], copy["no_verdict"]) == (3, 2, 0, 1)  # the failed cell too
    assert copy["worst_attack"] == "linkability"  # behind the highest upper bound, not the first cell's
    assert (holdout["pass"], holdout["inconclusive"], holdout["fail"]) == (1, 1, 0)
    assert (table[list(verdicts.VERDICTS)].sum(axis=1) + table["no_verdict"] == table["cells"]).all()
    wide = verdicts.verdict_comparison(runs_with_verdicts())
    assert wide.loc["copy", "pima"] == "2 fail, 1 no verdict of 3 (worst: linkability; max_risk 0.93, holdout 0.07)"
    assert wide.loc["holdout", "heart"] == "1 pass of 1 (worst: singling_out; max_risk 0.01)"  # the reference itself
    assert copy["reference_max_risk"] == holdout["max_risk"] == pytest.approx(0.07)
    assert wide.loc["copy", "heart"] == ""  # never run there


def test_unavailable_metrics_are_listed_with_their_reason_and_the_cells_they_concern():
    table = verdicts.unavailable_table(runs_with_verdicts())
    gap = table[table["metric"] == "fairness.worst_subgroup_gap"]
    assert set(gap["dataset"]) == {"pima", "heart"} and gap["cells"].sum() == 2
    assert set(gap["status"]) == {"not applicable"} and set(gap["reason"]) == {
        "no subgroup with 20 rows in the holdout"}
    failed = table[table["metric"] == "utility.tstr_auroc"].iloc[0]
    assert (failed["status"], failed["reason"]) == ("failed", "ValueError: one class")


def test_the_report_page_shows_the_verdicts_and_the_missing_metrics_only_when_there_are_some(tmp_path):
    runs = runs_with_verdicts()
    page = report_page.render(tmp_path, "demo", [], runs)
    assert "<h2>Privacy verdicts</h2>" in page and "2 fail, 1 no verdict of 3 (worst: linkability;" in page
    assert "one-sided 95% upper bound" in page
    assert "<h2>Metrics without a value</h2>" in page and "no subgroup with 20 rows in the holdout" in page
    quiet = runs.assign(privacy_verdict="", unavailable=[{}] * len(runs))
    page = report_page.render(tmp_path, "demo", [], quiet)
    assert "Privacy verdicts" not in page and "Metrics without a value" not in page


def test_verdict_tables_are_written_for_a_paper(tmp_path):
    paths = verdicts.write_verdicts(runs_with_verdicts(), tmp_path)
    assert [p.name for p in paths] == ["privacy_verdicts.csv", "privacy_verdicts.md", "privacy_verdicts.tex",
                                       "unavailable.csv"]
    assert pd.read_csv(tmp_path / "privacy_verdicts.csv")["fail"].sum() == 2
    tex = Path(tmp_path / "privacy_verdicts.tex").read_text()
    assert "\\toprule" in tex and "2 fail, 1 no verdict of 3 (worst: linkability; max\\_risk 0.93, holdout 0.07)" in tex
    none = verdicts.write_verdicts(runs_with_verdicts().assign(privacy_verdict=""), tmp_path / "none")
    assert [p.name for p in none] == ["unavailable.csv"]  # no verdict table where privacy was not scored
