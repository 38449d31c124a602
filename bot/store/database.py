"""The bot's embedded state: one SQLite file (WAL), one aiosqlite connection, versioned migrations.

The file holds what must survive a crash; the repositories beside this module
(one per kind of record) read and write it over the one connection. The schema
is versioned so later capabilities add tables by migration without touching
existing data, and a file written by a newer Verbinder is refused rather than
misread.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    """One step up the schema; `description` goes to the log when it is applied."""
    version: int
    description: str
    sql: str


# Never edit a released migration: stores in the field have already run it. Add one instead.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sync state: key-value pairs, handled events, joined rooms", """
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE handled_events (
        event_id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        handled_at REAL NOT NULL
    );
    CREATE TABLE joined_rooms (room_id TEXT PRIMARY KEY, joined_at REAL NOT NULL);
    """),
    Migration(2, "index handled events by time, for pruning the old ones",
              "CREATE INDEX handled_events_by_time ON handled_events (handled_at);"),
    Migration(3, "announcements: what each room was told of each event, once per lead", """
    CREATE TABLE announcements (
        event_id TEXT NOT NULL,
        room TEXT NOT NULL,
        lead TEXT NOT NULL,
        details TEXT NOT NULL,
        sent_at REAL NOT NULL,
        PRIMARY KEY (event_id, room, lead)
    );
    """),
    Migration(4, "pledges: needs and offers (halen en brengen), each made once by its chat message", """
    CREATE TABLE pledges (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('need', 'offer')),
        text TEXT NOT NULL,
        by TEXT,
        organisation TEXT,
        room TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled', 'withdrawn')),
        created REAL NOT NULL,
        changed REAL NOT NULL,
        ref TEXT UNIQUE,
        event_id TEXT UNIQUE,
        reminded REAL,
        reason TEXT
    );
    CREATE INDEX pledges_by_author ON pledges (by);
    """),
    Migration(5, "unanswered questions: what the network asks that nobody can answer yet (not who asked)", """
    CREATE TABLE unanswered (
        topic TEXT NOT NULL,
        lang TEXT NOT NULL,
        room TEXT NOT NULL,
        asked_at REAL NOT NULL
    );
    CREATE INDEX unanswered_by_time ON unanswered (asked_at);
    """),
    Migration(6, "digests: the monthly report of knowledge gaps, once per month", """
    CREATE TABLE digests (
        period TEXT PRIMARY KEY,
        room TEXT NOT NULL,
        sent_at REAL NOT NULL
    );
    """),
)
NEWEST = MIGRATIONS[-1].version


class StoreError(Exception):
    """The store file cannot be used as it is; the message says which file and what to do."""


class Database:
    """The open store file; repositories are built over its `connection`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (or create) the file and bring its schema to NEWEST; StoreError when it cannot be used."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        connection = await aiosqlite.connect(path)
        if fresh:
            os.chmod(path, 0o600)   # it holds the access token
        database = cls(connection, path)
        try:
            await database._prepare()
        except BaseException:
            await connection.close()   # its thread would keep the process alive
            raise
        return database

    async def close(self) -> None:
        await self.connection.close()

    async def _prepare(self) -> None:
        """Refuse a newer file before anything (even the WAL switch) writes to it, then migrate."""
        try:
            version = (await (await self.connection.execute("PRAGMA user_version")).fetchone())[0]
            if version > NEWEST:
                raise StoreError(f"{self.path}: schema version {version} is newer than this Verbinder knows "
                                 f"({NEWEST}). Upgrade Verbinder, or restore a backup made by this version.")
            await self.connection.execute("PRAGMA journal_mode=WAL")
            await self.connection.execute("PRAGMA synchronous=NORMAL")
            for migration in MIGRATIONS:
                if migration.version > version:
                    await self._apply(migration)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a Verbinder store ({exc}). Move it aside to start with a fresh "
                             "store (the bot logs in again), or restore a backup.") from None

    async def _apply(self, migration: Migration) -> None:
        """The schema change and its version number in one transaction: a crash leaves either both or neither."""
        await self.connection.executescript(
            f"BEGIN; {migration.sql} PRAGMA user_version = {migration.version}; COMMIT;")
        log.info("store migrated", extra={"store": str(self.path), "version": migration.version,
                                          "description": migration.description})
