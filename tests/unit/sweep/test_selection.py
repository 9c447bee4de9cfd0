"""``bench run --only``: selecting cells of a matrix by dataset, generator and seed."""

import pytest

from bench.cli import main
from bench.errors import BenchError
from bench.sweep.config import load_benchmark
from bench.sweep.selection import parse_selection, select_cells

MATRIX = """
name: t
datasets: [pima, "sepsis_like[n_patients=1000]"]
generators: [marginals, copy, "bayesian_network[struct_max_indegree=[1,2]]"]
seeds: [0, 1]
"""


@pytest.fixture
def cells(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(MATRIX)
    return load_benchmark(path).cells()


def test_conditions_combine_and_patterns_match_labels_or_names(cells):
    assert len(cells) == 16
    chosen = select_cells(cells, "dataset=sepsis_like,generator=bayesian*")
    assert [c.name for c in chosen] == [
        "sepsis_like[n_patients=1000]/bayesian_network[struct_max_indegree=1]/seed=0",
        "sepsis_like[n_patients=1000]/bayesian_network[struct_max_indegree=1]/seed=1",
        "sepsis_like[n_patients=1000]/bayesian_network[struct_max_indegree=2]/seed=0",
        "sepsis_like[n_patients=1000]/bayesian_network[struct_max_indegree=2]/seed=1",
    ]
    assert len(select_cells(cells, "generator=marginals|copy, seed=1")) == 4
    assert len(select_cells(cells, "generator=bayesian_network[[]struct_max_indegree=2]")) == 4


@pytest.mark.parametrize("text, message", [
    ("datset=pima", "unknown key 'datset'; did you mean 'dataset'"),
    ("dataset", "is not key=pattern"),
    ("seed=0,seed=1", "given twice"),
    ("", "empty selection"),
])
def test_bad_selections_name_the_problem(text, message):
    with pytest.raises(BenchError, match=message):
        parse_selection(text)


def test_a_selection_matching_nothing_lists_what_there_is(cells):
    with pytest.raises(BenchError, match="matches none of the 16 cells; datasets and generators in this file: pima"):
        select_cells(cells, "dataset=cardio")


def test_dry_run_prints_only_the_selected_cells(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    path.write_text(MATRIX)
    assert main(["run", str(path), "--dry-run", "--only", "dataset=pima,generator=copy"]) == 0
    out = capsys.readouterr().out
    assert "pima/copy/seed=0" in out and "pima/copy/seed=1" in out and "marginals" not in out
    assert "2 cells in" in out
    assert main(["run", str(path), "--dry-run", "--only", "generator=ctgan"]) == 2
