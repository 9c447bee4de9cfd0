"""Clinical plausibility checks of a card, judged row by row: its rules and its whole-number columns.

A rule (``card.rules``) is a pandas ``DataFrame.eval`` expression that must hold on every row
where each column it names is observed; a row with a missing column is not judged by that rule.
A column declared ``integer: true`` must hold whole numbers where it holds a number.
"""

from __future__ import annotations

import ast

import pandas as pd

from bench.datasets.cards import DatasetCard
from bench.datasets.schema import not_whole
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


def whole_number_checks(frame: pd.DataFrame, card: DatasetCard) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(judged, broken)`` per integer column of the card that ``frame`` has, named '<column> is a whole number'.

    ``judged`` is True where the column holds a number (missing and non-numeric values are not
    judged); ``broken`` where that number is not whole. Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1,
        ...     "columns": {"n": {"type": "numerical", "integer": True}, "y": "categorical"}})
        >>> judged, broken = whole_number_checks(pd.DataFrame({"n": [1, 2.5, None], "y": [0, 1, 0]}), card)
        >>> judged["n is a whole number"].tolist(), broken["n is a whole number"].tolist()
        ([True, True, False], [False, True, False])
    """
    judged, broken = {}, {}
    for column in card.integer_columns:
        if column not in frame.columns:
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce") if not pd.api.types.is_numeric_dtype(
            frame[column]) else frame[column]
        name = f"{column} is a whole number"
        judged[name] = numbers.notna()
        broken[name] = not_whole(numbers)
    return (pd.DataFrame(judged, index=frame.index, columns=list(judged)),
            pd.DataFrame(broken, index=frame.index, columns=list(broken)))


def judge_plausibility(frame: pd.DataFrame, card: DatasetCard) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(judged, broken)``: one boolean column per card rule, then one per integer column
    ('<column> is a whole number'), aligned with ``frame``'s rows.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "rules": ["n >= 0"],
        ...     "columns": {"n": {"type": "numerical", "integer": True}, "y": "categorical"}})
        >>> judged, broken = judge_plausibility(pd.DataFrame({"n": [1, 2.5, -1, None], "y": [0, 1, 0, 1]}), card)
        >>> broken.astype(int).to_dict("list")
        {'n >= 0': [0, 0, 1, 0], 'n is a whole number': [0, 1, 0, 0]}
    """
    judged, broken = judge_rules(frame, card)
    whole_judged, whole_broken = whole_number_checks(frame, card)
    return pd.concat([judged, whole_judged], axis=1), pd.concat([broken, whole_broken], axis=1)


__all__ = ["judge_plausibility", "judge_rules", "rule_columns", "whole_number_checks"]
