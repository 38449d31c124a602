"""The network's events as an iCalendar file (RFC 5545), for members to add in one tap.

UIDs are the event ids, so a calendar that imported the file before updates
the same entries after an edit instead of doubling them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta, timezone

import icalendar

from bot.core.dates import NETWORK_TZ
from bot.knowledge.model import Event

PRODID = "-//Verbinder//Radicale vernieuwing verpleeghuiszorg//NL"
UID_DOMAIN = "verbinder.radicale-vernieuwing"


def uid(event: Event) -> str:
    return f"{event.id}@{UID_DOMAIN}"


def calendar(events: Iterable[Event]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", str(NETWORK_TZ))
    for event in sorted(events, key=lambda e: (e.start, e.id)):
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(event: Event) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", uid(event))
    entry.add("summary", event.title)
    start = event.start.astimezone(NETWORK_TZ)
    if event.all_day:          # a DATE; DTEND is the day after the last day (RFC 5545 3.6.1)
        last = (event.end or event.start).astimezone(NETWORK_TZ).date()
        entry.add("dtstart", start.date())
        entry.add("dtend", last + timedelta(days=1))
    else:
        entry.add("dtstart", start)
        if event.end:
            entry.add("dtend", event.end.astimezone(NETWORK_TZ))
    if event.location:
        entry.add("location", event.location)
    description = "\n\n".join(part for part in (event.description, event.url) if part)
    if description:
        entry.add("description", description)
    if event.url:
        entry.add("url", event.url)
    if event.cancelled:
        entry.add("status", "CANCELLED")
    entry.add("dtstamp", event.start.astimezone(timezone.utc))   # fixed: the same knowledge, the same file
    return entry
