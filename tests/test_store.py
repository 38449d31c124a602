"""The store: migrations up to the newest schema, data kept across reopens and upgrades,
and a file it cannot use (not a database, or newer than the code) refused with what to do."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import time
from contextlib import asynccontextmanager, closing
from datetime import timedelta
from pathlib import Path
from typing import AsyncIterator, Callable

import pytest

from bot.store.database import MIGRATIONS, NEWEST, Database, StoreError
from bot.store.sync_state import Session, SyncState

ROOM = "!room:example.org"
SESSION = Session("@verbinder:example.org", "DEVICE", "syt_secret_token", "https://matrix.example.org")


@asynccontextmanager
async def opened(path: Path, clock: Callable[[], float] = time.time) -> AsyncIterator[SyncState]:
    database = await Database.open(path)
    try:
        yield SyncState(database.connection, clock=clock)
    finally:
        await database.close()


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


async def test_a_junk_file_is_refused_with_one_line_naming_it(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError) as caught:
        await Database.open(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a Verbinder store (file is not a database)")
    assert "\n" not in message and "fresh store" in message


async def test_a_fresh_store_gets_the_newest_schema_logging_each_step(tmp_path: Path, caplog):
    path = tmp_path / "state" / "bot.sqlite3"
    with caplog.at_level(logging.INFO, logger="bot.store.database"):
        async with opened(path):
            pass
    assert user_version(path) == NEWEST
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [(r.version, r.description) for r in caplog.records] == [(m.version, m.description) for m in MIGRATIONS]


async def test_a_store_opens_again_with_its_values(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    async with opened(path) as state:
        assert await state.session() is None and await state.next_batch() is None
        await state.save_session(SESSION)
        await state.save_next_batch("s1")
        await state.mark_handled("$answered", ROOM)
        await state.set_joined(ROOM, True)
        await state.set_joined("!left:example.org", True)
        await state.set_joined("!left:example.org", False)
    async with opened(path) as state:
        assert await state.session() == SESSION
        assert await state.next_batch() == "s1"
        assert await state.is_handled("$answered") and not await state.is_handled("$other")
        assert await state.joined_rooms() == {ROOM}


async def test_an_upgrade_from_version_1_keeps_the_data(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(path)) as db:      # as Verbinder with only migration 1 left it
        db.executescript(MIGRATIONS[0].sql)
        db.executemany("INSERT INTO kv (key, value) VALUES (?, ?)", [
            ("session", json.dumps({"user_id": SESSION.user_id, "device_id": SESSION.device_id,
                                    "access_token": SESSION.access_token, "homeserver": SESSION.homeserver})),
            ("next_batch", json.dumps("s7")),
        ])
        db.execute("INSERT INTO handled_events (event_id, room_id, handled_at) VALUES ('$answered', ?, ?)",
                   (ROOM, time.time()))
        db.execute("PRAGMA user_version = 1")
        db.commit()
    async with opened(path) as state:
        assert await state.session() == SESSION
        assert await state.next_batch() == "s7"
        assert await state.is_handled("$answered")
    assert user_version(path) == NEWEST


async def test_a_store_newer_than_the_code_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {NEWEST + 1}")
    with pytest.raises(StoreError) as caught:
        await Database.open(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: schema version {NEWEST + 1} is newer than this Verbinder knows ({NEWEST}).")
    assert "\n" not in message and "Upgrade Verbinder" in message and "backup" in message
    assert user_version(path) == NEWEST + 1


async def test_pruning_forgets_old_handled_events_and_keeps_recent_ones(tmp_path: Path):
    now = 1_700_000_000.0

    def clock() -> float:
        return now
    async with opened(tmp_path / "bot.sqlite3", clock) as state:
        await state.mark_handled("$old", ROOM)
        now += timedelta(days=31).total_seconds()
        await state.mark_handled("$recent", ROOM)
        assert await state.prune_handled() == 1
        assert not await state.is_handled("$old") and await state.is_handled("$recent")
        assert await state.prune_handled() == 0


def test_a_sessions_repr_hides_the_access_token():
    assert SESSION.access_token not in repr(SESSION) and SESSION.device_id in repr(SESSION)


async def test_the_announcement_log_keeps_each_announcement_once(tmp_path):
    from bot.store.announcements import Announcements
    from bot.store.database import Database

    database = await Database.open(tmp_path / "bot.sqlite3")
    log = Announcements(database.connection)
    assert await log.record("e", "#a:x", "7d", {"start": "2027-01-20T14:00:00+01:00"})
    assert not await log.record("e", "#a:x", "7d", {"start": "2027-01-20T14:00:00+01:00"})   # a replay
    assert await log.record("e", "#a:x", "1d", {"start": "2027-01-21T14:00:00+01:00"})
    await database.close()
    database = await Database.open(tmp_path / "bot.sqlite3")
    log = Announcements(database.connection)
    assert await log.sent() == {("e", "#a:x"): ["7d", "1d"]}
    assert await log.heard() == {("e", "#a:x"): {"start": "2027-01-21T14:00:00+01:00"}}
    await database.close()
