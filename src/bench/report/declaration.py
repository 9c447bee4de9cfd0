"""The quality and risk declaration of one synthetic dataset (one cell): a self-contained HTML page.

Everything comes from the cell's MLflow run: params, metrics with their CIs, tags (the privacy
verdict), the sweep's provenance tags (versions, git commit), the cell spec (card checksum, split
settings) and the details tables (per attack, per subgroup). Those hold aggregates only, so the page
shows no real patient row. Figures are embedded as PNG data, so the one file can be mailed or
archived as it is; it prints on A4 (the browser's "print to PDF" gives the PDF).
"""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from bench.metrics import METRICS
from bench.metrics.cost import STAGES
from bench.plotting.style import FAILED_COLOUR, figure_legend, report_style
from bench.report.page import BASE_STYLE, TEMPLATES, TextTable, write_text_atomically
from bench.tracking.reads import CellRecord, read_cell

HEADLINE_FIDELITY = ("fidelity.univariate_similarity", "fidelity.pair_similarity", "fidelity.detection_auroc",
                     "fidelity.rule_violation_rate", "fidelity.real_rule_violation_rate")
UTILITY_ROWS = ("auroc", "accuracy", "f1", "brier")
MEMORISATION = ("privacy.exact_copy_rate", "privacy.copied_share", "privacy.holdout_copied_share",
                "privacy.dcr_closer_to_train", "privacy.membership_auroc", "privacy.membership_tpr_at_fpr_0_01",
                "privacy.rare_copied_share", "privacy.rare_holdout_copied_share", "privacy.rare_membership_auroc")


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    with report_style():
        fig.savefig(buffer, format="png", dpi=150)
    fig.clear()
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def attack_figure(attacks: pd.DataFrame, threshold: float) -> Figure:
    """Each attack's residual risk with its 95% CI against the threshold (untrusted attacks faded)."""
    with report_style():
        fig = Figure(figsize=(6.4, 0.6 + 0.28 * len(attacks)), layout="constrained")
        ax = fig.add_subplot()
        for y, row in enumerate(attacks.itertuples(index=False)):
            colour = FAILED_COLOUR if row.verdict == "fail" else "#0072B2"
            ax.errorbar(row.risk, y, xerr=[[row.risk - row.risk_ci_low], [row.risk_ci_high - row.risk]], fmt="o",
                        color=colour, alpha=1.0 if row.trusted else 0.45, capsize=3)
        ax.axvline(threshold, color="#555555", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(attacks)), attacks["attack"])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"residual re-identification risk (95% CI); dashed: threshold {threshold:g}")
        ax.grid(True, axis="x")
    return fig


def subgroup_figure(subgroups: pd.DataFrame) -> Figure:
    """TSTR and TRTR AUROC per subgroup with 95% CIs (subgroups too small to judge are left out)."""
    shown = subgroups[subgroups["status"] == "ok"].reset_index(drop=True)
    labels = shown["attribute"].astype(str) + " = " + shown["subgroup"].astype(str)
    with report_style():
        fig = Figure(figsize=(6.4, 0.8 + 0.3 * len(shown)), layout="constrained")
        ax = fig.add_subplot()
        for offset, prefix, colour in ((-0.15, "trtr", "#555555"), (0.15, "tstr", "#E69F00")):
            values = shown[f"{prefix}_auroc"]
            ax.errorbar(values, [y + offset for y in range(len(shown))], fmt="o", color=colour, capsize=2,
                        xerr=[values - shown[f"{prefix}_auroc_ci_low"], shown[f"{prefix}_auroc_ci_high"] - values],
                        label=f"{prefix.upper()} (trained on {'real' if prefix == 'trtr' else 'synthetic'})")
        ax.set_yticks(range(len(shown)), labels)
        ax.invert_yaxis()
        ax.set_xlabel("AUROC on the real holdout, per subgroup (95% CI)")
        figure_legend(fig, *ax.get_legend_handles_labels(), max_cols=2)
        ax.grid(True, axis="x")
    return fig


def _table(rows: list[tuple[Any, ...]], header: tuple[str, ...]) -> TextTable:
    return TextTable(list(header), [[str(cell) for cell in row] for row in rows])


def _meaning(name: str) -> str:
    spec = METRICS.get(name)
    return f"{spec.arrow} {spec.description}" if spec else ""


def _metric_rows(record: CellRecord, names: Iterable[str]) -> list[tuple[str, str, str]]:
    return [(n, record.value(n), _meaning(n)) for n in names if n in record.metrics]


def _attack_table(attacks: pd.DataFrame) -> TextTable:
    return _table([(a.attack, f"{a.risk:.3f} [{a.risk_ci_low:.3f}, {a.risk_ci_high:.3f}]",
                    f"{a.upper_bound:.3f}" if "upper_bound" in attacks else "—",
                    "yes" if a.trusted else "no (no better than guessing)", a.verdict)
                   for a in attacks.itertuples(index=False)],
                  ("attack (anonymeter)", "residual risk [95% CI]", "one-sided 95% upper bound", "trusted", "verdict"))


