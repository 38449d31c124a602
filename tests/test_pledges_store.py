"""The pledge list on a real SQLite file: once per chat message, imports all or nothing, short ids."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.store.database import Database
from bot.store.pledges import NewPledge, Pledges, number_of


@pytest.fixture
async def pledges(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield Pledges(database.connection)
    await database.close()


async def test_a_chat_message_makes_one_pledge_however_often_it_is_handled(pledges):
    need = NewPledge("need", "Hulp bij roosteren zonder vaste nachtrondes", "@anna:example.org", "topaz", "!r")
    first, new = await pledges.add(need, event_id="$m1")
    again, new_again = await pledges.add(need, event_id="$m1")
    assert new and not new_again and again == first
    assert first.id == f"h{first.number}" and first.status == "open"
    offer, _ = await pledges.add(NewPledge("offer", "Kom kijken hoe wij roosteren", "@bert:example.org"), "$m2")
    assert offer.id.startswith("b") and [p.id for p in await pledges.listed()] == [offer.id, first.id]
    assert [p.id for p in await pledges.listed(kind="need")] == [first.id]


async def test_short_ids_settle_and_forget(pledges):
    need, _ = await pledges.add(NewPledge("need", "Iets", "@anna:example.org"))
    assert number_of(need.id) == number_of(str(need.number)) == need.number and number_of("x7") is None
    assert (await pledges.get(need.id.upper())).text == "Iets"
    done = await pledges.settle(need.id, "fulfilled")
    assert done.status == "fulfilled" and await pledges.listed() == []
    assert await pledges.settle("h999", "withdrawn") is None
    await pledges.add(NewPledge("offer", "Nog iets", "@anna:example.org"))
    assert await pledges.forget("@anna:example.org") == 2 and await pledges.listed(status=None) == []


async def test_an_import_adds_what_is_new_and_nothing_when_one_line_fails(pledges):
    rows = [NewPledge("need", "A", ref="halen-01"), NewPledge("offer", "B", "@x:example.org")]
    assert len(await pledges.import_all(rows)) == 2
    assert await pledges.import_all(rows) == []                       # idempotent
    broken = [NewPledge("need", "C", ref="halen-02"), NewPledge("nonsense", "D")]
    with pytest.raises(sqlite3.IntegrityError):
        await pledges.import_all(broken)
    assert sorted(p.text for p in await pledges.listed()) == ["A", "B"]   # nothing half-written


async def test_stale_pledges_are_asked_about_once(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    now = [1_000_000.0]
    pledges = Pledges(database.connection, clock=lambda: now[0])
    old, _ = await pledges.add(NewPledge("need", "Oud", "@anna:example.org"))
    now[0] += 9 * 7 * 86400
    await pledges.add(NewPledge("need", "Nieuw", "@anna:example.org"))
    cutoff = datetime.fromtimestamp(now[0] - 8 * 7 * 86400, timezone.utc)
    assert [p.id for p in await pledges.stale(cutoff)] == [old.id] and await pledges.next_stale() == old.created
    await pledges.mark_reminded(old.number)
    assert await pledges.stale(cutoff) == []
    await database.close()
