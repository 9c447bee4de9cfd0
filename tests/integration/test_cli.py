import subprocess
import sys
from pathlib import Path

import pytest

from bench.cli import main
from bench.paths import CARDS_DIR


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], capture_output=True, text=True, timeout=300)


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("datasets", "generators", "metrics", "run", "report"):
        assert command in result.stdout


@pytest.mark.parametrize("command, expected", [
    ("datasets", ["pima", "sepsis_like", "diabetes", "embedded simulator"]),
    ("generators", ["marginals", "copy", "bayesian_network", "baseline"]),
    ("metrics", ["fidelity.univariate_similarity", "utility.tstr_auroc", "maximize ↑", "cost.fit_wall_s"]),
])
def test_listing_commands(capsys, command, expected):
    assert main([command]) == 0
    out = capsys.readouterr().out
    for text in expected:
        assert text in out


def test_dry_run_prints_the_cells_and_writes_nothing(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from conftest import REPO

    assert main(["run", str(REPO / "benchmarks" / "quick.yaml"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "pima/bayesian_network/seed=0" in out and "6 cells" in out
    assert list(tmp_path.iterdir()) == []


def test_bad_benchmark_file_exits_non_zero_with_a_clear_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndatasets: [pima]\ngenerators: [ctgann]\nseeds: [0]\n")
    results = tmp_path / "results"
    result = run_cli("run", str(bad), "--results", str(results))
    assert result.returncode == 2
    assert "error:" in result.stderr and "ctgann" in result.stderr and "bad.yaml" in result.stderr
    assert "Traceback" not in result.stderr
    assert not results.exists()


def test_report_without_runs_is_a_clear_error(tmp_path, capsys):
    assert main(["report", "--results", str(tmp_path / "empty")]) == 2
    assert "no sweeps found" in capsys.readouterr().err


# --- bench datasets / bench datasets validate ----------------------------------------------------

WARD_CARD = """\
name: ward
family: other
title: Ward extract
licence: private
citation: internal
target: death
positive_label: 1
columns:
  age: {type: numerical, range: [18, 110]}
  sex: {type: categorical, values: [F, M]}
  death: categorical
missing:
  never_missing: [age, sex]
rules:
  - "age < 100"
"""


def write_ward(folder, rows: str = "", card: str = WARD_CARD):
    csv, card_path = folder / "ward.csv", folder / "ward.yaml"
    body = rows or "".join(f"{40 + i % 50},{'FM'[i % 2]},{int(i % 4 == 0)}\n" for i in range(40))
    csv.write_text("age,sex,death\n" + body)
    card_path.write_text(card)
    return csv, card_path


def test_datasets_listing_shows_size_prevalence_licence_and_offline_availability(capsys, mirror):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["name", "family", "rows", "columns", "target", "prevalence", "licence", "offline"]
    pima = next(line for line in out.splitlines() if line.startswith("pima "))
    assert pima.split()[:6] == ["pima", "diabetes", "768", "9", "Outcome", "34.9%"] and "yes (mirror)" in pima
    sepsis = next(line for line in out.splitlines() if line.startswith("sepsis_like "))
    assert "5,000 (default)" in sepsis and sepsis.rstrip().endswith("embedded simulator")
    assert "user_csv[path=" in out


def test_datasets_listing_does_not_download(capsys, monkeypatch):
    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)
    assert main(["datasets"]) == 0
    pima = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("pima "))
    assert pima.split()[2] == "-" and "no (download)" in pima


def test_validate_a_clean_user_card_and_file(tmp_path, capsys):
    csv, card = write_ward(tmp_path)
    before = sorted(tmp_path.iterdir())
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "dataset 'ward', target 'death' (positive 1), 3 columns" in out
    assert "40 rows read, 40 kept" in out and "ok: no problems found" in out
    assert sorted(tmp_path.iterdir()) == before  # nothing written


def test_validate_reports_every_problem_and_exits_1(tmp_path, capsys):
    rows = "30,F,1\n150,M,0\n45,X,0\n,F,0\n99,M,0\n101,F,1\n"
    csv, card = write_ward(tmp_path, rows)
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "3 problems:" in out
    assert "column 'age': out_of_range: 1 of 6 rows (16.7%) outside [18, 110] (e.g. 150)" in out
    assert "column 'sex': unknown_value: 1 of 6 rows (16.7%) with other values (e.g. 'X')" in out
    assert "column 'age': missing_value: 1 of 6 rows (16.7%) missing" in out
    assert "note  rule 'age < 100': 2 of 5 rows where its columns are observed break it" in out


@pytest.mark.parametrize("change, expected", [
    (lambda c: c.replace('"age < 100"', '"age >> > 0"'), "rules[0] does not parse: 'age >> > 0'"),
    (lambda c: c.replace("  death: categorical", "  death: categorical\n  weight: numerical"),
     "column(s) ['weight'] named in card 'ward' are missing"),
    (lambda c: c.replace("target: death", "target: outcome"), "target 'outcome' is not in 'columns'"),
    (lambda c: c + "source:\n  files:\n    - {name: ward.csv, sha256: " + "b" * 64 + "}\n",
     "expects " + "b" * 64 + ": not the file the card describes"),
    (lambda c: c.replace("never_missing: [age, sex]", "never_missing: [age, height]"),
     "column 'height': unknown_column: missing.never_missing names it"),
])
def test_validate_surfaces_card_and_file_problems(tmp_path, capsys, change, expected):
    csv, card = write_ward(tmp_path, card=change(WARD_CARD))
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 1
    assert expected in capsys.readouterr().out


def test_validate_a_target_with_one_class_and_a_wrong_type(tmp_path, capsys):
    csv, card = write_ward(tmp_path, "30,F,0\nabc,M,0\n45,F,0\n")
    assert main(["datasets", "validate", str(card), "--file", str(csv)]) == 1
    out = capsys.readouterr().out
    assert "column 'age': not_numeric: 1 of 3 rows (33.3%) not numbers (e.g. 'abc')" in out
    assert "column 'death': target_classes: 1 class: 0 (3 rows); the positive label 1 (int) never occurs" in out


def test_validate_a_shipped_card_against_the_mirror(capsys, mirror):

    assert main(["datasets", "validate", str(CARDS_DIR / "pima.yaml")]) == 0
    assert f"{mirror / 'diabetes.csv'} (mirror): 768 rows read" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["nope.yaml"], "dataset card not found: {cwd}/nope.yaml"),  # paths made absolute where the command starts
    (["CARD", "--file", "nope.csv"], "data file not found: {cwd}/nope.csv"),
    (["BADYAML"], "not valid YAML"),
])
def test_validate_unusable_input_exits_2(tmp_path, capsys, args, message):
    csv, card = write_ward(tmp_path)
    (tmp_path / "bad.yaml").write_text("name: [unclosed")
    args = [{"CARD": str(card), "BADYAML": str(tmp_path / "bad.yaml")}.get(a, a) for a in args]
    assert main(["datasets", "validate", *args]) == 2
    assert message.format(cwd=Path.cwd()) in capsys.readouterr().err


