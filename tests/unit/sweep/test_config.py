from pathlib import Path

import pytest

from bench import datasets
from bench.errors import BenchError
from bench.metrics.options import OPTIONS
from bench.sweep.config import Cell, label, load_benchmark, parse_entry
from conftest import REPO


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bench.yaml"
    path.write_text(text)
    return path


VALID = """
name: t
datasets: [pima, "sepsis_like[n_patients=1000]"]
generators: [marginals, "bayesian_network[struct_max_indegree=[1,2]]"]
seeds: [0, 1]
"""


def test_matrix_expands_datasets_generator_grids_and_seeds(tmp_path):
    benchmark = load_benchmark(write(tmp_path, VALID))
    cells = benchmark.cells()
    assert len(cells) == 2 * 3 * 2
    names = [c.name for c in cells]
    assert "sepsis_like[n_patients=1000]/bayesian_network[struct_max_indegree=2]/seed=1" in names
    assert len(set(c.id for c in cells)) == len(cells)


def test_cell_id_is_stable_and_covers_everything_that_changes_numbers():
    base = Cell("b", "pima", {}, "marginals", {}, seed=0)
    assert base.id == Cell("b", "pima", {}, "marginals", {}, seed=0).id
    assert base.id != Cell("b", "pima", {}, "marginals", {}, seed=1).id
    assert base.id != Cell("b", "pima", {}, "marginals", {}, seed=0, split_seed=1).id
    assert base.id != Cell("b", "pima", {}, "copy", {}, seed=0).id
    assert base.spec()["card_sha256"] and base.spec()["bench_version"]
    strict = Cell("b", "pima", {}, "marginals", {}, seed=0, metric_options={"risk_threshold": 0.05})
    assert base.id != strict.id and strict.notebook_parameters()["metric_options"] == {"risk_threshold": 0.05}
    # Writing a default out gives the same cell (resolved options are hashed), so no rerun.
    assert base.id == Cell("b", "pima", {}, "marginals", {}, seed=0,
                           metric_options={"n_attacks": OPTIONS["n_attacks"].default}).id


def test_entry_parser_handles_nested_lists_and_typed_values():
    assert parse_entry("x[a=1,b=0.5,c=text,d=true]", "f") == [("x", {"a": 1, "b": 0.5, "c": "text", "d": True})]
    assert len(parse_entry("x[a=[1,2],b=[3,4]]", "f")) == 4
    assert label("x", {"b": 2, "a": "s"}) == 'x[a="s",b=2]'


@pytest.mark.parametrize("text, message", [
    ("x[a=1", "must end with"),
    ("x[a]", "is not key=value"),
    ("x[a=1,a=2]", "given twice"),
    ("x[a=[]]", "grid 'a' is empty"),
    ("x[a=[1]]]", "unbalanced"),
])
def test_entry_parser_errors_name_the_entry(text, message):
    with pytest.raises(BenchError, match=message):
        parse_entry(text, "file.yaml")


@pytest.mark.parametrize("change, message", [
    (VALID.replace("generators: [marginals", "generators: [marginls"),
     "unknown name 'marginls'; did you mean 'marginals'"),
    (VALID.replace("datasets: [pima", "datasets: [pma"), "unknown name 'pma'"),
    (VALID + "seed_split: 1\n", "unknown key 'seed_split'; did you mean 'split_seed'"),
    (VALID.replace("seeds: [0, 1]", "seeds: [0, 0]"), "repeats a seed"),
    (VALID.replace("seeds: [0, 1]", "seeds: []"), "non-empty list of non-negative integers"),
    (VALID + "metrics: [fidelty]\n", "unknown family 'fidelty'"),
    (VALID + "timeout_s: soon\n", "'timeout_s' must be a non-negative integer"),
    (VALID + "timeout_s: 0\n", "'timeout_s' must be a positive integer"),
    (VALID + "memory_limit_mb: -5\n", "'memory_limit_mb' must be a non-negative integer"),
    (VALID + "executor: rey\n", "'executor' must be one of local, ray .*did you mean 'ray'"),
    (VALID + "workers: two\n", "'workers' must be a non-negative integer"),
    (VALID + "metric_options: {n_atacks: 10}\n", "metric_options: unknown option 'n_atacks'; did you mean 'n_attacks'"),
    (VALID + "metric_options: {risk_threshold: 9}\n", "'risk_threshold' must be a number from 0 to 1"),
    ("name: t\n", "missing required key 'datasets'"),
    ("- just a list\n", "expected a mapping of benchmark file keys"),
])
def test_bad_benchmark_files_are_refused_with_file_and_key(tmp_path, change, message):
    with pytest.raises(BenchError, match=message) as info:
        load_benchmark(write(tmp_path, change))
    assert "bench.yaml" in str(info.value)


