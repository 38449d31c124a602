"""The Matrix runtime without a homeserver: canned sync responses in, the notices it would send out.

The client's `sync`, `room_messages` and `room_send` are replaced by canned
answers, everything else (nio's room state, the bot's sync loop, the send
queues, a real SQLite store) is the real thing. The Synapse suite stays the
final word; these point a failure at its cause.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from nio import RoomMessagesResponse, RoomSendResponse, SyncResponse

from bot import app
from bot.config import Config
from bot.core.roles import role_from_config
from bot.store.database import Database
from bot.store.sync_state import SyncState
from bot.transport.matrix.bot import MatrixBot
from bot.transport.matrix.convert import replied_to

BOT = "@verbinder:example.org"
ROOM = "!room:example.org"


def message(event_id: str, text: str, sender: str = "@eva:example.org") -> dict[str, Any]:
    return {"type": "m.room.message", "event_id": event_id, "sender": sender, "origin_server_ts": 1,
            "content": {"msgtype": "m.text", "body": text}}


def member(user: str, membership: str = "join") -> dict[str, Any]:
    return {"type": "m.room.member", "event_id": f"$join-{user}", "sender": user, "state_key": user,
            "origin_server_ts": 1, "content": {"membership": membership}}


def sync(batch: str, events: list[dict] | None, *, limited: bool = False, state: list[dict] = ()) -> dict[str, Any]:
    """A sync response; `events` None: the bot is in no room yet."""
    if events is None:
        return {"next_batch": batch, "rooms": {"join": {}, "invite": {}, "leave": {}}}
    room = {"timeline": {"events": events, "limited": limited, "prev_batch": f"prev-{batch}"},
            "state": {"events": list(state)}, "ephemeral": {"events": []}, "account_data": {"events": []}}
    return {"next_batch": batch, "rooms": {"join": {ROOM: room}, "invite": {}, "leave": {}}}


class Homeserver:
    """Serves the canned syncs in order (then long-polls forever) and records the sends."""

    def __init__(self, bot: MatrixBot, syncs: list[dict], history: list[dict] = ()) -> None:
        self.bot, self.syncs, self.history = bot, list(syncs), list(history)
        self.sent: list[dict] = []
        self.since: list[str | None] = []
        self.backfilled: list[tuple[str, str]] = []
        bot.client.sync = self.sync
        bot.client.room_messages = self.room_messages
        bot.client.room_send = self.room_send

    async def sync(self, timeout: int = 0, since: str | None = None, **_: Any) -> SyncResponse:
        self.since.append(since)
        if not self.syncs:
            await asyncio.Event().wait()
        response = SyncResponse.from_dict(self.syncs.pop(0))
        await self.bot.client.receive_response(response)     # as nio's own sync does
        return response

    async def room_messages(self, room_id: str, start: str, end: str | None = None, **_: Any) -> RoomMessagesResponse:
        self.backfilled.append((start, end))
        if start == "older":                                  # reached `end`: the gap is closed
            return RoomMessagesResponse.from_dict({"chunk": [], "start": start}, room_id)
        chunk = list(reversed(self.history))                  # newest first, as /messages backwards
        return RoomMessagesResponse.from_dict({"chunk": chunk, "start": start, "end": "older"}, room_id)

    async def room_send(self, room_id: str, kind: str, content: dict, tx_id: str, **_: Any) -> RoomSendResponse:
        self.sent.append(content)
        return RoomSendResponse.from_dict({"event_id": f"$reply-{len(self.sent)}"}, room_id)

    def answered(self) -> list[str | None]:
        return [replied_to(content) for content in self.sent]


@pytest.fixture
async def runtime(tmp_path: Path, sample_state):
    """Builds a bot on a real store; `start(syncs, history)` runs it until its replies are out."""
    config = Config(homeserver="http://127.0.0.1:9", user_id=BOT, allowed_servers=("example.org",),
                    store=tmp_path / "bot.sqlite3", encryption=False)   # the plain path: no key exchange
    database = await Database.open(tmp_path / "bot.sqlite3")
    store = SyncState(database.connection)
    bots: list[tuple[MatrixBot, asyncio.Task]] = []

    async def start(syncs: list[dict], history: list[dict] = (), *, replies: int) -> Homeserver:
        async def role_of(message):
            return role_from_config(config, message.sender)
        bot = MatrixBot(config, store, lambda role_of_: app.dispatcher(config, sample_state, role_of))
        bot.client.restore_login(BOT, "DEVICE", "token")
        server = Homeserver(bot, syncs, history)
        task = asyncio.create_task(bot.run())
        bots.append((bot, task))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if len(server.sent) >= replies and not server.syncs:
                break
        await asyncio.sleep(0.05)
        return server

    yield start, store
    for bot, task in bots:
        bot.stop()
        await task
        await bot.close()
    await database.close()


async def test_a_newly_joined_rooms_history_is_not_answered(runtime):
    start, _ = runtime
    server = await start([
        sync("s1", None),                                    # first start, in no room yet
        sync("s2", [message("$old", "!vraag zorgkantoren"), member("@eva:example.org"), member(BOT),
                    message("$new", "!vraag CQ-index")], state=[member("@eva:example.org")]),
    ], replies=1)
    assert server.answered() == ["$new"]


async def test_everything_before_the_first_start_is_skipped(runtime):
    start, _ = runtime
    server = await start([sync("s1", [member("@eva:example.org"), member(BOT), message("$early", "!vraag CQ-index")])],
                         replies=0)
    assert server.sent == []


async def test_a_gap_is_backfilled_and_answered_in_order_once(runtime):
    start, store = runtime
    await store.save_next_batch("s1")
    await store.set_joined(ROOM, True)
    server = await start([
        sync("s2", [message("$c", "!vraag CQ-index")], limited=True,
             state=[member(BOT), member("@eva:example.org")]),
    ], history=[message("$a", "!vraag zorgkantoren"), message("$b", "!ask CQ-index")], replies=3)
    assert server.backfilled[0] == ("prev-s2", "s1")
    assert server.answered() == ["$a", "$b", "$c"]
    assert await store.next_batch() == "s2"                 # persisted after all three went out
    assert all(await asyncio.gather(*(store.is_handled(e) for e in ("$a", "$b", "$c"))))


async def test_handled_events_are_not_answered_again_after_a_restart(runtime):
    start, store = runtime
    await store.save_next_batch("s1")
    await store.set_joined(ROOM, True)
    await store.mark_handled("$done", ROOM)
    server = await start([sync("s2", [message("$done", "!vraag CQ-index"), message("$fresh", "!vraag CQ-index")],
                               state=[member(BOT), member("@eva:example.org")])], replies=1)
    assert server.answered() == ["$fresh"]
    assert server.since[0] == "s1"
