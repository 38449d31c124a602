"""The Matrix bot's life: login, sync, rooms, sending (event <-> Message conversion is in convert.py).

It owns what a live bot meets: the login session, the sync loop and
its persisted token, backfill after downtime, invites, rate limits, outages
and shutdown. Each question is answered exactly once: replies carry a
transaction id derived from the question's event id (the homeserver drops a
repeat), an event is marked handled only after its replies went out, and the
sync token is persisted only after every event before it was handled.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import datetime
from typing import Any, Awaitable, Callable, TypeVar

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    MegolmEvent,
    JoinError,
    LoginError,
    MessageDirection,
    RoomMessagesError,
    RoomResolveAliasError,
    RoomSendError,
    SyncError,
    SyncResponse,
    UploadError,
    WhoamiError,
)
from nio.exceptions import OlmUnverifiedDeviceError

from bot.config import Config
from bot.core.dates import utc_now
from bot.core.dispatch import Dispatcher, RoleOf
from bot.core.formatting import simple
from bot.core.messages import Message, Post, Role
from bot.core.roles import role_from_config, role_with_membership
from bot.store.sync_state import Session, SyncState
from bot.transport.matrix import crypto
from bot.transport.matrix.convert import (ENCRYPTED_NOTICE, after_own_join, failed_content, file_content, incoming,
                                          post_content, reply_content, txn_id, unreadable_content)
from bot.transport.matrix.send_queue import Backoff, Checkpoint, Outbox, Outgoing, Unreachable, send_failure

log = logging.getLogger(__name__)
T = TypeVar("T")

TIMELINE_LIMIT = 20        # events per room per sync; more after a gap is backfilled
SYNC_TIMEOUT_MS = 30_000
SETTLE_S = 0.25            # longest wait for queued replies to leave before the next sync
_NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)
_SYNC_FILTER = {
    "room": {"timeline": {"limit": TIMELINE_LIMIT}, "state": {"lazy_load_members": False}},
    "presence": {"types": []},
    "account_data": {"types": []},
}


class LoginFailed(Exception):
    """The homeserver refused the bot's credentials; message is safe to print."""


class Stopped(Exception):
    """A stop was asked for while the bot was still waiting for the homeserver."""


