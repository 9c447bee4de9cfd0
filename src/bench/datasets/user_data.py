"""Your own data: benchmark a private table (a hospital's ward extract) with the same pipeline as the public ones.

Write a dataset card for the file (same schema as ``bench/datasets/card_files/*.yaml``; ``source.files`` may be
empty, ``source.read`` applies), then either

* in Python: ``frame, card = from_csv("ward.csv", "ward.yaml")`` and
  ``make_split(frame, card, split_seed=0)``; or
* in a benchmark file: the registered dataset ``user_csv`` with the options ``path`` and ``card``
  (absolute, or relative to the benchmark file's folder: ``load_benchmark`` makes them absolute,
  since each cell runs in its own process and folder); tables and figures name it by the card::

      datasets: ["user_csv[path=/data/ward.csv,card=/data/ward.yaml]"]

Both read the file with the same steps as a public dataset (``tables.read_table``: read options,
derive, zero-means-missing, cleaning, column selection), verify the file against a sha256 in the
card if there is one, and validate the table against the card (``schema.validate_frame``). A
``user_csv`` cell id covers the card and the file's bytes, so editing either re-runs its cells.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from bench.datasets import fetch
from bench.datasets.cards import DatasetCard, SourceFile, load_card, parse_card
from bench.datasets.explore import rule_violations
from bench.datasets.expressions import expression_columns
from bench.datasets.fetch import find_offline
from bench.datasets.schema import card_problems, find_problems, validate_frame
from bench.datasets.tables import prepare_table, read_csv_file, read_table
from bench.errors import BenchError, quoted_with_guess
from bench.yaml_files import read_mapping

USER_OPTIONS = ("path", "card")


def from_csv(path: str | Path, card: DatasetCard | str | Path, clean: bool = True,
             include_excluded: bool = False) -> tuple[pd.DataFrame, DatasetCard]:
    """Read your CSV as the card describes it, validated: the same table ``bench.datasets.load`` gives for a public one.

    ``card`` is a ``DatasetCard`` or the path of a YAML card. A sha256 in the card's ``source.files``
    (the entry named like the file, or the only entry) is verified. The returned card has the
    ``excluded`` columns put back when ``include_excluded``. Ready to split:
    ``make_split(*from_csv(path, card), split_seed=0)``.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "ward.csv").write_text("age,death\\n70,1\\n55,0\\n81,0\\n")
        >>> _ = (folder / "ward.yaml").write_text(
        ...     "name: ward\\nfamily: other\\ntitle: Ward extract\\nlicence: private\\ncitation: internal\\n"
        ...     "target: death\\npositive_label: 1\\n"
        ...     "columns:\\n  age: {type: numerical, range: [18, 120]}\\n  death: categorical\\n")
        >>> frame, card = from_csv(folder / "ward.csv", folder / "ward.yaml")
        >>> frame.shape, card.name
        ((3, 2), 'ward')
    """
    the_card = resolve_card(card)
    frame = read_user_table(path, the_card, clean=clean, include_excluded=include_excluded)
    if include_excluded:
        the_card = the_card.with_excluded()
    validate_frame(frame, the_card)
    return frame, the_card


def resolve_card(card: DatasetCard | str | Path) -> DatasetCard:
    """A ``DatasetCard`` as given, or the card read and validated from a YAML path.

    Example:
        >>> resolve_card("no/such.yaml")
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: dataset card not found: no/such.yaml
    """
    if isinstance(card, DatasetCard):
        return card
    if isinstance(card, (str, Path)):
        return load_card(Path(card).expanduser())
    raise BenchError(f"card must be a DatasetCard or the path of a YAML card, got {type(card).__name__}")


def read_user_table(path: str | Path, card: DatasetCard, clean: bool = True,
                    include_excluded: bool = False) -> pd.DataFrame:
    """Check the file exists and matches the card's checksum (if any), then ``read_table`` it (not validated).

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "ward", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"y": "categorical"}})
        >>> read_user_table("no/ward.csv", card)
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: data file for dataset 'ward' not found: no/ward.csv
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise BenchError(f"data file for dataset '{card.name}' not found: {path}")
    verify_checksum(path, card)
    return read_table(path, card, clean=clean, include_excluded=include_excluded)


