"""The calendar file: it parses with icalendar and round-trips every event, all-day ones as dates."""

from __future__ import annotations

from datetime import date

import icalendar

from bot.core.dates import NETWORK_TZ
from bot.scheduler.ics import calendar, uid


def test_every_sample_event_round_trips(sample_state):
    events = sample_state.current.knowledge.events
    parsed = icalendar.Calendar.from_ical(calendar(events.values()))
    entries = {str(entry["uid"]): entry for entry in parsed.walk("VEVENT")}
    assert set(entries) == {uid(e) for e in events.values()}
    for event in events.values():
        entry = entries[uid(event)]
        assert str(entry["summary"]) == event.title
        start = entry.decoded("dtstart")
        if event.all_day:
            assert type(start) is date and start == event.start.astimezone(NETWORK_TZ).date()
            assert entry.decoded("dtend") > start
        else:
            assert start == event.start and str(start.tzinfo) == "Europe/Amsterdam"
            assert event.end is None or entry.decoded("dtend") == event.end
        assert str(entry.get("location", "")) == (event.location or "")
        if event.url:
            assert event.url in str(entry["description"])
    assert parsed.walk("VTIMEZONE")


def test_the_same_knowledge_gives_the_same_file(sample_state):
    events = sample_state.current.knowledge.events.values()
    assert calendar(events) == calendar(list(events)[::-1])


def test_the_cli_writes_the_calendar(capsysbinary):
    from bot import __main__ as cli
    from tests.conftest import SAMPLE

    assert cli.main(["events", "ics", "--knowledge", str(SAMPLE)]) == 0
    assert icalendar.Calendar.from_ical(capsysbinary.readouterr().out).walk("VEVENT")
