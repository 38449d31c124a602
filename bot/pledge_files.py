"""Pledge lists in and out of files: the needs and offers (halen en brengen) of a meeting's paper lists, typed
up in YAML or a spreadsheet, and the store's list back out for a spreadsheet or a script.

A coordinator fixes a file by its complaints, so reading lists every problem as FILE:LINE and returns
nothing until there are none: half a list imported, then the rest again after a fix, is what the
all-or-nothing import (see bot/store/pledges.py) exists to prevent.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from bot.knowledge.fields import Invalid, did_you_mean, ident, kind_of, shown, text, user_id
from bot.knowledge.yaml_lines import LinedDict, LinedList, Problem, ProblemsError, YamlError, parse_yaml
from bot.store.pledges import KINDS, NewPledge, Pledge

MAX_BYTES = 10_000_000    # a meeting's list is some kilobytes; a file far larger is a wrong file, not a list
COLUMNS = ("id", "ref", "kind", "status", "text", "by", "organisation", "created")   # of an export
_SECTIONS = {"needs": "need", "offers": "offer"}                                    # YAML's top-level lists
_KIND_WORDS = {"halen": "need", "brengen": "offer", **{kind: kind for kind in KINDS}}
# A cell starting with one of these is a formula to a spreadsheet: "=HYPERLINK(…)" typed in chat would
# run in the coordinator's Excel, and "- kom kijken" shows as #NAME?. Such a cell of the export gets the
# quote Excel hides ("'=…"), and an import takes it off again, so a list goes round unchanged.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")     # the quote too, so a text starting with one survives
_FREE_CELLS = ("ref", "text")   # what anyone may type; by is a Matrix id, whose grammar cannot call anything


class PledgeFileError(ProblemsError):
    """A pledge file cannot be imported; `problems` lists every FILE:LINE: message."""


def _kind(value: Any) -> str:
    """need or offer, from the Dutch or the English word in any case."""
    kind = _KIND_WORDS.get(str(value).strip().lower())
    if kind is None:
        raise Invalid(f"{shown(value)} is not one of: {', '.join(_KIND_WORDS)}")
    return kind


def _person(value: Any) -> str:
    return user_id(value, like="@anna:example.org")


# a pledge's fields as a file names them -> converter; a CSV has all of them as columns
_CONVERT: dict[str, Callable[[Any], str]] = {"kind": _kind, "text": text, "by": _person, "organisation": ident,
                                             "id": text}
_REQUIRED = {"kind": "halen or brengen (need or offer)", "text": "what is needed or offered"}
_YAML_KEYS = tuple(key for key in _CONVERT if key != "kind")   # the list a pledge is in gives its kind


def read_pledges(path: Path) -> list[NewPledge]:
    """The pledges in a .yaml/.yml or .csv file, in file order; PledgeFileError lists every problem."""
    reader = _Reader(path.name)
    source = reader.source(path)
    if source is None:
        pledges = []
    elif path.suffix.lower() == ".csv":
        pledges = reader.csv(source)
    else:
        pledges = reader.yaml(source)
    if reader.problems:
        raise PledgeFileError(sorted(reader.problems, key=lambda problem: problem.line))
    return pledges


class _Reader:
    """Reads one file, collecting its problems and the line of each ref it met (a ref names one pledge)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.refs: dict[str, int] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def source(self, path: Path) -> str | None:
        """The file's text (a BOM dropped, as Excel writes one); None after a problem."""
        if path.suffix.lower() not in (".csv", ".yaml", ".yml"):
            self.problem(1, "expected a .yaml, .yml or .csv file")
            return None
        try:
            with path.open("rb") as file:
                data = file.read(MAX_BYTES + 1)
        except OSError as exc:
            self.problem(1, f"cannot read the file ({exc.strerror})")
            return None
        if len(data) > MAX_BYTES:
            self.problem(1, f"the file is larger than {MAX_BYTES:,} bytes; is it the right file?")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(data.count(b"\n", 0, exc.start) + 1,
                         f"not UTF-8 text ({exc.reason}); save it as UTF-8 (in Excel: CSV UTF-8)")
            return None

    def yaml(self, source: str) -> list[NewPledge]:
        try:
            data = parse_yaml(source, self.name)
        except YamlError as exc:
            self.problems.append(exc.problem)
            return []
        if not isinstance(data, LinedDict):
            self.problem(getattr(data, "line", 1), "expected a mapping with the lists needs: and offers: at the top")
            return []
        pledges = []
        for key, items in data.items():
            if key not in _SECTIONS:
                self.problem(data.line_of(key), f"unknown list {shown(key)}{did_you_mean(key, _SECTIONS)};"
                                                " the lists are needs: (halen) and offers: (brengen)")
            elif items is not None and not isinstance(items, LinedList):
                self.problem(data.line_of(key), f"{key}: expected a list of pledges, got {kind_of(items)}")
            elif items:
                pledges += self.yaml_items(_SECTIONS[key], items)
        return pledges

    def yaml_items(self, kind: str, items: LinedList) -> Iterator[NewPledge]:
        for line, item in zip(items.lines, items):
            if not isinstance(item, LinedDict):
                self.problem(line, f"expected a pledge (a mapping with text: and maybe id:, by:, organisation:),"
                                   f" got {kind_of(item)}")
                continue
            for key in item:
                if key not in _YAML_KEYS:
                    self.problem(item.line_of(key), f"unknown field {shown(key)}{did_you_mean(key, _YAML_KEYS)};"
                                                    f" a pledge has {', '.join(_YAML_KEYS)}")
            values = {key: value for key, value in item.items() if key in _YAML_KEYS}
            if (pledge := self.pledge({**values, "kind": kind}, item.line_of)) is not None:
                yield pledge

    def csv(self, source: str) -> list[NewPledge]:
        header_line = io.StringIO(source).readline()
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        rows = self.csv_rows(source, delimiter)
        columns = self.header(next(rows, (1, []))[1])
        if columns is None:
            return []
        return [pledge for line, row in rows
                if any(cell.strip() for cell in row) and (pledge := self.row(columns, line, row)) is not None]

    def csv_rows(self, source: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
        """Each row with the line it starts on (a quoted value may span lines); a row that is not CSV
        ends the file with a problem, as what follows it cannot be told apart."""
        reader = csv.reader(io.StringIO(source, newline=""), delimiter=delimiter, strict=True)
        end = 0
        try:
            for row in reader:
                start, end = end + 1, reader.line_num
                yield start, row
        except csv.Error as exc:
            self.problem(end + 1, f"cannot read this row as CSV ({exc}); is a quote left open?")

    def header(self, cells: list[str]) -> tuple[str, ...] | None:
        """The columns the header row names, in its order; None after one problem at line 1 for all that is wrong."""
        columns = tuple(cell.strip().lower() for cell in cells)
        wrong = [f"unknown column {shown(c)}{did_you_mean(c, _CONVERT)}" for c in columns if c not in _CONVERT]
        wrong += [f"column {c!r} appears {columns.count(c)} times" for c in _CONVERT if columns.count(c) > 1]
        wrong += [f"missing column {c!r}" for c in _CONVERT if c not in columns]
        if not wrong:
            return columns
        self.problem(1, "; ".join(wrong) + f" (the header row names the columns {','.join(_CONVERT)},"
                                           " in any order)")
        return None

    def row(self, columns: tuple[str, ...], line: int, cells: list[str]) -> NewPledge | None:
        if any(cell.strip() for cell in cells[len(columns):]):
            self.problem(line, f"{len(cells)} values, but the header row names {len(columns)} columns"
                               " (a value with the separator in it needs quotes)")
            return None
        # a line break in a quoted value is one "\n", as in chat, whichever ending the file has
        values = [_from_cell(cell.strip().replace("\r\n", "\n")) for cell in cells] + [""] * (len(columns) - len(cells))
        return self.pledge(dict(zip(columns, values)), lambda _: line)

    def pledge(self, values: dict[str, Any], line_of: Callable[[str], int]) -> NewPledge | None:
        """The pledge `values` describe (an empty optional value is left out); None after a problem
        for each value that is wrong or missing."""
        known = len(self.problems)
        converted: dict[str, str] = {}
        for key, convert in _CONVERT.items():
            value = values.get(key)
            if value is None or value == "":
                if key in _REQUIRED:
                    self.problem(line_of(key), f"missing {key!r}: {_REQUIRED[key]}")
                continue
            try:
                converted[key] = convert(value)
            except Invalid as exc:
                self.problem(line_of(key), f"{key}: {exc}")
        if (ref := converted.get("id")) is not None:
            if ref in self.refs:
                self.problem(line_of("id"), f"id {shown(ref)} is already used on line {self.refs[ref]}")
            else:
                self.refs[ref] = line_of("id")
        if len(self.problems) > known:
            return None
        return NewPledge(converted["kind"], converted["text"], converted.get("by"), converted.get("organisation"),
                         ref=ref)


def export_rows(pledges: Iterable[Pledge]) -> list[dict[str, str | None]]:
    """The export's rows: the contract's columns, `created` in ISO 8601 UTC."""
    return [{"id": p.id, "ref": p.ref, "kind": p.kind, "status": p.status, "text": p.text, "by": p.by,
             "organisation": p.organisation, "created": p.created.isoformat(timespec="seconds")} for p in pledges]


def write_csv(rows: Iterable[dict[str, str | None]], stream: BinaryIO) -> None:
    """A header row and the rows, UTF-8 with a BOM: without it Excel reads the file in the local code page."""
    with _text(stream, "utf-8-sig") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        writer.writerows({key: _to_cell(value) if key in _FREE_CELLS else value for key, value in row.items()}
                         for row in rows)


def _to_cell(value: str | None) -> str | None:
    return "'" + value if value and value.startswith(_FORMULA_START) else value


def _from_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def write_json_lines(rows: Iterable[dict[str, str | None]], stream: BinaryIO) -> None:
    """One JSON object a line, the same keys as the CSV's columns."""
    with _text(stream, "utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


@contextmanager
def _text(stream: BinaryIO, encoding: str) -> Iterator[TextIO]:
    """`stream` as text in `encoding`, whatever the locale says, and left open (standard output stays usable)."""
    out = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        yield out
    finally:
        out.flush()
        out.detach()
