"""Your own tables through the documented commands, as a user runs them: relative paths, a header-less
CSV with '?' for missing values and a derived target, an 'NA'-coded CSV whose data break its card, a
3-generator sweep in which one table's cells fail, and the report built all the same."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bench.cli import main

COLUMNS = ["age", "sex", "lactate", "severity"]


def ward_rows(n: int, seed: int) -> pd.DataFrame:
    """Severity 0-4 (the target is derived from it), lactate often unmeasured."""
    rng = np.random.default_rng(seed)
    lactate = rng.gamma(2.0, 1.0, n).round(1)
    lactate[rng.random(n) < 0.25] = np.nan
    return pd.DataFrame({"age": rng.integers(18, 95, n), "sex": rng.choice(["F", "M"], n), "lactate": lactate,
                         "severity": rng.choice([0, 1, 2, 3, 4], n, p=[0.6, 0.1, 0.1, 0.1, 0.1])})


def card(name: str, read: dict, age_range: list[int]) -> dict:
    return {
        "name": name, "family": "other", "title": f"{name} extract", "licence": "private", "citation": "internal",
        "target": "sick", "positive_label": 1, "source": {"read": read},
        "derive": {"sick": "severity > 0"},
        "columns": {"age": {"type": "numerical", "range": age_range},
                    "sex": {"type": "categorical", "values": ["F", "M"]},
                    "lactate": {"type": "numerical", "range": [0, 30]},
                    "sick": {"type": "categorical", "values": [0, 1]}},
        "sensitive": {"sex": {}}, "quasi_identifiers": ["age", "sex"], "secrets": ["lactate"],
    }


@pytest.fixture
def user_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In ``tmp_path`` (the working directory): ``ward.csv`` (no header, '?' for missing) with a card that
    fits it, and ``clinic.csv`` ('NA' for missing) whose ages break its card's range."""
    monkeypatch.chdir(tmp_path)
    ward = ward_rows(400, 0).astype(object).where(lambda f: f.notna(), "?")
    ward.to_csv("ward.csv", header=False, index=False)
    Path("ward.yaml").write_text(yaml.safe_dump(card("ward", {"header": None, "names": COLUMNS, "na_values": ["?"]},
                                                     [18, 110]), sort_keys=False))
    ward_rows(300, 1).to_csv("clinic.csv", index=False, na_rep="NA")
    Path("clinic.yaml").write_text(yaml.safe_dump(card("clinic", {"na_values": ["NA"]}, [18, 60]), sort_keys=False))
    Path("study.yaml").write_text(yaml.safe_dump({
        "name": "study", "seeds": [0], "metrics": ["fidelity", "utility", "privacy"],
        "metric_options": {"n_attacks": 100},
        "datasets": ["user_csv[path=ward.csv,card=ward.yaml]", "user_csv[path=clinic.csv,card=clinic.yaml]"],
        "generators": ["marginals", "copy", "gaussian_copula"]}, sort_keys=False))
    return tmp_path


def test_a_user_sweep_with_a_failing_table_still_reports_every_cell_by_card_name(user_tables, capsys):
    assert main(["datasets", "validate", "ward.yaml", "--file", "ward.csv"]) == 0
    assert main(["datasets", "validate", "clinic.yaml", "--file", "clinic.csv"]) == 1  # ages above 60
    capsys.readouterr()
    code = main(["run", "study.yaml", "--results", "results", "--workers", "2"])
    out = capsys.readouterr().out
    assert code == 1, out  # the clinic cells failed, and the command says so
    assert "6 cells: 3 finished, 3 failed" in out
    failed = [line for line in out.splitlines() if line.startswith("  FAILED clinic/")]
    assert len(failed) == 3 and all("1 problem: column 'age': out_of_range" in line for line in failed)  # the why
    browse = next(line for line in out.splitlines() if "browse with:" in line)  # no Makefile here: no make ui
    assert browse.endswith(f"mlflow ui --backend-store-uri sqlite:///{user_tables.resolve()}/results/mlflow.db")
    assert "make ui" not in browse

    cells = pd.read_csv("results/tables/study/cells.csv")
    assert sorted(cells["dataset"].unique()) == ["clinic", "ward"]  # card names, not user_csv[...paths...]
    assert set(cells.loc[cells["dataset"] == "clinic", "status"]) == {"FAILED"}
    assert set(cells.loc[cells["dataset"] == "ward", "status"]) == {"FINISHED"}
    assert (cells["seed"] == 0).all() and sorted(cells["generator"]) == sorted(["marginals", "copy",
                                                                               "gaussian_copula"] * 2)
    assert cells.loc[(cells["dataset"] == "ward") & (cells["generator"] == "copy"), "privacy_verdict"].item() == "fail"

    page = Path("results/report.html").read_text()
    assert "Failed cells" in page and "clinic/copy/seed=0" in page and "Privacy verdicts" in page
    verdicts = Path("results/tables/study/privacy_verdicts.md").read_text()
    assert "| copy |" in verdicts and "1 fail of 1 (worst:" in verdicts
    assert "n=1" in Path("results/tables/study/fidelity_pair_similarity.md").read_text()  # one seed, marked

    # No server folder layout in any output a paper or a colleague sees (a failed cell's error names its card).
    def shown(path: Path) -> str:
        if path.name == "cells.csv":
            return pd.read_csv(path).drop(columns="error").to_csv()
        return re.sub(r"<h2>Failed cells</h2>.*?</table>", "", path.read_text(errors="ignore"), flags=re.S)

    outputs = [p for p in Path("results").rglob("*") if p.is_file() and p.suffix in (".csv", ".md", ".tex", ".svg",
                                                                                     ".html")]
    assert len(outputs) > 20 and not [p for p in outputs if str(user_tables) in shown(p)]

    assert main(["report", "--results", "results"]) == 0  # bench report on its own, as the docs say

    # The user widens the clinic card's age range and runs again: the clinic cells have new ids and
    # finish; the report shows them, not the failed runs of the old card beside them.
    Path("clinic.yaml").write_text(yaml.safe_dump(card("clinic", {"na_values": ["NA"]}, [18, 110]), sort_keys=False))
    assert main(["run", "study.yaml", "--results", "results", "--workers", "2"]) == 0
    assert "6 cells: 3 finished, 0 failed, 3 skipped" in capsys.readouterr().out
    assert main(["report", "--results", "results"]) == 0
    cells = pd.read_csv("results/tables/study/cells.csv")
    assert len(cells) == 6 and set(cells["status"]) == {"FINISHED"}


def test_an_unknown_user_csv_option_is_named_before_anything_runs(user_tables, capsys):
    Path("typo.yaml").write_text(yaml.safe_dump({
        "name": "typo", "seeds": [0], "datasets": ["user_csv[file=ward.csv,card=ward.yaml]"],
        "generators": ["marginals"]}))
    assert main(["run", "typo.yaml", "--results", "results"]) == 2
    err = capsys.readouterr().err
    assert "datasets: dataset 'user_csv' has no option 'file'" in err and "path" in err
    assert not Path("results").exists()  # nothing half-written
