"""Dates and times as people in the network write them: "donderdag 19 november, 09:30–16:30".

A small table rather than a locale library: two languages, and a locale
setting on the server must not change what the bot writes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

NETWORK_TZ = ZoneInfo("Europe/Amsterdam")   # where the network's days begin and end
_WEEKDAYS = {"nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag".split(),
             "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()}
_MONTHS = {"nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
           "en": "January February March April May June July August September October November December".split()}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def day(moment: datetime, lang: str, year: bool = False) -> str:
    """"donderdag 19 november" (with the year when asked), in Amsterdam time."""
    local = moment.astimezone(NETWORK_TZ)
    text = f"{_WEEKDAYS[lang][local.weekday()]} {local.day} {_MONTHS[lang][local.month - 1]}"
    return f"{text} {local.year}" if year else text


def month(moment: datetime, lang: str) -> str:
    """"november 2026": the month `moment` falls in, in Amsterdam time."""
    local = moment.astimezone(NETWORK_TZ)
    return f"{_MONTHS[lang][local.month - 1]} {local.year}"


def month_start(moment: datetime, months_later: int = 0) -> datetime:
    """00:00 Amsterdam time on the first of the month `moment` falls in, or of one `months_later` (may be < 0)."""
    local = moment.astimezone(NETWORK_TZ)
    number = local.year * 12 + local.month - 1 + months_later
    return datetime(number // 12, number % 12 + 1, 1, tzinfo=NETWORK_TZ)


def clock(moment: datetime) -> str:
    return moment.astimezone(NETWORK_TZ).strftime("%H:%M")


def span(start: datetime, end: datetime | None, all_day: bool, lang: str, year: bool = False) -> str:
    """When something happens: its day, and its hours unless it lasts all day."""
    first = day(start, lang, year)
    if all_day:
        last = end and day(end, lang, year)
        return f"{first} – {last}" if last and last != first else first
    if end is None:
        return f"{first}, {clock(start)}"
    if day(end, lang) == day(start, lang):
        return f"{first}, {clock(start)}–{clock(end)}"
    return f"{first} {clock(start)} – {day(end, lang, year)} {clock(end)}"
