"""Attacks on several synthetic tables side by side: raw success rates next to the residual risk.

The figure explains what the privacy numbers mean: the attack's success on the patients the
generator trained on, its success on control patients it never saw (what the synthetic data gives
away about anyone from the same population), a random-guessing baseline, and the residual risk,
the part of the success that only trained-on patients suffer, with its 95% interval and the
threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bench.plotting.colours import generator_colours
from bench.plotting.style import figure_legend, report_style

NEEDED = ("generator", "attack", "attack_rate", "control_rate", "baseline_rate", "risk", "risk_ci_low", "risk_ci_high",
          "trusted")


def plot_attacks(details: pd.DataFrame, threshold: float) -> Figure:
    """Left: success rate on trained-on rows (filled), on control rows (open) and by guessing (grey bar),
    per attack and generator. Right: residual risk with its 95% CI and the threshold (dashed); an
    attack no better than guessing is faded.

    ``details`` is ``privacy.max_risk``'s details table of each generator, stacked with a
    ``generator`` column (``bench.metrics.registry.stack_details``).

    Example:
        >>> details = pd.DataFrame({"generator": ["copy"], "attack": ["linkability"], "attack_rate": [0.9],
        ...     "control_rate": [0.1], "baseline_rate": [0.01], "risk": [0.89], "risk_ci_low": [0.85],
        ...     "risk_ci_high": [0.93], "trusted": [True]})
        >>> [ax.get_title(loc="left") for ax in plot_attacks(details, 0.09).axes]
        ['Attack success rate', 'Residual risk with 95% CI']
    """
    missing = [column for column in NEEDED if column not in details]
    if missing:
        raise ValueError(f"attack details lack the column(s) {missing}; expected privacy.max_risk's details "
                         "stacked with a 'generator' column")
    attacks = list(dict.fromkeys(details["attack"]))
    generators = list(dict.fromkeys(details["generator"]))
    colours = generator_colours(generators)
    step = 0.8 / max(1, len(generators))
    with report_style():
        fig = Figure(figsize=(9.0, 1.2 + 0.45 * len(attacks) * max(1, len(generators)) ** 0.5), layout="constrained")
        rates, risks = fig.subplots(1, 2, sharey=True)
        for i, generator in enumerate(generators):
            rows = details[details["generator"] == generator].set_index("attack").reindex(attacks)
            y = np.arange(len(attacks)) - 0.4 + step * (i + 0.5)
            colour = colours[generator]
            rates.scatter(rows["baseline_rate"], y, marker="|", s=90, color="#9a9a9a", zorder=2)
            rates.scatter(rows["control_rate"], y, facecolors="white", edgecolors=colour, s=30, zorder=3)
            rates.scatter(rows["attack_rate"], y, color=colour, s=30, zorder=4)
            for yi, row in zip(y, rows.itertuples()):
                if np.isnan(row.risk):
                    continue
                risks.errorbar(row.risk, yi, xerr=[[row.risk - row.risk_ci_low], [row.risk_ci_high - row.risk]],
                               fmt="o", color=colour, alpha=1.0 if row.trusted else 0.35, capsize=2, markersize=5)
        risks.axvline(threshold, color="#555555", linestyle="--", linewidth=1)
        rates.set_yticks(range(len(attacks)), attacks)
        rates.invert_yaxis()
        rates.set_xlim(0, 1)
        rates.set_title("Attack success rate", loc="left")
        rates.set_xlabel("● trained-on rows   ○ control rows   | random guessing")
        risks.set_title("Residual risk with 95% CI", loc="left")
        risks.set_xlabel(f"dashed: threshold {threshold:g}; faded: no better than guessing")
        for ax in (rates, risks):
            ax.grid(True, axis="x")
        handles = [Line2D([], [], color=colours[g], marker="o", linestyle="", label=g) for g in generators]
        figure_legend(fig, handles, max_cols=5)
    return fig
