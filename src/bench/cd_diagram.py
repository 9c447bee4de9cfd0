"""The critical-difference diagram of a ``Ranking`` (Demšar 2006): average ranks on one axis, best on
the left; generators joined by a bar are not significantly different (Nemenyi, all pairs at once).
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from bench.ranking import Ranking


def plot_critical_difference(ranking: Ranking, colours: dict[str, tuple[float, float, float]],
                             title: str = "") -> Figure:
    """Draw the diagram; ``colours`` maps generators to their report colours (markers and leader lines).

    Example:
        >>> from bench.ranking import _example_runs, _example_spec, rank_generators
        >>> fig = plot_critical_difference(rank_generators(_example_runs(), _example_spec()), {})
        >>> [t.get_text() for t in fig.axes[0].texts if "(" in t.get_text()]
        ['copy (1.00)', 'gaussian_copula (2.00)', 'marginals (3.00)']
    """
    average = ranking.average
    names, k = list(average.index), len(average)
    groups = ranking.groups()
    left = names[: math.ceil(k / 2)]
    right = names[math.ceil(k / 2):]
    rows = max(len(left), len(right))
    height = 1.3 + 0.22 * (rows + len(groups))
    fig = Figure(figsize=(7.2, height))
    ax = fig.add_axes((0.27, 0.02, 0.46, 0.78))  # wide margins: the names hang out to both sides
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
    verdict = (f"Friedman p = {ranking.p_value:.2g} over {ranking.n_blocks} (dataset, seed) blocks"
               + (f"; {ranking.imputed} failed cells ranked last" if ranking.imputed else ""))
    fig.suptitle(f"{title or ranking.metric}\n{verdict}", fontsize=9, y=0.99)
    return fig


__all__ = ["plot_critical_difference"]
