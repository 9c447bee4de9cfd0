"""How long each tutorial notebook takes with its default parameters (issue 9: under 5 minutes on 2 cores).

Run from the repository root:

    .venv/bin/python benchmarks/perf/notebooks.py [--only 01,03]

Each of ``notebooks/0N_*.ipynb`` is executed top to bottom by Papermill with its committed default
parameters, one after the other (each in its own kernel, as a student would run it), into a
temporary folder. The table gives each notebook's wall time, whether it ran without an error, and
whether it met the 5-minute target. The executed copies are deleted: their outputs are aggregates
only, but nothing needs to stay.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from harness import pick_names, print_table

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TARGET_S = 300.0


def run_notebook(path: Path, out_dir: Path) -> tuple[float, str]:
    """Wall seconds of one Papermill run with default parameters, and 'ok' or the error's first line."""
    import papermill

    from bench.sweep.notebook_job import ensure_kernel

    started = time.perf_counter()
    try:
        papermill.execute_notebook(str(path), str(out_dir / path.name), kernel_name=ensure_kernel(),
                                   progress_bar=False, cwd=str(path.parent))
        outcome = "ok"
    except Exception as exc:  # a failing notebook is a result to report, not a reason to stop
        outcome = str(exc).strip().splitlines()[0][:80] if str(exc).strip() else type(exc).__name__
    return time.perf_counter() - started, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    tutorials = {path.name[:2]: path for path in sorted(NOTEBOOKS.glob("0[1-9]_*.ipynb"))}
    parser.add_argument("--only", default="", help="comma-separated notebook numbers, e.g. 01,03 (default: all)")
    args = parser.parse_args(argv)
    chosen = [tutorials[number] for number in pick_names(args.only, list(tutorials), "notebook")]
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    print(f"{len(chosen)} notebooks, default parameters; Python {platform.python_version()}, {os.cpu_count()} CPUs",
          flush=True)
    rows, failed = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for path in chosen:
            seconds, outcome = run_notebook(path, Path(tmp))
            failed += outcome != "ok"
            rows.append((path.name, f"{seconds:.0f}", outcome,
                         "yes" if seconds < TARGET_S and outcome == "ok" else "NO"))
            print(f"  {path.name}: {seconds:.0f} s, {outcome}", flush=True)
    print()
    print_table(("notebook", "seconds", "run", f"under {TARGET_S / 60:.0f} min"), rows, keys=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
