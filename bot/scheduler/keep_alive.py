"""Keeping the pledge list alive: one friendly question to the author of a pledge left open long.

"Staat je aanbod b12 nog open?" goes to the room it was posted in, naming the
author; `!afgerond` or `!intrekken` settles it, silence leaves it open. It is
asked once (the store notes when), and the loop sleeps until the next pledge
comes of age instead of polling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.config import Config
from bot.core.dates import utc_now
from bot.core.formatting import Code, ReplyBuilder
from bot.core.messages import Post, Reply
from bot.scheduler.announcer import PostFn
from bot.store.pledges import Pledge, Pledges

log = logging.getLogger(__name__)

RETRY = timedelta(hours=1)          # a question that could not go out is tried again this much later
LONGEST_SLEEP = timedelta(hours=6)
_WORD = {"need": "vraag", "offer": "aanbod"}


class KeepAlive:
    def __init__(self, pledges: Pledges, config: Config, post: PostFn, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.pledges, self.config, self._post, self.clock = pledges, config, post, clock

    async def run(self) -> None:
        while True:
            waiting = await self.ask_due(self.clock())
            now = self.clock()
            oldest = await self.pledges.next_stale()
            due = _due_at(oldest, self.config) if oldest else None
            until = min(m for m in (due if due and due > now else None, now + RETRY if waiting else None,
                                    now + LONGEST_SLEEP) if m)
            await asyncio.sleep(max(0.0, (until - self.clock()).total_seconds()))

    async def ask_due(self, now: datetime) -> int:
        """Ask about every pledge that came of age; returns how many could not be asked now."""
        cutoff = self.config.ask_open_after.before(now)
        waiting = 0
        for pledge in await self.pledges.stale(created_before=cutoff):
            if not pledge.room or not pledge.by:
                continue
            post = Post(pledge.room, question(pledge), f"keep-alive/{pledge.id}")
            if not await self._post(post, lambda number=pledge.number: self.pledges.mark_reminded(number)):
                waiting += 1
            else:
                log.info("asked whether a pledge still stands", extra={"pledge": pledge.id, "room": pledge.room})
        return waiting


def _due_at(created: datetime, config: Config) -> datetime:
    """When a pledge made at `created` comes of age (the lead counted forward)."""
    return created + (created - config.ask_open_after.before(created))


def question(pledge: Pledge) -> Reply:
    text = pledge.text if len(pledge.text) <= 80 else pledge.text[:79] + "…"
    return (ReplyBuilder()
            .para(f"{pledge.by}, staat je {_WORD[pledge.kind]} ", Code(pledge.id), f" nog open? “{text}”")
            .para("Is het geregeld: ", Code(f"!afgerond {pledge.id}"), ". Hoeft het niet meer: ",
                  Code(f"!intrekken {pledge.id}"), ". Anders blijft het gewoon staan.")
            .build(mentions=(pledge.by,)))
