"""The announcer with its clock set by the test: once per lead and room, across restarts and crashes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config
from bot.core.dates import NETWORK_TZ
from bot.core.messages import Post
from bot.matching.live import LiveKnowledge
from bot.scheduler.announcer import Announcer
from bot.store.announcements import Announcements
from bot.store.database import Database
from tests.conftest import SAMPLE

START = datetime(2027, 1, 20, 14, 0, tzinfo=NETWORK_TZ)


def knowledge_with(tmp_path: Path, *events: str) -> LiveKnowledge:
    directory = tmp_path / "knowledge"
    directory.mkdir(parents=True)
    for name in ("organisations.yaml", "vocabulary.yaml"):
        (directory / name).write_text((SAMPLE / name).read_text(encoding="utf-8"), encoding="utf-8")
    (directory / "teams.yaml").write_text("""\
teams:
  - {id: a, name: Team A, room: "#a:example.org"}
  - {id: b, name: Team B, room: "#b:example.org"}
""")
    (directory / "events.yaml").write_text("events:\n" + "".join(events))
    return LiveKnowledge.load(directory)


MEETING = f"""\
  - id: overleg
    title: Overleg zorgkantoren
    start: {START.isoformat()}
    location: Utrecht
    teams: [a, b]
    announce: [7d, 1d, 2h]
