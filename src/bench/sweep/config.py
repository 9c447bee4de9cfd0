"""Benchmark files (``benchmarks/*.yaml``) -> validated ``Benchmark`` -> the ``Cell``s of the matrix.

Generators and datasets are written ``name`` or ``name[key=value,...]``; a value in square
brackets is a grid and expands into one entry per value: ``ctgan[epochs=[100,300]]`` is two.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

import bench
from bench import datasets, generators
from bench.datasets import splits
from bench.errors import BenchError, did_you_mean
from bench.metrics import DEFAULT_FAMILIES, families
from bench.metrics.options import resolve_options
from bench.yaml_files import read_mapping

# The names ``--executor`` and a benchmark file's ``executor`` accept; ``bench.sweep.executors.EXECUTORS``
# implements each (a test checks). Kept here so that a cell's kernel, which reads its spec from this
# module, never imports the machinery that runs cells.
EXECUTOR_NAMES = ("local", "ray")
KEYS = {
    "name": "benchmark name (also the MLflow experiment)",
    "description": "one line on what this matrix is for",
    "datasets": "list of dataset names, optionally with loader options: sepsis_like[n_patients=2000]",
    "generators": "list of generator names, optionally with hyperparameters: bayesian_network[struct_max_indegree=2]",
    "seeds": "list of generator seeds (one cell per seed)",
    "split_seed": "seed of the train/holdout/control split (default 0)",
    "n_synthetic": "rows to sample per cell; 0 = as many as the training rows the generator learnt from (default 0)",
    "metrics": f"metric families to compute (default {list(DEFAULT_FAMILIES)})",
    "metric_options": "settings of the metrics, e.g. {n_attacks: 1000, risk_threshold: 0.09} (see `bench metrics`)",
    "timeout_s": "wall-clock limit of one cell in seconds, kernel start included; past it the cell is killed "
                 "(default 3600)",
    "memory_limit_mb": "resident-memory limit of one cell in MiB (its kernel and every process it starts); past it the "
                       "cell is killed; 0 = 80% of this machine's memory shared among the workers (default 0)",
    "executor": f"where cells run: {' or '.join(EXECUTOR_NAMES)} (default local; `bench run --executor` overrides)",
    "workers": "cells at once; 0 = as many as the cores (or the Ray cluster's CPUs) and memory allow "
               "(default 0; `bench run --workers` overrides)",
}
EXECUTOR_DEFAULT = "local"
REQUIRED = ("name", "datasets", "generators", "seeds")
# How every cell splits its data; part of the cell id, so changing a default re-runs the cells.
SPLIT_SETTINGS = {"fractions": list(splits.DEFAULT_FRACTIONS), "max_eval": splits.DEFAULT_MAX_EVAL,
                  "max_train": None, "min_class_rows": splits.DEFAULT_MIN_CLASS_ROWS}


@dataclass(frozen=True)
class Cell:
    """One point of the matrix: a dataset, a generator with its hyperparameters, and a seed.

    Example:
        >>> cell = Cell("quick", "pima", {}, "marginals", {}, seed=0)
        >>> cell.name
        'pima/marginals/seed=0'
    """

    benchmark: str
    dataset: str
    dataset_options: dict[str, Any]
    generator: str
    params: dict[str, Any]
    seed: int
    split_seed: int = 0
    n_synthetic: int = 0
    metrics: tuple[str, ...] = DEFAULT_FAMILIES
    metric_options: dict[str, Any] = field(default_factory=dict)
    dataset_name: str = ""  # how tables and figures name the dataset (see dataset_labels); "" = its label

    @property
    def dataset_label(self) -> str:
        """The dataset as the tables, figures and cell names show it: ``dataset_name`` if set, else
        ``name[options]``. Not part of the cell id."""
        return self.dataset_name or label(self.dataset, self.dataset_options)

    @property
    def generator_label(self) -> str:
        return label(self.generator, self.params)

    @property
    def name(self) -> str:
        """Readable and unique within a benchmark: ``dataset[opts]/generator[k=v]/seed=s``."""
        return f"{self.dataset_label}/{self.generator_label}/seed={self.seed}"

    @property
    def slug(self) -> str:
        """A file-name-safe form of ``name``."""
        return slugify(self.name)

    def spec(self) -> dict[str, Any]:
        """Everything that determines the cell's numbers, including the card checksum and package version.

        For your own data (``user_csv``) the checksum covers the card named by the ``card`` option and
        the data file named by ``path``, so editing either re-runs the cell.
        """
        return {
            "dataset": self.dataset, "dataset_options": self.dataset_options,
            "card_sha256": datasets.card_checksum(self.dataset, **self.dataset_options),
            "generator": self.generator, "params": self.params, "seed": self.seed,
            "split_seed": self.split_seed, "split": SPLIT_SETTINGS,
            "n_synthetic": self.n_synthetic, "metrics": list(self.metrics),
            "metric_options": resolve_options(self.metric_options), "bench_version": bench.__version__,
        }

    @property
    def id(self) -> str:
        """sha256 of the sorted-JSON spec: the same cell has the same id in every sweep."""
        return hashlib.sha256(json.dumps(self.spec(), sort_keys=True, default=str).encode()).hexdigest()

    def notebook_parameters(self) -> dict[str, Any]:
        """The parameters Papermill injects into ``notebooks/run_cell.ipynb``."""
        return {
            "dataset": self.dataset, "dataset_options": self.dataset_options, "dataset_label": self.dataset_label,
            "generator": self.generator, "generator_params": self.params, "seed": self.seed,
            "split_seed": self.split_seed,
            "n_synthetic": self.n_synthetic, "metric_families": list(self.metrics),
            "metric_options": dict(self.metric_options),
        }


@dataclass(frozen=True)
class Benchmark:
    """A validated benchmark file."""

    name: str
    path: Path
    datasets: tuple[tuple[str, dict[str, Any]], ...]
    generators: tuple[tuple[str, dict[str, Any]], ...]
    seeds: tuple[int, ...]
    split_seed: int = 0
    n_synthetic: int = 0
    metrics: tuple[str, ...] = DEFAULT_FAMILIES
    metric_options: dict[str, Any] = field(default_factory=dict)
    timeout_s: int = 3600
    memory_limit_mb: int = 0
    executor: str = EXECUTOR_DEFAULT
    workers: int = 0
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    dataset_names: tuple[str, ...] = ()  # one per entry of ``datasets`` (see dataset_labels); () = their labels

    def cells(self) -> list[Cell]:
        """The full matrix, in a stable order: dataset, then generator, then seed."""
        names = self.dataset_names or ("",) * len(self.datasets)
        return [
            Cell(self.name, dataset, options, generator, params, seed, self.split_seed, self.n_synthetic, self.metrics,
                 self.metric_options, dataset_name)
            for ((dataset, options), dataset_name), (generator, params), seed in itertools.product(
                zip(self.datasets, names), self.generators, self.seeds)
        ]

    def config_sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True, default=str).encode()).hexdigest()


def slugify(cell_name: str) -> str:
    """A file-name-safe form of a cell name.

    Example:
        >>> slugify('pima/ctgan[epochs=60,lr="a b"]/seed=0')
        'pima__ctgan_epochs=60,lr=_a_b____seed=0'
    """
    return "".join(c if c.isalnum() or c in "-_.=," else "_" for c in cell_name.replace("/", "__"))


def label(name: str, params: dict[str, Any]) -> str:
    """``name[k=v,...]`` with sorted keys, or ``name`` without parameters.

    Example:
        >>> label("ctgan", {"lr": 0.001, "epochs": 10})
        'ctgan[epochs=10,lr=0.001]'
    """
    if not params:
        return name
    return name + "[" + ",".join(f"{k}={json.dumps(v) if isinstance(v, str) else v}"
                                 for k, v in sorted(params.items())) + "]"


def dataset_labels(entries: tuple[tuple[str, dict[str, Any]], ...]) -> tuple[str, ...]:
    """How tables, figures and cell names show each dataset entry: ``name[options]``, except that your
    own data (``user_csv``) goes by its card's ``name`` and its options other than the file paths.
    Where two entries would show the same name, the data file's name is added, and where that is not
    enough either, every option.

    Example:
        >>> dataset_labels((("pima", {}), ("sepsis_like", {"n_patients": 2000})))
        ('pima', 'sepsis_like[n_patients=2000]')
    """
    def shown(name: str, options: dict[str, Any], with_file: bool = False) -> str:
        if not datasets.registry.entry(name).user_data:
            return label(name, options)
        kept = {k: v for k, v in options.items() if k not in datasets.user_data.USER_OPTIONS}
        if with_file:
            kept["file"] = Path(str(options["path"])).name
        return label(datasets.card(name, **options).name, kept)

    labels = [shown(name, options) for name, options in entries]
    for rule in (lambda name, options: shown(name, options, with_file=True), label):
        clashing = {text for text in labels if labels.count(text) > 1}
        labels = [rule(name, options) if text in clashing else text for (name, options), text in zip(entries, labels)]
    return tuple(labels)


def parse_entry(text: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    """Parse ``name[k=v,...]`` into (name, params) pairs, expanding list values as a grid.

    Example:
        >>> parse_entry("ctgan[epochs=[100,300],lr=0.001]", "x.yaml")
        [('ctgan', {'epochs': 100, 'lr': 0.001}), ('ctgan', {'epochs': 300, 'lr': 0.001})]
    """
    text = str(text).strip()
    if "[" not in text:
        if not text or any(c in text for c in "]=, "):
            raise BenchError(f"{where}: '{text}' is not a valid entry; expected name or name[key=value,...]")
        return [(text, {})]
    if not text.endswith("]"):
        raise BenchError(f"{where}: '{text}' must end with ']' (expected name[key=value,...])")
    name, body = text[:-1].split("[", 1)
    params: dict[str, Any] = {}
    for item in _split_top_level(body, where, text):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BenchError(f"{where}: in '{text}', '{item}' is not key=value")
        if key in params:
            raise BenchError(f"{where}: in '{text}', key '{key}' is given twice")
        try:
            params[key] = yaml.safe_load(value.strip())
        except yaml.YAMLError as exc:
            raise BenchError(f"{where}: in '{text}', value of '{key}' is not valid: {exc}") from exc
    grid_keys = [k for k, v in params.items() if isinstance(v, list)]
    for key in grid_keys:
        if not params[key]:
            raise BenchError(f"{where}: in '{text}', grid '{key}' is empty")
    combos = itertools.product(*(params[k] for k in grid_keys))
    return [(name.strip(), {**params, **dict(zip(grid_keys, combo))}) for combo in combos]


def _split_top_level(body: str, where: str, text: str) -> list[str]:
    items, depth, current = [], 0, ""
    for char in body:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0:
            raise BenchError(f"{where}: unbalanced brackets in '{text}'")
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    if depth != 0:
        raise BenchError(f"{where}: unbalanced brackets in '{text}'")
    return [item for item in items + [current] if item.strip()]


def load_benchmark(path: Path | str) -> Benchmark:
    """Read and validate a benchmark file; every problem names the file and the key.

    Example:
        >>> import tempfile
        >>> file = Path(tempfile.mkdtemp()) / "tiny.yaml"
        >>> _ = file.write_text("name: tiny\\ndatasets: [pima]\\ngenerators: [marginals, copy]\\nseeds: [0, 1, 2]\\n")
        >>> len(load_benchmark(file).cells())
        6
    """
    path = Path(path)
    raw = read_mapping(path, "benchmark file")
    for key in raw:
        if key not in KEYS:
            raise BenchError(f"{path}: unknown key '{key}'; {did_you_mean(key, list(KEYS))}")
    for key in REQUIRED:
        if key not in raw:
            raise BenchError(f"{path}: missing required key '{key}' ({KEYS[key]})")

    def entries(key: str, registered: list[str]) -> tuple[tuple[str, dict[str, Any]], ...]:
        values = raw[key]
        if not isinstance(values, list) or not values:
            raise BenchError(f"{path}: '{key}' must be a non-empty list ({KEYS[key]})")
        parsed = [pair for value in values for pair in parse_entry(value, f"{path}: {key}")]
        for name, _ in parsed:
            if name not in registered:
                raise BenchError(f"{path}: {key}: unknown name '{name}'; {did_you_mean(name, registered)}")
        return tuple(parsed)

    generator_entries = entries("generators", generators.names())
    for name, params in generator_entries:
        try:
            generators.create(name, params)  # stores hyperparameters only; refuses unknown ones early
        except BenchError as exc:
            raise BenchError(f"{path}: generators: {exc}") from exc
    seeds = raw["seeds"]
    if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) and s >= 0 for s in seeds):
        raise BenchError(f"{path}: 'seeds' must be a non-empty list of non-negative integers, got {seeds!r}")
    if len(set(seeds)) != len(seeds):
        raise BenchError(f"{path}: 'seeds' repeats a seed: {seeds}")
    dataset_entries = tuple((name, _dataset_options(path, name, options))
                            for name, options in entries("datasets", datasets.names()))
    try:
        names = dataset_labels(dataset_entries)
    except BenchError as exc:
        raise BenchError(f"{path}: datasets: {exc}") from exc
    metrics = tuple(raw.get("metrics", DEFAULT_FAMILIES))
    for family in metrics:
        if family not in families():
            raise BenchError(f"{path}: metrics: unknown family '{family}'; {did_you_mean(family, families())}")
    return Benchmark(
        name=_expect_value(path, raw, "name", str),
        path=path,
        datasets=dataset_entries,
        generators=generator_entries,
        seeds=tuple(seeds),
        split_seed=_expect_value(path, raw, "split_seed", int, default=0),
        n_synthetic=_expect_value(path, raw, "n_synthetic", int, default=0),
        metrics=metrics,
        metric_options=_metric_options(path, raw.get("metric_options")),
        timeout_s=_positive(path, raw, "timeout_s", default=3600),
        memory_limit_mb=_expect_value(path, raw, "memory_limit_mb", int, default=0),
        executor=_executor(path, raw.get("executor", EXECUTOR_DEFAULT)),
        workers=_expect_value(path, raw, "workers", int, default=0),
        description=str(raw.get("description", "")),
        raw=raw,
        dataset_names=names,
    )


def _dataset_options(path: Path, name: str, options: dict[str, Any]) -> dict[str, Any]:
    """A dataset entry's options, checked by name; your own data's ``path`` and ``card`` may be given
    relative to the benchmark file's folder and are made absolute here (cells run elsewhere)."""
    try:
        datasets.registry.check_options(name, options)
    except BenchError as exc:
        raise BenchError(f"{path}: datasets: {exc}") from exc
    if not datasets.registry.entry(name).user_data:
        return options
    folder = path.absolute().parent
    return {key: str(folder / Path(str(value)).expanduser())
            if key in datasets.user_data.USER_OPTIONS and not Path(str(value)).expanduser().is_absolute() else value
            for key, value in options.items()}


def _executor(path: Path, name: Any) -> str:
    if name not in EXECUTOR_NAMES:
        raise BenchError(f"{path}: 'executor' must be one of {', '.join(EXECUTOR_NAMES)} ({KEYS['executor']}), "
                         f"got {name!r}; {did_you_mean(str(name), list(EXECUTOR_NAMES))}")
    return name


def _positive(path: Path, raw: dict[str, Any], key: str, default: int) -> int:
    value = _expect_value(path, raw, key, int, default=default)
    if value == 0:
        raise BenchError(f"{path}: '{key}' must be a positive integer ({KEYS[key]}), got 0")
    return value


def _metric_options(path: Path, raw: Any) -> dict[str, Any]:
    """The file's metric options as written (validated; defaults are filled in where they are used)."""
    resolve_options(raw, where=f"{path}: metric_options")
    return dict(raw or {})


def _expect_value(path: Path, raw: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    value = raw.get(key, default)
    if kind is int and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise BenchError(f"{path}: '{key}' must be a non-negative integer ({KEYS[key]}), got {value!r}")
    if kind is str and (not isinstance(value, str) or not value.strip()):
        raise BenchError(f"{path}: '{key}' must be a non-empty string ({KEYS[key]}), got {value!r}")
    return value
