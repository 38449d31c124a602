"""Prove the LocalSynapse harness: users, a real message round trip, real rate limits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import yaml
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    RoomCreateResponse,
    RoomMessageText,
    RoomSendError,
    RoomSendResponse,
    SyncResponse,
)

from bot.dev.local_synapse import RATELIMIT_KEYS, LocalSynapse, LocalSynapseError

from .conftest import User

MakeClient = Callable[..., Awaitable[AsyncClient]]


def test_config_reuses_secrets_and_port(tmp_path: Path) -> None:
    """A second demo run must find the same server: same secrets, same port."""
    first = LocalSynapse(tmp_path, rc_message=(0.5, 3))
    first.write_config()
    before = yaml.safe_load((tmp_path / "homeserver.yaml").read_text())
    assert before["rc_message"] == {"per_second": 0.5, "burst_count": 3}
    second = LocalSynapse(tmp_path)
    second.write_config()
    config = yaml.safe_load((tmp_path / "homeserver.yaml").read_text())
    assert second.port == first.port
    for key in ("registration_shared_secret", "macaroon_secret_key", "form_secret"):
        assert config[key] == before[key]
    # Every limiter relaxed; rc_message back to relaxed as `second` didn't ask for strict.
    for key in RATELIMIT_KEYS:
        section = config
        for part in key.split("."):
            section = section[part]
        assert section == {"per_second": 1000, "burst_count": 10000}, key
    assert config["listeners"][0]["bind_addresses"] == ["127.0.0.1"]


def test_register_and_login(synapse: LocalSynapse, unique_name: Callable[[str], str]) -> None:
    name = unique_name("alice")
    user_id = synapse.register(name, "secret-pw")
    assert user_id == f"@{name}:localhost"
    assert synapse.register(name, "secret-pw") == user_id  # already existing is fine
    login = synapse.login(name, "secret-pw")
    assert login["user_id"] == user_id
    assert login["access_token"] and login["device_id"]
    with pytest.raises(LocalSynapseError) as err:
        synapse.login(name, "wrong-pw")
    assert err.value.errcode == "M_FORBIDDEN"
    assert "wrong-pw" not in str(err.value)


async def wait_for_text(client: AsyncClient, room_id: str, body: str, timeout: float = 10) -> None:
    """Sync until ``body`` shows up in ``room_id``'s timeline."""
    async with asyncio.timeout(timeout):
        while True:
            resp = await client.sync(timeout=1000)
            assert isinstance(resp, SyncResponse), resp
            room = resp.rooms.join.get(room_id)
            if room and any(
                isinstance(e, RoomMessageText) and e.body == body for e in room.timeline.events
            ):
                return


async def test_two_clients_exchange_message(
    new_user: Callable[..., User], nio_client: MakeClient
) -> None:
    alice, bob = new_user("alice"), new_user("bob")
    a, b = await nio_client(alice), await nio_client(bob)

    created = await a.room_create(name="harness", invite=[bob.user_id])
    assert isinstance(created, RoomCreateResponse), created
    room_id = created.room_id

    first = await b.sync(timeout=0)
    assert isinstance(first, SyncResponse), first
    assert room_id in first.rooms.invite
    assert isinstance(await b.join(room_id), JoinResponse)

    sent = await a.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hallo"})
    assert isinstance(sent, RoomSendResponse), sent
    await wait_for_text(b, room_id, "hallo")


async def _shared_room(owner: AsyncClient, other: AsyncClient) -> str:
    """A room made by an exempt ``owner`` (room creation costs an rc_message token)."""
    created = await owner.room_create(invite=[other.user_id])
    assert isinstance(created, RoomCreateResponse), created
    assert isinstance(await other.join(created.room_id), JoinResponse)
    return created.room_id


async def test_strict_user_gets_limit_exceeded(
    new_user: Callable[..., User], nio_client: MakeClient
) -> None:
    owner = await nio_client(new_user("owner"))
    # max_limit_exceeded=0: nio returns the 429 instead of sleeping and retrying.
    strict = await nio_client(
        new_user("strict", ratelimited=True), AsyncClientConfig(max_limit_exceeded=0)
    )
    room_id = await _shared_room(owner, strict)

    results = []
    for i in range(6):
        content = {"msgtype": "m.text", "body": f"m{i}"}
        results.append(await strict.room_send(room_id, "m.room.message", content))
        if isinstance(results[-1], RoomSendError):
            break  # each 429 is held ~0.5 s by Synapse: don't collect more
    assert isinstance(results[0], RoomSendResponse), results[0]
    errors = [r for r in results if isinstance(r, RoomSendError)]
    assert errors, "no 429 within 6 quick sends"
    assert errors[0].status_code == "M_LIMIT_EXCEEDED"
    assert errors[0].retry_after_ms and errors[0].retry_after_ms > 0


async def test_exempt_user_is_not_limited(
    new_user: Callable[..., User], nio_client: MakeClient
) -> None:
    owner = await nio_client(new_user("owner"))
    exempt = await nio_client(new_user("exempt"), AsyncClientConfig(max_limit_exceeded=0))
    room_id = await _shared_room(owner, exempt)

    for i in range(20):
        resp = await exempt.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": f"m{i}"}
        )
        assert isinstance(resp, RoomSendResponse), (i, resp)