"""


class Transport:
    """Records posts; `accept` decides whether the homeserver takes them (then on_sent runs)."""

    def __init__(self, accept: bool = True, joined: bool = True) -> None:
        self.posts: list[Post] = []
        self.accept, self.joined = accept, joined

    async def post(self, post: Post, on_sent) -> bool:
        if not self.joined:
            return False
        self.posts.append(post)
        if self.accept:
            await on_sent()
        return True


@pytest.fixture
async def database(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


def announcer(live: LiveKnowledge, database: Database, transport: Transport) -> Announcer:
    return Announcer(live, Config(), Announcements(database.connection), transport.post)


async def test_each_lead_once_in_each_room(tmp_path, database):
    live, transport = knowledge_with(tmp_path, MEETING), Transport()
    bot = announcer(live, database, transport)
    await bot.announce_due(START - timedelta(days=7))
    await bot.announce_due(START - timedelta(days=6))               # nothing new
    assert [(p.room, p.key) for p in transport.posts] == [
        ("#a:example.org", "overleg/#a:example.org/7d"), ("#b:example.org", "overleg/#b:example.org/7d")]
    assert "Over 7 dagen" in transport.posts[0].reply.text and "Overleg zorgkantoren" in transport.posts[0].reply.text
    assert "woensdag 20 januari, 14:00, Utrecht" in transport.posts[0].reply.text
    await bot.announce_due(START - timedelta(days=1))
    assert [p.key.rsplit("/", 1)[1] for p in transport.posts] == ["7d", "7d", "1d", "1d"]


async def test_a_week_down_sends_one_announcement_not_three(tmp_path, database):
    transport = Transport()
    await announcer(knowledge_with(tmp_path, MEETING), database, transport).announce_due(START - timedelta(hours=1))
    assert [p.key for p in transport.posts] == ["overleg/#a:example.org/2h", "overleg/#b:example.org/2h"]
    assert "Over 1 uur" in transport.posts[0].reply.text or "Over 60 minuten" in transport.posts[0].reply.text


async def test_a_restart_sends_nothing_twice_and_a_crash_before_recording_resends_the_same_key(tmp_path, database):
    live = knowledge_with(tmp_path, MEETING)
    sent = Transport()
    await announcer(live, database, sent).announce_due(START - timedelta(days=7))
    again = Transport()
    await announcer(live, database, again).announce_due(START - timedelta(days=7))   # restarted
    assert again.posts == []
    crashed = Transport(accept=False)               # sent, but the process died before it was recorded
    await announcer(live, database, crashed).announce_due(START - timedelta(days=1))
    after = Transport()
    await announcer(live, database, after).announce_due(START - timedelta(days=1))
    assert [p.key for p in after.posts] == [p.key for p in crashed.posts]   # same key: the same transaction id


async def test_a_room_the_bot_is_not_in_is_tried_again_later(tmp_path, database):
    live, outside = knowledge_with(tmp_path, MEETING), Transport(joined=False)
    bot = announcer(live, database, outside)
    assert await bot.announce_due(START - timedelta(days=7)) == 2
    outside.joined = True
    assert await bot.announce_due(START - timedelta(days=7)) == 0 and len(outside.posts) == 2


async def test_cancelled_and_begun_events_are_not_announced(tmp_path, database):
    transport = Transport()
    live = knowledge_with(tmp_path, MEETING.replace("announce: [7d, 1d, 2h]", "announce: [7d]\n    cancelled: true"))
    bot = announcer(live, database, transport)
    await bot.announce_due(START - timedelta(days=7))
    await bot.announce_due(START + timedelta(minutes=1))
    assert transport.posts == []


def test_the_dry_run_follows_the_contract(tmp_path, capsys):
    import json

    from bot import __main__ as cli

    live = knowledge_with(tmp_path, MEETING)
    assert cli.main(["announce", "--now", (START - timedelta(hours=20)).isoformat(), "--knowledge",
                     str(live.directory), "--dry-run", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [{"event": "overleg", "room": room, "lead": "1d", "due": "2027-01-19T14:00:00+01:00",
                      "start": "2027-01-20T14:00:00+01:00"} for room in ("#a:example.org", "#b:example.org")]


async def test_the_dry_run_reads_what_the_store_says_was_sent(tmp_path, database):
    from bot import app

    live = knowledge_with(tmp_path, MEETING)
    await Announcements(database.connection).record("overleg", "#a:example.org", "1d", {})
    due = await app.due_announcements(Config(), live, database.path, START - timedelta(hours=3))
    assert [(d.room, str(d.lead)) for d in due] == [("#b:example.org", "1d")]
    assert await app.due_announcements(Config(), live, tmp_path / "none.sqlite3", START) == []
    assert not (tmp_path / "none.sqlite3").exists()


def edited(tmp_path: Path, name: str, *events: str) -> LiveKnowledge:
    return knowledge_with(tmp_path / name, *events)


async def test_a_changed_time_or_place_is_news_to_the_rooms_that_heard_of_it(tmp_path, database):
    transport = Transport()
    one_team = MEETING.replace("teams: [a, b]", "teams: [a]")
    await announcer(knowledge_with(tmp_path, one_team), database, transport).announce_due(START - timedelta(days=7))
    moved = one_team.replace(START.isoformat(), (START + timedelta(days=1)).isoformat()).replace("Utrecht", "Zwolle")
    later = edited(tmp_path, "moved", moved.replace("teams: [a]", "teams: [a, b]"))
    bot = announcer(later, database, transport)
    await bot.announce_due(START - timedelta(days=6))
    news = transport.posts[1:]
    assert [(p.room, p.reply.text.split(":")[0]) for p in news] == [
        ("#b:example.org", "Over 7 dagen"), ("#a:example.org", "Gewijzigd")]   # b had not heard of it: new to b
    assert news[1].reply.text.startswith("Gewijzigd: Overleg zorgkantoren — donderdag 21 januari, 14:00, Zwolle")
    assert "(was: woensdag 20 januari, 14:00, Utrecht)" in news[1].reply.text
    await bot.announce_due(START - timedelta(days=6))
    assert transport.posts[1:] == news                                  # told once


async def test_a_cancelled_or_removed_event_is_called_off_where_it_was_announced(tmp_path, database):
    transport = Transport()
    await announcer(knowledge_with(tmp_path, MEETING), database, transport).announce_due(START - timedelta(days=7))
    off = edited(tmp_path, "off", MEETING.replace("announce: [7d, 1d, 2h]", "announce: [7d, 1d, 2h]\n    cancelled: true"))
    bot = announcer(off, database, transport)
    await bot.announce_due(START - timedelta(days=2))
    await bot.announce_due(START - timedelta(days=1))
    called_off = transport.posts[2:]
    assert [p.room for p in called_off] == ["#a:example.org", "#b:example.org"]
    assert called_off[0].reply.text == "AFGELAST: Overleg zorgkantoren — woensdag 20 januari, 14:00, Utrecht"
    gone = Transport()
    other = await Database.open(tmp_path / "other.sqlite3")
    try:
        await announcer(knowledge_with(tmp_path / "x", MEETING), other, gone).announce_due(START - timedelta(days=7))
        await announcer(edited(tmp_path, "gone"), other, gone).announce_due(START - timedelta(days=3))
    finally:
        await other.close()
    assert [p.reply.text.split(" — ")[0] for p in gone.posts[2:]] == ["AFGELAST: Overleg zorgkantoren"] * 2


async def test_an_event_that_appears_inside_its_lead_window_is_announced_once(tmp_path, database):
    transport = Transport()
    await announcer(edited(tmp_path, "before"), database, transport).announce_due(START - timedelta(days=3))
    bot = announcer(edited(tmp_path, "after", MEETING), database, transport)
    await bot.announce_due(START - timedelta(days=3))
    await bot.announce_due(START - timedelta(days=2))
    assert [p.key for p in transport.posts] == ["overleg/#a:example.org/7d", "overleg/#b:example.org/7d"]
    assert transport.posts[0].reply.text.startswith("Over 3 dagen: Overleg zorgkantoren")


async def test_a_room_the_config_names_english_gets_english(tmp_path, database):
    transport = Transport()
    live = knowledge_with(tmp_path, MEETING)
    bot = Announcer(live, Config(english_rooms=("#b:example.org",)), Announcements(database.connection), transport.post)
    await bot.announce_due(START - timedelta(days=7))
    assert [p.reply.text.split(":")[0] for p in transport.posts] == ["Over 7 dagen", "In 7 days"]
    assert "Wednesday 20 January, 14:00, Utrecht" in transport.posts[1].reply.text