def test_validate_a_card_whose_file_is_not_offline_exits_2(tmp_path, capsys, monkeypatch):

    monkeypatch.delenv("BENCH_DATA_MIRROR", raising=False)
    assert main(["datasets", "validate", str(CARDS_DIR / "pima.yaml")]) == 2
    assert "diabetes.csv (card 'pima') is not in the cache" in capsys.readouterr().err


def test_the_browse_command_names_the_store_the_sweep_used(tmp_path, monkeypatch):
    from bench.cli import browse_command

    monkeypatch.chdir(tmp_path)
    store = f"sqlite:///{tmp_path.resolve()}/results/mlflow.db"
    assert browse_command(store, tmp_path / "results").endswith(f"mlflow ui --backend-store-uri {store}")
    assert "make" not in browse_command(store, tmp_path / "results")  # not in a checkout: no Makefile here
    Path("Makefile").write_text("ui:\n")
    assert browse_command(store, tmp_path / "results").startswith("make ui  (or: ")
    other = f"sqlite:///{tmp_path.resolve()}/elsewhere/mlflow.db"
    assert browse_command(other, tmp_path / "elsewhere").startswith(f"make ui RESULTS={tmp_path / 'elsewhere'}  (or: ")
    assert "make" not in browse_command("sqlite:////data/shared.db", tmp_path / "results")  # MLFLOW_TRACKING_URI
