"""Fixtures for end-to-end tests against one real, throwaway Synapse per session.

The server has a strict message rate limit (``STRICT_RC_MESSAGE``) so that
rate-limit behaviour can be tested for real; every user made through
``new_user`` is exempt from it unless the test asks for ``ratelimited=True``.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nio import AsyncClient, AsyncClientConfig, LoginResponse

from bot.dev.local_synapse import LocalSynapse, synapse_python
from tests.e2e.people import BotProcess, Person

#: (per_second, burst_count): the 4th quick send of a non-exempt user gets a 429.
STRICT_RC_MESSAGE = (0.5, 3)


@dataclass(frozen=True)
class User:
    localpart: str
    password: str
    user_id: str


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSynapse]:
    """One Synapse for the whole session (start ~1.5-2.5 s; per test would be too slow)."""
    python = synapse_python()
    if not Path(python).exists():
        # Fail, never skip: a skipped e2e suite would hide a broken install.
        pytest.fail(
            f"Synapse python not found at {python}. Run `make test` (it creates "
            ".venv-synapse/), or set VERBINDER_SYNAPSE_PYTHON to Synapse's python.",
            pytrace=False,
        )
    server = LocalSynapse(tmp_path_factory.mktemp("synapse"), rc_message=STRICT_RC_MESSAGE)
    server.start()
    try:
        yield server
    finally:
        server.stop()


_counter = itertools.count(1)


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Make localparts unique across the session, as all tests share one server."""
    return lambda prefix="user": f"{prefix}-{next(_counter)}"


@pytest.fixture
def new_user(synapse: LocalSynapse, unique_name: Callable[[str], str]) -> Callable[..., User]:
    """Register a fresh user; exempt from message rate limits unless ``ratelimited=True``."""

    def make(prefix: str = "user", *, ratelimited: bool = False, admin: bool = False) -> User:
        localpart = unique_name(prefix)
        password = f"pw-{localpart}"
        user_id = synapse.register(localpart, password, admin=admin, ratelimited=ratelimited)
        return User(localpart, password, user_id)

    return make


@pytest.fixture
async def nio_client(
    synapse: LocalSynapse, tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Callable[..., Awaitable[AsyncClient]]]:
    """Factory of logged-in matrix-nio clients, closed after the test."""
    clients: list[AsyncClient] = []

    async def make(user: User, config: AsyncClientConfig | None = None, *, encrypted: bool = False) -> AsyncClient:
        store = tmp_path_factory.mktemp("crypto") if encrypted else ""
        client = AsyncClient(synapse.url, user.user_id, config=config, store_path=str(store))
        clients.append(client)
        resp = await client.login(user.password)
        assert isinstance(resp, LoginResponse), resp
        return client

    yield make
    for client in clients:
        await client.close()  # not logout(): nothing to clean up on a throwaway server


@pytest.fixture
async def person(new_user, nio_client):
    """Factory of people who are already syncing; closed after the test."""
    people: list = []

    async def make(prefix: str = "member", *, encrypted: bool = False) -> Person:
        """`encrypted`: a client with its own crypto store and keys, as Element is."""
        config = None
        if encrypted:
            config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False)
        client = await nio_client(new_user(prefix), config, encrypted=encrypted)
        if encrypted and client.should_upload_keys:
            await client.keys_upload()
        someone = Person(client)
        someone.start()
        people.append(someone)
        return someone

    yield make
    for someone in people:
        await someone.close()


@pytest.fixture
def bot(synapse, new_user, tmp_path):
    """Factory of bot processes with fresh accounts; all stopped after the test."""
    bots: list = []

    def make(*, ratelimited: bool = False, knowledge=None, settings=None, **network) -> BotProcess:
        user = new_user("verbinder", ratelimited=ratelimited)
        process = BotProcess(tmp_path / user.localpart, synapse, user.user_id, user.password, knowledge=knowledge,
                             settings=settings, **network)
        bots.append(process)
        return process

    yield make
    for process in bots:
        if process.proc:
            process.kill()
