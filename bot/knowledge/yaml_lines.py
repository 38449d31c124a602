"""YAML that remembers where each value came from.

Admins edit the knowledge and the config by hand, so every complaint must name
FILE:LINE. PyYAML's constructed objects forget their position, so we read the
C parser's events and build plain dicts/lists that carry the line of every key
and item, in one pass: no node tree in between (at 10,000 examples that tree
is some 300,000 objects, built and thrown away).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
                         SequenceEndEvent, SequenceStartEvent)

from bot.knowledge.fields import shown

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
# First characters that may start a plain scalar meaning something other than text
# (yes/no, numbers, dates, null, merge keys): anything else is text, no regex needed.
_MAY_BE_TYPED = frozenset(c for c in yaml.resolver.Resolver.yaml_implicit_resolvers if c)
_MEMO_LENGTH = 40     # plain values this short recur (keys, ids, years): their tags are remembered
# Aliases share one built value, but whatever walks it (a check, an error message) meets it as
# often as it is aliased: nine levels of ten aliases each ("billion laughs") are 10**9 values.
# Reuse by hand stays far below this; a bomb passes it within a few dozen aliases.
MAX_EXPANSION = 1_000_000    # characters of source that the aliases in one file may repeat


class _Builder:
    """Builds one document's Lined* containers and typed values from parser events."""

    def __init__(self, text: str, name: str) -> None:
        # parser, resolver and constructor in one; one per file, as the constructor
        # remembers every value it built and a reload must not keep them
        self.loader = _Loader(text)
        self.name = name
        self.tags: dict[str, str] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}    # anchor -> (value, its size in characters)
        self.expanded = 0      # characters the aliases so far repeat
        self.end = 0           # source index where the mapping or sequence built last ends

    def document(self) -> Any:
        """The document's value (None for an empty file)."""
        get_event, check_event = self.loader.get_event, self.loader.check_event
        get_event()                                   # stream start
        if not check_event(DocumentStartEvent):
            return None
        get_event()
        value = self.value(get_event())
        get_event()                                   # document end
        if check_event(DocumentStartEvent):
            event = get_event()
            raise yaml.composer.ComposerError("expected a single document in the file", None,
                                              "but found another document", event.start_mark)
        return value

    def value(self, event: Any) -> Any:
        kind = type(event)
        if kind is ScalarEvent:
            value = self.scalar(event)
            if event.anchor is not None:
                self.anchors[event.anchor] = value, event.end_mark.index - event.start_mark.index
            return value
        if kind is AliasEvent:
            return self.alias(event)
        if kind is not MappingStartEvent and kind is not SequenceStartEvent:
            raise yaml.composer.ComposerError(None, None, f"unexpected {kind.__name__}", event.start_mark)
        expanded = self.expanded
        value = self.mapping(event) if kind is MappingStartEvent else self.sequence(event)
        if event.anchor is not None:    # its size: the source it spans, plus what the aliases in it repeat
            self.anchors[event.anchor] = value, self.end - event.start_mark.index + self.expanded - expanded
        return value

    def alias(self, event: AliasEvent) -> Any:
        """The anchored value; refused once this file's aliases repeat more than MAX_EXPANSION characters."""
        if event.anchor not in self.anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {shown(event.anchor)}", event.start_mark)
        value, size = self.anchors[event.anchor]
        self.expanded += size
        if self.expanded > MAX_EXPANSION:
            raise YamlError(Problem(self.name, event.start_mark.line + 1,
                                    f"aliases expand this file to more than {MAX_EXPANSION:,} characters"
                                    " (an alias bomb?); write the values out instead"))
        return value

    def mapping(self, start: MappingStartEvent) -> LinedDict:
        out = LinedDict()
        out.line = start.start_mark.line + 1
        lines = out.lines = {}
        get_event, value = self.loader.get_event, self.value
        while type(event := get_event()) is not MappingEndEvent:
            key = value(event)
            if isinstance(key, (dict, list)):       # unhashable; and str() of an alias bomb never ends
                raise YamlError(Problem(self.name, event.start_mark.line + 1,
                                        "a key must be plain text, not a list or mapping"))
            lines[key] = event.start_mark.line + 1
            out[key] = value(get_event())
        self.end = event.end_mark.index
        return out

    def sequence(self, start: SequenceStartEvent) -> LinedList:
        seq = LinedList()
        seq.line = start.start_mark.line + 1
        lines = seq.lines = []
        get_event, value = self.loader.get_event, self.value
        while type(event := get_event()) is not SequenceEndEvent:
            lines.append(event.start_mark.line + 1)
            seq.append(value(event))
        self.end = event.end_mark.index
        return seq

    def scalar(self, event: ScalarEvent) -> Any:
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0] or (value and value[0] not in _MAY_BE_TYPED):
                return value      # quoted, a block, or text by its first character (empty plain is null)
            tag = self.tags.get(value)
            if tag is None:
                tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))
                if len(value) <= _MEMO_LENGTH:
                    self.tags[value] = tag
        if tag == _STR:
            return value
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            # e.g. 2026-13-01 looks like a date but is none: keep the text, so the
            # field's own check reports it at its line instead of failing the file.
            return value