def test_shipped_benchmarks_are_valid():
    for name in ("quick", "default", "paper"):
        benchmark = load_benchmark(REPO / "benchmarks" / f"{name}.yaml")
        assert benchmark.name == name and benchmark.cells()
    default, paper = (load_benchmark(REPO / "benchmarks" / f"{name}.yaml") for name in ("default", "paper"))
    assert len(default.seeds) == 3
    assert {"ctgan", "tvae", "copy", "marginals", "kanon"} <= {g for g, _ in default.generators}, "the three baselines"
    families = {datasets.card(name, **options).family for name, options in default.datasets}
    assert families == {"diabetes", "cardiovascular", "sepsis"}
    from bench import generators

    assert {g for g, _ in paper.generators} >= set(generators.names()) - {"marginal_distributions"}


def test_your_own_data_goes_by_its_card_name_and_options_show_only_where_names_clash(tmp_path):
    from bench.sweep.config import dataset_labels

    for folder, name in (("a", "ward"), ("b", "ward"), ("c", "clinic")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.csv").write_text("age,y\n50,1\n")
        (tmp_path / folder / "card.yaml").write_text(
            f"name: {name}\nfamily: other\ntitle: t\nlicence: private\ncitation: internal\ntarget: y\n"
            "positive_label: 1\ncolumns: {age: numerical, y: categorical}\n")

    def entry(folder, file="x.csv"):
        return ("user_csv", {"path": str(tmp_path / folder / file), "card": str(tmp_path / folder / "card.yaml")})

    assert dataset_labels((entry("a"), entry("c"), ("pima", {}))) == ("ward", "clinic", "pima")
    (tmp_path / "a" / "y.csv").write_text("age,y\n50,1\n")
    assert dataset_labels((entry("a"), entry("a", "y.csv"))) == ('ward[file="x.csv"]', 'ward[file="y.csv"]')
    clash = dataset_labels((entry("a"), entry("b")))  # same card name, same file name: every option
    assert len(set(clash)) == 2 and all(label.startswith("user_csv[card=") for label in clash)


def test_user_csv_paths_in_a_benchmark_file_are_relative_to_that_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ward.csv").write_text("age,y\n50,1\n")
    (tmp_path / "data" / "ward.yaml").write_text(
        "name: ward\nfamily: other\ntitle: t\nlicence: private\ncitation: internal\ntarget: y\n"
        "positive_label: 1\ncolumns: {age: numerical, y: categorical}\n")
    config = tmp_path / "bench.yaml"
    config.write_text("name: own\nseeds: [0]\ngenerators: [marginals]\n"
                      "datasets: ['user_csv[path=data/ward.csv,card=data/ward.yaml]']\n")
    cell = load_benchmark(config).cells()[0]
    assert cell.dataset_options == {"path": str(tmp_path / "data" / "ward.csv"),
                                    "card": str(tmp_path / "data" / "ward.yaml")}
    assert cell.name == "ward/marginals/seed=0" and cell.notebook_parameters()["dataset_label"] == "ward"
