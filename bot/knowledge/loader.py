"""Load and validate the knowledge directory into an immutable snapshot.

Validation collects every problem (not just the first) so an admin can fix a
whole edit in one go; a directory with any problem yields no snapshot at all,
which is what lets a running bot keep its last good knowledge.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable

from bot.knowledge.model import (
    ORGANISATION_KINDS,
    SHARE_LEVELS,
    Contact,
    Event,
    Example,
    Knowledge,
    Organisation,
    Team,
    Theme,
    frozen_map,
)
from bot.knowledge.fields import (
    Invalid,
    did_you_mean,
    durations,
    email,
    ident,
    idents,
    kind_of,
    moment,
    one_of,
    shown,
    text,
    texts,
    url,
    user_id,
    year,
    yes_no,
)
from bot.knowledge.yaml_lines import LinedDict, LinedList, Problem, ProblemsError, YamlError, load_yaml


class KnowledgeError(ProblemsError):
    """The knowledge directory is invalid."""


# --- the schema: one table per kind ---------------------------------------

@dataclass(frozen=True)
class _Field:
    convert: Callable[[Any], Any]
    required: bool = False
    ref: str | None = None      # kind whose ids this field refers to


@dataclass(frozen=True)
class _Kind:
    file: str
    model: type
    fields: dict[str, _Field]


_KINDS: dict[str, _Kind] = {     # by top-level key
    "organisations": _Kind("organisations.yaml", Organisation, {
        "id": _Field(ident, True), "name": _Field(text, True),
        "kind": _Field(one_of(*ORGANISATION_KINDS), True), "aliases": _Field(texts),
        "region": _Field(text), "url": _Field(url),
    }),
    "contacts": _Kind("contacts.yaml", Contact, {
        "id": _Field(ident, True), "name": _Field(text, True),
        "organisation": _Field(ident, True, "organisations"), "role": _Field(text),
        "matrix_id": _Field(text), "email": _Field(text), "expertise": _Field(texts),
        "themes": _Field(idents, ref="themes"), "share": _Field(one_of(*SHARE_LEVELS)),
    }),
    "examples": _Kind("examples.yaml", Example, {
        "id": _Field(ident, True), "title": _Field(text, True),
        "organisation": _Field(ident, True, "organisations"), "summary": _Field(text, True),
        "themes": _Field(idents, ref="themes"), "keywords": _Field(texts),
        "contacts": _Field(idents, ref="contacts"), "year": _Field(year), "url": _Field(url),
    }),
    "themes": _Kind("vocabulary.yaml", Theme, {
        "id": _Field(ident, True), "name": _Field(text, True), "aliases": _Field(texts),
    }),
    "teams": _Kind("teams.yaml", Team, {
        "id": _Field(ident, True), "name": _Field(text, True), "room": _Field(text, True),
        "themes": _Field(idents, ref="themes"),
    }),
    "events": _Kind("events.yaml", Event, {
        "id": _Field(ident, True), "title": _Field(text, True), "start": _Field(moment, True),
        "end": _Field(moment), "location": _Field(text), "description": _Field(text),
        "teams": _Field(idents, ref="teams"), "announce": _Field(durations), "url": _Field(url),
        "cancelled": _Field(yes_no),
    }),
}
_REQUIRED = {kind: tuple(key for key, spec in schema.fields.items() if spec.required) for kind, schema in _KINDS.items()}
_SYNONYMS = "synonyms"      # top-level key of the synonym groups, beside the themes they widen
# file -> its top-level keys, in reading order
_FILES = {schema.file: tuple(kind for kind, other in _KINDS.items() if other.file == schema.file)
          for schema in _KINDS.values()}
_FILES[_KINDS["themes"].file] += (_SYNONYMS,)
# Contact details checked once read as text: their messages quote the value without naming the field.
_CONTACT_DETAILS: dict[str, Callable[[Any], str]] = {"matrix_id": partial(user_id, like="@eva:example.org"),
                                                     "email": email}


@dataclass(frozen=True)
class _Ref:
    """Ids a field refers to, checked once every file is read."""

    file: str
    line: int
    kind: str                   # the kind the ids are of
    ids: tuple[str, ...]
    label: str                  # the field, as a message names it


class _Collector:
    """Gathers entries and problems across the directory's files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.entries: dict[str, dict[str, object]] = {kind: {} for kind in _KINDS}
        self.seen_ids: dict[str, dict[str, int]] = {kind: {} for kind in _KINDS}   # id -> line, valid or not
        self.refs: list[_Ref] = []
        self.synonyms: list[tuple[str, ...]] = []
        # kind -> the problem that kept its entries from being read: ids of that kind are not
        # checked, or a broken file would make every reference to it "unknown" in every other file
        self.unread: dict[str, Problem] = {}

    def problem(self, file: str, line: int, message: str) -> Problem:
        found = Problem(file, line, message)
        self.problems.append(found)
        return found

    def read_file(self, filename: str, keys: tuple[str, ...]) -> None:
        path = self.directory / filename
        if not path.exists():
            return
        try:
            data = load_yaml(path, filename)
        except YamlError as exc:
            self.problems.append(exc.problem)
            self.not_read(keys, exc.problem)
            return
        if data is None:
            return
        if not isinstance(data, LinedDict):
            self.not_read(keys, self.problem(filename, getattr(data, "line", 1),
                                             f"expected a mapping with {' and '.join(repr(k) for k in keys)} at the top"))
            return
        unknown: Problem | None = None
        for key, value in data.items():
            line = data.line_of(key)
            if key not in keys:
                unknown = self.problem(filename, line, f"unknown top-level key {shown(key)}{did_you_mean(key, keys)}; this file holds {', '.join(keys)}")
            elif value is None:
                continue
            elif not isinstance(value, LinedList):
                self.not_read((key,), self.problem(filename, line, f"{key!r} must be a list of entries"))
            elif key == _SYNONYMS:
                self.read_synonyms(filename, value)
            else:
                for item, item_line in zip(value, value.lines):
                    self.read_entry(filename, key, item, item_line)
        if unknown:     # a misspelt key is likely the missing one: its entries are unknown, not absent
            self.not_read(tuple(key for key in keys if key not in data), unknown)

    def not_read(self, keys: tuple[str, ...], cause: Problem) -> None:
        """Note that `cause` kept the entries under `keys` from being read: their ids go unchecked."""
        for key in keys:
            if key in _KINDS:
                self.unread.setdefault(key, cause)

    def read_synonyms(self, filename: str, groups: LinedList) -> None:
        for group, line in zip(groups, groups.lines):
            try:
                terms = texts(group)
            except Invalid as exc:
                self.problem(filename, line, f"synonym group: {exc}")
                continue
            if len(terms) < 2:
                self.problem(filename, line, "a synonym group needs at least two terms")
                continue
            self.synonyms.append(terms)

    def read_entry(self, filename: str, kind: str, item: Any, line: int) -> None:
        fields = _KINDS[kind].fields
        singular = kind[:-1]
        if not isinstance(item, LinedDict):
            self.problem(filename, line, f"each {singular} must be a mapping of fields (id: …, name: …), got {kind_of(item)}")
            return
        values: dict[str, Any] = {}
        ok = True
        for key, raw in item.items():
            spec = fields.get(key)
            if spec is None:
                self.problem(filename, item.lines[key], f"unknown field {shown(key)} in {singular}{did_you_mean(key, fields)}")
                ok = False
            elif raw is not None or spec.required:
                try:
                    values[key] = spec.convert(raw)
                except Invalid as exc:
                    self.problem(filename, item.lines[key], f"{singular} field {key!r}: {exc}")
                    ok = False
                    continue
                if spec.ref:
                    targets = (values[key],) if isinstance(values[key], str) else values[key]
                    if kind == "events" and key == "teams":
                        targets = tuple(t for t in targets if t != "all")     # "all": every team
                    self.refs.append(_Ref(filename, item.lines[key], spec.ref, targets, f"{singular} field {key!r}"))
        for key in [key for key in _REQUIRED[kind] if key not in item]:
            self.problem(filename, item.line, f"{singular} is missing required field {key!r}")
            ok = False
        ok = self.check_details(filename, kind, item, values) and ok
        entry_id = values.get("id")
        if entry_id in self.seen_ids[kind]:
            self.problem(filename, item.line_of("id"), f"duplicate {singular} id {shown(entry_id)} (first at line {self.seen_ids[kind][entry_id]})")
            return
        if entry_id:
            self.seen_ids[kind][entry_id] = item.line
        if not ok:
            return
        if kind == "events":
            values["start"], values["all_day"] = values["start"]
            if "end" in values:
                values["end"] = values["end"][0]
        self.entries[kind][entry_id] = _KINDS[kind].model(**values)

    def check_details(self, filename: str, kind: str, item: LinedDict, values: dict[str, Any]) -> bool:
        """Checks across fields of one entry, beyond single-value types."""
        ok = True
        if kind == "contacts":
            for key, check in _CONTACT_DETAILS.items():
                if key not in values:
                    continue
                try:
                    check(values[key])
                except Invalid as exc:
                    self.problem(filename, item.line_of(key), str(exc))
                    ok = False
        if kind == "events" and "start" in values and "end" in values and values["end"][0] < values["start"][0]:
            self.problem(filename, item.line_of("end"), "event ends before it starts")
            ok = False
        return ok

    def resolve_references(self) -> None:
        """Report ids that no entry has; refs to an unread kind are noted once per file instead."""
        noted: set[tuple[str, str]] = set()
        for ref in self.refs:
            cause = self.unread.get(ref.kind)
            if cause:
                if (ref.file, ref.kind) not in noted:
                    noted.add((ref.file, ref.kind))
                    self.problem(ref.file, ref.line, f"references to {ref.kind} not checked until {cause.file}:{cause.line} is fixed")
                continue
            known = self.seen_ids[ref.kind]
            for target in ref.ids:
                if target not in known:
                    self.problem(ref.file, ref.line, f"{ref.label}: unknown {ref.kind[:-1]} id {shown(target)}"
                                                     f"{did_you_mean(target, self.entries[ref.kind])}")

    def unexpected_files(self) -> None:
        for path in sorted(self.directory.glob("*.y*ml")):
            if path.name not in _FILES:
                self.problem(path.name, 1, f"unknown knowledge file{did_you_mean(path.name, _FILES)}; expected one of {', '.join(_FILES)}")


def validate_knowledge(directory: Path) -> tuple[Knowledge | None, list[Problem]]:
    """Read the whole directory; return the snapshot, or None and every problem."""
    directory = Path(directory)
    if not directory.is_dir():
        return None, [Problem(str(directory), 0, "knowledge directory not found")]
    collector = _Collector(directory)
    for filename, keys in _FILES.items():
        collector.read_file(filename, keys)
    collector.unexpected_files()
    collector.resolve_references()
    if collector.problems:
        problems = sorted(collector.problems, key=lambda p: (p.file, p.line))
        return None, problems
    snapshot = Knowledge(
        **{kind: frozen_map(entries) for kind, entries in collector.entries.items()},
        synonyms=tuple(collector.synonyms),
    )
    return snapshot, []


def load_knowledge(directory: Path) -> Knowledge:
    """The snapshot, or KnowledgeError listing every problem."""
    snapshot, problems = validate_knowledge(directory)
    if snapshot is None:
        raise KnowledgeError(problems)
    return snapshot
