"""The cell's synthesis step: what the scores compare against, and which settings are logged."""

import pandas as pd

from bench.sweep import cell
from bench.sweep.config import Cell


def test_holdout_is_scored_against_the_rows_it_saw_and_others_against_all_of_train():
    spec = Cell("t", "sepsis_like", {"n_patients": 1000}, "holdout", {}, seed=0)
    split, _ = cell.load_split(spec)
    synthesis = cell.synthesize(spec, split)
    seen, out = synthesis.split.train, synthesis.synthetic
    assert len(seen) == len(split.train) // 2 and len(out) == len(seen)
    assert not out.duplicated().any()  # the distinct unseen rows, none repeated
    # No synthetic row is a row it was scored as having seen: it is not mistaken for a copy.
    key = ["age", "sex", "heart_rate", "sbp", "temperature"]
    assert out[key].merge(seen[key].drop_duplicates(), how="inner").empty
    assert synthesis.split.holdout is split.holdout and synthesis.split.control is split.control
    assert cell.cell_params(spec, synthesis)["train_rows"] == len(seen)

    copy = cell.Cell("t", "sepsis_like", {"n_patients": 1000}, "copy", {}, seed=0)
    assert cell.synthesize(copy, split).split is split


def test_resolved_hyperparameters_become_gen_params():
    spec = Cell("t", "sepsis_like", {"n_patients": 1000}, "kanon", {"k": 3}, seed=2)
    split, _ = cell.load_split(spec)
    synthesis = cell.synthesize(spec, split)
    params = cell.cell_params(spec, synthesis)
    assert params["gen.k"] == 3 and params["gen.random_state"] == 2 and params["train_rows"] == len(split.train)
    assert "gen.random_state" not in cell.cell_params(spec)  # without a synthesis: the cell's own params only
    scores = cell.evaluate(spec, synthesis.split, synthesis.synthetic)
    table = scores.table()
    assert isinstance(table, pd.DataFrame) and "cost.evaluate_wall_s" in set(table["metric"])
    assert not scores.failures, scores.failures
