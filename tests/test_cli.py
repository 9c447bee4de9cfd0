import subprocess
import sys

import pytest

from bench.cli import main


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