class LinedDict(dict):
    """A mapping with `line` (its own, 1-based) and `lines[key]` (each key's)."""

    __slots__ = ("line", "lines")    # one per entry, 13,000 at 10,000 examples
    line: int
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LinedList(list):
    """A sequence with `line` and `lines[i]` for each item."""

    __slots__ = ("line", "lines")
    line: int
    lines: list[int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, as an admin should read it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ProblemsError(Exception):
    """Something an admin edits is invalid; `problems` lists every FILE:LINE: message."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class YamlError(Exception):
    """The file is not YAML at all; carries the position PyYAML found."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file into Lined* containers; raise YamlError with a position."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(Problem(name, 1, f"not UTF-8 text ({exc.reason})")) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Any:
    builder = _Builder(text, name)
    try:
        return builder.document()
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(Problem(name, line, f"cannot read value: {exc.problem}")) from None
    except yaml.MarkedYAMLError as exc:
        line, reason = _syntax_error(exc, text)
        raise YamlError(Problem(name, line, f"YAML syntax error: {reason}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(name, 1, f"YAML error: {exc}")) from None
    finally:
        builder.loader.dispose()


# An open bracket or quote, and what PyYAML (C or Python parser) says on reaching where it gives up on it.
_UNCLOSED = {"[": "expected ','", "{": "expected ','", '"': "end of stream", "'": "end of stream"}


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """Line and reason of a syntax error, naming its cause where PyYAML names a symptom: a tab
    ("cannot start any token"), or a bracket or quote left open, which the parser reports where
    it gave up (often the end of the file) while its context mark is where it opened."""
    problem, opened = exc.problem_mark, exc.context_mark
    reason = exc.problem or exc.context or "invalid YAML"
    if problem is None:
        return (opened.line + 1 if opened else 1), reason
    lines = text.removeprefix("\ufeff").splitlines()     # marks count characters, from after a BOM

    def char_at(mark: yaml.Mark) -> str:
        line = lines[mark.line] if mark.line < len(lines) else ""
        return line[mark.column] if mark.column < len(line) else ""

    if char_at(problem) == "\t":
        use = "spacing" if lines[problem.line][:problem.column].lstrip(" \t-") else "indentation"   # "-\t" indents
        return problem.line + 1, f"a tab is used for {use} at column {problem.column + 1}; use spaces"
    opener = char_at(opened) if opened and opened.line < problem.line else ""
    if opener in _UNCLOSED and _UNCLOSED[opener] in reason:
        return opened.line + 1, (f"this {opener!r} opened at line {opened.line + 1} is never closed"
                                 f" (the parser gave up at line {problem.line + 1})")
    return problem.line + 1, reason
