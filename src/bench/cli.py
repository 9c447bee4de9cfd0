"""The ``bench`` command line: list what is registered, run a benchmark file, build the report.

Argument parsing and printing only: each command imports the layer that does its work when it runs
(not at the top), so that ``bench --help`` and the listing commands do not load MLflow, matplotlib,
the scorecards and the report (``tests/unit/test_cli_startup.py`` checks it).

Example:
    $ bench run benchmarks/quick.yaml
    $ bench report quick
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.errors import BenchError, did_you_mean, headline


def _print_rows(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(value).ljust(width) for value, width in zip(row, widths)).rstrip())


def cmd_datasets(args: argparse.Namespace) -> int:
    """``bench datasets``: one line per registered dataset; loads the ones available offline to count rows.

    Nothing is downloaded; exits 1 if a dataset available offline fails to load. Example: ``bench datasets``.
    """
    from bench import datasets

    rows, errors = [], []
    for name in datasets.names():
        entry = datasets.registry.entry(name)
        if entry.user_data:
            continue
        try:
            row, error = _dataset_row(name)
        except BenchError as exc:  # the card itself is broken
            row, error = (name, "?", "-", "-", "-", "-", "-", "card error"), str(exc)
        rows.append(row)
        if error:
            errors.append(f"{name}: {error}")
    _print_rows(rows, ("name", "family", "rows", "columns", "target", "prevalence", "licence", "offline"))
    users = [name for name in datasets.names() if datasets.registry.entry(name).user_data]
    for name in users:
        print(f"\n{name}[path=/abs/ward.csv,card=/abs/ward.yaml]: your own CSV described by your card "
              f"(check them with `bench datasets validate CARD --file CSV`)")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if errors else 0


def _dataset_row(name: str) -> tuple[tuple[str, ...], str]:
    """The listing row of one dataset, and the reason it could not be loaded ('' when it could)."""
    import inspect

    from bench import datasets
    from bench.datasets.fetch import find_offline

    card = datasets.card(name)
    if card.sources:
        found = find_offline(card.sources[0])
        missing = "no (download)" if card.sources[0].urls else "no (supply the file: see its card)"
        offline = f"yes ({found[1]})" if found else missing
    else:
        offline = "embedded simulator"
        found = None
    row = [name, card.family, "-", str(len(card.columns)), card.target, "-", _short(card.licence), offline]
    if card.sources and found is None:
        return tuple(row), ""
    try:
        frame, card = datasets.load(name)
    except BenchError as exc:
        row[2] = "error"
        return tuple(row), str(exc)
    size = f"{len(frame):,}"
    if not card.sources:
        default = inspect.signature(datasets.registry.entry(name).loader).parameters.get("n_patients")
        size += " (default)" if default is not None else ""
    prevalence = frame[card.target].isin([card.positive_label]).mean()
    row[2], row[3], row[5] = size, str(frame.shape[1]), f"{100 * prevalence:.1f}%"
    return tuple(row), ""


def _short(text: str, width: int = 36) -> str:
    """The head of a licence text: up to its first parenthesis or semicolon, at most ``width`` characters."""
    head = text.split(" (")[0].split(";")[0].strip()
    return head if len(head) <= width else head[: width - 3] + "..."


def cmd_datasets_validate(args: argparse.Namespace) -> int:
    """``bench datasets validate CARD [--file CSV]``: 0 clean, 1 problems found, 2 unusable input.

    Example: ``bench datasets validate /data/ward.yaml --file /data/ward.csv``.
    """
    from bench.datasets.user_data import check_card

    check = check_card(args.card, args.file)  # a card whose YAML does not parse raises: exit 2
    print(f"card  {check.card_path}: {check.card_line()}")
    if check.file is not None:
        print(f"file  {check.file} ({check.origin}): {check.rows_read:,} rows read, {check.rows_kept:,} kept")
    for note in check.notes:
        print(f"note  {note}")
    if check.problems:
        print(f"{len(check.problems)} problem{'s' if len(check.problems) > 1 else ''}:")
        for problem in check.problems:
            print("  - " + problem.replace("\n", "\n    "))
        return 1
    print("ok: no problems found")
    return 0


def cmd_generators(args: argparse.Namespace) -> int:
    """``bench generators``: one line per registered generator: family, DP, budget knobs, determinism, description."""
    from bench import generators

    def knobs(cls: type) -> str:
        epochs_arg = getattr(cls, "epochs_arg", None)
        shown = [f"epochs({epochs_arg})" if k == "epochs" and epochs_arg else k for k in cls.budget_knobs]
        return ", ".join(shown) or "-"

    rows = [(name, cls.family, "yes" if cls.differentially_private else "no", knobs(cls),
             "yes" if getattr(cls, "deterministic_on_cpu", False) else "no", cls.description)
            for name, cls in sorted(generators.GENERATORS.items())]
    _print_rows(rows, ("name", "family", "DP", "budget knobs", "deterministic", "description"))
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """``bench metrics [FAMILY]``: every metric with its goal, range, inputs and meaning; * marks headline ones."""
    from bench.metrics import METRICS
    from bench.metrics.base import FAMILIES

    if args.family and args.family not in FAMILIES:
        raise BenchError(f"unknown metric family '{args.family}'; {did_you_mean(args.family, list(FAMILIES))}")
    rows = [(("* " if spec.headline else "  ") + spec.name, f"{spec.goal} {spec.arrow}",
             f"[{spec.range[0]:g}, {spec.range[1]:g}]", ",".join(spec.needs), spec.description)
            for spec in METRICS.values() if not args.family or spec.family == args.family]
    _print_rows(rows, ("  name", "goal", "range", "needs", "meaning"))
    print(f"\n{len(rows)} metrics; * headline metrics (tabulated and plotted in the report; all are in cells.csv)")
    from bench.metrics.options import OPTIONS

    print("\nmetric_options (a benchmark file key; these are the defaults):")
    _print_rows([(name, repr(option.default), option.meaning) for name, option in OPTIONS.items()],
                ("option", "default", "meaning"))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``bench run FILE``: run a benchmark file's cells, then rebuild its report; exits 1 if a cell failed."""
    from bench.sweep.config import load_benchmark

    benchmark = load_benchmark(args.file)
    cells = benchmark.cells()
    if args.only:
        from bench.sweep.selection import select_cells

        cells = select_cells(cells, args.only)
    if args.dry_run:
        for cell in cells:
            print(f"{cell.id[:12]}  {cell.name}")
        print(f"{len(cells)} cells in {benchmark.path}")
        return 0
    from bench.report.build import write_report
    from bench.sweep.runner import run_benchmark

    summary = run_benchmark(benchmark, args.results, force=args.force, cells=cells, workers=args.workers,
                            executor=args.executor, address=args.address)
    outputs = write_report(args.results, benchmark.name, {c.id for c in cells})
    plan = summary.resources
    print(f"\nSweep {summary.sweep_name}: {len(cells)} cells: {len(summary.finished)} finished, "
          f"{len(summary.failed)} failed, {len(summary.skipped)} skipped (already finished) "
          f"in {summary.seconds / 60:.1f} min")
    if plan is not None:
        print(f"  executor:     {summary.executor}, {plan.workers} at once, {plan.threads} thread(s) and "
              f"{plan.memory_mb:,} MiB per cell")
    print(f"  MLflow store: {summary.tracking_uri}")
    print(f"  browse with:  {browse_command(summary.tracking_uri, args.results)}")
    print(f"  notebooks:    {summary.runs_dir}")
    for kind, paths in outputs.items():
        if kind == "page":
            print(f"  {'report:':13} {paths[0]}  (open it in a browser)")
        elif paths:
            print(f"  {kind + ':':13} {', '.join(sorted({str(p.parent) for p in paths}))} ({len(paths)} files)")
    for name, error in summary.failed.items():
        print(f"  FAILED {name}: {headline(error)}")
    return 1 if summary.failed else 0


