"""The monthly digest of knowledge gaps: on the first of the month the admin room hears what the
network asked last month that nobody could answer, grouped by topic, most asked first.

It tells the admins which practice examples and contacts to add next, without anyone having to
remember `!gaten`. Each month goes out once (the store notes it when the homeserver accepted it);
a bot that was down on the first sends it when it is back, for the month just past only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.config import Config
from bot.core.dates import month, month_start, utc_now
from bot.core.formatting import simple
from bot.core.messages import Post, Reply
from bot.matching.gaps import Gap, gaps
from bot.scheduler.announcer import PostFn
from bot.scheduler.texts import gaps_report
from bot.store.digests import Digests
from bot.store.unanswered import UnansweredQuestions

log = logging.getLogger(__name__)

SEND_AT = timedelta(hours=9)        # after midnight on the first, Amsterdam time: office hours
RETRY = timedelta(hours=1)          # a digest that could not go out is tried again this much later
LONGEST_SLEEP = timedelta(hours=6)
_T = {"nl": {"title": "Kennishiaten van {}: wat niemand kon beantwoorden", "none": "Geen onbeantwoorde vragen in {}."},
      "en": {"title": "Knowledge gaps of {}: what nobody could answer", "none": "No unanswered questions in {}."}}


class GapsDigest:
    def __init__(self, unanswered: UnansweredQuestions, digests: Digests, config: Config, post: PostFn, *,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.unanswered, self.digests, self.config, self._post, self.clock = unanswered, digests, config, post, clock
        self._queued: set[str] = set()      # handed to the transport, not yet accepted: not queued twice

    async def run(self) -> None:
        while True:
            settled = await self.send_due(self.clock())
            now = self.clock()
            until = min(next_moment(now), now + (LONGEST_SLEEP if settled else RETRY))
            await asyncio.sleep(max(0.0, (until - self.clock()).total_seconds()))

    async def send_due(self, now: datetime) -> bool:
        """Post the digest of the month just past, if it is due and not sent; False when it cannot go out now."""
        if now < month_start(now) + SEND_AT:
            return True
        start, end = month_start(now, -1), month_start(now)
        period = f"{start:%Y-%m}"
        if period in self._queued or await self.digests.sent(period):
            return True
        room = self.config.admin_room
        reply = digest(gaps(q.topic for q in await self.unanswered.since(start, end)), start,
                       "en" if room in self.config.english_rooms else "nl")

        async def recorded() -> None:
            await self.digests.record(period, room)
            log.info("knowledge gap digest sent", extra={"period": period, "room": room})

        if not await self._post(Post(room, reply, f"gaps-digest/{period}"), recorded):
            return False
        self._queued.add(period)
        return True


def next_moment(now: datetime) -> datetime:
    """The next first-of-the-month moment a digest is due, after `now`."""
    this_month = month_start(now) + SEND_AT
    return this_month if now < this_month else month_start(now, 1) + SEND_AT


def digest(found: list[Gap], start: datetime, lang: str) -> Reply:
    t = _T[lang]
    name = month(start, lang)
    return gaps_report(found, t["title"].format(name), lang) if found else simple(t["none"].format(name))
