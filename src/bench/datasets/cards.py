"""Dataset cards: one YAML file per dataset stating source, licence, columns and risks.

A card is the single place where the suite learns what a table means: its target, which columns
are sensitive (and how to band them for fairness), what an attacker knows (quasi-identifiers),
what an attacker wants (secrets) and which values are clinically impossible (rules).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench.datasets.expressions import check_expression
from bench.errors import BenchError, did_you_mean
from bench.paths import CARDS_DIR
from bench.yaml_files import read_mapping

COLUMN_TYPES = ("numerical", "categorical", "ordinal", "datetime")
FAMILIES = ("diabetes", "cardiovascular", "sepsis", "other")
TASKS = ("binary_classification",)
REQUIRED_KEYS = ("name", "family", "title", "licence", "citation", "target", "positive_label", "columns")
OPTIONAL_KEYS = (
    "description", "task", "source", "derive", "excluded", "cleaning", "sensitive", "quasi_identifiers", "secrets",
    "rules", "missing", "caveats", "generator",
)


def cards_dir() -> Path:
    """The folder holding the shipped cards (``bench/datasets/card_files/``, inside the package).

    ``BENCH_CARDS_DIR`` overrides it. Example:
        >>> cards_dir().name
        'card_files'
    """
    override = os.environ.get("BENCH_CARDS_DIR")
    return Path(override) if override else CARDS_DIR


@dataclass(frozen=True)
class SourceFile:
    """A file to obtain: looked up by ``name`` in the cache and mirror, downloaded from ``urls``.

    With ``member`` (a path inside a zip archive), every URL serves an archive: the member is
    extracted and checked against ``sha256`` before it enters the cache under ``name``. A member
    inside a zip nested in the archive is written with the inner archive's path first
    (``outer.zip`` holding ``inner.zip`` holding ``data.csv``: ``inner.zip/data.csv``).

    Example:
        >>> SourceFile("data.csv", "0" * 64, ("https://example.org/data.zip",), member="data.csv").member
        'data.csv'
    """

    name: str
    sha256: str
    urls: tuple[str, ...] = ()
    member: str = ""


@dataclass(frozen=True)
class SensitiveAttribute:
    """A column whose subgroups fairness metrics compare; numerical ones are cut into bands.

    Example:
        >>> SensitiveAttribute("Age", bins=(21, 30, 120), labels=("21-29", "30+")).is_banded
        True
    """

    column: str
    bins: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def is_banded(self) -> bool:
        return bool(self.bins)


@dataclass(frozen=True)
class DatasetCard:
    """The parsed, validated contents of ``datasets/<name>.yaml``.

    Example:
        >>> card = load_card(cards_dir() / "pima.yaml")
        >>> card.target, card.family
        ('Outcome', 'diabetes')
    """

    name: str
    family: str
    title: str
    licence: str
    citation: str
    target: str
    positive_label: Any
    columns: dict[str, str]
    task: str = "binary_classification"
    description: str = ""
    sources: tuple[SourceFile, ...] = ()
    read_options: dict[str, Any] = field(default_factory=dict)
    sensitive: tuple[SensitiveAttribute, ...] = ()
    quasi_identifiers: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    missing: dict[str, Any] = field(default_factory=dict)
    caveats: tuple[str, ...] = ()
    generator: dict[str, Any] = field(default_factory=dict)
    derive: dict[str, str] = field(default_factory=dict)
    excluded: dict[str, dict[str, str]] = field(default_factory=dict)
    cleaning: tuple[dict[str, str], ...] = ()
    column_ranges: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    column_values: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    integer_columns: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def feature_columns(self) -> list[str]:
        """All columns but the target, in card order."""
        return [c for c in self.columns if c != self.target]

    def columns_of_type(self, *types: str) -> list[str]:
        """Columns whose declared type is one of ``types``, in card order."""
        return [c for c, t in self.columns.items() if t in types]

    def with_excluded(self) -> "DatasetCard":
        """This card with its ``excluded`` columns put back (e.g. a leaky column, for a study of the leak)."""
        columns = {**self.columns, **{c: spec["type"] for c, spec in self.excluded.items()}}
        return replace(self, columns=columns, excluded={})


def load_card(path: Path | str) -> DatasetCard:
    """Read and validate a card; every problem names the file and the key.

    Example:
        >>> load_card(cards_dir() / "pima.yaml").name
        'pima'
    """
    path = Path(path)
    return parse_card(read_mapping(path, "dataset card"), where=str(path), path=path)


def parse_card(raw: dict[str, Any], where: str = "card", path: Path | None = None) -> DatasetCard:
    """Validate a card given as a mapping (see ``load_card``)."""
    missing = [k for k in REQUIRED_KEYS if k not in raw]
    if missing:
        raise BenchError(f"{where}: missing required key(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise BenchError(f"{where}: unknown key(s): {', '.join(unknown)}; allowed: "
                         f"{', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}")
    _expect_choice(where, "family", raw["family"], FAMILIES)
    _expect_choice(where, "task", raw.get("task", "binary_classification"), TASKS)
    columns, column_ranges, column_values, integer_columns = _parse_columns(where, raw["columns"])
    if raw["target"] in column_values and raw["positive_label"] not in column_values[raw["target"]]:
        raise BenchError(f"{where}: positive_label {raw['positive_label']!r} is not among columns.{raw['target']}"
                         f".values {list(column_values[raw['target']])}")
    known = set(columns)

    def known_columns(key: str) -> tuple[str, ...]:
        values = raw.get(key) or []
        if not isinstance(values, list):
            raise BenchError(f"{where}: '{key}' must be a list of column names")
        for value in values:
            if value not in known:
                raise BenchError(f"{where}: {key} names column '{value}', which is not in 'columns'; "
                                 f"{did_you_mean(value, list(columns))}")
        return tuple(values)

    if raw["target"] not in known:
        raise BenchError(f"{where}: target '{raw['target']}' is not in 'columns'; "
                         f"{did_you_mean(raw['target'], list(columns))}")
    derive = _parse_derive(where, raw.get("derive") or {})
    excluded = _parse_excluded(where, known, raw.get("excluded") or {})
    rules = tuple(check_expression(where, f"rules[{i}]", rule, known)
                  for i, rule in enumerate(raw.get("rules") or ()))
    cleaning = tuple(_parse_cleaning(where, i, item, known | set(excluded))
                     for i, item in enumerate(raw.get("cleaning") or ()))
    source = raw.get("source") or {}
    sources = tuple(_parse_source_file(where, i, f) for i, f in enumerate(source.get("files") or []))
    return DatasetCard(
        name=str(raw["name"]),
        family=raw["family"],
        title=str(raw["title"]),
        licence=str(raw["licence"]),
        citation=str(raw["citation"]).strip(),
        target=raw["target"],
        positive_label=raw["positive_label"],
        columns=columns,
        column_ranges=column_ranges,
        column_values=column_values,
        task=raw.get("task", "binary_classification"),
        description=str(raw.get("description", "")).strip(),
        sources=sources,
        read_options=dict(source.get("read") or {}),
        integer_columns=integer_columns,
        sensitive=tuple(_parse_sensitive(where, known, col, spec)
                        for col, spec in (raw.get("sensitive") or {}).items()),
        quasi_identifiers=known_columns("quasi_identifiers"),
        secrets=known_columns("secrets"),
        rules=rules,
        missing=dict(raw.get("missing") or {}),
        caveats=tuple(raw.get("caveats") or ()),
        generator=dict(raw.get("generator") or {}),
        derive=derive,
        excluded=excluded,
        cleaning=cleaning,
        path=path,
    )


COLUMN_SPEC_KEYS = ("type", "range", "values", "integer")


def _parse_columns(where: str, raw: Any) -> tuple[dict[str, str], dict[str, tuple[float | None, float | None]],
                                                   dict[str, tuple[Any, ...]], tuple[str, ...]]:
    """``columns``: each entry is ``name: type`` or ``name: {type, range: [low, high], values: [...], integer}``.

    ``range`` (inclusive; ``null`` for an open end) is for numerical and ordinal columns; ``values``
    (the allowed values; for an ordinal column, in order) for categorical and ordinal ones;
    ``integer: true`` (whole numbers only: counts, ages in completed years) for numerical ones.
    Returns the types, ranges, values and the integer columns.

    Example:
        >>> _parse_columns("c.yaml", {"age": {"type": "numerical", "range": [0, None], "integer": True},
        ...                           "sex": "categorical"})
        ({'age': 'numerical', 'sex': 'categorical'}, {'age': (0.0, None)}, {}, ('age',))
    """
    if not isinstance(raw, dict) or not raw:
        raise BenchError(f"{where}: 'columns' must map column names to a type ({', '.join(COLUMN_TYPES)}) "
                         f"or to {{type, range, values, integer}}")
    types: dict[str, str] = {}
    ranges: dict[str, tuple[float | None, float | None]] = {}
    values: dict[str, tuple[Any, ...]] = {}
    integers: list[str] = []
    for column, spec in raw.items():
        key = f"columns.{column}"
        if not isinstance(spec, dict):
            _expect_choice(where, key, spec, COLUMN_TYPES)
            types[column] = spec
            continue
        unknown = sorted(set(spec) - set(COLUMN_SPEC_KEYS))
        if unknown:
            raise BenchError(f"{where}: {key} has unknown key(s) {unknown}; allowed: {', '.join(COLUMN_SPEC_KEYS)}")
        if "type" not in spec:
            raise BenchError(f"{where}: {key} needs a 'type' ({', '.join(COLUMN_TYPES)})")
        kind = spec["type"]
        _expect_choice(where, f"{key}.type", kind, COLUMN_TYPES)
        types[column] = kind
        if "range" in spec:
            if kind not in ("numerical", "ordinal"):
                raise BenchError(f"{where}: {key}.range is for numerical or ordinal columns, not {kind}")
            ranges[column] = _parse_range(where, f"{key}.range", spec["range"])
        if "values" in spec:
            if kind not in ("categorical", "ordinal"):
                raise BenchError(f"{where}: {key}.values is for categorical or ordinal columns, not {kind}")
            allowed = spec["values"]
            if not isinstance(allowed, list) or not allowed or any(isinstance(v, (list, dict)) for v in allowed):
                raise BenchError(f"{where}: {key}.values must be a non-empty list of values, got {allowed!r}")
            if len(set(map(repr, allowed))) != len(allowed):
                raise BenchError(f"{where}: {key}.values repeats a value: {allowed}")
            values[column] = tuple(allowed)
        if _parse_integer(where, key, kind, spec.get("integer", False)):
            integers.append(column)
    return types, ranges, values, tuple(integers)


def _parse_integer(where: str, key: str, kind: str, raw: Any) -> bool:
    """``columns.<name>.integer``: ``true`` or ``false``, and only for a numerical column.

    Example:
        >>> _parse_integer("c.yaml", "columns.n", "numerical", True)
        True
        >>> _parse_integer("c.yaml", "columns.n", "categorical", True)
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: c.yaml: columns.n.integer is for numerical columns, not categorical (a categorical or ordinal column's 'values' already say which values it may hold)
    """  # noqa: E501 - a doctest's expected output, kept whole
    if not isinstance(raw, bool):
        raise BenchError(f"{where}: {key}.integer must be true or false, got {raw!r}")
    if raw and kind != "numerical":
        raise BenchError(f"{where}: {key}.integer is for numerical columns, not {kind} (a categorical or ordinal "
                         f"column's 'values' already say which values it may hold)")
    return raw


def _parse_range(where: str, key: str, raw: Any) -> tuple[float | None, float | None]:
    def bound(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise BenchError(f"{where}: {key} must be [low, high] with numbers or null, got {raw!r}")
        return float(value)

    if not isinstance(raw, list) or len(raw) != 2:
        raise BenchError(f"{where}: {key} must be [low, high] (null for an open end), got {raw!r}")
    low, high = bound(raw[0]), bound(raw[1])
    if low is not None and high is not None and low > high:
        raise BenchError(f"{where}: {key} has low {raw[0]} above high {raw[1]}")
    return low, high


def _expect_choice(where: str, key: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise BenchError(f"{where}: {key} is '{value}'; expected one of: {', '.join(choices)}")


SOURCE_FILE_KEYS = ("name", "sha256", "urls", "member")


def _parse_source_file(where: str, index: int, raw: dict[str, Any]) -> SourceFile:
    """``source.files[i]``: ``{name, sha256, urls, member}``; ``member`` is a relative path inside a zip archive.

    Example:
        >>> source = _parse_source_file("c.yaml", 0, {"name": "d.csv", "sha256": "A" * 64,
        ...                                           "urls": ["https://x/d.zip"], "member": "data/d.csv"})
        >>> source.urls, source.member, source.sha256 == "a" * 64
        (('https://x/d.zip',), 'data/d.csv', True)
        >>> bad = {"name": "d.csv", "sha256": "a" * 64, "member": "../d.csv"}
        >>> _parse_source_file("c.yaml", 0, bad)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: c.yaml: source.files[0].member must be a relative path inside the archive ...
    """
    key = f"source.files[{index}]"
    if not isinstance(raw, dict) or "name" not in raw or "sha256" not in raw:
        raise BenchError(f"{where}: {key} needs 'name' and 'sha256'")
    unknown = sorted(set(raw) - set(SOURCE_FILE_KEYS))
    if unknown:
        raise BenchError(f"{where}: {key} has unknown key(s) {unknown}; allowed: {', '.join(SOURCE_FILE_KEYS)}")
    name = str(raw["name"])
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise BenchError(f"{where}: {key}.name must be a plain file name (it is looked up in the cache and "
                         f"mirror folders), got {name!r}")
    digest = str(raw["sha256"]).lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise BenchError(f"{where}: {key}.sha256 must be 64 hex digits, got '{raw['sha256']}'")
    urls = raw.get("urls") or []
    if not isinstance(urls, list) or any(not isinstance(u, str) or not u.strip() for u in urls):
        raise BenchError(f"{where}: {key}.urls must be a list of URLs, got {urls!r}")
    member = raw.get("member")
    if member is not None:
        parts = str(member).replace("\\", "/").split("/")
        if not isinstance(member, str) or not member or member.startswith("/") or ".." in parts or "" in parts:
            raise BenchError(f"{where}: {key}.member must be a relative path inside the archive "
                             f"(no leading '/', no '..'), got {member!r}")
    return SourceFile(name=name, sha256=digest, urls=tuple(urls), member=member or "")


def _parse_sensitive(where: str, known: set[str], column: str, spec: dict[str, Any] | None) -> SensitiveAttribute:
    if column not in known:
        raise BenchError(f"{where}: sensitive attribute '{column}' is not in 'columns'; "
                         f"{did_you_mean(column, sorted(known))}")
    spec = spec or {}
    bins = tuple(float(b) for b in spec.get("bins") or ())
    labels = tuple(str(label) for label in spec.get("labels") or ())
    if bins and len(labels) != len(bins) - 1:
        raise BenchError(f"{where}: sensitive.{column} has {len(bins)} bin edges, so needs "
                         f"{len(bins) - 1} labels, got {len(labels)}")
    if list(bins) != sorted(bins):
        raise BenchError(f"{where}: sensitive.{column}.bins must increase")
    return SensitiveAttribute(column=column, bins=bins, labels=labels)


def _parse_derive(where: str, raw: Any) -> dict[str, str]:
    """``derive``: new column name -> expression over the file's columns (checked against the file when read).

    Example:
        >>> _parse_derive("c.yaml", {"y": "num > 0"})
        {'y': 'num > 0'}
        >>> _parse_derive("c.yaml", {"y": "(num > 0).astype(int)"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: c.yaml: derive.y '(num > 0).astype(int)' uses a method call ('.astype(...)'), which a card expression cannot contain: write 'num > 0' alone: a true/false result is stored as 0/1, so declare y as {type: categorical, values: [0, 1]}. Allowed: column names, ...
    """  # noqa: E501 - a doctest's expected output, kept whole
    if not isinstance(raw, dict):
        raise BenchError(f"{where}: 'derive' must map a column name to an expression over the file's columns")
    return {str(column): check_expression(where, f"derive.{column}", expr, None) for column, expr in raw.items()}


def _parse_excluded(where: str, known: set[str], raw: Any) -> dict[str, dict[str, str]]:
    if not isinstance(raw, dict):
        raise BenchError(f"{where}: 'excluded' must map a column name to {{type, reason}}")
    out = {}
    for column, spec in raw.items():
        if column in known:
            raise BenchError(f"{where}: excluded column '{column}' is also in 'columns'")
        if not isinstance(spec, dict) or "reason" not in spec:
            raise BenchError(f"{where}: excluded.{column} needs a 'type' and a 'reason'")
        _expect_choice(where, f"excluded.{column}.type", spec.get("type"), COLUMN_TYPES)
        out[str(column)] = {"type": spec["type"], "reason": str(spec["reason"])}
    return out


def _parse_cleaning(where: str, index: int, raw: Any, known: set[str]) -> dict[str, str]:
    """``cleaning[i]``: ``{rule, reason}``; the rule may name the card's columns and its excluded ones.

    Example:
        >>> _parse_cleaning("c.yaml", 0, {"rule": "ap_lo <= ap_hi", "reason": "swapped"}, {"ap_lo", "ap_hi"})
        {'rule': 'ap_lo <= ap_hi', 'reason': 'swapped'}
    """
    if not isinstance(raw, dict) or "rule" not in raw or "reason" not in raw:
        raise BenchError(f"{where}: cleaning[{index}] needs 'rule' (rows where it is false are dropped) and 'reason'")
    return {"rule": check_expression(where, f"cleaning[{index}].rule", raw["rule"], known),
            "reason": str(raw["reason"])}
