"""How long a scorecard takes on the cardiovascular data at several sizes: scorecard I (fidelity,
utility, fairness) or scorecard II (privacy: attacks, memorisation, verdict).

Run from the repository root (the cardio file must be in the cache or the offline mirror):

    BENCH_DATA_MIRROR=../shared/datasets .venv/bin/python benchmarks/perf/scorecard.py
    .venv/bin/python benchmarks/perf/scorecard.py --scorecard II
    .venv/bin/python benchmarks/perf/scorecard.py --sizes 1000,10000 --generator marginals

For each size it draws that many rows of the cleaned table (stratified on the target, seed 0),
splits them 60/20/20 (holdout and control capped at 10,000 rows each, the suite's default), fits
``--generator`` (default ``gaussian_copula``, not timed) and samples as many rows as the training
part, then times ``bench.metrics.score`` on them twice, in a fresh process per size:

* ``cold``: the first table scored against a split, with an empty reference cache, so the
  real-data side (TRTR models, rule checks) is computed too: the cost of a split's first cell;
* ``warm``: the same table again after the in-memory cache is cleared, so the reference comes from
  the disk cache as it does for every later cell of a sweep; its split by family follows
  (shared work, e.g. the TSTR models, is charged to the first family that needs it).

Targets: the whole scorecard I on 50k rows in under 60 s on 2 cores (issue 5); scorecard II on
50k rows in under 60 s at the default attack budget (issue 6). Nothing is written outside a
temporary cache folder; the table goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from typing import Any

from harness import print_table, run_fresh

DEFAULT_SIZES = (1_000, 10_000, 50_000)
SCORECARDS = {"I": ("fidelity", "utility", "fairness"), "II": ("privacy",)}
DATASET = "cardio"


def _measure_size(rows: int, generator: str, seed: int, families: tuple[str, ...]) -> dict[str, Any]:
    """Build the case and time the scorecard in this (fresh) process; return the numbers or the error."""
    from sklearn.model_selection import train_test_split

    from bench import datasets, generators, metrics
    from bench.metrics import reference, registry
    from bench.metrics.context import ScoringContext
    from bench.metrics.cost_meter import measure

    try:
        frame, card = datasets.load(DATASET)
        if rows < len(frame):
            frame = train_test_split(frame, train_size=rows, random_state=seed, stratify=frame[card.target])[0]
        split = datasets.make_split(frame.reset_index(drop=True), card, split_seed=seed)
        synthetic = generators.create(generator, random_state=seed).fit(split.train, card).sample(
            len(split.train), seed=seed)
        with tempfile.TemporaryDirectory() as cache:
            os.environ["BENCH_DATA_CACHE"] = cache  # an empty reference cache for the cold run
            with measure("evaluate") as cold:
                scores = metrics.score(split, synthetic, families, seed=seed)
            reference._MEMORY.clear()
            with measure("evaluate") as warm:
                metrics.score(split, synthetic, families, seed=seed)
            reference._MEMORY.clear()
            per_family = dict.fromkeys(families, 0.0)
            context = ScoringContext(split, synthetic, seed)
            for evaluator in registry.EVALUATORS:
                if evaluator.family in per_family:
                    started = time.perf_counter()
                    registry.run_evaluator(evaluator, context)
                    per_family[evaluator.family] += time.perf_counter() - started
    except Exception as exc:  # a missing file or an error in a metric: report it, go on
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    return {"rows": len(frame), "sizes": split.sizes(), "metrics": len(scores.results),
            "failed": [u.name for u in scores.failures], "cold_s": cold.wall_s, "cold_cpu_s": cold.cpu_s,
            "warm_s": warm.wall_s, "peak_mb": max(cold.peak_rss_mb, warm.peak_rss_mb), **per_family}


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit status 1 if a size failed or a metric could not be computed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="comma-separated table sizes in rows (default: %(default)s)")
    parser.add_argument("--scorecard", choices=sorted(SCORECARDS), default="I",
                        help="I: fidelity, utility, fairness; II: privacy (default: %(default)s)")
    parser.add_argument("--generator", default="gaussian_copula", help="generator of the scored table")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample, split, generator and metrics")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got '{args.sizes}'")

    families = SCORECARDS[args.scorecard]
    print(f"scorecard {args.scorecard} ({', '.join(families)}) on {DATASET}, synthetic data from {args.generator}; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}; "
          "one fresh process per line", flush=True)
    lines, failed = [], False
    for rows in sizes:
        print(f"  measuring {rows:,} rows ...", file=sys.stderr, flush=True)
        r = run_fresh(_measure_size, (rows, args.generator, args.seed, families))
        if "error" in r or r["failed"]:
            failed = True
        if "error" in r:
            lines.append((f"{rows:,}", "failed: " + r["error"]))
            continue
        s = r["sizes"]
        lines.append((f"{r['rows']:,}", f"{s['train']:,}", f"{s['holdout']:,}", str(r["metrics"]),
                      f"{r['cold_s']:.1f}", f"{r['cold_cpu_s']:.1f}", f"{r['warm_s']:.1f}",
                      *(f"{r[f]:.1f}" for f in families), f"{r['peak_mb']:.0f}"))
        if r["failed"]:
            print(f"  {rows:,} rows: metrics that failed: {', '.join(r['failed'])}", file=sys.stderr)
    print()
    print_table(("rows", "train", "holdout", "metrics", "cold s", "cold cpu s", "warm s",
                 *(f"{f} s" for f in families), "peak MB"), lines, keys=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
