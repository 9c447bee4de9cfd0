"""The one declared list of report sections: every section writes only the files it declares, no two
sections write the same file, and report.html shows every section that wrote something."""

import html
import math

import numpy as np
import pandas as pd
import pytest

from bench.metrics import METRICS
from bench.report.build import build_report
from bench.report.figures.fairness import REPRESENTATION_DETAILS, SUBGROUP_DETAILS
from bench.report.page import render
from bench.report.sections import SECTIONS, Section, section_of

DATASETS, GENERATORS, SEEDS = ("pima", "heart_failure"), ("copy", "marginals", "holdout"), (0, 1)


def every_metric_runs() -> pd.DataFrame:
    """A runs table as the store gives it: every headline metric, random values inside each metric's range."""
    rng = np.random.default_rng(0)
    rows = []
    for dataset in DATASETS:
        for generator in GENERATORS:
            for seed in SEEDS:
                rows.append({
                    "run_id": f"{dataset}-{generator}-{seed}", "sweep_id": "s",
                    "cell_id": f"{dataset}{generator}{seed}",
                    "cell": f"{dataset}/{generator}/seed={seed}", "dataset": dataset, "generator": generator,
                    "seed": seed, "status": "FINISHED", "error": "", "privacy_verdict": "inconclusive",
                    "privacy_worst_attack": "inference", "unavailable": {}, "risk_threshold": 0.09,
                    **{name: float(rng.uniform(low, high if math.isfinite(high) else low + 100.0))
                       for name, spec in METRICS.items() for low, high in [spec.range]}})
    return pd.DataFrame(rows)


def subgroup_details(name: str) -> pd.DataFrame:
    """The stacked fairness details tables the store would give for ``name``; empty for any other table."""
    if name not in (SUBGROUP_DETAILS, REPRESENTATION_DETAILS):
        return pd.DataFrame()
    return pd.DataFrame([{"dataset": d, "generator": g, "seed": s, "attribute": "Age", "subgroup": "21-29",
                          "status": "ok", "tstr_auroc": 0.7, "trtr_auroc": 0.8, "ratio": 0.9}
                         for d in DATASETS for g in GENERATORS for s in SEEDS])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    specs = [spec for spec in METRICS.values() if spec.headline]
    return results, build_report(every_metric_runs(), specs, results, name="t", details=subgroup_details)


def test_section_keys_and_titles_are_unique():
    assert len({s.key for s in SECTIONS}) == len(SECTIONS) and len({s.title for s in SECTIONS}) == len(SECTIONS)


def test_a_stem_no_section_declares_is_refused_and_a_declared_family_is_found():
    assert section_of("heatmap_fidelity").key == "heatmaps"
    with pytest.raises(KeyError, match="no report section declares a file named 'scatter_of_everything'"):
        section_of("scatter_of_everything")
    assert not Section("x", "X", lambda inputs: [], ("heatmap_",)).names("heatmap")  # a family needs its suffix


@pytest.mark.slow
def test_every_section_writes_files_and_only_those_it_declares(built):
    _, outputs = built
    assert list(outputs) == [section.key for section in SECTIONS]
    for section in SECTIONS:
        assert outputs[section.key], f"section '{section.key}' wrote nothing from a runs table with every metric"
        undeclared = sorted(p.name for p in outputs[section.key] if not section.names(p.stem))
        assert undeclared == [], f"section '{section.key}' wrote files it does not declare: {undeclared}"
        assert all(p.is_file() for p in outputs[section.key])
    written = [p for paths in outputs.values() for p in paths]
    assert len(written) == len(set(written)), "two sections wrote the same file"


@pytest.mark.slow
def test_the_page_shows_every_section_that_wrote_something(built):
    results, outputs = built
    page = render(results, "t", [(s.title, outputs[s.key]) for s in SECTIONS], every_metric_runs())
    for section in SECTIONS:
        figures = [p for p in outputs[section.key] if p.suffix == ".png"]
        if figures:
            assert f"<h2>{html.escape(section.title)}</h2>" in page, section.title
        for path in outputs[section.key]:  # a figure as an image, its tables and other formats as links
            assert html.escape(path.relative_to(results).as_posix()) in page, path.name
