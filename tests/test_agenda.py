"""The agenda: what is coming, filtered, one event, and the natural questions about the next meeting."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import app
from bot.core.dates import NETWORK_TZ
from bot.core.messages import Role
from bot.core.roles import fixed_role
from tests.conftest import Chat

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=NETWORK_TZ)


@pytest.fixture
def agenda_chat(sample_state, network_config) -> Chat:
    return Chat(app.dispatcher(network_config, sample_state, fixed_role(Role.MEMBER), clock=lambda: NOW))


def coming(sample_state, after=NOW):
    return sorted((e for e in sample_state.current.knowledge.events.values() if e.start > after),
                  key=lambda e: e.start)


async def test_agenda_lists_what_is_coming_soonest_first(agenda_chat, sample_state):
    [reply] = await agenda_chat.say("!agenda")
    first, second = coming(sample_state)[:2]
    assert reply.text.startswith("Op de agenda")
    assert first.title in reply.text and reply.text.index(first.title) < reply.text.index(second.title)
    assert f"!event {first.id}" in reply.text
    assert "… en nog" in reply.text                 # more than fit in one reply


async def test_agenda_in_english_with_weekday_and_time(agenda_chat, sample_state):
    [reply] = await agenda_chat.say("!events")
    first = coming(sample_state)[0]
    assert reply.text.startswith("Coming up") and first.title in reply.text
    assert any(day in reply.text for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))


async def test_a_term_filters_by_team_theme_or_word(agenda_chat, sample_state):
    team = next(iter(sample_state.current.knowledge.teams.values()))
    [reply] = await agenda_chat.say(f"!agenda {team.name}")
    expected = [e for e in coming(sample_state) if team.id in e.teams or "all" in e.teams][:1]
    assert reply.text.startswith(f"Op de agenda voor “{team.name}”")
    assert all(e.title in reply.text for e in expected)
    [nothing] = await agenda_chat.say("!agenda paardrijden")
    assert "Ik vond niets op de agenda" in nothing.text


async def test_one_event_with_its_description(agenda_chat, sample_state):
    event = coming(sample_state)[0]
    [reply] = await agenda_chat.say(f"!event {event.id}")
    assert event.title in reply.text and (event.description or "")[:30] in reply.text
    [unknown] = await agenda_chat.say(f"!event {event.id}x")
    assert "ken ik niet" in unknown.text and f"!event {event.id}" in unknown.text


async def test_the_next_meeting_asked_in_words(agenda_chat, sample_state):
    first = coming(sample_state)[0]
    [dutch] = await agenda_chat.say("Wanneer is de volgende bijeenkomst?")
    [english] = await agenda_chat.say("When is the next meeting?")
    assert dutch.text.startswith("Op de agenda") and first.title in dutch.text
    assert english.text.startswith("Coming up") and first.title in english.text


async def test_past_events_leave_the_agenda_and_an_all_day_one_lasts_its_whole_day(sample_state, network_config):
    def agenda_at(moment: datetime) -> Chat:
        return Chat(app.dispatcher(network_config, sample_state, fixed_role(Role.MEMBER), clock=lambda: moment))

    events = coming(sample_state)
    first, second = events[:2]
    [reply] = await agenda_at(first.end or first.start).say("!agenda")
    assert first.title not in reply.text and second.title in reply.text
    all_day = next(e for e in events if e.all_day)
    [same_day] = await agenda_at(all_day.start.replace(hour=20)).say(f"!agenda {all_day.title}")
    assert all_day.title in same_day.text
    [after] = await agenda_at(max((e.end or e.start) for e in events).replace(year=2030)).say("!agenda")
    assert after.text == "Er staat niets op de agenda."
