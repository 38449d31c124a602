"""Replies go out in order through one queue, apart from the sync loop.

A rate-limited or unreachable homeserver makes the queue wait and retry the
same item, so nothing is dropped or reordered, while the bot keeps reading.
Checkpoints (callbacks) travel through the same queue: "mark this event
handled", "persist this sync token" run only after every reply before them has
been sent — that ordering is what makes a crash lose nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

log = logging.getLogger(__name__)


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class Unreachable(Exception):
    """The homeserver did not answer; try again later."""


class Rejected(Exception):
    """The homeserver refused this item for good (e.g. not in the room)."""


@dataclass(frozen=True)
class Outgoing:
    room_id: str
    content: dict[str, Any]
    txn_id: str


Send = Callable[[Outgoing], Awaitable[None]]
Checkpoint = Callable[[], Awaitable[None]]


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


class Outbox:
    def __init__(self, send: Send, backoff_cap: float = 30.0) -> None:
        self._send = send
        self._queue: asyncio.Queue[Outgoing | Checkpoint] = asyncio.Queue()
        self._backoff_cap = backoff_cap
        self._worker: asyncio.Task | None = None

    def start(self) -> None:
        self._worker = asyncio.create_task(self._run(), name="outbox")

    def put(self, item: Outgoing | Checkpoint) -> None:
        self._queue.put_nowait(item)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    async def drain(self, timeout: float) -> bool:
        """Wait until everything queued is sent; False if time ran out."""
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
            return True
        except asyncio.TimeoutError:
            return False

    async def stop(self) -> None:
        if self._worker:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, Outgoing):
                    await self._deliver(item)
                else:
                    await item()
            except Exception:
                log.exception("outbox item failed")
            finally:
                self._queue.task_done()

    async def _deliver(self, item: Outgoing) -> None:
        backoff = Backoff(cap=self._backoff_cap)
        while True:
            try:
                await self._send(item)
                return
            except RateLimited as exc:
                log.info("send rate limited", extra={"room_id": item.room_id, "txn_id": item.txn_id,
                                                     "retry_after_s": round(exc.retry_after, 2)})
                await asyncio.sleep(exc.retry_after)
            except Unreachable as exc:
                delay = backoff.next_delay()
                log.warning("send failed, retrying", extra={"room_id": item.room_id, "txn_id": item.txn_id,
                                                            "error": str(exc), "retry_in_s": delay})
                await asyncio.sleep(delay)
            except Rejected as exc:
                log.error("send rejected, dropping reply", extra={"room_id": item.room_id, "txn_id": item.txn_id,
                                                                  "error": str(exc)})
                return
