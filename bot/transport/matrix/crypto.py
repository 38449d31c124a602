"""End-to-end encryption for the bot: the crypto store, keys, and messages whose keys come late.

matrix-nio (with vodozemac) encrypts and decrypts; this module keeps what a
live bot needs around it. The crypto store lives beside the SQLite store and
belongs to one device, so a restart keeps its keys; a store that went missing
while the login survived would make a deaf bot, so it is noticed at start and
the bot becomes a new device instead (and says so). An event that cannot be
decrypted yet is kept and tried again after each sync (the room key often
arrives in the next one); its keys are asked for once, and only when they never
come is the sender told, once, that the bot could not read it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from nio import AsyncClient, MegolmEvent
from nio.exceptions import EncryptionError

log = logging.getLogger(__name__)

GIVE_UP_AFTER = 60.0       # seconds without the keys before the sender is told
ASK_KEYS_AFTER = 2         # syncs without the keys before they are requested


def store_dir(store: Path) -> Path:
    """Where the crypto store lives: beside the SQLite store, named after it."""
    return store.with_name(store.stem + "-crypto")


def has_store(store: Path, user_id: str, device_id: str) -> bool:
    """Whether this device's crypto store is there (matrix-nio names the file after both)."""
    return (store_dir(store) / f"{user_id}_{device_id}.db").exists()


@dataclass
class _Waiting:
    room_id: str
    event: MegolmEvent
    since: float
    syncs: int = 0
    asked: bool = False


class LateKeys:
    """Encrypted events waiting for their room keys."""

    def __init__(self) -> None:
        self._waiting: dict[str, _Waiting] = {}

    def keep(self, room_id: str, event: MegolmEvent) -> None:
        if event.event_id not in self._waiting:
            self._waiting[event.event_id] = _Waiting(room_id, event, time.monotonic())
            log.info("cannot decrypt yet; waiting for its keys", extra={"room_id": room_id, "event_id": event.event_id})

    def __len__(self) -> int:
        return len(self._waiting)

    async def retry(self, client: AsyncClient) -> tuple[list[tuple[str, object]], list[tuple[str, MegolmEvent]]]:
        """(decrypted now, given up): each as (room id, event)."""
        decrypted, given_up = [], []
        for event_id, waiting in list(self._waiting.items()):
            try:
                event = client.decrypt_event(waiting.event)
            except EncryptionError:
                waiting.syncs += 1
                if waiting.syncs >= ASK_KEYS_AFTER and not waiting.asked:
                    waiting.asked = True
                    try:
                        await client.request_room_key(waiting.event)
                    except Exception:      # asking is a courtesy; the wait goes on either way
                        log.warning("could not request room keys", extra={"event_id": event_id})
                if time.monotonic() - waiting.since >= GIVE_UP_AFTER:
                    given_up.append((waiting.room_id, waiting.event))
                    del self._waiting[event_id]
                continue
            del self._waiting[event_id]
            decrypted.append((waiting.room_id, event))
        return decrypted, given_up


def trust_members(client: AsyncClient, room_id: str, is_member: Callable[[str], bool]) -> None:
    """Trust on first use for network members: each member's device in the room is verified the
    first time it is seen, and every other device (a stranger's, an old one of the bot's own
    account) is blacklisted, so the room's keys reach members' devices only. nio rotates the
    room's session when a device's standing changes; run before every send to the room."""
    room = client.rooms.get(room_id)
    if room is None:
        return
    for user in list(room.users):
        member = user != client.user_id and is_member(user)
        for device in client.device_store.active_user_devices(user):
            if device.id == client.device_id:
                continue
            if member and (device.blacklisted or not device.verified):
                client.unblacklist_device(device)
                client.verify_device(device)
                log.info("device trusted on first use", extra={"user": user, "device": device.id})
            elif not member and not device.verified and not device.blacklisted:
                client.blacklist_device(device)
                log.info("device gets no room keys (not a network member's)", extra={"user": user, "device": device.id})


async def housekeeping(client: AsyncClient) -> None:
    """What nio's sync_forever does between syncs, which our own loop must do too."""
    await client.send_to_device_messages()
    if client.should_upload_keys:
        await client.keys_upload()
    if client.should_query_keys:
        await client.keys_query()
    if client.should_claim_keys:
        await client.keys_claim(client.get_users_for_key_claiming())
