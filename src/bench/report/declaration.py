"""The quality and risk declaration of one synthetic dataset (one cell): a self-contained HTML page.

Everything comes from the cell's MLflow run: params, metrics with their CIs, tags (the privacy
verdict), the sweep's provenance tags (versions, git commit), the cell spec (card checksum, split
settings) and the details tables (per attack, per subgroup). Those hold aggregates only, so the page
shows no real patient row. Figures are embedded as PNG data, so the one file can be mailed or
archived as it is; it prints on A4 (the browser's "print to PDF" gives the PDF).
"""

from __future__ import annotations

import base64
import html
import io
import time
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from bench.metrics import METRICS
from bench.metrics.cost import STAGES
from bench.plotting.style import FAILED_COLOUR, figure_legend, report_style
from bench.report.page import BASE_STYLE, write_text_atomically
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


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _meaning(name: str) -> str:
    spec = METRICS.get(name)
    return f"{spec.arrow} {spec.description}" if spec else ""


def render(record: CellRecord) -> str:
    """The declaration page of ``record`` as one HTML document."""
    p, t = record.params, record.tags
    verdict = t.get("privacy.verdict", "not assessed")
    threshold = float(t.get("privacy.risk_threshold", p.get("metric.risk_threshold", "0.09")))
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Declaration: {html.escape(record.name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Synthetic data declaration</h1><p class='lead'><b>{html.escape(p.get('generator_label', '?'))}</b> "
        f"trained on <b>{html.escape(p.get('dataset_label', '?'))}</b> (seed {html.escape(p.get('seed', '?'))}); "
        f"cell status {html.escape(t.get('bench.status', '?'))}.</p>",
        f"<div class='verdict {html.escape(verdict)}'>Privacy verdict: <b>{html.escape(verdict.upper())}</b> "
        f"against a re-identification risk threshold of {threshold:g}. "
        f"{html.escape(t.get('privacy.verdict_reason', ''))}</div>",
        "<h2>1. Utility assessment</h2><h3>Fidelity</h3>",
        _table([(n, record.value(n), _meaning(n)) for n in HEADLINE_FIDELITY if n in record.metrics],
               ("metric", "value [95% CI]", "meaning")),
        "<h3>Train on synthetic, test on real (random forest)</h3>",
        _table([(m, record.value(f"utility.tstr_{m}"), record.value(f"utility.trtr_{m}")) for m in UTILITY_ROWS
                if f"utility.tstr_{m}" in record.metrics], ("measure", "TSTR [95% CI]", "TRTR [95% CI]")),
        f"<p>TSTR − TRTR AUROC: <b>{record.value('utility.tstr_gap')}</b> (0 means the synthetic data trains "
        f"models as well as the real data).</p>",
    ]
    subgroups = record.details.get("fairness.worst_subgroup_gap")
    if subgroups is not None and (subgroups["status"] == "ok").any():
        figure = _png(subgroup_figure(subgroups))
        parts.append(f"<h3>Fairness per subgroup</h3><img alt='per-subgroup AUROC' src='{figure}'>")
    parts.append(_table([(n, record.value(n), _meaning(n)) for n in sorted(record.metrics)
                         if n.startswith("fairness.") and not n.endswith((".ci_low", ".ci_high"))],
                        ("fairness metric", "value [95% CI]", "meaning")))
    representation = record.details.get("fairness.representation_ratio_min")
    if representation is not None:
        parts.append("<h3>Representation of subgroups (synthetic share / real share)</h3>" + _table(
            [(r.attribute, r.subgroup, f"{r.real_share:.3f}", f"{r.synthetic_share:.3f}", f"{r.ratio:.2f}")
             for r in representation.itertuples(index=False)],
            ("attribute", "subgroup", "real share", "synthetic share", "ratio")))
    parts.append("<h2>2. Privacy assurance</h2>")
    attacks = record.details.get("privacy.max_risk")
    if attacks is not None and len(attacks):
        parts.append(f"<img alt='attack risks' src='{_png(attack_figure(attacks, threshold))}'>"
                     "<p>Residual risk: the attack's success beyond what the control rows (real patients the "
                     "generator never saw) allow. Red: the attack fails the threshold. The cell passes when every "
                     "attack's one-sided 95% upper bound lies below the threshold, and fails when a one-sided test, "
                     "corrected for the number of attacks (Holm), shows an attack above it; faded: an attack no better "
                     "than random guessing, which proves nothing either way.</p>")
        parts.append(_table([(a.attack, f"{a.risk:.3f} [{a.risk_ci_low:.3f}, {a.risk_ci_high:.3f}]",
                              f"{a.upper_bound:.3f}" if "upper_bound" in attacks else "—",
                              "yes" if a.trusted else "no (no better than guessing)", a.verdict)
                             for a in attacks.itertuples(index=False)],
                            ("attack (anonymeter)", "residual risk [95% CI]", "one-sided 95% upper bound", "trusted",
                             "verdict")))
    parts.append("<h3>Memorisation</h3>" + _table(
        [(n, record.value(n), _meaning(n)) for n in MEMORISATION if n in record.metrics],
        ("metric", "value [95% CI]", "meaning")))
    parts.append("<h2>3. Cost</h2>" + _table(
        [(stage, *(f"{record.metrics[f'cost.{stage}_{q}']:.3g}" if f"cost.{stage}_{q}" in record.metrics else "—"
                   for q in ("wall_s", "cpu_s", "peak_rss_mb", "energy_kwh", "emissions_g")))
         for stage in STAGES], ("stage", "wall s", "CPU s", "peak MB", "energy kWh", "g CO2e")))
    parts.append(f"<p>Energy measured by: {html.escape(t.get('cost.energy_method', 'not measured'))} "
                 f"(country {html.escape(t.get('cost.co2_country', '?'))}).</p>")
    settings = [(k, v) for k, v in sorted(p.items()) if k.startswith(("gen.", "metric.", "data."))]
    provenance = [("run id", record.run_id), ("cell id", t.get("bench.cell_id", "")),
                  ("sweep", t.get("bench.sweep", "")), ("split seed", p.get("split_seed", "")),
                  ("dataset card sha256", record.spec.get("card_sha256", "")),
                  ("git commit", f"{record.provenance.get('git.commit', '?')} (dirty: "
                                 f"{record.provenance.get('git.dirty', '?')})"),
                  *((k.removeprefix("version."), v) for k, v in sorted(record.provenance.items())
                    if k.startswith("version.")), ("python", record.provenance.get("python", ""))]
    parts.append("<h2>4. Settings and provenance</h2>" + _table(settings, ("setting", "value"))
                 + _table(provenance, ("what", "value")))
    parts.append(f"<p class='foot'>Generated {time.strftime('%Y-%m-%d %H:%M')} by health-synth-bench from the "
                 "MLflow run above. Aggregates only: no real patient row appears on this page.</p></body></html>")
    return "\n".join(parts)


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
