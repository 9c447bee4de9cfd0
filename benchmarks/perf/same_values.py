"""Whether an earlier commit and today's tree give the same numbers for a benchmark file (issue 19).

Run from the repository root:

    BENCH_DATA_MIRROR=../shared/datasets .venv/bin/python benchmarks/perf/same_values.py --ref 5e3db72
    .venv/bin/python benchmarks/perf/same_values.py --ref HEAD~3 --file benchmarks/quick.yaml

It exports the commit ``--ref`` into a temporary folder (``git archive``), runs ``bench run FILE``
there with that commit's code (``PYTHONPATH``, this environment's packages) and then with today's
tree, each into its own temporary results folder, one after the other on this machine. It then
compares every cell's metrics except ``cost.*`` (time and memory vary from run to run), and the
privacy verdicts, and prints the harness overhead per cell (``cost.harness_overhead_s``) of both.
It exits 1 when a value differs. Nothing is written outside the temporary folders.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Iterable

import pandas as pd

from bench.tracking import reads, store
from harness import print_table

REPO = Path(__file__).resolve().parents[2]
COMPARED_TAGS = ("privacy_verdict", "privacy_worst_attack")


def export_commit(ref: str, folder: Path) -> str:
    """Write the files of commit ``ref`` into ``folder``; its full commit id."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", ref], capture_output=True, text=True,
                            check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return commit


def run_sweep(tree: Path, file: str, results: Path) -> float:
    """``bench run FILE`` with the code of ``tree`` (its ``src``), in ``tree``; its wall time in seconds."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    env.pop("MLFLOW_TRACKING_URI", None)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench", "run", file, "--results", str(results)], cwd=tree, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def cells(results: Path) -> pd.DataFrame:
    """The runs table of the only benchmark in ``results``, one row per cell name."""
    uri = store.default_tracking_uri(results)
    benchmark = reads.latest_benchmark(uri)
    runs = reads.runs_table(uri, store.experiment_id(uri, benchmark, results / "mlartifacts"))
    return runs.set_index("cell").sort_index()


def compared_metrics(columns: Iterable[str]) -> list[str]:
    """The metric columns the check compares: every metric (a dotted name) but ``cost.*``.

    Example:
        >>> compared_metrics(["x.m", "cost.fit_wall_s", "status"])
        ['x.m']
    """
    return [c for c in columns if "." in c and not c.startswith("cost.")]


def differences(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """``(cell, column, before, after)`` for every compared value that is not the same in both tables.

    Example:
        >>> a = pd.DataFrame({"x.m": [0.5], "cost.fit_wall_s": [1.0]}, index=pd.Index(["c"], name="cell"))
        >>> differences(a, a.assign(**{"cost.fit_wall_s": 2.0})), differences(a, a.assign(**{"x.m": 0.6}))
        ([], [('c', 'x.m', '0.5', '0.6')])
    """
    found = []
    columns = sorted(compared_metrics(set(before.columns) | set(after.columns)) + [
        c for c in COMPARED_TAGS if c in before.columns or c in after.columns])
    for cell in sorted(set(before.index) | set(after.index)):
        if cell not in before.index or cell not in after.index:
            found.append((cell, "(the cell)", str(cell in before.index), str(cell in after.index)))
            continue
        for column in columns:
            old, new = before.loc[cell].get(column), after.loc[cell].get(column)
            both_missing = all(v is None or isinstance(v, float) and math.isnan(v) for v in (old, new))
            if not both_missing and old != new:
                found.append((cell, column, str(old), str(new)))
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the file with both versions and print what differs; 1 when something does."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--file", default="benchmarks/quick.yaml", help="benchmark file (default: %(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "tree"
        old_tree.mkdir()
        commit = export_commit(args.ref, old_tree)
        print(f"running {args.file} with {commit[:10]} (before), then with this tree (after)", flush=True)
        old_s = run_sweep(old_tree, args.file, Path(tmp) / "before")
        new_s = run_sweep(REPO, args.file, Path(tmp) / "after")
        before, after = cells(Path(tmp) / "before"), cells(Path(tmp) / "after")
    compared = len(compared_metrics(after.columns)) * len(after)
    overhead = [frame.get("cost.harness_overhead_s", pd.Series(dtype=float)) for frame in (before, after)]
    print_table(("", "before", "after"), [
        ("cells finished", str((before["status"] == "FINISHED").sum()), str((after["status"] == "FINISHED").sum())),
        ("sweep wall time (s)", f"{old_s:.0f}", f"{new_s:.0f}"),
        ("harness overhead per cell, mean (s)", f"{overhead[0].mean():.2f}", f"{overhead[1].mean():.2f}")], keys=1)
    found = differences(before, after)
    print(f"\n{compared} metric values compared over {len(after)} cells (all but cost.*), plus the verdicts: "
          f"{len(found)} differ")
    if found:
        print_table(("cell", "value", "before", "after"), found, keys=2)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
