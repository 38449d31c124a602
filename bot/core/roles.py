"""Deciding who is asking: admin, coordinator, member or stranger.

The config lists admins and coordinators and the servers whose users are
members; a transport may know more (room membership, power levels) and passes
that in, so the rule itself stays here, in one place.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from bot.config import Config
from bot.core.ids import server_of
from bot.core.messages import Message, Role


def role_from_config(config: Config, user_id: str) -> Role:
    if user_id in config.admins:
        return Role.ADMIN
    if user_id in config.coordinators:
        return Role.COORDINATOR
    if server_of(user_id) in config.allowed_servers:
        return Role.MEMBER
    return Role.STRANGER


def role_with_membership(config: Config, user_id: str, *, in_network_room: bool = False, power_level: int = 0) -> Role:
    """The config's role, raised by what the homeserver tells about the sender."""
    role = role_from_config(config, user_id)
    if in_network_room:
        role = max(role, Role.COORDINATOR if power_level >= 50 else Role.MEMBER)
    return role


def fixed_role(role: Role) -> Callable[[Message], Awaitable[Role]]:
    """Everyone gets the same role: the CLI and the console, where nobody else is in the room."""
    async def role_of(_: Message) -> Role:
        return role
    return role_of
