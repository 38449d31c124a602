"""Validating the admins' YAML: every problem named by file and line; bad edits change nothing."""

from __future__ import annotations

import shutil
import time
import weakref
from pathlib import Path

import pytest

from bot.knowledge.loader import validate_knowledge
from bot.matching.live import LiveKnowledge
from tests.conftest import SAMPLE
from tests.test_yamlsrc import BOMB_REFUSED, alias_bomb


@pytest.fixture
def kdir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(SAMPLE, target)
    return target


def write(directory: Path, name: str, text: str) -> None:
    (directory / name).write_text(text, encoding="utf-8")


def messages(directory: Path) -> list[str]:
    knowledge, problems = validate_knowledge(directory)
    assert knowledge is None
    return [str(p) for p in problems]


def test_sample_knowledge_is_valid_and_complete():
    knowledge, problems = validate_knowledge(SAMPLE)
    assert problems == []
    counts = knowledge.counts()
    assert counts["examples"] >= 10 and counts["contacts"] >= 8 and counts["events"] >= 3
    for contact in knowledge.contacts.values():
        assert contact.email is None or contact.email.endswith("@example.org")
        assert contact.matrix_id is None or contact.matrix_id.endswith(":example.org")


def test_each_problem_is_named_with_file_and_line(tmp_path: Path):
    write(tmp_path, "organisations.yaml", """\
organisations:
  - id: topaz
    name: Topaz
    kind: zorgaanbieder
  - id: Topaz Two
    name: Topaz
    kind: ziekenhuis
  - id: topaz
    name: Dubbel
    kind: partner
    regoin: Leiden
""")
    write(tmp_path, "contacts.yaml", """\
contacts:
  - id: eva
    name: Eva
    organisation: topazz
    share: everyone
    expertise: addendumafspraken
  - id: piet
    organisation: topaz
    matrix_id: piet@example.org
""")
    write(tmp_path, "events.yaml", """\
events:
  - id: dag
    title: Inspiratiedag
    start: 2026-13-01
  - id: later
    title: Later
    start: 2027-01-10T10:00:00
    announce: [7 days]
""")
    found = messages(tmp_path)
    expected = [
        "organisations.yaml:5: organisation field 'id': 'Topaz Two' is not a valid id",
        "organisations.yaml:7: organisation field 'kind': 'ziekenhuis' is not one of",
        "organisations.yaml:8: duplicate organisation id 'topaz'",
        "organisations.yaml:11: unknown field 'regoin' in organisation (did you mean 'region'?)",
        "contacts.yaml:4: contact field 'organisation': unknown organisation id 'topazz' (did you mean 'topaz'?)",
        "contacts.yaml:5: contact field 'share': 'everyone' is not one of: public, network, private",
        "contacts.yaml:6: contact field 'expertise': expected a list of terms, e.g. [addendumafspraken]",
        "contacts.yaml:7: contact is missing required field 'name'",
        "contacts.yaml:9: 'piet@example.org' is not a Matrix user id",
        "events.yaml:4: event field 'start'",
        "events.yaml:7: event field 'start': 2027-01-10T10:00:00 has no UTC offset",
        "events.yaml:8: event field 'announce': '7 days' is not a lead time",
    ]
    for wanted in expected:
        assert any(line.startswith(wanted) for line in found), f"missing {wanted!r} in {found}"


def test_yaml_syntax_error_names_the_line(kdir: Path):
    write(kdir, "examples.yaml", "examples:\n  - id: a\n    title: [unclosed\n    summary: x\n")
    [problem] = messages(kdir)
    assert problem.startswith("examples.yaml:") and "YAML syntax error" in problem


def test_unknown_top_level_key_and_file(kdir: Path):
    write(kdir, "teams.yaml", "team:\n  - id: x\n")
    write(kdir, "contact.yaml", "contacts: []\n")
    found = messages(kdir)
    assert any(p.startswith("teams.yaml:1: unknown top-level key 'team' (did you mean 'teams'?)") for p in found)
    assert any(p.startswith("contact.yaml:1: unknown knowledge file (did you mean 'contacts.yaml'?)") for p in found)


def test_missing_files_mean_empty_lists(tmp_path: Path):
    knowledge, problems = validate_knowledge(tmp_path)
    assert problems == [] and knowledge.counts()["examples"] == 0


