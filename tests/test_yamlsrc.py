"""Reading admin-edited YAML: values typed as YAML types them, every key and item with its line."""

from __future__ import annotations

import time
from datetime import date

import pytest
import yaml

from bot.knowledge import yaml_lines
from bot.knowledge.yaml_lines import LinedDict, LinedList, YamlError, parse_yaml

TEXT = """\
# a comment first
name: Topaz
year: 2019
quoted: '2019'
day: 2026-11-12
flags: [yes, 'yes', ~]
blank:
empty: ''
block: |
  two
  lines
entries:
  - id: a
    tags: [x, y]
  - id: b
"""


def test_keys_and_items_carry_their_lines():
    data = parse_yaml(TEXT, "t.yaml")
    assert isinstance(data, LinedDict) and data.line == 2
    assert data.line_of("name") == 2 and data.line_of("entries") == 12
    entries = data["entries"]
    assert isinstance(entries, LinedList) and entries.lines == [13, 15]
    assert entries[1].line_of("id") == 15 and entries[0]["tags"].lines == [14, 14]


def test_plain_values_are_typed_and_quoted_ones_stay_text():
    data = parse_yaml(TEXT, "t.yaml")
    assert data["year"] == 2019 and data["quoted"] == "2019"
    assert data["day"] == date(2026, 11, 12)
    assert data["flags"] == [True, "yes", None]
    assert data["blank"] is None and data["empty"] == ""
    assert data["block"] == "two\nlines\n"


def test_a_date_that_is_no_date_stays_text_for_the_field_check_to_report():
    assert parse_yaml("start: 2026-13-01\n", "t.yaml")["start"] == "2026-13-01"


def test_anchors_and_aliases_repeat_a_value():
    data = parse_yaml("a: &themes [zorg, regels]\nb: *themes\n", "t.yaml")
    assert data["b"] == ["zorg", "regels"]


def test_a_value_reused_by_hand_loads_however_often():
    entries = "".join(f"  - {{id: e{i}, themes: *common}}\n" for i in range(2000))
    data = parse_yaml(f"common: &common [zorg, regels]\nentries:\n{entries}", "t.yaml")
    assert data["entries"][1999]["themes"] is data["common"]


BOMB_REFUSED = "aliases expand this file to more than 1,000,000 characters (an alias bomb?); write the values out instead"


def alias_bomb(levels: int = 9) -> str:
    """'Billion laughs', one line per level: each anchor a list of ten aliases of the one before."""
    lines = ["l0: &l0 lol"] + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("use", ["value: *l9\n", "*l9 : a key\n"])
def test_an_alias_bomb_is_refused_at_its_line(use: str):
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        parse_yaml(alias_bomb() + use, "t.yaml")
    assert time.perf_counter() - started < 5
    problem = caught.value.problem
    assert problem.file == "t.yaml" and 2 <= problem.line <= 10
    assert problem.message == BOMB_REFUSED


@pytest.mark.parametrize("key", ["[x, y]", "{x: 1}", "*pair"])
def test_a_key_must_be_plain_text(key: str):
    with pytest.raises(YamlError) as caught:
        parse_yaml(f"pair: &pair [x, y]\n{key}: 2\n", "t.yaml")
    assert str(caught.value) == "t.yaml:2: a key must be plain text, not a list or mapping"


def test_an_empty_file_is_nothing():
    assert parse_yaml("# only a comment\n", "t.yaml") is None


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: [1, 2\nb: 3\n", 1, "YAML syntax error"),
    ("a: 1\n---\nb: 2\n", 2, "another document"),
    ("a: *nowhere\n", 1, "undefined alias 'nowhere'"),
])
def test_broken_yaml_names_file_and_line(text: str, line: int, words: str):
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "t.yaml")
    assert caught.value.problem.file == "t.yaml"
    assert caught.value.problem.line == line
    assert words in caught.value.problem.message


def syntax_error(text: str) -> str:
    with pytest.raises(YamlError) as caught:
        parse_yaml(text, "t.yaml")
    return str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("examples:\n  - id: a\n    title: [unclosed\n    summary: x\n",
     "t.yaml:3: YAML syntax error: this '[' opened at line 3 is never closed (the parser gave up at line 4)"),
    ("a: {x: 1, y: 2\nb: 3\n",
     "t.yaml:1: YAML syntax error: this '{' opened at line 1 is never closed (the parser gave up at line 2)"),
    ('a: 1\nb: "open\nc: 3\nd: 4\n',
     "t.yaml:2: YAML syntax error: this '\"' opened at line 2 is never closed (the parser gave up at line 5)"),
    ("a: 'open\nb: 3\n",
     "t.yaml:1: YAML syntax error: this \"'\" opened at line 1 is never closed (the parser gave up at line 3)"),
    ("\ufeffa: 1\nb: [1, {x: 2\n",      # a BOM does not shift the column the opener is looked up at
     "t.yaml:2: YAML syntax error: this '{' opened at line 2 is never closed (the parser gave up at line 3)"),
], ids=["bracket", "brace", "double quote", "single quote", "after a BOM"])
def test_an_unclosed_bracket_or_quote_is_named_where_it_opened(text: str, expected: str):
    assert syntax_error(text) == expected


def test_a_bracket_closed_on_its_line_by_the_wrong_one_keeps_the_parsers_words():
    message = syntax_error("a: [1, 2}\nb: 3\n")
    assert message.startswith("t.yaml:1: YAML syntax error: ") and "never closed" not in message


@pytest.mark.parametrize("loader", [yaml_lines._Loader, yaml.SafeLoader], ids=["C", "Python"])
@pytest.mark.parametrize(("text", "expected"), [
    ("a:\n\tb: 1\n", "t.yaml:2: YAML syntax error: a tab is used for indentation at column 1; use spaces"),
    ("a:\n  b: 1\n  \tc: 2\n", "t.yaml:3: YAML syntax error: a tab is used for indentation at column 3; use spaces"),
    ("a:\n  -\tid: x\n", "t.yaml:2: YAML syntax error: a tab is used for indentation at column 4; use spaces"),
], ids=["first column", "after spaces", "after a dash"])
def test_a_tab_is_named_as_a_tab(monkeypatch: pytest.MonkeyPatch, loader: type, text: str, expected: str):
    # the C parser says "found character that cannot start any token" without naming it, or
    # "a tab character that violates indentation"; the Python parser, "found character '\\t' ..."
    monkeypatch.setattr(yaml_lines, "_Loader", loader)
    assert syntax_error(text) == expected


def test_a_tab_between_key_and_value_is_named_too(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(yaml_lines, "_Loader", yaml.SafeLoader)     # the C parser takes this tab as a space
    assert syntax_error("a: \tb\n") == "t.yaml:1: YAML syntax error: a tab is used for spacing at column 4; use spaces"
