"""Dates as people write them, in both languages and in Amsterdam time."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.core.dates import NETWORK_TZ, span


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NETWORK_TZ)


def test_a_meeting_of_some_hours():
    assert span(at("2026-11-19T09:30"), at("2026-11-19T16:30"), False, "nl") == "donderdag 19 november, 09:30–16:30"
    assert span(at("2026-11-19T09:30"), at("2026-11-19T16:30"), False, "en") == "Thursday 19 November, 09:30–16:30"


def test_times_are_shown_in_amsterdam_whatever_offset_was_written():
    utc = datetime(2027, 7, 1, 8, 0, tzinfo=timezone.utc)
    assert span(utc, None, False, "nl") == "donderdag 1 juli, 10:00"


def test_all_day_and_several_days():
    assert span(at("2027-11-08T00:00"), None, True, "nl") == "maandag 8 november"
    assert span(at("2027-11-08T00:00"), at("2027-11-12T00:00"), True, "en", year=True) == \
        "Monday 8 November 2027 – Friday 12 November 2027"
    assert span(at("2027-04-15T19:00"), at("2027-04-16T12:00"), False, "nl") == \
        "donderdag 15 april 19:00 – vrijdag 16 april 12:00"
