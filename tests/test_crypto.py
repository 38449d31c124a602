"""The bot's side of encryption without a homeserver: late keys waited for, asked once, given up kindly."""

from __future__ import annotations

from pathlib import Path

from nio import MegolmEvent
from nio.exceptions import EncryptionError

from bot.transport.matrix import crypto


class Client:
    """Decrypts only once `keys` holds the event's id; records key requests."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.requested: list[str] = []

    def decrypt_event(self, event):
        if event.event_id not in self.keys:
            raise EncryptionError("no session")
        return f"decrypted {event.event_id}"

    async def request_room_key(self, event) -> None:
        self.requested.append(event.event_id)


def megolm(event_id: str) -> MegolmEvent:
    return MegolmEvent.from_dict({"type": "m.room.encrypted", "event_id": event_id, "sender": "@eva:example.org",
                                  "origin_server_ts": 1, "content": {"algorithm": "m.megolm.v1.aes-sha2",
                                  "ciphertext": "x", "sender_key": "k", "session_id": "s", "device_id": "D"}})


async def test_a_late_key_is_waited_for_and_asked_for_once(monkeypatch):
    client, late = Client(), crypto.LateKeys()
    late.keep("!r", megolm("$a"))
    late.keep("!r", megolm("$a"))                 # seen again in a later sync: kept once
    assert await late.retry(client) == ([], []) and client.requested == []
    assert await late.retry(client) == ([], []) and client.requested == ["$a"]
    await late.retry(client)
    assert client.requested == ["$a"]             # asked once
    client.keys.add("$a")
    assert await late.retry(client) == ([("!r", "decrypted $a")], []) and len(late) == 0


async def test_keys_that_never_come_are_given_up_once(monkeypatch):
    client, late = Client(), crypto.LateKeys()
    clock = [100.0]
    monkeypatch.setattr(crypto.time, "monotonic", lambda: clock[0])
    late.keep("!r", megolm("$b"))
    clock[0] += crypto.GIVE_UP_AFTER
    decrypted, given_up = await late.retry(client)
    assert decrypted == [] and [(room, e.event_id) for room, e in given_up] == [("!r", "$b")]
    assert await late.retry(client) == ([], [])


def test_the_crypto_store_lives_beside_the_store_and_belongs_to_one_device(tmp_path: Path):
    store = tmp_path / "verbinder.sqlite3"
    assert crypto.store_dir(store) == tmp_path / "verbinder-crypto"
    assert not crypto.has_store(store, "@bot:x", "DEV")
    crypto.store_dir(store).mkdir()
    (crypto.store_dir(store) / "@bot:x_DEV.db").write_bytes(b"")
    assert crypto.has_store(store, "@bot:x", "DEV") and not crypto.has_store(store, "@bot:x", "OTHER")