def test_all_day_events_and_lead_times(tmp_path: Path):
    write(tmp_path, "events.yaml", """\
events:
  - id: week
    title: Week van de Radicale vernieuwing
    start: 2027-11-08
    announce: [1w, 2h, 30m]
""")
    knowledge, problems = validate_knowledge(tmp_path)
    assert problems == []
    event = knowledge.events["week"]
    assert event.all_day and event.start.tzinfo is not None
    assert [str(lead) for lead in event.announce] == ["1w", "2h", "30m"]      # each keeps its unit


def test_a_failed_reload_keeps_the_last_good_knowledge(kdir: Path):
    state = LiveKnowledge.load(kdir)
    before = state.current
    write(kdir, "contacts.yaml", "contacts:\n  - id: x\n    name: X\n    organisation: nowhere\n")
    problems = state.reload()
    assert problems and problems[0].file == "contacts.yaml"
    assert state.current is before
    assert state.current.index.search("addendumafspraken")


def test_a_good_reload_swaps_knowledge_and_index_together(kdir: Path):
    state = LiveKnowledge.load(kdir)
    assert not state.current.index.search("valpreventie")
    with open(kdir / "examples.yaml", "a", encoding="utf-8") as f:
        f.write("""\
  - id: valpreventie-pilot
    title: Valpreventie zonder vastbinden
    organisation: topaz
    summary: Bewoners bewegen vrij; het team leerde vallen voorkomen zonder maatregelen die vrijheid beperken.
    keywords: [valpreventie]
""")
    assert state.reload() == []
    [hit, *_] = state.current.index.search("valpreventie")
    assert hit.id == "valpreventie-pilot"


def test_a_replaced_snapshot_is_freed_at_once(kdir: Path):
    # The snapshot is frozen out of the cycle collector's reach after loading, so
    # only refcounting can free it: a reference cycle in it would leak every reload.
    state = LiveKnowledge.load(kdir)
    state.current.index.search("zorgkantoor")          # fill the search caches too
    old = weakref.ref(state.current.index)
    old_knowledge = weakref.ref(state.current.knowledge)
    assert state.reload() == []
    assert old() is None and old_knowledge() is None


@pytest.mark.parametrize("entry", ["  - id: *l9\n    title: Lol\n", "  - *l9 : lol\n"])
def test_an_alias_bomb_as_id_or_key_is_named_with_file_and_line(tmp_path: Path, entry: str):
    write(tmp_path, "examples.yaml", alias_bomb() + "examples:\n" + entry)
    started = time.perf_counter()
    [problem] = messages(tmp_path)
    assert time.perf_counter() - started < 5
    file, line, message = problem.split(":", 2)
    assert file == "examples.yaml" and line.isdigit() and message == f" {BOMB_REFUSED}"


@pytest.mark.parametrize(("before", "bad_id"), [("", "A" * 10_000), (alias_bomb(4), "*l4")])
def test_a_huge_bad_id_is_quoted_short(tmp_path: Path, before: str, bad_id: str):
    write(tmp_path, "examples.yaml", f"{before}examples:\n  - id: {bad_id}\n    title: Lol\n")
    [problem] = [p for p in messages(tmp_path) if "field 'id'" in p]
    quoted = problem.split("example field 'id': ")[1].split(" is not a valid id")[0]
    assert quoted.startswith(("'AAA", "[[")) and len(quoted) <= 80


def test_anchors_reuse_a_list_of_themes(kdir: Path):
    write(kdir, "examples.yaml", """\
examples:
  - id: eerste
    title: Eerste
    organisation: topaz
    summary: Het eerste voorbeeld.
    themes: &common [knellende-regels, samenwerken-gedeelde-visie]
  - id: tweede
    title: Tweede
    organisation: topaz
    summary: Het tweede voorbeeld.
    themes: *common
""")
    knowledge, problems = validate_knowledge(kdir)
    assert problems == []
    assert knowledge.examples["tweede"].themes == ("knellende-regels", "samenwerken-gedeelde-visie")


def test_an_event_may_be_cancelled(tmp_path: Path):
    write(tmp_path, "events.yaml", """\
events:
  - id: weg
    title: Gaat niet door
    start: 2027-03-01T10:00:00+01:00
    cancelled: true
  - id: raar
    title: Half afgelast
    start: 2027-03-02T10:00:00+01:00
    cancelled: misschien
""")
    knowledge, problems = validate_knowledge(tmp_path)
    assert [str(p) for p in problems] == [
        "events.yaml:9: event field 'cancelled': expected true or false, got 'misschien'"]
