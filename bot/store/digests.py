"""Which monthly digests went out: each period is reported once, whatever restarts in between."""

from __future__ import annotations

from bot.store.repository import Repository


class Digests(Repository):
    async def sent(self, period: str) -> bool:
        return await self._fetchone("SELECT 1 FROM digests WHERE period = ?", period) is not None

    async def record(self, period: str, room: str) -> None:
        """Noted once the homeserver accepted the post (a second note of the same period changes nothing)."""
        await self._write("INSERT OR IGNORE INTO digests (period, room, sent_at) VALUES (?, ?, ?)",
                          period, room, self._clock())
