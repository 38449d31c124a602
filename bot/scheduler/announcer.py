"""The loop that posts what is due: sleeps until the next lead moment, never polls.

Each announcement is a Post keyed by (event, room, lead): the transport turns
the key into the transaction id, so a crash between sending and recording
resends it harmlessly, and the log records it only once the homeserver has
accepted it. A post that cannot go out now (the bot not yet in the room) is
tried again a little later; knowledge that changes wakes the loop at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.config import Config
from bot.core.dates import utc_now
from bot.core.messages import Post
from bot.knowledge.leads import Lead
from bot.knowledge.model import Knowledge
from bot.matching.live import LiveKnowledge
from bot.scheduler.due import Due, due_at, next_moment
from bot.scheduler.texts import announcement
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

    def wake(self) -> None:
        """Look again now: the knowledge changed."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            now = self.clock()
            waiting = await self.announce_due(now)
            moment = next_moment(now, self.live.current.knowledge.events.values(), self.config.announce)
            until = min(m for m in (moment, now + RETRY if waiting else None, now + LONGEST_SLEEP) if m)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), max(0.0, (until - self.clock()).total_seconds()))
            except asyncio.TimeoutError:
                pass

    async def due(self, now: datetime) -> list[Due]:
        return due_given(self.live.current.knowledge, self.config, await self.announced.sent(), now)

    async def announce_due(self, now: datetime) -> int:
        """Post everything due; returns how many could not go out (to try again soon)."""
        knowledge = self.live.current.knowledge
        waiting = 0
        for due in await self.due(now):
            key = f"{due.event}/{due.room}/{due.lead}"
            if key in self._in_flight:
                continue
            event = knowledge.events[due.event]
            reply = announcement(event, knowledge, now, "nl")
            self._in_flight.add(key)
            if await self._post(Post(due.room, reply, key), self._recorder(due, key)):
                log.info("announcement queued", extra={"event": due.event, "room": due.room, "lead": str(due.lead)})
            else:
                self._in_flight.discard(key)
                waiting += 1
        return waiting

    def _recorder(self, due: Due, key: str) -> Callable[[], Awaitable[None]]:
        event = self.live.current.knowledge.events[due.event]
        told = {"start": event.start.isoformat(), "end": event.end.isoformat() if event.end else None,
                "location": event.location}

        async def record() -> None:
            await self.announced.record(due.event, due.room, str(due.lead), told)
            self._in_flight.discard(key)
            log.info("announced", extra={"event": due.event, "room": due.room, "lead": str(due.lead)})
        return record
