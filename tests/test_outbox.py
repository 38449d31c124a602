"""The send queues without a homeserver: order within a room, rooms apart, errors by kind, checkpoints."""

from __future__ import annotations

import asyncio

import pytest

from bot.transport.matrix.send_queue import Outbox, Outgoing, RateLimited, Rejected, Unreachable, send_failure


class Homeserver:
    """Records what was sent; `refuse` maps a txn id to the errors its next sends raise."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.refuse: dict[str, list[Exception]] = {}
        self.hold: dict[str, asyncio.Event] = {}      # room -> sends there wait for this

    async def send(self, item: Outgoing) -> None:
        if item.room_id in self.hold:
            await self.hold[item.room_id].wait()
        errors = self.refuse.get(item.txn_id)
        if errors:
            raise errors.pop(0)
        self.sent.append(item.txn_id)


@pytest.fixture
async def server():
    """A homeserver and a started outbox in front of it (as `server.outbox`)."""
    server = Homeserver()
    server.outbox = Outbox(server.send, backoff_cap=0.01)
    server.outbox.start()
    yield server
    await server.outbox.stop()


def reply(room: str, txn: str, fallback: bool = False) -> Outgoing:
    return Outgoing(room, {"body": txn}, txn, fallback={"body": "sorry"} if fallback else None)


async def test_rate_limits_and_outages_are_retried_in_order(server):
    server.refuse = {"a1": [RateLimited(0.01), Unreachable("502")]}
    outbox = server.outbox
    for txn in ("a1", "a2", "a3"):
        outbox.put("!a", reply("!a", txn))
    assert await outbox.drain(timeout=2)
    assert server.sent == ["a1", "a2", "a3"]


async def test_a_refused_reply_is_replaced_once_and_does_not_hold_the_next(server):
    server.refuse = {"big": [Rejected("M_TOO_LARGE")], "bad": [Rejected("M_FORBIDDEN")],
                     "bad-fallback": [Rejected("M_FORBIDDEN")]}
    outbox = server.outbox
    outbox.put("!a", reply("!a", "big", fallback=True))
    outbox.put("!a", reply("!a", "bad", fallback=True))
    outbox.put("!a", reply("!a", "next"))
    assert await outbox.drain(timeout=2)
    assert server.sent == ["big-fallback", "next"]       # "bad" and its fallback dropped, never retried


async def test_what_waits_for_acceptance_runs_only_after_it(server):
    accepted: list[str] = []

    def note(name: str):
        async def on_sent() -> None:
            accepted.append(name)
        return on_sent

    server.refuse = {"refused": [Rejected("M_FORBIDDEN")]}
    server.outbox.put("!a", Outgoing("!a", {}, "refused", on_sent=note("refused")))
    server.outbox.put("!a", Outgoing("!a", {}, "fine", on_sent=note("fine")))
    assert await server.outbox.drain(timeout=2)
    assert accepted == ["fine"]


async def test_one_rooms_trouble_never_holds_another_room(server):
    server.hold["!stuck"] = asyncio.Event()
    outbox = server.outbox
    outbox.put("!stuck", reply("!stuck", "s1"))
    outbox.put("!fine", reply("!fine", "f1"))
    outbox.put("!fine", reply("!fine", "f2"))
    for _ in range(50):
        await asyncio.sleep(0.01)
        if len(server.sent) == 2:
            break
    assert server.sent == ["f1", "f2"]
    server.hold["!stuck"].set()
    assert await outbox.drain(timeout=2)
    assert server.sent == ["f1", "f2", "s1"]


async def test_a_global_checkpoint_waits_for_every_room_and_they_run_in_order(server):
    server.hold["!slow"] = asyncio.Event()
    outbox = server.outbox
    done: list[str] = []

    def mark(name: str):
        async def checkpoint() -> None:
            done.append(name)
        return checkpoint

    outbox.put("!slow", reply("!slow", "s1"))
    outbox.put("!slow", mark("handled s1"))
    outbox.put("!fast", reply("!fast", "f1"))
    outbox.after_all(mark("token 1"))
    outbox.put("!fast", reply("!fast", "f2"))
    outbox.after_all(mark("token 2"))
    await asyncio.sleep(0.05)
    assert done == [] and server.sent == ["f1", "f2"]     # the tokens wait for the slow room
    server.hold["!slow"].set()
    assert await outbox.drain(timeout=2)
    assert done == ["handled s1", "token 1", "token 2"]


async def test_a_stop_does_not_wait_for_an_unreachable_homeserver(server):
    server.refuse = {"a1": [Unreachable("connection refused")] * 1000}
    server.outbox.put("!a", reply("!a", "a1"))
    started = asyncio.get_running_loop().time()
    assert not await server.outbox.drain(timeout=10, unless_unreachable=True)
    assert asyncio.get_running_loop().time() - started < 1


def test_send_errors_by_kind():
    assert isinstance(send_failure(429, "M_LIMIT_EXCEEDED", "slow down", 1500), RateLimited)
    assert send_failure(429, "M_LIMIT_EXCEEDED", "", 1500).retry_after == 1.5
    assert isinstance(send_failure(413, "M_TOO_LARGE", "event too large", None), Rejected)
    assert isinstance(send_failure(403, "M_FORBIDDEN", "not allowed", None), Rejected)
    assert isinstance(send_failure(400, "M_UNKNOWN", "bad", None), Rejected)
    assert isinstance(send_failure(502, None, "bad gateway", None), Unreachable)
    assert isinstance(send_failure(None, None, "no answer", None), Unreachable)