def browse_command(tracking_uri: str, results_dir: Path) -> str:
    """The command that opens the MLflow UI on the store a sweep used: the ``mlflow ui`` line of this
    environment, preceded, where the command runs in the checkout (a ``Makefile`` here) and the store
    is the results folder's, by ``make ui`` (``make ui RESULTS=...`` for another folder).

    Example:
        >>> browse_command("http://127.0.0.1:5000", Path("/data/r"))
        'open http://127.0.0.1:5000 (the tracking server the sweep logged to)'
        >>> browse_command("sqlite:////data/other.db", Path("/data/r")).endswith(
        ...     "mlflow ui --backend-store-uri sqlite:////data/other.db")
        True
    """
    if tracking_uri.startswith(("http://", "https://")):
        return f"open {tracking_uri} (the tracking server the sweep logged to)"
    mlflow = Path(sys.executable).with_name("mlflow")
    if mlflow.is_relative_to(Path.cwd()):
        mlflow = mlflow.relative_to(Path.cwd())
    direct = f"{mlflow} ui --backend-store-uri {tracking_uri}"
    if tracking_uri != f"sqlite:///{results_dir.resolve() / 'mlflow.db'}" or not Path("Makefile").is_file():
        return direct
    make = "make ui" if results_dir == Path.cwd() / "results" else f"make ui RESULTS={results_dir}"
    return f"{make}  (or: {direct})"


