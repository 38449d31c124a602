"""The announcement log: what each room was told of each event, so nothing goes out twice.

Keyed by (event, room, lead) with a unique constraint; `details` keeps what
the room heard (start, end, place) so a later change can be announced to
exactly the rooms that had heard of the event.
"""

from __future__ import annotations

import json
from typing import Any

from bot.store.repository import Repository

Key = tuple[str, str]      # (event id, room)


class Announcements(Repository):
    async def record(self, event_id: str, room: str, lead: str, details: dict[str, Any]) -> bool:
        """Note that `room` was told; False when it was already (a replay after a crash)."""
        return bool(await self._write(
            "INSERT OR IGNORE INTO announcements (event_id, room, lead, details, sent_at) VALUES (?, ?, ?, ?, ?)",
            event_id, room, lead, json.dumps(details, sort_keys=True), self._clock()))

    async def sent(self) -> dict[Key, list[str]]:
        """Per (event, room), the leads it was told at, in the order they went out."""
        found: dict[Key, list[str]] = {}
        for event_id, room, lead in await self._fetchall(
                "SELECT event_id, room, lead FROM announcements ORDER BY sent_at, rowid"):
            found.setdefault((event_id, room), []).append(lead)
        return found

    async def heard(self) -> dict[Key, dict[str, Any]]:
        """Per (event, room), the details it was last told."""
        rows = await self._fetchall("SELECT event_id, room, details FROM announcements ORDER BY sent_at, rowid")
        return {(event_id, room): json.loads(details) for event_id, room, details in rows}
