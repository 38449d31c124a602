"""What every repository shares: the one connection, a clock, and one transaction per write."""

from __future__ import annotations

import time
from typing import Any, Callable

import aiosqlite


class Repository:
    """Records of one kind over the store's connection; `clock` gives seconds since the epoch."""

    def __init__(self, connection: aiosqlite.Connection, *, clock: Callable[[], float] = time.time) -> None:
        self._db = connection
        self._clock = clock

    async def _fetchone(self, sql: str, *params: Any) -> Any:
        return await (await self._db.execute(sql, params)).fetchone()

    async def _fetchall(self, sql: str, *params: Any) -> list[Any]:
        return list(await (await self._db.execute(sql, params)).fetchall())

    async def _write(self, sql: str, *params: Any) -> int:
        """One statement in its own transaction; returns the rows it changed."""
        cursor = await self._db.execute(sql, params)
        await self._db.commit()
        return cursor.rowcount
