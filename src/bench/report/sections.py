"""The report's sections, declared once: what each one is called on ``report.html``, which function
writes its tables and figures, and how its files are named.

``bench.report.build`` runs every section in ``SECTIONS`` and ``report.html`` shows them in this
order; nothing else lists the report's parts. A new figure is one module (``report/figures/``) and
one ``Section`` here; ``tests/unit/report/test_sections.py`` checks that each section writes only
files named as it declares and that each appears on the page.

Example:
    >>> [section.key for section in SECTIONS][:3]
    ['trade-off', 'use cases', 'fairness']
    >>> section_of("cd_utility_tstr_auroc").title
    'Ranks: critical-difference diagrams'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from bench.metrics.base import FAMILIES, MetricSpec
from bench.report.figures.cost import write_cost_figure
from bench.report.figures.critical_difference import write_rankings
from bench.report.figures.fairness import (
    REPRESENTATION_DETAILS,
    SUBGROUP_DETAILS,
    write_representation_figure,
    write_subgroup_figure,
)
from bench.report.figures.heatmaps import write_heatmaps
from bench.report.figures.metrics import write_figures
from bench.report.figures.tradeoff import write_tradeoff
from bench.report.figures.use_cases import write_use_cases
from bench.report.tables import write_tables
from bench.report.verdicts import write_verdicts


@dataclass(frozen=True)
class ReportInputs:
    """What every section writer reads: the runs table, the headline metrics, where files go, the risk
    threshold the cells were scored with, and the cells' details tables by name (empty when none)."""

    runs: pd.DataFrame
    specs: list[MetricSpec]
    tables_dir: Path
    figures_dir: Path
    risk_threshold: float
    details: Callable[[str], pd.DataFrame]


@dataclass(frozen=True)
class Section:
    """One part of the report: ``key`` (in the outputs of ``build``), ``title`` (its heading on the page),
    ``writer`` (writes its files, returns their paths; nothing when the runs lack what it needs) and
    ``stems``: the names of its files without suffix, a stem ending in '_' naming a family of files."""

    key: str
    title: str
    writer: Callable[[ReportInputs], list[Path]]
    stems: tuple[str, ...]

    def names(self, stem: str) -> bool:
        """Whether a file named ``stem`` (no suffix) is one this section declares.

        Example:
            >>> Section("x", "X", lambda inputs: [], ("heatmap_", "cells")).names("heatmap_privacy")
            True
        """
        return any(stem == declared or declared.endswith("_") and stem.startswith(declared)
                   for declared in self.stems)


PER_METRIC = tuple(f"{family}_" for family in FAMILIES)  # one file per headline metric: <family>_<name>

SECTIONS: tuple[Section, ...] = (
    Section("trade-off", "Trade-off",
            lambda i: write_tradeoff(i.runs, {s.name: s for s in i.specs}, i.tables_dir, i.figures_dir,
                                     threshold=i.risk_threshold),
            ("tradeoff_privacy_utility",)),
    Section("use cases", "Use cases", lambda i: write_use_cases(i.runs, i.specs, i.tables_dir, i.figures_dir),
            ("use_cases",)),
    Section("fairness", "Fairness across subgroups",
            lambda i: write_subgroup_figure(i.details(SUBGROUP_DETAILS), i.tables_dir, i.figures_dir),
            ("fairness_subgroups",)),
    Section("representation", "Subgroup representation",
            lambda i: write_representation_figure(i.details(REPRESENTATION_DETAILS), i.tables_dir, i.figures_dir),
            ("fairness_representation",)),
    Section("cost", "Cost", lambda i: write_cost_figure(i.runs, i.figures_dir), ("cost_vs_quality",)),
    Section("heatmaps", "Heatmaps per family", lambda i: write_heatmaps(i.runs, i.specs, i.figures_dir),
            ("heatmap_",)),
    Section("rankings", "Ranks: critical-difference diagrams",
            lambda i: write_rankings(i.runs, i.specs, i.tables_dir, i.figures_dir), ("cd_", "ranks_")),
    Section("figures", "Metrics", lambda i: write_figures(i.runs, i.specs, i.figures_dir), PER_METRIC),
    Section("tables", "Tables per metric", lambda i: write_tables(i.runs, i.specs, i.tables_dir),
            (*PER_METRIC, "cells")),
    Section("verdicts", "Privacy verdicts", lambda i: write_verdicts(i.runs, i.tables_dir),
            ("privacy_verdicts", "unavailable")),
)


def section_of(stem: str) -> Section:
    """The first section that declares a file named ``stem``; ``KeyError`` when none does."""
    for section in SECTIONS:
        if section.names(stem):
            return section
    raise KeyError(f"no report section declares a file named '{stem}'")
