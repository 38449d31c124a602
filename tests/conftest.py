"""Shared fixtures: the sample knowledge, and a chat with the bot without any network."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import app
from bot.config import Config
from bot.core.dispatch import Dispatcher
from bot.core.messages import Message, Reply
from bot.core.roles import role_from_config
from bot.matching.live import LiveKnowledge

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "knowledge"


@pytest.fixture(scope="session")
def sample_state() -> LiveKnowledge:
    return LiveKnowledge.load(SAMPLE)


class Chat:
    """A room with the bot in it: say something, get the bot's replies."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.count = 0

    async def say(self, text: str, *, sender: str = "@member:example.org", room: str = "!room:test",
                  addressed: bool = False) -> list[Reply]:
        self.count += 1
        message = Message(sender=sender, room_id=room, text=text, event_id=f"$e{self.count}", addressed=addressed)
        return await self.dispatcher.dispatch(message)

    async def dm(self, text: str, **kwargs) -> list[Reply]:
        return await self.say(text, addressed=True, **kwargs)


@pytest.fixture
def network_config() -> Config:
    return Config(admins=("@admin:example.org",), coordinators=("@coco:example.org",),
                  allowed_servers=("example.org",))


@pytest.fixture
def chat(sample_state: LiveKnowledge, network_config: Config) -> Chat:
    async def role_of(message: Message):
        return role_from_config(network_config, message.sender)
    return Chat(app.dispatcher(network_config, sample_state, role_of))