def expected_source(path: Path, card: DatasetCard) -> SourceFile | None:
    """The card's ``source.files`` entry that describes ``path``: the one with its name, else the only one.

    ``None`` when the card lists no files (private data without a published checksum). Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "t", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"y": "categorical"}})
        >>> expected_source(Path("ward.csv"), card) is None
        True
    """
    if not card.sources:
        return None
    named = [source for source in card.sources if source.name == path.name]
    if named:
        return named[0]
    if len(card.sources) == 1:
        return card.sources[0]
    raise BenchError(f"{path}: card '{card.name}' lists files {[s.name for s in card.sources]}, none named "
                     f"'{path.name}', so it is unclear which checksum applies")


def verify_checksum(path: Path, card: DatasetCard) -> None:
    """Raise a ``BenchError`` if the card gives a sha256 for ``path`` and the file's bytes differ.

    Example:
        >>> import pathlib, tempfile
        >>> from bench.datasets.cards import parse_card
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "ward.csv"; _ = path.write_text("y\\n1\\n")
        >>> card = parse_card({"name": "ward", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"y": "categorical"},
        ...     "source": {"files": [{"name": "ward.csv", "sha256": "0" * 64}]}})
        >>> verify_checksum(path, card)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: .../ward.csv has sha256 ...; card 'ward' expects 0000...: not the file the card describes
    """  # noqa: E501 - a doctest's expected output, kept whole
    source = expected_source(path, card)
    expected = getattr(source, "sha256", None) if source else None
    if not expected:
        return
    actual = file_sha256(path)
    if actual != expected:
        raise BenchError(f"{path} has sha256 {actual}; card '{card.name}' expects {expected}: "
                         f"not the file the card describes")


