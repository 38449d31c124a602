"""Questions that got no good match: topic, language, room and time — never who asked.

Coordinators read them as the network's knowledge gaps (which practice
examples and contacts to add next); they are deleted after a configurable time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bot.store.repository import Repository

MAX_TOPIC = 200      # characters kept of a topic (the matcher searched no more)


@dataclass(frozen=True)
class Unanswered:
    topic: str
    lang: str
    room: str
    asked_at: datetime


class UnansweredQuestions(Repository):
    async def record(self, topic: str, lang: str, room: str) -> None:
        await self._write("INSERT INTO unanswered (topic, lang, room, asked_at) VALUES (?, ?, ?, ?)",
                          topic[:MAX_TOPIC], lang, room, self._clock())

    async def since(self, moment: datetime, until: datetime | None = None) -> list[Unanswered]:
        """What was asked from `moment` on (and before `until`), oldest first."""
        end = until.timestamp() if until is not None else float("inf")
        rows = await self._fetchall("SELECT topic, lang, room, asked_at FROM unanswered"
                                    " WHERE asked_at >= ? AND asked_at < ? ORDER BY asked_at", moment.timestamp(), end)
        return [Unanswered(topic, lang, room, datetime.fromtimestamp(at, timezone.utc))
                for topic, lang, room, at in rows]

    async def prune(self, older_than: timedelta) -> int:
        """Forget what was asked longer ago than the config keeps it; returns how many."""
        return await self._write("DELETE FROM unanswered WHERE asked_at < ?",
                                 self._clock() - older_than.total_seconds())