class MatrixBot:
    def __init__(self, config: Config, sync_state: SyncState, dispatcher_for: Callable[[RoleOf], Dispatcher], *,
                 on_ready: Callable[[], None] = lambda: None, backoff_cap: float = 30.0) -> None:
        """`dispatcher_for` builds the dispatcher around this transport's way of telling roles;
        `on_ready` is called once, when the first sync has been handled."""
        self.config = config
        self.sync_state = sync_state
        encrypted = config.encryption
        if encrypted:
            crypto.store_dir(config.store).mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            config.homeserver, config.user_id, store_path=str(crypto.store_dir(config.store)) if encrypted else "",
            # the runtime's own token and handled events decide what was answered: nio keeps no token
            config=AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, encryption_enabled=encrypted,
                                     store_sync_tokens=False),
        )
        self._late_keys = crypto.LateKeys()
        self.dispatcher = dispatcher_for(self.role_of)
        self.outbox = Outbox(self._send, backoff_cap=backoff_cap)
        self._backoff_cap = backoff_cap
        self._joined: set[str] = set()
        self._in_flight: set[str] = set()
        self._network_rooms: set[str] = set()
        self._aliases: dict[str, str] = {}        # room alias -> room id, resolved once
        self._stopping = asyncio.Event()
        self.ready = asyncio.Event()     # set after the first sync was handled
        self.last_sync: datetime | None = None   # when the homeserver last answered a sync (for !status)
        self._on_ready = on_ready

    # --- lifecycle ----------------------------------------------------------

    async def login(self) -> None:
        """Reuse the stored session (same device, no pile of devices); password only the first time."""
        session = await self.sync_state.session()
        if (session and self.config.encryption
                and not crypto.has_store(self.config.store, session.user_id, session.device_id)):
            # Its keys are gone: as that device the bot could read no encrypted message again.
            log.warning("the crypto store of this device is missing; logging in as a new device "
                        "(encrypted rooms share their keys with it from now on)",
                        extra={"device_id": session.device_id, "crypto_store": str(crypto.store_dir(self.config.store))})
            session = None
        if session and session.user_id == self.config.user_id and session.homeserver == self.config.homeserver:
            self.client.restore_login(session.user_id, session.device_id, session.access_token)
            whoami = await self._retrying(self.client.whoami, "whoami")
            if not isinstance(whoami, WhoamiError):
                log.info("session restored", extra={"user_id": self.config.user_id, "device_id": session.device_id})
                await self._upload_keys()
                return
            log.warning("stored session no longer valid; logging in again", extra={"error": whoami.status_code})
            self.client.access_token = ""
        response = await self._retrying(
            lambda: self.client.login(self.config.password, device_name=self.config.device_name), "login")
        if isinstance(response, LoginError):
            raise LoginFailed(f"login as {self.config.user_id} failed: {response.status_code} {response.message}")
        await self.sync_state.save_session(Session(response.user_id, response.device_id, response.access_token,
                                                   self.config.homeserver))
        log.info("logged in", extra={"user_id": response.user_id, "device_id": response.device_id})
        await self._upload_keys()

    async def _upload_keys(self) -> None:
        """Device and one-time keys up before the first sync: a member's client claims one the
        moment it sends its first message, and a bot whose keys are not up cannot read it."""
        if self.config.encryption and self.client.should_upload_keys:
            await self._retrying(self.client.keys_upload, "keys upload")

    async def run(self) -> None:
        """Sync until stop() is called; then finish the replies in flight."""
        pruned = await self.sync_state.prune_handled()
        if pruned:
            log.info("forgot old handled events", extra={"events": pruned})
        self._joined = await self.sync_state.joined_rooms()
        await self._resolve_network_rooms()
        self.outbox.start()
        sync = asyncio.create_task(self._sync_loop(), name="sync")
        stop = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({sync, stop}, return_when=asyncio.FIRST_COMPLETED)
        sync.cancel()
        stop.cancel()
        await asyncio.gather(sync, stop, return_exceptions=True)
        if sync.done() and not sync.cancelled() and sync.exception():
            raise sync.exception()
        drained = await self.outbox.drain(timeout=15, unless_unreachable=True)
        log.info("stopped", extra={"replies_left": 0 if drained else self.outbox.pending})
        await self.outbox.stop()

    async def close(self) -> None:
        await self.client.close()   # never logout(): that would delete the device

    def stop(self) -> None:
        self._stopping.set()

    @property
    def rooms_joined(self) -> int:
        return len(self._joined)

    # --- sync ---------------------------------------------------------------

    async def _sync_loop(self) -> None:
        since = await self.sync_state.next_batch()
        first = since is None
        backoff = Backoff(cap=self._backoff_cap)
        while not self._stopping.is_set():      # a stop ends the loop even if a cancellation got lost
            try:
                # no long-poll until ready: a restart with nothing new must not wait 30 s to be ready
                response = await self.client.sync(timeout=SYNC_TIMEOUT_MS if self.ready.is_set() else 0, since=since,
                                                  sync_filter=_SYNC_FILTER, full_state=first or None)
            except _NETWORK_ERRORS as exc:
                response = exc
            if not isinstance(response, SyncResponse):
                delay = backoff.next_delay()
                error = response.status_code if isinstance(response, SyncError) else type(response).__name__
                log.warning("sync failed, retrying", extra={"error": error, "retry_in_s": delay, "attempt": backoff.attempt})
                await asyncio.sleep(delay)
                continue
            if backoff.attempt:
                log.info("homeserver reachable again", extra={"after_attempts": backoff.attempt})
            backoff.reset()
            self.last_sync = utc_now()
            await self._handle_sync(response, since, first)
            if self.config.encryption:
                await self._retrying(lambda: crypto.housekeeping(self.client), "key exchange")
                await self._retry_late_keys()
            if not self.ready.is_set():
                self.ready.set()
                log.info("ready", extra={"resumed": not first, "rooms": len(self._joined)})
                self._on_ready()
            token = response.next_batch
            self.outbox.after_all(lambda token=token: self.sync_state.save_next_batch(token))
            since, first = token, False
            # Let the replies leave before the next long-poll: each one we send would wake it only to
            # bring our own notice back, and in a burst those extra syncs are most of the homeserver's
            # work. A question sent meanwhile waits at most SETTLE_S.
            await self.outbox.settled(SETTLE_S)

    async def _handle_sync(self, response: SyncResponse, since: str | None, first: bool) -> None:
        for room_id, info in response.rooms.invite.items():
            await self._on_invite(room_id, info.invite_state)
        for room_id in response.rooms.leave:
            self._joined.discard(room_id)
            await self.sync_state.set_joined(room_id, False)
        for room_id, info in response.rooms.join.items():
            events = list(info.timeline.events)
            if room_id not in self._joined:
                # Newly joined: its history is not for us; only what follows our join.
                events = after_own_join(events, self.config.user_id)
                self._joined.add(room_id)
                await self.sync_state.set_joined(room_id, True)
                self._warn_if_encrypted(room_id)
            elif info.timeline.limited and since and not first:
                events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
            if first:
                continue    # first start: skip everything sent before the bot existed
            for event in events:
                await self._on_event(room_id, event)
            await self._leave_if_alone(room_id)

    async def _backfill(self, room_id: str, start: str | None, end: str) -> list:
        """Events between the last handled sync and this limited timeline, oldest first."""
        collected: list = []
        token = start
        while token:
            response = await self._retrying(
                lambda token=token: self.client.room_messages(room_id, start=token, end=end,
                                                              direction=MessageDirection.back, limit=100), "backfill")
            if isinstance(response, RoomMessagesError):
                log.error("backfill failed", extra={"room_id": room_id, "error": response.status_code})
                break
            collected.extend(response.chunk)
            if not response.chunk or not response.end or response.end == token:
                break
            token = response.end
        log.info("backfilled after a gap", extra={"room_id": room_id, "events": len(collected)})
        return list(reversed(collected))

    # --- events -------------------------------------------------------------

    async def _retry_late_keys(self) -> None:
        decrypted, given_up = await self._late_keys.retry(self.client)
        for room_id, event in decrypted:
            await self._on_event(room_id, event)
        for room_id, event in given_up:
            if await self.sync_state.is_handled(event.event_id):
                continue
            log.warning("the keys of an encrypted message never came", extra={"room_id": room_id,
                                                                               "event_id": event.event_id})
            question = Message(event.sender, room_id, "", event.event_id)
            self.outbox.put(room_id, Outgoing(room_id, unreadable_content(question), txn_id(event.event_id, 0)))

            async def done(event_id: str = event.event_id, room: str = room_id) -> None:
                await self.sync_state.mark_handled(event_id, room)
            self.outbox.put(room_id, done)

    async def _on_event(self, room_id: str, event: Any) -> None:
        if isinstance(event, MegolmEvent):
            if event.sender != self.config.user_id and not await self.sync_state.is_handled(event.event_id):
                self._late_keys.keep(room_id, event)
            return
        message = incoming(event, room_id, self.config.user_id, self.config.ignored_users, self._is_direct(room_id))
        if message is None or message.event_id in self._in_flight or await self.sync_state.is_handled(message.event_id):
            return
        self._in_flight.add(message.event_id)
        replies = await self.dispatcher.dispatch(message)
        log.info("message handled", extra={"room_id": room_id, "event_id": message.event_id, "replies": len(replies)})
        number = 0
        for reply in replies:
            self.outbox.put(room_id, Outgoing(room_id, reply_content(reply, message), txn_id(message.event_id, number),
                                              fallback=failed_content(message)))
            if reply.attachment:            # the file itself, as its own event after the text
                number += 1
                self.outbox.put(room_id, Outgoing(room_id, {}, txn_id(message.event_id, number),
                                                  fallback=failed_content(message), attachment=reply.attachment,
                                                  reply_to=message))
            number += 1

        async def done(event_id: str = message.event_id) -> None:
            await self.sync_state.mark_handled(event_id, room_id)
            self._in_flight.discard(event_id)
        self.outbox.put(room_id, done)

    def _warn_if_encrypted(self, room_id: str) -> None:
        """Without E2EE the bot sees nothing in an encrypted room: say so once, instead of
        staying silent (Element encrypts new DMs by default)."""
        room = self.client.rooms.get(room_id)
        if room and room.encrypted and not self.config.encryption:
            log.warning("joined an encrypted room; its messages cannot be read", extra={"room_id": room_id})
            self.outbox.put(room_id, Outgoing(room_id, post_content(simple(ENCRYPTED_NOTICE)),
                                              txn_id(room_id + "/encrypted", 0)))

    def _is_direct(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return bool(room) and room.member_count == 2    # the bot and one person, invites counted

    async def role_of(self, message: Message) -> Role:
        return self.role_of_user(message.sender)

    def role_of_user(self, user_id: str) -> Role:
        """The config's role, raised by membership and power in the network rooms."""
        role = role_from_config(self.config, user_id)
        for room_id in self._network_rooms:
            room = self.client.rooms.get(room_id)
            if room and user_id in room.users:
                level = room.power_levels.get_user_level(user_id)
                role = max(role, role_with_membership(self.config, user_id, in_network_room=True, power_level=level))
        return role

    # --- rooms --------------------------------------------------------------

    async def _on_invite(self, room_id: str, invite_state: list) -> None:
        inviter = next((e.sender for e in invite_state if isinstance(e, InviteMemberEvent)
                        and e.state_key == self.config.user_id and e.membership == "invite"), None)
        if inviter and self.role_of_user(inviter) >= Role.MEMBER:
            response = await self._retrying(lambda: self.client.join(room_id), "join")
            joined = not isinstance(response, JoinError)
            log.info("invite accepted" if joined else "join failed", extra={"room_id": room_id, "inviter": inviter})
        else:
            await self._retrying(lambda: self.client.room_leave(room_id), "reject invite")
            log.info("invite rejected", extra={"room_id": room_id, "inviter": inviter or "unknown"})

    async def _leave_if_alone(self, room_id: str) -> None:
        room = self.client.rooms.get(room_id)
        if room and room.joined_count == 1 and room.invited_count == 0:
            await self._retrying(lambda: self.client.room_leave(room_id), "leave")
            self._joined.discard(room_id)
            await self.sync_state.set_joined(room_id, False)
            log.info("left a room the bot was alone in", extra={"room_id": room_id})

    async def _resolve_network_rooms(self) -> None:
        for room in self.config.network_rooms:
            if room_id := await self._room_id(room):
                self._network_rooms.add(room_id)

    async def _room_id(self, room: str) -> str | None:
        """A room id for an id or alias (aliases asked once); None when the alias is unknown."""
        if room.startswith("!"):
            return room
        if room not in self._aliases:
            response = await self._retrying(lambda: self.client.room_resolve_alias(room), "resolve alias")
            if isinstance(response, RoomResolveAliasError):
                log.warning("room alias not found", extra={"alias": room})
                return None
            self._aliases[room] = response.room_id
        return self._aliases[room]

    # --- posting ------------------------------------------------------------

    async def post(self, post: Post, on_sent: Checkpoint) -> bool:
        """Queue a post of the bot's own; `on_sent` runs once the homeserver accepted it.
        False when it cannot go out now (unknown room, the bot not in it): the caller tries later."""
        room_id = await self._room_id(post.room)
        if room_id is None or room_id not in self._joined:
            log.warning("cannot post: not in that room", extra={"room": post.room, "key": post.key})
            return False
        self.outbox.put(room_id, Outgoing(room_id, post_content(post.reply), txn_id(post.key, 0), on_sent=on_sent))
        return True

    # --- sending ------------------------------------------------------------

    async def _send(self, item: Outgoing) -> None:
        content = item.content
        if item.attachment is not None:
            content = file_content(item.attachment, item.reply_to, await self._upload(item))
        response = await _answered(self._room_send(item.room_id, content, item.txn_id))
        if isinstance(response, RoomSendError):
            raise _refusal(response)

    async def _room_send(self, room_id: str, content: dict[str, Any], txn: str) -> Any:
        """room_send with the room's keys shared as `encryption_trust` says. A device can turn up
        between the trust pass and the send (nio queries keys itself): then once more."""
        trust_all = self.config.encryption_trust == "all"
        for attempt in (1, 2):
            if self.config.encryption and not trust_all:
                crypto.trust_members(self.client, room_id, lambda user: self.role_of_user(user) >= Role.MEMBER)
            try:
                return await self.client.room_send(room_id, "m.room.message", content, tx_id=txn,
                                                   ignore_unverified_devices=trust_all)
            except OlmUnverifiedDeviceError as exc:
                if attempt == 2:
                    raise Unreachable(f"a device nobody has decided on yet: {exc.device.id}") from None

    async def _upload(self, item: Outgoing) -> dict[str, Any]:
        """The attachment in the media repository (encrypted for an encrypted room); its address."""
        attachment = item.attachment
        room = self.client.rooms.get(item.room_id)
        encrypt = bool(self.config.encryption and room and room.encrypted)
        response, keys = await _answered(self.client.upload(io.BytesIO(attachment.data), attachment.mimetype,
                                                            attachment.filename, encrypt=encrypt,
                                                            filesize=len(attachment.data)))
        if isinstance(response, UploadError):
            raise _refusal(response)
        return {"file": {**keys, "url": response.content_uri}} if encrypt else {"url": response.content_uri}

    async def _retrying(self, call, what: str):
        """A one-off request, retried with backoff while the homeserver is unreachable;
        a stop ends the wait (and the request) at once with Stopped."""
        backoff = Backoff(cap=self._backoff_cap)
        while True:
            try:
                return await self._unless_stopped(call())
            except _NETWORK_ERRORS as exc:
                delay = backoff.next_delay()
                log.warning(f"{what} failed, retrying", extra={"error": type(exc).__name__, "retry_in_s": delay})
                await self._unless_stopped(asyncio.sleep(delay))

    async def _unless_stopped(self, work: Awaitable[T]) -> T:
        task = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise Stopped()
        return task.result()


async def _answered(request: Awaitable[T]) -> T:
    """A send-side request's answer; no answer at all is Unreachable (the queue retries)."""
    try:
        return await request
    except _NETWORK_ERRORS as exc:
        raise Unreachable(type(exc).__name__) from None


def _refusal(error: ErrorResponse) -> Exception:
    """The homeserver's refusal, by kind (see send_failure)."""
    transport = error.transport_response
    return send_failure(transport.status if transport else None, error.status_code, error.message,
                        error.retry_after_ms)
