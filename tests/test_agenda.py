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


async def test_an_event_asked_about_in_other_words_said_to_the_bot(agenda_chat, sample_state):
    spring = next(e for e in coming(sample_state) if "Halfjaarlijkse ontmoeting" in e.title)
    [named] = await agenda_chat.dm(f"wanneer is de {spring.title.split(' (')[0].lower()}?")
    assert named.text.startswith("Op de agenda voor") and spring.title in named.text
    june = [e for e in coming(sample_state) if e.start.month == 6]
    [month] = await agenda_chat.dm("Zijn er evenementen in juni?")
    assert month.text.startswith("Op de agenda voor “juni”") and all(e.title in month.text for e in june)
    assert all(e.title not in month.text for e in coming(sample_state) if e.start.month != 6)
    place = next(e.location for e in coming(sample_state) if e.location and e.location != "online")
    [there] = await agenda_chat.dm(f"is er binnenkort iets in {place}?")
    assert there.text.startswith(f"Op de agenda voor “{place}”")
    [english] = await agenda_chat.dm("any events coming up?")
    assert english.text.startswith("Coming up")
    # "wanneer is ..." naming no event is a question; and in a room, people asking each other are left alone
    [question] = await agenda_chat.dm("wanneer is de beste tijd om zorgkantoren te bellen?")
    assert not question.text.startswith("Op de agenda")
    assert await agenda_chat.say("wanneer is de halfjaarlijkse ontmoeting?") == []


async def test_a_month_in_the_agenda_term_says_when(agenda_chat, sample_state):
    [reply] = await agenda_chat.say("!agenda juni")
    assert reply.text.startswith("Op de agenda voor “juni”") and "juni" in reply.text.splitlines()[1]
