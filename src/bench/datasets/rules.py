"""Clinical plausibility rules of a card, judged row by row.

A rule (``card.rules``) is a pandas ``DataFrame.eval`` expression that must hold on every row
where each column it names is observed; a row with a missing column is not judged by that rule.
"""

from __future__ import annotations

import ast

import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.errors import BenchError


def rule_columns(rule: str, columns: list[str] | pd.Index) -> list[str]:
    """The table columns a rule expression reads, in table order.

    Example:
        >>> rule_columns("map <= sbp and sbp > 0", ["age", "sbp", "map"])
        ['sbp', 'map']
    """
    names = {node.id for node in ast.walk(ast.parse(rule, mode="eval")) if isinstance(node, ast.Name)}
    return [c for c in columns if c in names]


def judge_rules(frame: pd.DataFrame, card: DatasetCard) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(judged, broken)``: one boolean column per card rule, aligned with ``frame``'s rows.

    ``judged`` is True where every column the rule names is observed; ``broken`` is True where the
    rule is judged and does not hold (so it is never True where ``judged`` is False).

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"lo": "numerical", "hi": "numerical",
        ...     "y": "categorical"}, "rules": ["lo <= hi"]})
        >>> judged, broken = judge_rules(pd.DataFrame({"lo": [1, 5, None], "hi": [2, 3, 1], "y": [0, 1, 0]}), card)
        >>> judged["lo <= hi"].tolist(), broken["lo <= hi"].tolist()
        ([True, True, False], [False, True, False])
    """
    judged, broken = {}, {}
    for rule in card.rules:
        columns = rule_columns(rule, frame.columns)
        observed = frame[columns].notna().all(axis=1) if columns else pd.Series(True, index=frame.index)
        try:
            holds = frame.loc[observed].eval(rule, engine="python")
        except Exception as exc:  # pandas raises many types for a bad expression
            raise BenchError(f"dataset '{card.name}': rule '{rule}' cannot be evaluated: "
                             f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(holds, pd.Series):
            holds = pd.Series(bool(holds), index=frame.index[observed.to_numpy()])
        judged[rule] = observed.astype(bool)
        broken[rule] = (~holds.astype(bool)).reindex(frame.index, fill_value=False).astype(bool)
    return (pd.DataFrame(judged, index=frame.index, columns=list(card.rules)),
            pd.DataFrame(broken, index=frame.index, columns=list(card.rules)))


__all__ = ["judge_rules", "rule_columns"]
