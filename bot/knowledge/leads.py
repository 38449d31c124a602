"""Lead times before an event ("7d", "2h"), as the events contract counts them.

`w` and `d` are calendar days at the same Europe/Amsterdam wall-clock time, so
"1d before 10:00" is 10:00 the day before, across a DST switch too; `h` and `m`
are elapsed time. A timedelta cannot tell "1d" from "24h", so a lead keeps its unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.core.dates import NETWORK_TZ

LEAD_RE = re.compile(r"^\s*(\d+)\s*([wdhm])\s*$")
_CALENDAR_DAYS = {"w": 7, "d": 1}
_ELAPSED = {"h": timedelta(hours=1), "m": timedelta(minutes=1)}


@dataclass(frozen=True, order=True)
class Lead:
    amount: int
    unit: str       # w | d | h | m

    @classmethod
    def parse(cls, text: str) -> Lead | None:
        match = LEAD_RE.match(text)
        return cls(int(match.group(1)), match.group(2)) if match else None

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def before(self, start: datetime) -> datetime:
        """The moment this lead falls on for an event starting at `start` (timezone-aware)."""
        if self.unit in _CALENDAR_DAYS:
            local = start.astimezone(NETWORK_TZ)
            # aware arithmetic within one tzinfo is wall-clock arithmetic: the same time of day
            return local - timedelta(days=self.amount * _CALENDAR_DAYS[self.unit])
        return (start.astimezone(timezone.utc) - self.amount * _ELAPSED[self.unit]).astimezone(NETWORK_TZ)

    @property
    def length(self) -> timedelta:
        """Its length with every day 24 hours: for keeping data a while, where DST does not matter."""
        days = _CALENDAR_DAYS.get(self.unit)
        return timedelta(days=self.amount * days) if days else self.amount * _ELAPSED[self.unit]
