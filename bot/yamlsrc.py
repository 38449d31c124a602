"""YAML that remembers where each value came from.

Admins edit the knowledge and the config by hand, so every complaint must name
FILE:LINE. PyYAML's constructed objects forget their position; we compose the
node tree with the C parser (fast) and build plain dicts/lists that carry the
line of every key and item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
# First characters that may start a plain scalar meaning something other than text
# (yes/no, numbers, dates, null, merge keys): anything else is text, no regex needed.
_MAY_BE_TYPED = frozenset(c for c in yaml.resolver.Resolver.yaml_implicit_resolvers if c)


class _Loader(_BaseLoader):
    """The safe loader, deciding "this is text" without the resolver's regexes where
    the first character settles it (the resolver ran for every one of ~300,000 values)."""

    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        if kind is yaml.ScalarNode and (not implicit[0] or (value and value[0] not in _MAY_BE_TYPED)):
            return _STR
        return super().resolve(kind, value, implicit)


class LinedDict(dict):
    """A mapping with `line` (its own, 1-based) and `lines[key]` (each key's)."""

    line: int
    lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LinedList(list):
    """A sequence with `line` and `lines[i]` for each item."""

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


def _convert(node: yaml.Node, constructor: yaml.constructor.SafeConstructor) -> Any:
    if node.tag == _STR and type(node) is yaml.ScalarNode:
        return node.value       # most values are text: skip the constructor's bookkeeping
    if isinstance(node, yaml.MappingNode):
        out = LinedDict()
        out.line = node.start_mark.line + 1
        out.lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, constructor)
            if isinstance(key, (dict, list)):
                key = str(key)
            out[key] = _convert(value_node, constructor)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LinedList(_convert(item, constructor) for item in node.value)
        seq.line = node.start_mark.line + 1
        seq.lines = [item.start_mark.line + 1 for item in node.value]
        return seq
    try:
        return constructor.construct_object(node, deep=True)
    except ValueError:
        # e.g. 2026-13-01 looks like a date but is none: keep the text, so the
        # field's own check reports it at its line instead of failing the file.
        return node.value


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file into Lined* containers; raise YamlError with a position."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(Problem(name, 1, f"not UTF-8 text ({exc.reason})")) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> Any:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlError(Problem(name, line, f"YAML syntax error: {reason}")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(name, 1, f"YAML error: {exc}")) from None
    if node is None:
        return None
    try:   # a constructor per file: it remembers every node it built, a reload must not keep them
        return _convert(node, yaml.constructor.SafeConstructor())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(Problem(name, line, f"cannot read value: {exc.problem}")) from None
