"""Replies go out through one queue per room, apart from the sync loop.

Within a room, order is kept: a rate-limited or unreachable homeserver makes
that room's queue wait and retry the same item, so nothing is dropped or
reordered. Rooms do not wait for each other: one room's trouble (a reply the
homeserver refuses, a slow send) never holds another's answers.

Checkpoints travel the same way. A room's checkpoint ("mark this event
handled") runs after the replies queued before it in that room; a global one
(`after_all`: "persist this sync token") runs only after everything queued
before it in every room — that ordering is what makes a crash lose nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from bot.core.messages import Attachment, Message

log = logging.getLogger(__name__)


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class Unreachable(Exception):
    """The homeserver did not answer, or failed (5xx): try again later."""


class Rejected(Exception):
    """The homeserver refused this item for good (a 4xx: too large, forbidden, not in the room)."""


Checkpoint = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Outgoing:
    room_id: str
    content: dict[str, Any]
    txn_id: str
    fallback: dict[str, Any] | None = None    # sent once in its place if the homeserver rejects it
    on_sent: Checkpoint | None = None         # run once the homeserver accepted it (not for a fallback)
    attachment: Attachment | None = None      # uploaded first; the file event is built then ...
    reply_to: Message | None = None           # ... as a reply to this question


Send = Callable[[Outgoing], Awaitable[None]]


class Backoff:
    """Capped exponential waiting, reset by a success."""

    def __init__(self, first: float = 0.5, cap: float = 30.0) -> None:
        self.first, self.cap, self.attempt = first, cap, 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * 2 ** self.attempt)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0


@dataclass(frozen=True)
class _Reached:
    """Marks a place in a room's queue; its future is set when the queue gets there."""

    future: asyncio.Future


_Item = Outgoing | Checkpoint | _Reached


class Outbox:
    def __init__(self, send: Send, backoff_cap: float = 30.0) -> None:
        self._send = send
        self._backoff_cap = backoff_cap
        self._lanes: dict[str, deque[_Item]] = {}
        self._workers: dict[str, asyncio.Task] = {}
        self._checkpoints: asyncio.Queue[tuple[list[asyncio.Future], Checkpoint]] = asyncio.Queue()
        self._global: asyncio.Task | None = None
        self._idle = asyncio.Event()      # set while no room has anything queued
        self._idle.set()
        self._stalled = asyncio.Event()   # set while a send waits for an unreachable homeserver

    def start(self) -> None:
        self._global = asyncio.create_task(self._run_checkpoints(), name="outbox-checkpoints")
        for room_id in self._lanes:
            self._workers[room_id] = asyncio.create_task(self._run_lane(room_id), name=f"outbox {room_id}")

    def put(self, room_id: str, item: Outgoing | Checkpoint) -> None:
        """Queue an item behind everything queued for the same room."""
        lane = self._lanes.setdefault(room_id, deque())
        lane.append(item)
        self._idle.clear()
        if room_id not in self._workers and self._global is not None:
            self._workers[room_id] = asyncio.create_task(self._run_lane(room_id), name=f"outbox {room_id}")

    def after_all(self, checkpoint: Checkpoint) -> None:
        """Run `checkpoint` once everything queued so far, in every room, is done;
        global checkpoints run one at a time, in the order they were queued."""
        loop = asyncio.get_running_loop()
        reached = []
        for room_id, lane in self._lanes.items():
            if lane or room_id in self._workers:
                marker = _Reached(loop.create_future())
                lane.append(marker)
                reached.append(marker.future)
        self._checkpoints.put_nowait((reached, checkpoint))

    @property
    def pending(self) -> int:
        return sum(len(lane) for lane in self._lanes.values()) + self._checkpoints.qsize()

    async def settled(self, timeout: float) -> None:
        """Return once no room has anything queued, or after `timeout` seconds.

        asyncio.wait, not wait_for: in Python 3.11 wait_for can swallow a cancellation that
        lands just as the event is set, and then a stop never ends the sync loop."""
        idle = asyncio.ensure_future(self._idle.wait())
        try:
            await asyncio.wait({idle}, timeout=timeout)
        finally:
            idle.cancel()

    async def drain(self, timeout: float, *, unless_unreachable: bool = False) -> bool:
        """Wait until everything queued is done; False if time ran out, or, with
        `unless_unreachable` (a stop), as soon as the homeserver is unreachable: then
        waiting helps nobody, and what is unsent was never checkpointed, so the next
        start sends it."""
        done = asyncio.get_running_loop().create_future()

        async def finished() -> None:
            done.set_result(True)
        self.after_all(finished)
        waits = {done, asyncio.ensure_future(self._stalled.wait())} if unless_unreachable else {done}
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits - {done}:
                wait.cancel()
        return done.done()

    async def stop(self) -> None:
        tasks = [*self._workers.values(), *([self._global] if self._global else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        self._global = None

    async def _run_lane(self, room_id: str) -> None:
        """Work through one room's queue, then end (an idle room holds no task)."""
        lane = self._lanes[room_id]
        try:
            while lane:
                item = lane[0]
                try:
                    if isinstance(item, _Reached):
                        item.future.set_result(None)
                    elif isinstance(item, Outgoing):
                        await self._deliver(item)
                    else:
                        await item()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("outbox item failed", extra={"room_id": room_id})
                lane.popleft()
        finally:
            del self._workers[room_id]
            if not lane:
                del self._lanes[room_id]
                if not self._lanes:
                    self._idle.set()

    async def _run_checkpoints(self) -> None:
        while True:
            reached, checkpoint = await self._checkpoints.get()
            await asyncio.gather(*reached)
            try:
                await checkpoint()
            except Exception:
                log.exception("outbox checkpoint failed")

    async def _deliver(self, item: Outgoing) -> None:
        backoff = Backoff(cap=self._backoff_cap)
        while True:
            try:
                await self._send(item)
                self._stalled.clear()
                if item.on_sent:
                    await item.on_sent()
                return
            except RateLimited as exc:
                log.info("send rate limited", extra={"room_id": item.room_id, "txn_id": item.txn_id,
                                                     "retry_after_s": round(exc.retry_after, 2)})
                await asyncio.sleep(exc.retry_after)
            except Unreachable as exc:
                self._stalled.set()
                delay = backoff.next_delay()
                log.warning("send failed, retrying", extra={"room_id": item.room_id, "txn_id": item.txn_id,
                                                            "error": str(exc), "retry_in_s": delay})
                await asyncio.sleep(delay)
            except Rejected as exc:
                log.error("send rejected for good", extra={"room_id": item.room_id, "txn_id": item.txn_id,
                                                           "error": str(exc), "fallback": item.fallback is not None})
                if item.fallback is None:
                    return
                item = Outgoing(item.room_id, item.fallback, item.txn_id + "-fallback")


def send_failure(status: int | None, errcode: str | None, message: str, retry_after_ms: int | None) -> Exception:
    """A refused send by kind: 429 waits, no answer or a 5xx retries, any other 4xx is for good
    (M_TOO_LARGE, M_FORBIDDEN, ...: retrying it would jam the room's queue forever)."""
    described = f"{errcode or status} {message}".strip()
    if status == 429 or errcode == "M_LIMIT_EXCEEDED":
        return RateLimited((retry_after_ms or 1000) / 1000)
    if status is not None and 400 <= status < 500:
        return Rejected(described)
    return Unreachable(described)
