"""What the Matrix runtime must remember across restarts to answer each question exactly once.

The login session (a restart reuses the device instead of piling up new ones),
the sync token, the events already answered and the rooms joined. Every write
is its own transaction, so a crash loses at most the write in progress.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from bot.store.repository import Repository

_SESSION = "session"
_NEXT_BATCH = "next_batch"


@dataclass(frozen=True)
class Session:
    """A login to reuse; the token stays out of repr so it never reaches a log or a traceback."""
    user_id: str
    device_id: str
    access_token: str = field(repr=False)
    homeserver: str


class SyncState(Repository):
    """The sync-state records over the store's connection."""

    # --- login and sync token ----------------------------------------------

    async def session(self) -> Session | None:
        value = await self._get(_SESSION)
        return Session(**value) if value else None

    async def save_session(self, session: Session) -> None:
        await self._put(_SESSION, asdict(session))

    async def next_batch(self) -> str | None:
        """The sync token after the last fully handled sync; None before the first start."""
        return await self._get(_NEXT_BATCH)

    async def save_next_batch(self, token: str) -> None:
        await self._put(_NEXT_BATCH, token)

    # --- handled events -----------------------------------------------------

    async def is_handled(self, event_id: str) -> bool:
        return await self._fetchone("SELECT 1 FROM handled_events WHERE event_id = ?", event_id) is not None

    async def mark_handled(self, event_id: str, room_id: str) -> None:
        await self._write("INSERT OR IGNORE INTO handled_events (event_id, room_id, handled_at) VALUES (?, ?, ?)",
                          event_id, room_id, self._clock())

    async def prune_handled(self, older_than: timedelta = timedelta(days=30)) -> int:
        """Forget events handled longer ago than `older_than`; returns how many.

        A sync never brings back an event from before the stored token, so after
        a month the record is dead weight.
        """
        return await self._write("DELETE FROM handled_events WHERE handled_at < ?",
                                 self._clock() - older_than.total_seconds())

    # --- rooms --------------------------------------------------------------

    async def joined_rooms(self) -> set[str]:
        return {row[0] for row in await self._fetchall("SELECT room_id FROM joined_rooms")}

    async def set_joined(self, room_id: str, joined: bool) -> None:
        if joined:
            await self._write("INSERT OR IGNORE INTO joined_rooms (room_id, joined_at) VALUES (?, ?)",
                              room_id, self._clock())
        else:
            await self._write("DELETE FROM joined_rooms WHERE room_id = ?", room_id)

    # --- plumbing -----------------------------------------------------------

    async def _get(self, key: str) -> Any:
        """A JSON value of the kv table, the format migration 1 stores have always used."""
        row = await self._fetchone("SELECT value FROM kv WHERE key = ?", key)
        return json.loads(row[0]) if row else None

    async def _put(self, key: str, value: Any) -> None:
        await self._write("INSERT INTO kv (key, value) VALUES (?, ?)"
                          " ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, json.dumps(value))
