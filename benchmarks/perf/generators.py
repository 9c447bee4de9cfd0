"""How long each generator takes to fit and sample, and how much memory it needs.

Run from the repository root:

    .venv/bin/python benchmarks/perf/generators.py
    .venv/bin/python benchmarks/perf/generators.py --generators ctgan,tvae --budgets default --timeout 900

For every registered generator (``bench.generators.names()``), on each dataset of ``--datasets``
(default: Pima and the sepsis-like cohort at 5,000 patients) and at each budget of ``--budgets``
(``default``: the generator's own defaults, what a benchmark file gets when it names no
hyperparameters; ``test``: its tiny test budget, ``bench.generators.registry.TEST_BUDGETS``), it
prints one line: training rows and columns, the device the generator resolved (``auto`` picks a GPU
when torch sees one), the wall time of ``fit`` and of ``sample`` (as many rows as the training
split), their CPU time and the peak resident memory of the process (``bench.metrics.cost_meter.measure``,
children included) and, on a GPU, the peak GPU memory.

Each measurement runs in a fresh Python process, so imports and peaks are its own; ``base MB`` is
that process's memory after loading the data, before the generator is imported. ``fit s`` therefore
includes importing the generator's library once (synthcity and torch: about 10 s on 2 cores, which
is all there is to the no-op fit of ``marginal_distributions``), as a benchmark cell pays it. A case that runs
past ``--timeout`` seconds is stopped and reported as such. Nothing is written: the table goes to
stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
from typing import Any

from harness import pick_names, print_table, run_fresh

DEFAULT_DATASETS = ("pima", "sepsis_like[n_patients=5000]")
BUDGETS = ("default", "test")


def _measure_case(dataset: str, generator: str, budget: str, seed: int) -> dict[str, Any]:
    """Fit and sample one generator in this (fresh) process; what libraries print goes to stderr."""
    with contextlib.redirect_stdout(sys.stderr):
        return _measure(dataset, generator, budget, seed)


def _measure(dataset: str, generator: str, budget: str, seed: int) -> dict[str, Any]:
    """Fit and sample one generator; return its numbers or the error."""
    import psutil

    from bench import generators
    from bench.metrics.cost_meter import measure
    from bench.sweep import cell
    from bench.sweep.config import parse_entry

    [(name, options)] = parse_entry(dataset, "--datasets")
    params = generators.registry.test_budget(generator) if budget == "test" else {}
    try:
        split, _ = cell.load_split(cell.Cell("benchmark", name, options, generator, {}, seed=seed))
        base_mb = psutil.Process().memory_info().rss / 2**20
        model = generators.create(generator, params, random_state=seed)
        with measure("fit") as fit_cost:
            model.fit(split.train, split.card)
        with measure("sample") as sample_cost:
            model.sample(len(split.train), seed=seed)
        resolved = model.hyperparameters()
    except Exception as exc:  # data not available, a GeneratorError (budget, divergence), out of memory
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    gpu_mb = None
    if "torch" in sys.modules:
        import torch

        if torch.cuda.is_available():
            gpu_mb = torch.cuda.max_memory_allocated() / 2**20
    return {
        "rows": len(split.train), "columns": split.train.shape[1], "device": resolved.get("device", "-"),
        "epochs": resolved.get("epochs", "-"), "fit_s": fit_cost.wall_s, "sample_s": sample_cost.wall_s,
        "cpu_s": fit_cost.cpu_s + sample_cost.cpu_s,
        "peak_mb": max(fit_cost.peak_rss_mb, sample_cost.peak_rss_mb), "base_mb": base_mb, "gpu_mb": gpu_mb,
    }


def print_results(results: list[tuple[str, str, str, dict]]) -> None:
    """Print one line per case (a failed case shows its error instead of numbers).

    Example: ``print_results([("pima", "marginals", "default", _measure_case("pima", "marginals", "default", 0))])``.
    """
    header = ("dataset", "generator", "budget", "rows", "cols", "device", "epochs", "fit s", "sample s", "cpu s",
              "peak MB", "base MB", "GPU MB")
    lines = []
    for dataset, generator, budget, r in results:
        if "error" in r:
            lines.append((dataset, generator, budget, "failed: " + r["error"]))
            continue
        gpu = "-" if r["gpu_mb"] is None else f"{r['gpu_mb']:.0f}"
        lines.append((dataset, generator, budget, f"{r['rows']:,}", str(r["columns"]), str(r["device"]),
                      str(r["epochs"]), f"{r['fit_s']:.2f}", f"{r['sample_s']:.2f}", f"{r['cpu_s']:.1f}",
                      f"{r['peak_mb']:.0f}", f"{r['base_mb']:.0f}", gpu))
    print_table(header, lines, keys=3, left={0, 1, 2, 5})


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit status 1 if a case failed. Example: ``main(["--generators", "marginals"])``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generators", default="", help="comma-separated generator names (default: all registered)")
    parser.add_argument("--datasets", default=";".join(DEFAULT_DATASETS),
                        help="semicolon-separated dataset entries as in a benchmark file (default: %(default)s)")
    parser.add_argument("--budgets", default=",".join(BUDGETS), help="comma-separated: default, test (default: both)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (and split seed 0)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a case is stopped (default 1800)")
    args = parser.parse_args(argv)

    from bench import datasets, generators
    from bench.errors import BenchError
    from bench.sweep.config import parse_entry

    try:
        names = pick_names(args.generators, generators.names(), "generator")
    except ValueError as exc:
        parser.error(str(exc))
    budgets = [b.strip() for b in args.budgets.split(",") if b.strip()]
    if not budgets or any(b not in BUDGETS for b in budgets):
        parser.error(f"--budgets must name one or more of {', '.join(BUDGETS)}, got '{args.budgets}'")
    entries = [d.strip() for d in args.datasets.split(";") if d.strip()]
    for entry in entries:
        try:
            parsed = parse_entry(entry, "--datasets")
            datasets.registry.entry(parsed[0][0])
        except BenchError as exc:
            parser.error(str(exc))
        if len(parsed) != 1:
            parser.error(f"--datasets: '{entry}' is a grid; give one setting per entry")
    if args.timeout <= 0:
        parser.error(f"--timeout must be a positive number of seconds, got {args.timeout:g}")

    print(f"generator fit + sample (split_seed=0, seed={args.seed}, sample = training rows); Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}; one fresh process per line",
          flush=True)
    results = []
    for entry in entries:
        for budget in budgets:
            for name in names:
                print(f"  measuring {entry} {name} ({budget} budget) ...", file=sys.stderr, flush=True)
                results.append((entry, name, budget,
                                run_fresh(_measure_case, (entry, name, budget, args.seed), args.timeout)))
    print()
    print_results(results)
    return 1 if any("error" in r for *_, r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
