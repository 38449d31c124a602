"""Knowledge gaps: unanswered topics recorded without the asker, grouped, kept a while."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot import app
from bot.config import Config
from bot.core.roles import role_from_config
from bot.matching.gaps import gaps
from bot.store.database import Database
from bot.store.unanswered import UnansweredQuestions
from tests.conftest import Chat

CONFIG = Config(coordinators=("@coco:example.org",), allowed_servers=("example.org",))


def test_similar_topics_are_one_gap_named_after_its_most_asked_wording():
    found = gaps(["mondzorg", "Mondzorg in het verpleeghuis", "mondzorg", "tuinieren met bewoners",
                  "een moestuin", "mondzorg bij dementie"])
    assert [(g.topic, g.asked) for g in found][:1] == [("mondzorg", 4)]
    assert {g.topic for g in found} == {"mondzorg", "tuinieren met bewoners", "een moestuin"}


@pytest.fixture
async def store(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    now = [datetime(2027, 3, 1, tzinfo=timezone.utc).timestamp()]
    yield UnansweredQuestions(database.connection, clock=lambda: now[0]), now
    await database.close()


async def test_coordinators_see_the_gaps_of_a_period(store, sample_state):
    unanswered, now = store
    for topic in ("mondzorg", "mondzorg bij dementie", "huisdieren op de afdeling"):
        await unanswered.record(topic, "nl", "!r")
    now[0] += 40 * 86400
    await unanswered.record("huisdieren op de afdeling", "nl", "!r")

    async def role_of(message):
        return role_from_config(CONFIG, message.sender)
    chat = Chat(app.dispatcher(CONFIG, sample_state, role_of, unanswered=unanswered,
                               clock=lambda: datetime.fromtimestamp(now[0], timezone.utc)))
    [recent] = await chat.say("!gaten", sender="@coco:example.org")
    assert recent.text.startswith("Onbeantwoorde vragen van de laatste 30 dagen")
    assert "huisdieren op de afdeling — 1×" in recent.text and "mondzorg" not in recent.text
    [longer] = await chat.say("!gaps 60", sender="@coco:example.org")
    assert "mondzorg — 2× (also: mondzorg bij dementie)" in longer.text
    [denied] = await chat.say("!gaten", sender="@member:example.org")
    assert denied.text == "Dit is alleen voor coördinatoren."


async def test_old_questions_are_forgotten(store):
    unanswered, now = store
    await unanswered.record("mondzorg", "nl", "!r")
    now[0] += 200 * 86400
    await unanswered.record("tuin", "nl", "!r")
    assert await unanswered.prune(timedelta(weeks=26)) == 1
    assert [q.topic for q in await unanswered.since(datetime(2000, 1, 1, tzinfo=timezone.utc))] == ["tuin"]


async def test_a_question_nobody_can_answer_is_recorded_without_the_asker(store, sample_state):
    unanswered, _ = store

    async def role_of(message):
        return role_from_config(CONFIG, message.sender)
    chat = Chat(app.dispatcher(CONFIG, sample_state, role_of, unanswered=unanswered))
    await chat.say("wie heeft ervaring met mondzorg?", sender="@anna:example.org")
    await chat.say("wie heeft ervaring met zorgkantoren?", sender="@anna:example.org")     # answered
    [recorded] = await unanswered.since(datetime(2000, 1, 1, tzinfo=timezone.utc))
    assert (recorded.topic, recorded.lang, recorded.room) == ("mondzorg", "nl", "!room:test")
    assert "anna" not in repr(recorded)