def _provenance(record: CellRecord) -> list[tuple[str, str]]:
    p, t, made = record.params, record.tags, record.provenance
    return [("run id", record.run_id), ("cell id", t.get("bench.cell_id", "")), ("sweep", t.get("bench.sweep", "")),
            ("split seed", p.get("split_seed", "")), ("dataset card sha256", record.spec.get("card_sha256", "")),
            ("git commit", f"{made.get('git.commit', '?')} (dirty: {made.get('git.dirty', '?')})"),
            *((k.removeprefix("version."), v) for k, v in sorted(made.items()) if k.startswith("version.")),
            ("python", made.get("python", ""))]


def render(record: CellRecord) -> str:
    """The declaration page of ``record`` as one HTML document (``templates/declaration.html.j2``)."""
    p, t = record.params, record.tags
    verdict = t.get("privacy.verdict", "not assessed")
    threshold = float(t.get("privacy.risk_threshold", p.get("metric.risk_threshold", "0.09")))
    subgroups = record.details.get("fairness.worst_subgroup_gap")
    representation = record.details.get("fairness.representation_ratio_min")
    attacks = record.details.get("privacy.max_risk")
    has_attacks = attacks is not None and len(attacks) > 0
    return TEMPLATES.get_template("declaration.html.j2").render(
        name=record.name, style=Markup(STYLE), generator=p.get("generator_label", "?"),
        dataset=p.get("dataset_label", "?"), seed=p.get("seed", "?"), status=t.get("bench.status", "?"),
        verdict=verdict, threshold=f"{threshold:g}", verdict_reason=t.get("privacy.verdict_reason", ""),
        fidelity=_table(_metric_rows(record, HEADLINE_FIDELITY), ("metric", "value [95% CI]", "meaning")),
        utility=_table([(m, record.value(f"utility.tstr_{m}"), record.value(f"utility.trtr_{m}")) for m in UTILITY_ROWS
                        if f"utility.tstr_{m}" in record.metrics], ("measure", "TSTR [95% CI]", "TRTR [95% CI]")),
        tstr_gap=record.value("utility.tstr_gap"),
        subgroup_png=(_png(subgroup_figure(subgroups))
                      if subgroups is not None and (subgroups["status"] == "ok").any() else None),
        fairness=_table(_metric_rows(record, sorted(n for n in record.metrics if n.startswith("fairness.")
                                                    and not n.endswith((".ci_low", ".ci_high")))),
                        ("fairness metric", "value [95% CI]", "meaning")),
        representation=None if representation is None else _table(
            [(r.attribute, r.subgroup, f"{r.real_share:.3f}", f"{r.synthetic_share:.3f}", f"{r.ratio:.2f}")
             for r in representation.itertuples(index=False)],
            ("attribute", "subgroup", "real share", "synthetic share", "ratio")),
        attack_png=_png(attack_figure(attacks, threshold)) if has_attacks else None,
        attacks=_attack_table(attacks) if has_attacks else None,
        memorisation=_table(_metric_rows(record, MEMORISATION), ("metric", "value [95% CI]", "meaning")),
        cost=_table([(stage, *(f"{record.metrics[f'cost.{stage}_{q}']:.3g}" if f"cost.{stage}_{q}" in record.metrics
                               else "—" for q in ("wall_s", "cpu_s", "peak_rss_mb", "energy_kwh", "emissions_g")))
                     for stage in STAGES], ("stage", "wall s", "CPU s", "peak MB", "energy kWh", "g CO2e")),
        energy_method=t.get("cost.energy_method", "not measured"), co2_country=t.get("cost.co2_country", "?"),
        settings=_table([(k, v) for k, v in sorted(p.items()) if k.startswith(("gen.", "metric.", "data."))],
                        ("setting", "value")),
        provenance=_table(_provenance(record), ("what", "value")), generated=time.strftime("%Y-%m-%d %H:%M"))


STYLE = BASE_STYLE + """
body { max-width: 900px; } h3 { font-size: 1rem; } table { font-size: 0.85rem; margin: 0.5rem 0; }
td, th { vertical-align: top; }
img { max-width: 100%; } .lead { font-size: 1.05rem; } .foot { color: #666; font-size: 0.8rem; }
.verdict { padding: 0.6rem 1rem; border-radius: 4px; background: #f0f0f0; }
.verdict.pass { background: #e3f2e1; } .verdict.fail { background: #f8dede; } \
.verdict.inconclusive { background: #fff4d6; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } img { break-inside: avoid; } }
"""


def write_declaration(tracking_uri: str, run_id: str, out: Path) -> Path:
    """Render the declaration of ``run_id`` into ``out`` (written atomically)."""
    return write_text_atomically(Path(out), render(read_cell(tracking_uri, run_id)))


__all__ = ["attack_figure", "render", "subgroup_figure", "write_declaration"]
