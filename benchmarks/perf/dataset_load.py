"""How long loading and splitting each registered dataset takes, and how much memory it needs.

Run from the repository root:

    .venv/bin/python benchmarks/perf/dataset_load.py
    .venv/bin/python benchmarks/perf/dataset_load.py --datasets pima,sepsis_like --sizes 10000,100000

For every registered dataset (``bench.datasets.names()``) with its default options, and for every
dataset whose loader takes ``n_patients`` (the ``sepsis_like`` simulator) at each of ``--sizes``
(default 10,000, 100,000 and 1,000,000 patients), it prints one line: rows, columns, the wall time
of the load and of the train / holdout / control split (default fractions and caps; ``train`` is the
training split's size), their CPU time and the peak resident
memory (``bench.metrics.cost_meter.measure``). Each measurement runs in a fresh Python process, so its peak is
its own and not left over from the one before; ``base MB`` is that process's memory before loading.

A dataset whose file is neither in the cache nor in the offline mirror (``BENCH_DATA_MIRROR``) is
skipped with a message (``--allow-download`` tries its URLs instead), and so is one whose loader
cannot run without options. Nothing is written: the table goes to stdout.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import sys
from typing import Any

from harness import pick_names, print_table, run_fresh

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
SIZE_OPTION = "n_patients"


def _measure_case(name: str, options: dict[str, Any], split_seed: int) -> dict[str, Any]:
    """Load and split one dataset in this (fresh) process; return its numbers or the error."""
    import psutil

    from bench import datasets
    from bench.metrics.cost_meter import measure

    base_mb = psutil.Process().memory_info().rss / 2**20
    try:
        with measure("load") as load_cost:
            frame, card = datasets.load(name, **options)
        with measure("load") as split_cost:
            split = datasets.make_split(frame, card, split_seed=split_seed)
    except Exception as exc:  # a BenchError (bad file, bad option) or out of memory: report it, go on
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    return {
        "rows": len(frame), "columns": frame.shape[1], "train": len(split.train),
        "load_s": load_cost.wall_s, "split_s": split_cost.wall_s, "cpu_s": load_cost.cpu_s + split_cost.cpu_s,
        "peak_mb": max(load_cost.peak_rss_mb, split_cost.peak_rss_mb), "base_mb": base_mb,
    }


def _offline_problem(card: Any) -> str:
    """Why a dataset cannot be loaded offline, or '' if its files are in the cache or the mirror."""
    from bench.datasets import fetch

    mirror = os.environ.get(fetch.MIRROR_ENV)
    for source in card.sources:
        places = [fetch.cache_dir() / source.name] + ([os.path.join(mirror, source.name)] if mirror else [])
        if not any(os.path.isfile(p) for p in places):
            where = f"the mirror {mirror}" if mirror else f"a mirror ({fetch.MIRROR_ENV} is not set)"
            return f"{source.name} is not available offline (not in {fetch.cache_dir()} nor in {where})"
    return ""


def _required_options(name: str) -> list[str]:
    """Loader parameters without a default: the dataset cannot be loaded without them."""
    from bench.datasets.registry import entry

    parameters = inspect.signature(entry(name).loader).parameters.values()
    return [p.name for p in parameters if p.name != "card" and p.default is inspect.Parameter.empty
            and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]


def _takes_size(name: str) -> bool:
    from bench.datasets.registry import entry

    return SIZE_OPTION in inspect.signature(entry(name).loader).parameters


def plan(names: list[str], sizes: list[int], allow_download: bool) -> tuple[list[tuple[str, dict]], list[str]]:
    """The (dataset, options) cases to measure and the messages for datasets skipped.

    Example: ``plan(["sepsis_like"], [10000], False)[0]`` is
    ``[("sepsis_like", {}), ("sepsis_like", {"n_patients": 10000})]``.
    """
    from bench import datasets
    from bench.errors import BenchError

    cases, skipped = [], []
    for name in names:
        required = _required_options(name)
        if required:
            skipped.append(f"{name}: skipped, its loader needs option(s) {', '.join(required)} "
                           f"(no default options to load it with)")
            continue
        try:
            card = datasets.card(name)
        except BenchError as exc:  # e.g. user_csv: the card itself is an option
            skipped.append(f"{name}: skipped, it cannot be loaded without options ({exc})")
            continue
        problem = "" if allow_download else _offline_problem(card)
        if problem:
            skipped.append(f"{name}: skipped, {problem}; set BENCH_DATA_MIRROR or pass --allow-download")
            continue
        cases.append((name, {}))
        if _takes_size(name):
            cases += [(name, {SIZE_OPTION: size}) for size in sizes]
    return cases, skipped


def _format_options(options: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in options.items()) or "(default)"


def print_results(results: list[tuple[str, dict, dict]]) -> None:
    """Print one line per case (a failed case shows its error instead of numbers).

    Example: ``print_results([("pima", {}, _measure_case("pima", {}, 0))])``.
    """
    header = ("dataset", "options", "rows", "cols", "train", "load s", "split s", "cpu s", "peak MB", "base MB")
    lines = []
    for name, options, r in results:
        if "error" in r:
            lines.append((name, _format_options(options), "failed: " + r["error"]))
            continue
        lines.append((name, _format_options(options), f"{r['rows']:,}", str(r["columns"]), f"{r['train']:,}",
                      f"{r['load_s']:.3f}", f"{r['split_s']:.3f}", f"{r['cpu_s']:.2f}", f"{r['peak_mb']:.0f}",
                      f"{r['base_mb']:.0f}"))
    print_table(header, lines, keys=2)


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit status 1 if a measured case failed. Example: ``main(["--sizes", ""])``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="", help="comma-separated dataset names (default: all registered)")
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help=f"comma-separated {SIZE_OPTION} values for simulators (default: %(default)s; '' for none)")
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the train / holdout / control split")
    parser.add_argument("--allow-download", action="store_true",
                        help="try the cards' URLs for files missing from the cache and the mirror")
    args = parser.parse_args(argv)

    from bench import datasets

    try:
        names = pick_names(args.datasets, datasets.names(), "dataset")
    except ValueError as exc:
        parser.error(str(exc))
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got '{args.sizes}'")

    cases, skipped = plan(names, sizes, args.allow_download)
    print(f"dataset load + split (60/20/20, split_seed={args.split_seed}); Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}; one fresh process per line", flush=True)
    results = []
    for name, options in cases:
        print(f"  measuring {name} {_format_options(options)} ...", file=sys.stderr, flush=True)
        results.append((name, options, run_fresh(_measure_case, (name, options, args.split_seed))))
    print()
    print_results(results)
    if skipped:
        print()
        print("\n".join(skipped))
    return 1 if any("error" in r for _, _, r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