def file_sha256(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, modification time) so cell ids stay cheap.

    Example:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"abc")
        >>> file_sha256(p)[:12]
        'ba7816bf8f01'
    """
    path = Path(path).resolve()
    stat = path.stat()
    return _sha256_cached(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    return fetch.sha256_of(Path(path))


def option_path(dataset: str, options: dict[str, Any], key: str) -> Path:
    """The absolute path given as a ``user_csv`` option (``path`` or ``card``), or a clear error.

    Relative paths are refused: each benchmark cell runs in its own process and working folder.
    Example:
        >>> option_path("user_csv", {"path": "ward.csv"}, "card")
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: dataset 'user_csv' needs the option card=/absolute/path (e.g. user_csv[path=/data/ward.csv,card=/data/ward.yaml])
    """  # noqa: E501 - a doctest's expected output, kept whole
    value = options.get(key)
    example = f"{dataset}[path=/data/ward.csv,card=/data/ward.yaml]"
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise BenchError(f"dataset '{dataset}' needs the option {key}=/absolute/path (e.g. {example})")
    path = Path(str(value).strip()).expanduser()
    if not path.is_absolute():
        raise BenchError(f"dataset '{dataset}': option {key}={value} must be an absolute path, since each "
                         f"benchmark cell runs in its own working folder (e.g. {example})")
    return path


@dataclass
class CardCheck:
    """What ``check_card`` found: the card (``None`` if it is invalid), the file checked, problems and notes.

    ``card_error`` says why the card is invalid: its YAML parsed, but a key breaks the card schema
    (``datasets/README.md``); then no file is checked. (A card whose YAML does not parse is not
    checked at all: ``check_card`` raises.) ``problems`` break the card or its file
    (``bench datasets validate`` exits 1); ``notes`` are facts worth knowing that are not errors
    (rows dropped by cleaning, rows breaking a plausibility rule, rules not checked). Messages hold
    counts and at most a couple of example values, never rows. Example:
        >>> CardCheck(Path("ward.yaml")).problems
        []
    """

    card_path: Path
    card: DatasetCard | None = None
    file: Path | None = None
    origin: str = ""
    rows_read: int | None = None
    rows_kept: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    card_error: str = ""

    def card_line(self) -> str:
        """What the card is: invalid (and why not checked further), or its dataset, target and columns.

        Example:
            >>> CardCheck(Path("ward.yaml"), card_error="target 'x' is not in 'columns'").card_line()
            'the YAML parses, but the card is invalid (see the problem below), so no file is checked'
        """
        card = self.card
        if card is None:
            return "the YAML parses, but the card is invalid (see the problem below), so no file is checked"
        return (f"dataset '{card.name}', target '{card.target}' (positive {card.positive_label!r}), "
                f"{len(card.columns)} columns")


def check_card(card_path: str | Path, file: str | Path | None = None) -> CardCheck:
    """Check a card and its file, collecting every problem instead of stopping at the first.

    The file is ``file`` if given, else the card's first source file found offline (cache or
    mirror; nothing is downloaded); a card without source files is checked alone. Unusable input
    (no card file, YAML that does not parse, a missing or unreadable CSV, no offline copy) raises
    ``BenchError``. A card whose YAML parses but breaks the card schema is one problem, starting
    ``invalid card:``, and its file is not checked. A rule that names a column the file lacks is
    not evaluated (a note says so; the missing column is the problem).

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "ward.csv").write_text("age,death\\n70,1\\n-5,0\\n81,0\\n")
        >>> _ = (folder / "ward.yaml").write_text(
        ...     "name: ward\\nfamily: other\\ntitle: Ward\\nlicence: private\\ncitation: internal\\n"
        ...     "target: death\\npositive_label: 1\\n"
        ...     "columns:\\n  age: {type: numerical, range: [18, 120]}\\n  death: categorical\\n")
        >>> check_card(folder / "ward.yaml", file=folder / "ward.csv").problems
        ["column 'age': out_of_range: 1 of 3 rows (33.3%) outside [18, 120] (e.g. -5); expected values in [18, 120]"]
        >>> _ = (folder / "bad.yaml").write_text((folder / "ward.yaml").read_text().replace("target: death",
        ...                                                                                  "target: Death"))
        >>> check_card(folder / "bad.yaml", file=folder / "ward.csv").problems  # doctest: +ELLIPSIS
        ["invalid card: .../bad.yaml: target 'Death' is not in 'columns'; did you mean 'death'? (choices: age, death)"]
    """
    card_path = Path(card_path).expanduser()
    raw = _read_card_yaml(card_path)  # unusable input: raises
    check = CardCheck(card_path=card_path)
    try:
        card = parse_card(raw, where=str(card_path), path=card_path)
    except BenchError as exc:
        check.card_error = str(exc)
        check.problems.append(f"invalid card: {exc}")
        check.notes.append("the file is not checked until the card is valid")
        return check
    check.card = card
    if file is not None:
        path, check.origin = Path(file).expanduser(), "given"
        if not path.is_file():
            raise BenchError(f"data file not found: {path}")
    elif card.sources:
        found = find_offline(card.sources[0])
        if found is None:
            raise BenchError(f"{card.sources[0].name} (card '{card.name}') is not in the cache ({fetch.cache_dir()}) "
                             f"nor in a mirror ({fetch.MIRROR_ENV}); give the file with --file")
        path, check.origin = found
    else:
        check.problems += [p.message() for p in card_problems(card)]
        check.notes.append("no file checked: the card lists no source files (give one with --file)")
        return check
    check.file = path
    try:
        verify_checksum(path, card)
    except BenchError as exc:
        check.problems.append(str(exc))
    raw_frame = read_csv_file(path, card)  # unusable input: raises
    check.rows_read = len(raw_frame)
    frame = prepare_table(raw_frame, card, clean=True, where=str(path), problems=check.problems)
    check.rows_kept = len(frame)
    # prepare_table has reported every card column the table lacks (missing, or a derive that failed)
    check.problems += [p.message() for p in find_problems(frame, card) if p.problem != "missing_column"]
    if card.cleaning and check.rows_kept < check.rows_read:
        check.notes.append(f"cleaning dropped {check.rows_read - check.rows_kept} of {check.rows_read} rows")
    _check_rules(frame, card, list(raw_frame.columns), check)
    return check


def _read_card_yaml(card_path: Path) -> dict[str, Any]:
    """The card file as a mapping; YAML that does not parse is a ``BenchError`` that says so.

    Example:
        >>> import pathlib, tempfile
        >>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.yaml"; _ = bad.write_text("name: [unclosed")
        >>> _read_card_yaml(bad)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: the YAML does not parse, so the card cannot be checked: .../bad.yaml: not valid YAML: ...
    """  # noqa: E501 - a doctest's expected output, kept whole
    try:
        return read_mapping(card_path, "dataset card")
    except BenchError as exc:
        if isinstance(exc.__cause__, yaml.YAMLError):
            raise BenchError(f"the YAML does not parse, so the card cannot be checked: {exc}") from exc
        raise


def _check_rules(frame: pd.DataFrame, card: DatasetCard, file_columns: list[str], check: CardCheck) -> None:
    """Note how many rows break each rule; a rule naming a column the table lacks is noted as not checked."""
    runnable = []
    for rule in card.rules:
        absent = [name for name in expression_columns(rule) if name not in frame.columns]
        if not absent:
            runnable.append(rule)
            continue
        named = ", ".join(quoted_with_guess(name, file_columns) for name in absent)
        check.notes.append(f"rule '{rule}' not checked: the table has no column {named}")
    try:
        violations = rule_violations(frame, replace(card, rules=tuple(runnable)), k=1)
    except BenchError as exc:
        check.problems.append(str(exc))
        return
    for row in violations.itertuples():
        if row.broken:
            check.notes.append(f"rule '{row.rule}': {row.broken} of {row.rows_evaluated} rows where its columns "
                               f"are observed break it")


def check_markdown(check: CardCheck) -> str:
    """What ``check_card`` found, as Markdown for a notebook: card, file, rows, notes, then every problem.

    Example:
        >>> check = CardCheck(Path("ward.yaml"), problems=["invalid card: ward.yaml: target 'x' is not in 'columns'"],
        ...                   card_error="ward.yaml: target 'x' is not in 'columns'")
        >>> print(check_markdown(check))
        **card** `ward.yaml`: the YAML parses, but the card is invalid (see the problem below), so no file is checked
        <BLANKLINE>
        **1 problem:**
        <BLANKLINE>
        - invalid card: ward.yaml: target 'x' is not in 'columns'
    """
    lines = [f"**card** `{check.card_path}`: {check.card_line()}"]
    if check.file is not None:
        lines.append(f"**file** `{check.file}` ({check.origin}): {check.rows_read:,} rows read, "
                     f"{check.rows_kept:,} kept")
    lines += [f"**note** {note}" for note in check.notes]
    if not check.problems:
        return "\n\n".join(lines + ["**ok**: no problems found"])
    header = f"**{len(check.problems)} problem{'s' if len(check.problems) > 1 else ''}:**"
    return "\n\n".join(lines + [header, "\n".join(f"- {problem}" for problem in check.problems)])


def load_user_csv(card: DatasetCard, path: str = "", clean: bool = True,
                  include_excluded: bool = False) -> pd.DataFrame:
    """The registry loader of ``user_csv``: the registry reads the ``card`` option and validates the result.

    Example:
        >>> from bench.datasets.cards import parse_card
        >>> card = parse_card({"name": "ward", "family": "other", "title": "t", "licence": "-", "citation": "-",
        ...     "target": "y", "positive_label": 1, "columns": {"y": "categorical"}})
        >>> load_user_csv(card, path="relative/ward.csv")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        bench.errors.BenchError: dataset 'user_csv': option path=relative/ward.csv must be an absolute path, ...
    """
    return read_user_table(option_path("user_csv", {"path": path}, "path"), card, clean=clean,
                           include_excluded=include_excluded)


__all__ = ["CardCheck", "check_card", "check_markdown", "expected_source", "file_sha256", "from_csv", "load_user_csv",
           "option_path", "read_user_table", "resolve_card", "verify_checksum"]
