"""What every transport hands the dispatcher, what handlers hand back, and what the bot posts itself.

Matrix, the console and the tests all speak this, so one handler runs on all
three and never sees matrix-nio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Role(IntEnum):
    """Who is asking; higher may do everything lower may."""

    STRANGER = 0
    MEMBER = 1
    COORDINATOR = 2
    ADMIN = 3


@dataclass(frozen=True)
class Message:
    sender: str                    # @user:server
    room_id: str
    text: str
    event_id: str = ""
    thread_root: str | None = None # set when the message sits in a thread
    addressed: bool = False        # a DM, or the bot was mentioned: any text is for the bot


@dataclass(frozen=True)
class Attachment:
    """A file that goes with a reply (a coordinator's export): the transport uploads it."""

    filename: str
    mimetype: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Reply:
    """Plain text for every client, HTML for those that render it."""

    text: str
    html: str
    mentions: tuple[str, ...] = ()
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Post:
    """A message the bot starts itself (an announcement), not a reply to anyone.

    `key` names it for good: the transport derives its transaction id from it,
    so posting the same key again after a crash is a no-op at the homeserver.
    """

    room: str                      # a room id or alias
    reply: Reply
    key: str
