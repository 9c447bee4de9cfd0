"""The package stands on its own: a wheel built from this checkout, installed into a fresh virtual
environment outside the repository, lists the datasets and runs a one-cell sweep from an empty folder.

The wheel is installed without its dependencies, which the fresh environment borrows from this
project's ``.venv`` through a path file (installing torch and synthcity again would take minutes and
a network). The path file does not run ``.venv``'s own path files, so the checkout's ``src`` (the
editable install) stays out of reach: every ``bench`` module comes from the wheel.
"""

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

ONE_CELL = """
name: from_the_wheel
datasets: ["sepsis_like[n_patients=1000]"]
generators: [marginals]
seeds: [0]
metrics: [fidelity]
timeout_s: 600
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "--wheel-dir", str(out), str(REPO)], check=True, capture_output=True)
    return next(out.glob("health_synth_bench-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh environment with the wheel and, borrowed, this environment's third-party packages."""
    home = tmp_path_factory.mktemp("wheel-env")
    venv.EnvBuilder(with_pip=False).create(home / "env")
    python = home / "env" / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    return python


def clean_env() -> dict[str, str]:
    """This process's environment without what would point ``bench`` at the checkout or another store."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "MLFLOW_TRACKING_URI")}


def test_the_wheel_holds_the_run_notebook_the_cards_the_use_cases_and_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"bench/sweep/run_cell.ipynb", "bench/datasets/card_files/pima.yaml",
            "bench/report/use_cases.yaml", "bench/report/templates/report_page.html.j2",
            "bench/report/templates/declaration.html.j2"} <= names
    assert not any(name.startswith(("tests/", "notebooks/", "benchmarks/")) for name in names)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = subprocess.run([str(installed), "-c", "import bench, bench.paths; print(bench.__file__); "
                            "print(bench.paths.source_checkout())"], capture_output=True, text=True, check=True,
                           cwd=tmp_path, env=clean_env()).stdout.split("\n")
    assert not Path(where[0]).is_relative_to(REPO) and where[1] == "None"


def test_bench_lists_datasets_and_runs_a_cell_from_an_empty_folder(installed, tmp_path):
    bench = [str(installed), "-m", "bench"]
    listed = subprocess.run([*bench, "datasets"], capture_output=True, text=True, cwd=tmp_path, env=clean_env())
    assert listed.returncode == 0, listed.stderr
    assert "pima" in listed.stdout and "sepsis_like" in listed.stdout
    (tmp_path / "one.yaml").write_text(ONE_CELL)
    run = subprocess.run([*bench, "run", "one.yaml", "--results", "results"], capture_output=True, text=True,
                         cwd=tmp_path, env=clean_env(), timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 finished, 0 failed" in run.stdout
    assert (tmp_path / "results" / "report.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.yaml", "results"]  # nothing written elsewhere
