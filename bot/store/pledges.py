"""Needs and offers (halen en brengen): one list for what members post in chat and what a
coordinator imports from a meeting's paper lists.

A pledge made in chat is keyed by its message's event id, so handling the same
message twice after a crash records it once; a confirmed pledge is written with
`synchronous=FULL`, so it survives a power cut too. Short ids are the kind's
Dutch letter and a number: h7 (halen, a need), b3 (brengen, an offer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.store.repository import Repository

KINDS = ("need", "offer")
STATUSES = ("open", "fulfilled", "withdrawn")
_LETTER = {"need": "h", "offer": "b"}
_SHORT_ID = re.compile(r"^\s*[hbHB]?(\d{1,9})\s*$")
_COLUMNS = "number, kind, text, by, organisation, room, status, created, changed, ref, reminded, reason"


@dataclass(frozen=True)
class Pledge:
    number: int
    kind: str                  # need | offer
    text: str
    by: str | None             # Matrix id; imported ones may have none
    organisation: str | None   # organisation id
    room: str | None
    status: str                # open | fulfilled | withdrawn
    created: datetime
    changed: datetime
    ref: str | None = None     # its id in an imported file
    reminded: datetime | None = None
    reason: str | None = None  # why a coordinator withdrew it

    @property
    def id(self) -> str:
        return f"{_LETTER[self.kind]}{self.number}"


@dataclass(frozen=True)
class NewPledge:
    """What a pledge is made of, before the store gives it a number."""

    kind: str
    text: str
    by: str | None = None
    organisation: str | None = None
    room: str | None = None
    ref: str | None = None


def number_of(short_id: str) -> int | None:
    """7 of "h7", "b7" or "7"; None for anything else."""
    match = _SHORT_ID.match(short_id)
    return int(match.group(1)) if match else None


class Pledges(Repository):
    async def add(self, pledge: NewPledge, event_id: str | None = None) -> tuple[Pledge, bool]:
        """The pledge and whether it is new: the same chat message again gives the first one back."""
        if event_id and (known := await self._one("event_id = ?", event_id)):
            return known, False
        now = self._clock()
        await self._db.execute("PRAGMA synchronous=FULL")      # a confirmed pledge survives a power cut
        try:
            cursor = await self._db.execute(
                "INSERT INTO pledges (kind, text, by, organisation, room, created, changed, ref, event_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (pledge.kind, pledge.text, pledge.by, pledge.organisation, pledge.room, now, now, pledge.ref, event_id))
            await self._db.commit()
        finally:
            await self._db.execute("PRAGMA synchronous=NORMAL")
        return await self._one("number = ?", cursor.lastrowid), True

    async def import_all(self, pledges: Iterable[NewPledge]) -> list[Pledge]:
        """Add every pledge not there yet, in one transaction (all or nothing); a pledge is already
        there when its ref is, or, without one, its kind, text and author. Returns the added ones."""
        now = self._clock()
        added: list[int] = []
        try:
            for pledge in pledges:
                if pledge.ref is not None:
                    known = await self._fetchone("SELECT 1 FROM pledges WHERE ref = ?", pledge.ref)
                else:
                    known = await self._fetchone("SELECT 1 FROM pledges WHERE ref IS NULL AND kind = ? AND text = ?"
                                                 " AND by IS ?", pledge.kind, pledge.text, pledge.by)
                if known:
                    continue
                cursor = await self._db.execute(
                    "INSERT INTO pledges (kind, text, by, organisation, room, created, changed, ref)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (pledge.kind, pledge.text, pledge.by, pledge.organisation, pledge.room, now, now, pledge.ref))
                added.append(cursor.lastrowid)
            await self._db.commit()
        except BaseException:
            await self._db.rollback()
            raise
        return [await self._one("number = ?", number) for number in added]

    async def get(self, short_id: str) -> Pledge | None:
        number = number_of(short_id)
        return await self._one("number = ?", number) if number is not None else None

    async def listed(self, *, kind: str | None = None, status: str | None = "open", by: str | None = None) -> list[Pledge]:
        """Newest first; None for a filter means any."""
        where, params = [], []
        for column, value in (("kind", kind), ("status", status), ("by", by)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {_COLUMNS} FROM pledges" + (f" WHERE {' AND '.join(where)}" if where else "")
        return [_pledge(row) for row in await self._fetchall(sql + " ORDER BY number DESC", *params)]

    async def settle(self, short_id: str, status: str, reason: str | None = None) -> Pledge | None:
        """Mark a pledge fulfilled or withdrawn (with a coordinator's reason); None if unknown."""
        number = number_of(short_id)
        if number is None or not await self._write("UPDATE pledges SET status = ?, reason = ?, changed = ?"
                                                   " WHERE number = ?", status, reason, self._clock(), number):
            return None
        return await self._one("number = ?", number)

    async def stale(self, created_before: datetime) -> list[Pledge]:
        """Open pledges made before that whose author was not asked yet whether they still stand."""
        rows = await self._fetchall(f"SELECT {_COLUMNS} FROM pledges WHERE status = 'open' AND by IS NOT NULL"
                                    " AND reminded IS NULL AND created < ? ORDER BY number",
                                    created_before.timestamp())
        return [_pledge(row) for row in rows]

    async def next_stale(self) -> datetime | None:
        """When the oldest open pledge not asked about yet was made."""
        row = await self._fetchone("SELECT MIN(created) FROM pledges WHERE status = 'open' AND by IS NOT NULL"
                                   " AND reminded IS NULL")
        return _moment(row[0]) if row and row[0] is not None else None

    async def mark_reminded(self, number: int) -> None:
        await self._write("UPDATE pledges SET reminded = ? WHERE number = ?", self._clock(), number)

    async def forget(self, user_id: str) -> int:
        """Delete everything stored about a person (their pledges); returns how many."""
        return await self._write("DELETE FROM pledges WHERE by = ?", user_id)

    async def _one(self, where: str, value: object) -> Pledge | None:
        row = await self._fetchone(f"SELECT {_COLUMNS} FROM pledges WHERE {where}", value)
        return _pledge(row) if row else None


def _pledge(row: tuple) -> Pledge:
    number, kind, text, by, organisation, room, status, created, changed, ref, reminded, reason = row
    return Pledge(number, kind, text, by, organisation, room, status, _moment(created), _moment(changed), ref,
                  _moment(reminded) if reminded is not None else None, reason)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)