def cmd_report(args: argparse.Namespace) -> int:
    """``bench report [BENCHMARK]``: rebuild a benchmark's tables, figures and page from the MLflow store."""
    from bench.report.build import write_report

    results_dir = args.results
    outputs = write_report(results_dir, args.benchmark)
    for kind, paths in outputs.items():
        if paths:
            print(f"{kind}: {len(paths)} files in {', '.join(sorted({str(p.parent) for p in paths}))}")
    return 0


def absolute_path(text: str) -> Path:
    """A command-line path made absolute at the entry point, against the working directory the command
    was started in: nothing later depends on the process's working directory (cells run in threads
    of one process, and a job among them may change it).

    Example:
        >>> import os; absolute_path("results") == Path(os.getcwd(), "results")
        True
        >>> str(absolute_path("~/r")) == os.path.expanduser("~/r")
        True
    """
    return Path(text).expanduser().absolute()


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got '{text}'")
    return value


def cmd_declare(args: argparse.Namespace) -> int:
    """``bench declare CELL``: the quality and risk declaration of one cell as a self-contained HTML page
    (and, with ``--pdf``, the same page printed to PDF by headless Chromium).

    CELL is a run id or a cell name such as ``pima/ctgan/seed=0`` (its latest run in the benchmark).
    """
    from bench.report.browser import print_to_pdf, require_chromium
    from bench.report.build import benchmark_runs
    from bench.report.declaration import write_declaration
    from bench.sweep.config import slugify

    if args.pdf:
        require_chromium()  # refuse before anything is read or written
    results_dir = args.results
    uri, benchmark, runs = benchmark_runs(results_dir, args.benchmark)
    match = runs[(runs["run_id"] == args.cell) | (runs["cell"] == args.cell)]
    if match.empty:
        raise BenchError(f"no cell '{args.cell}' in benchmark '{benchmark}'; "
                         f"{did_you_mean(args.cell, sorted(runs['cell']))}")
    row = match.iloc[-1]
    out = args.out or results_dir / "declarations" / benchmark / f"{slugify(row['cell'])}.html"
    page = write_declaration(uri, row["run_id"], out)
    print(page)
    if args.pdf:
        print(print_to_pdf(page, page.with_suffix(".pdf")))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``bench`` command-line parser: every subcommand, its arguments, and the ``cmd_*`` handler it calls."""
    from bench.sweep.executors import EXECUTORS  # light: Ray itself is imported only when the ray executor runs

    parser = argparse.ArgumentParser(prog="bench", description=(
        "Benchmark synthetic health data: fidelity, utility (TSTR), fairness, privacy and cost."))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data = commands.add_parser("datasets", help="list the registered datasets; `datasets validate` checks a card")
    data.set_defaults(func=cmd_datasets)
    data_commands = data.add_subparsers(dest="datasets_command", metavar="SUBCOMMAND")
    validate = data_commands.add_parser(
        "validate", help="check a dataset card and its file; exit 0 clean, 1 problems, 2 unusable input")
    validate.add_argument("card", type=absolute_path,
                          help="dataset card YAML, e.g. src/bench/datasets/card_files/pima.yaml or your own ward.yaml")
    validate.add_argument("--file", type=absolute_path,
                          help="CSV to check (default: the card's source file from the cache or mirror)")
    validate.set_defaults(func=cmd_datasets_validate)
    commands.add_parser("generators", help="list the registered generators").set_defaults(func=cmd_generators)
    metrics_parser = commands.add_parser("metrics", help="list the metrics and what they mean")
    metrics_parser.add_argument("family", nargs="?", help="only this family (fidelity, utility, fairness, ...)")
    metrics_parser.set_defaults(func=cmd_metrics)
    run = commands.add_parser("run", help="run a benchmark file (skips cells that already finished)")
    run.add_argument("file", type=absolute_path, help="benchmark YAML, e.g. benchmarks/quick.yaml")
    run.add_argument("--results", type=absolute_path, default="results", help="output folder (default: results)")
    run.add_argument("--force", action="store_true", help="re-run cells that already finished")
    run.add_argument("--dry-run", action="store_true", help="print the cells and exit")
    run.add_argument("--workers", type=_non_negative, default=None,
                     help="cells to run at once, each in its own kernel with the cores shared out; 0 = as many as "
                          "the cores and memory allow (default: the file's 'workers', else 0)")
    run.add_argument("--executor", choices=sorted(EXECUTORS), default=None,
                     help="local (this machine) or ray (a Ray cluster; see README) (default: the file's, else local)")
    run.add_argument("--address", default=None,
                     help="Ray cluster address for --executor ray, e.g. ray://head:10001 or auto "
                          "(default: start a local Ray instance)")
    run.add_argument("--only", metavar="SELECTION", default="",
                     help="run only matching cells: comma-separated key=pattern with keys dataset, generator, seed; "
                          "shell patterns, '|' for alternatives, e.g. 'dataset=pima,generator=ctgan*|tvae'")
    run.set_defaults(func=cmd_run)
    declare = commands.add_parser("declare", help="write the quality and risk declaration of one cell (HTML, PDF)")
    declare.add_argument("cell", help="a cell name such as 'pima/ctgan/seed=0', or a run id")
    declare.add_argument("--benchmark", help="benchmark name (default: the most recent sweep's)")
    declare.add_argument("--results", type=absolute_path, default="results", help="results folder (default: results)")
    declare.add_argument("--out", type=absolute_path,
                         help="output file (default: results/declarations/<benchmark>/<cell>.html)")
    declare.add_argument("--pdf", action="store_true",
                         help="also print the page to PDF beside it "
                              "(needs headless Chromium, e.g. apt-get install chromium)")
    declare.set_defaults(func=cmd_declare)
    rep = commands.add_parser("report", help="rebuild tables and figures from the MLflow store")
    rep.add_argument("benchmark", nargs="?", help="benchmark name (default: the most recent sweep's)")
    rep.add_argument("--results", type=absolute_path, default="results", help="results folder (default: results)")
    rep.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``bench`` console script and ``python -m bench``."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
