"""The loop that posts what is due: sleeps until the next lead moment, never polls.

Each announcement is a Post keyed by (event, room, lead): the transport turns
the key into the transaction id, so a crash between sending and recording
resends it harmlessly, and the log records it only once the homeserver has
accepted it. A post that cannot go out now (the bot not yet in the room) is
tried again a little later; knowledge that changes wakes the loop at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.config import Config
from bot.core.dates import utc_now
from bot.core.messages import Post, Reply
from bot.knowledge.leads import Lead
from bot.knowledge.model import Event, Knowledge
from bot.matching.live import LiveKnowledge
from bot.scheduler.due import Due, due_at, next_moment
from bot.scheduler.texts import announcement, cancelled, changed
from bot.store.announcements import Announcements, Key

log = logging.getLogger(__name__)

RETRY = timedelta(minutes=2)     # a post that could not go out is tried again this much later
LONGEST_SLEEP = timedelta(hours=6)   # a wall-clock jump (suspend, NTP) is noticed at least this often

PostFn = Callable[[Post, Callable[[], Awaitable[None]]], Awaitable[bool]]


def due_given(knowledge: Knowledge, config: Config, sent: dict[Key, list[str]], now: datetime) -> list[Due]:
    """What is due at `now`, given the announcement log's `sent()` (also what `announce --dry-run` prints)."""
    leads = {key: [lead for text in texts if (lead := Lead.parse(text))] for key, texts in sent.items()}
    return due_at(now, knowledge.events.values(), knowledge.teams, config.network_rooms, config.announce, leads)


class Announcer:
    def __init__(self, live: LiveKnowledge, config: Config, log_: Announcements, post: PostFn, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.live, self.config, self.announced, self._post, self.clock = live, config, log_, post, clock
        self._in_flight: set[str] = set()
        self._wake = asyncio.Event()
        self.next_at: datetime | None = None      # the next lead moment it sleeps until (for !status)

    def wake(self) -> None:
        """Look again now: the knowledge changed."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            now = self.clock()
            waiting = await self.announce_due(now)
            moment = self.next_at = next_moment(now, self.live.current.knowledge.events.values(), self.config.announce)
            until = min(m for m in (moment, now + RETRY if waiting else None, now + LONGEST_SLEEP) if m)
            self._wake.clear()
            woken = asyncio.ensure_future(self._wake.wait())    # not wait_for: it can swallow a stop
            try:
                await asyncio.wait({woken}, timeout=max(0.0, (until - self.clock()).total_seconds()))
            finally:
                woken.cancel()

    async def due(self, now: datetime) -> list[Due]:
        return due_given(self.live.current.knowledge, self.config, await self.announced.sent(), now)

    async def announce_due(self, now: datetime) -> int:
        """Post everything due, and the news of changed and cancelled events to the rooms that had
        heard of them; returns how many could not go out (to try again soon)."""
        knowledge = self.live.current.knowledge
        due_now = await self.due(now)
        for due in due_now:
            if due.skipped:
                log.info("announcing only the shortest passed lead", extra={
                    "event": due.event, "room": due.room, "lead": str(due.lead),
                    "skipped": ",".join(map(str, due.skipped))})
        news = [_News(due.event, due.room, str(due.lead),
                      announcement(knowledge.events[due.event], knowledge, now, self.lang(due.room)),
                      told(knowledge.events[due.event])) for due in due_now]
        news += _changes(knowledge, await self.announced.heard(), await self.announced.sent(), now, self.lang)
        waiting = 0
        for item in news:
            key = f"{item.event}/{item.room}/{item.label}"
            if key in self._in_flight:
                continue
            self._in_flight.add(key)
            if await self._post(Post(item.room, item.reply, key), self._recorder(item, key)):
                log.info("announcement queued", extra={"event": item.event, "room": item.room, "lead": item.label})
            else:
                self._in_flight.discard(key)
                waiting += 1
        return waiting

    def lang(self, room: str) -> str:
        """Dutch, the network's language, unless the config names the room as English."""
        return "en" if room in self.config.english_rooms else "nl"

    def _recorder(self, item: _News, key: str) -> Callable[[], Awaitable[None]]:
        async def record() -> None:
            await self.announced.record(item.event, item.room, item.label, item.details)
            self._in_flight.discard(key)
            log.info("announced", extra={"event": item.event, "room": item.room, "lead": item.label})
        return record


@dataclass(frozen=True)
class _News:
    """One post to make: for this event and room, under this label (a lead, "changed-…", "cancelled")."""

    event: str
    room: str
    label: str
    reply: Reply
    details: dict[str, Any]      # what the room will then have heard


CANCELLED = "cancelled"
_COMPARED = ("start", "end", "location")     # a change in these is news to the rooms that heard of the event


def told(event: Event) -> dict[str, Any]:
    """What a room hears of an event: kept, to announce a later change or cancellation against."""
    return {"title": event.title, "start": event.start.isoformat(), "all_day": event.all_day,
            "end": event.end.isoformat() if event.end else None, "location": event.location}


def _changes(knowledge: Knowledge, heard: dict[Key, dict[str, Any]], sent: dict[Key, list[str]],
             now: datetime, lang_of: Callable[[str], str]) -> list[_News]:
    news = []
    for (event_id, room), before in heard.items():
        if CANCELLED in sent.get((event_id, room), ()) or datetime.fromisoformat(before["start"]) <= now:
            continue          # already told it is off, or it has begun: no more news
        event = knowledge.events.get(event_id)
        if event is None or event.cancelled:
            news.append(_News(event_id, room, CANCELLED, cancelled(before, lang_of(room)), before))
            continue
        after = told(event)
        if any(after[key] != before.get(key) for key in _COMPARED):
            digest = hashlib.sha256(json.dumps([after[key] for key in _COMPARED]).encode()).hexdigest()[:10]
            news.append(_News(event_id, room, f"changed-{digest}", changed(event, knowledge, before, lang_of(room)),
                              after))
    return news
