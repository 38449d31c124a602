"""The bot's embedded state: one SQLite file (WAL), one aiosqlite connection.

It holds what must survive a crash: the login session, the sync token, which
events were answered, the rooms the bot has joined. Every write is its own
transaction; the schema is versioned so later capabilities add tables by
migration without touching existing data.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import aiosqlite

# Each entry moves the schema one version up; never edit a released one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE handled_events (
        event_id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        handled_at REAL NOT NULL
    );
    CREATE TABLE joined_rooms (room_id TEXT PRIMARY KEY, joined_at REAL NOT NULL);
    """,
]


class StoreError(Exception):
    """The store file cannot be used as it is; the message says which file and what to do."""


class Store:
    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> "Store":
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        db = await aiosqlite.connect(path)
        if fresh:
            os.chmod(path, 0o600)   # it holds the access token
        store = cls(db, path)
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await store._migrate()
        except sqlite3.DatabaseError as exc:
            await db.close()   # its thread would keep the process alive
            raise StoreError(f"{path}: not a Verbinder store ({exc}). Move it aside to start with a fresh store "
                             "(the bot logs in again), or restore a backup.") from None
        return store

    async def close(self) -> None:
        await self._db.close()

    async def _migrate(self) -> None:
        version = (await (await self._db.execute("PRAGMA user_version")).fetchone())[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self._db.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")

    # --- small values -------------------------------------------------------

    async def get(self, key: str) -> Any:
        row = await (await self._db.execute("SELECT value FROM kv WHERE key = ?", (key,))).fetchone()
        return json.loads(row[0]) if row else None

    async def put(self, key: str, value: Any) -> None:
        await self._db.execute(
            "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )
        await self._db.commit()

    # --- events -------------------------------------------------------------

    async def is_handled(self, event_id: str) -> bool:
        row = await (await self._db.execute("SELECT 1 FROM handled_events WHERE event_id = ?", (event_id,))).fetchone()
        return row is not None

    async def mark_handled(self, event_id: str, room_id: str) -> None:
        await self._db.execute(
            "INSERT OR IGNORE INTO handled_events (event_id, room_id, handled_at) VALUES (?, ?, ?)",
            (event_id, room_id, time.time()),
        )
        await self._db.commit()

    # --- rooms --------------------------------------------------------------

    async def joined_rooms(self) -> set[str]:
        rows = await (await self._db.execute("SELECT room_id FROM joined_rooms")).fetchall()
        return {row[0] for row in rows}

    async def set_joined(self, room_id: str, joined: bool) -> None:
        if joined:
            await self._db.execute("INSERT OR IGNORE INTO joined_rooms (room_id, joined_at) VALUES (?, ?)", (room_id, time.time()))
        else:
            await self._db.execute("DELETE FROM joined_rooms WHERE room_id = ?", (room_id,))
        await self._db.commit()
