"""The critical-difference diagram of a ``Ranking`` (Demšar 2006): average ranks over dataset blocks on
one axis, best on the left; generators joined by a bar are not significantly different (Nemenyi, all
pairs at once, read only when the Friedman test rejects). The title states the blocks and the tests
used (``Ranking.notes``), or that too few datasets let no test reach significance.
"""

from __future__ import annotations

import math
import textwrap

from matplotlib.figure import Figure

from bench.ranking import Ranking

NOTE_WIDTH = 110  # characters per title line at 7.5 pt across the figure's 7.2 in
NOTE_LINE_IN = 0.15  # height of one title line


def title_lines(ranking: Ranking, title: str = "") -> list[str]:
    """The diagram's title: the metric, then the blocks and tests (``Ranking.notes``) wrapped to the width.

    Example:
        >>> from bench.ranking import _example_runs, _example_spec, rank_generators
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
        >>> from bench.ranking import _example_runs, _example_spec, rank_generators
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
