"""The critical-difference diagram of a ``Ranking`` (Demšar 2006): average ranks over dataset blocks on
one axis, best on the left; generators joined by a bar are not significantly different (Nemenyi, all
pairs at once, read only when the Friedman test rejects). The title states the blocks and the tests
used (``Ranking.notes``), or that too few datasets let no test reach significance. ``write_rankings``
writes each metric's ranks, its pairwise tests and its diagram: the report's ranks section.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from bench.errors import BenchError
from bench.metrics.base import MetricSpec
from bench.plotting.colours import generator_colours
from bench.plotting.style import report_style, save_figure
from bench.report.ranking import Ranking, rank_generators
from bench.report.summary import (
    example_spec,  # noqa: F401 - the doctests' example
    present_specs,
)
from bench.report.tables import goal_text, markdown_table, metric_file_stem

NOTE_WIDTH = 110  # characters per title line at 7.5 pt across the figure's 7.2 in
NOTE_LINE_IN = 0.15  # height of one title line


def title_lines(ranking: Ranking, title: str = "") -> list[str]:
    """The diagram's title: the metric, then the blocks and tests (``Ranking.notes``) wrapped to the width.

    Example:
        >>> from bench.report.ranking import _example_runs, _example_spec, rank_generators
        >>> print("\\n".join(title_lines(rank_generators(_example_runs(datasets=1), _example_spec()), "AUROC")))
        AUROC
        Blocks: 1 dataset, each generator's value averaged over its 2 seeds there first (the seeds of a dataset share
        its split: not independent).
        One dataset: no test is possible; the ranks are descriptive only.
    """
    return [title or ranking.metric] + [line for note in ranking.notes()
                                        for line in textwrap.wrap(note, NOTE_WIDTH)]


def plot_critical_difference(ranking: Ranking, colours: dict[str, tuple[float, float, float]],
                             title: str = "") -> Figure:
    """Draw the diagram; ``colours`` maps generators to their report colours (markers and leader lines).

    Example:
        >>> from bench.report.ranking import _example_runs, _example_spec, rank_generators
        >>> fig = plot_critical_difference(rank_generators(_example_runs(), _example_spec()), {})
        >>> [t.get_text() for t in fig.axes[0].texts if "(" in t.get_text()]
        ['copy (1.00)', 'gaussian_copula (2.00)', 'marginals (3.00)']
        >>> "Iman-Davenport" in fig.get_suptitle() and "Nemenyi" in fig.get_suptitle()
        True
    """
    average = ranking.average
    names, k = list(average.index), len(average)
    groups = ranking.groups()
    left = names[: math.ceil(k / 2)]
    right = names[math.ceil(k / 2):]
    rows = max(len(left), len(right))
    lines = title_lines(ranking, title)
    body = 0.78 * (1.3 + 0.22 * (rows + len(groups)))  # the axes, in inches
    head = 0.12 + NOTE_LINE_IN * len(lines)
    height = body + head + 0.05
    fig = Figure(figsize=(7.2, height))
    ax = fig.add_axes((0.27, 0.02, 0.46, body / height))  # wide margins: the names hang out to both sides
    ax.set_xlim(0.5, k + 0.5)
    bottom = -(0.6 + 0.35 * len(groups) + 0.45 * rows)
    ax.set_ylim(bottom, 1.0)
    ax.axis("off")
    ax.plot([1, k], [0, 0], color="black", lw=1)
    for tick in range(1, k + 1):
        ax.plot([tick, tick], [0, 0.12], color="black", lw=1)
        ax.text(tick, 0.18, str(tick), ha="center", va="bottom", fontsize=8)
    ax.plot([1, 1 + ranking.cd], [0.7, 0.7], color="black", lw=1.5)  # the CD scale
    for end in (1, 1 + ranking.cd):
        ax.plot([end, end], [0.64, 0.76], color="black", lw=1)
    ax.text(1 + ranking.cd / 2, 0.8, f"CD = {ranking.cd:.2f}", ha="center", va="bottom", fontsize=8)
    for depth, group in enumerate(groups):  # bars of not-significantly-different generators
        y = -0.3 - 0.35 * depth
        ax.plot([average[group[0]] - 0.03, average[group[-1]] + 0.03], [y, y], color="black", lw=3,
                solid_capstyle="round")
    first_label = -(0.6 + 0.35 * len(groups))
    for side, members in (("left", left), ("right", right)):
        for i, name in enumerate(members if side == "left" else reversed(members)):
            y, rank = first_label - 0.45 * i, average[name]
            x_text = 0.5 if side == "left" else k + 0.5
            colour = colours.get(name, (0.0, 0.0, 0.0))
            ax.plot([rank, rank, x_text], [0, y, y], color=colour, lw=1)
            ax.plot(rank, 0, "o", color=colour, markersize=4)
            ax.text(x_text + (-0.08 if side == "left" else 0.08), y, f"{name} ({rank:.2f})",
                    ha="right" if side == "left" else "left", va="center", fontsize=8)  # black: yellow is faint
    fig.suptitle("\n".join(lines), fontsize=7.5, y=1 - 0.04 / height, va="top")
    return fig


__all__ = ["plot_critical_difference", "title_lines"]


def ranking_markdown(ranking: Ranking, spec: MetricSpec, digits: int = 3) -> str:
    """Markdown for one metric's ranking: a title, the blocks and tests in words (``Ranking.notes``), the
    average ranks and the pairwise Wilcoxon signed-rank tests with their Holm-corrected p-values.

    Example:
        >>> from bench.report.ranking import _example_runs
        >>> text = ranking_markdown(rank_generators(_example_runs(), example_spec()), example_spec())
        >>> text.splitlines()[0], "| copy | 1.00 |" in text, "| copy vs marginals | 5 | 5 | 0 | +0.300 |" in text
        ('### Ranks: utility.tstr_auroc ↑ — TSTR AUROC', True, True)
    """
    ranks = pd.DataFrame({"average rank (1 = best)": [f"{r:.2f}" for r in ranking.average]},
                         index=pd.Index(ranking.average.index, name="generator"))
    pairs = ranking.pairs
    tests = pd.DataFrame({
        "datasets": pairs["datasets"], "a better": pairs["a_better"], "b better": pairs["b_better"],
        "median advantage of a": [f"{v:+.{digits}f}" for v in pairs["median_advantage"]],
        "p (Wilcoxon)": [f"{v:.3g}" for v in pairs["p_wilcoxon"]], "p (Holm)": [f"{v:.3g}" for v in pairs["p_holm"]],
        "significant": ["yes" if v else "no" for v in pairs["significant"]]})
    tests.index = pd.Index([f"{a} vs {b}" for a, b in zip(pairs["generator_a"], pairs["generator_b"])], name="a vs b")
    return (f"### Ranks: {spec.name} {spec.arrow} — {spec.description}\n\n{' '.join(ranking.notes())}\n\n"
            f"{markdown_table(ranks)}\n\nPairwise Wilcoxon signed-rank tests over the per-dataset differences "
            f"(seeds averaged first; a failed generator counts as worse than any difference), Holm-corrected over "
            f"all pairs at alpha {ranking.alpha:g}; the advantage is in the metric's units ({goal_text(spec)}).\n\n"
            f"{markdown_table(tests)}\n")


def write_rankings(runs: pd.DataFrame, specs: list[MetricSpec], tables_dir: Path, figures_dir: Path,
                   dpi: int = 300) -> list[Path]:
    """Per metric that can be ranked (2+ generators with values on 1+ dataset): ``ranks_<metric>.csv``
    (average ranks over datasets, Friedman test as Iman-Davenport F, Nemenyi CD),
    ``ranks_<metric>_pairs.csv`` (pairwise Wilcoxon-Holm tests), ``ranks_<metric>.md`` (both, with the
    tests in words) and the critical-difference diagram ``cd_<metric>`` (``.png``, ``.pdf`` and ``.svg``),
    whose title names the tests. Metrics that cannot be ranked are skipped.

    Example:
        >>> import tempfile
        >>> from bench.report.ranking import _example_runs
        >>> out = Path(tempfile.mkdtemp())
        >>> paths = write_rankings(_example_runs(), [example_spec()], out, out, dpi=50)
        >>> [p.name for p in paths]  # doctest: +NORMALIZE_WHITESPACE
        ['ranks_utility_tstr_auroc.csv', 'ranks_utility_tstr_auroc_pairs.csv', 'ranks_utility_tstr_auroc.md',
         'cd_utility_tstr_auroc.png', 'cd_utility_tstr_auroc.pdf', 'cd_utility_tstr_auroc.svg']
    """
    colours = generator_colours(list(runs["generator"].unique()))
    tables_dir = Path(tables_dir)
    paths: list[Path] = []
    for spec in present_specs(runs, specs):
        try:
            ranking = rank_generators(runs, spec)
        except BenchError:  # too few generators or datasets with values: nothing to rank
            continue
        stem = metric_file_stem(spec)
        tables_dir.mkdir(parents=True, exist_ok=True)
        tables = [tables_dir / f"ranks_{stem}.csv", tables_dir / f"ranks_{stem}_pairs.csv",
                  tables_dir / f"ranks_{stem}.md"]
        ranking.table().to_csv(tables[0], index=False)
        ranking.pairs.to_csv(tables[1], index=False)
        tables[2].write_text(ranking_markdown(ranking, spec), encoding="utf-8")
        with report_style():
            fig = plot_critical_difference(ranking, colours, title=f"{spec.name} {spec.arrow}")
        paths += [*tables, *save_figure(fig, figures_dir, f"cd_{stem}", dpi)]
    return paths
