"""Matrix events to Messages and Replies to event content: pure functions, no client, no I/O.

Kept apart from the bot's life so each rule (which events are questions, how a
reply relates to its question, the transaction id that makes a resend a no-op)
is tested on its own, without a homeserver.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from nio import Event, RoomMemberEvent, RoomMessageText

from bot.core.messages import Attachment, Message, Reply
from bot.core.ids import localpart, server_of

ENCRYPTED_NOTICE = (
    "Ik kan versleutelde berichten niet lezen. Stel je vraag in een room zonder versleuteling, "
    "of begin een nieuw gesprek met mij met versleuteling uit. / "
    "I cannot read encrypted messages: ask in a room without encryption, or start a new chat "
    "with me with encryption off."
)
UNREADABLE_NOTICE = ("Ik kon je versleutelde bericht niet lezen: de sleutel kwam niet aan. Stuur het nog eens? / "
                     "I could not read your encrypted message: its key never arrived. Could you send it again?")
FAILED_NOTICE = ("Mijn antwoord kon niet worden verstuurd: de server weigerde het. / "
                 "My answer could not be sent: the server refused it.")


def incoming(event: Event, room_id: str, own_id: str, ignored: tuple[str, ...], direct: bool) -> Message | None:
    """The Message in a timeline event, or None when it is nothing to answer: not text
    (notices of other bots and our own, media, state), our own or an ignored sender's, or an edit."""
    if not isinstance(event, RoomMessageText):
        return None
    content = event.source.get("content", {})
    relation = content.get("m.relates_to") or {}
    if event.sender == own_id or event.sender in ignored or relation.get("rel_type") == "m.replace":
        return None
    return Message(
        sender=event.sender, room_id=room_id, text=without_address(event.body, own_id), event_id=event.event_id,
        thread_root=relation.get("event_id") if relation.get("rel_type") == "m.thread" else None,
        addressed=direct or mentions(event.body, content, own_id),
    )


def without_address(body: str, user_id: str) -> str:
    """The message without the bot's name or id in front ("@verbinder:example.org !help",
    "Verbinder: zorgkantoren?"), so what follows is read as a command or question."""
    name = re.escape(localpart(user_id))
    return re.sub(rf"^\s*@?{name}(?::{re.escape(server_of(user_id))})?(?![\w.-])[\s:,]*", "", body,
                  count=1, flags=re.IGNORECASE)


def mentions(body: str, content: dict[str, Any], user_id: str) -> bool:
    """Whether a message speaks to `user_id`: an intentional mention, its id, or its name first."""
    mentioned = (content.get("m.mentions") or {}).get("user_ids") or []
    return user_id in mentioned or user_id in body or body.lower().startswith(localpart(user_id).lower())


def reply_content(reply: Reply, question: Message) -> dict[str, Any]:
    """An m.notice answering `question`: a reply to it, inside its thread if it has one."""
    in_reply_to = {"event_id": question.event_id}
    relates: dict[str, Any] = {"m.in_reply_to": in_reply_to}
    if question.thread_root:
        relates = {"rel_type": "m.thread", "event_id": question.thread_root,
                   "is_falling_back": True, "m.in_reply_to": in_reply_to}
    return {
        "msgtype": "m.notice",
        "body": reply.text,
        "format": "org.matrix.custom.html",
        "formatted_body": reply.html,
        "m.relates_to": relates,
        # The asker is mentioned (intentional mentions); people named in the answer are links, not pings.
        "m.mentions": {"user_ids": list(dict.fromkeys((question.sender, *reply.mentions)))},
    }


def file_content(attachment: Attachment, question: Message, uploaded: dict[str, Any]) -> dict[str, Any]:
    """An m.file answering `question`; `uploaded` is {"url": mxc} or, in an encrypted room, {"file": …}."""
    return {"msgtype": "m.file", "body": attachment.filename, "filename": attachment.filename,
            "info": {"mimetype": attachment.mimetype, "size": len(attachment.data)}, **uploaded,
            "m.relates_to": {"m.in_reply_to": {"event_id": question.event_id}},
            "m.mentions": {"user_ids": [question.sender]}}


def post_content(reply: Reply) -> dict[str, Any]:
    """A notice the bot posts of itself (an announcement, a question to a pledge's author): it pings
    only whom the reply names."""
    return {"msgtype": "m.notice", "body": reply.text, "format": "org.matrix.custom.html",
            "formatted_body": reply.html, "m.mentions": {"user_ids": list(reply.mentions)} if reply.mentions else {}}


def replied_to(content: dict[str, Any]) -> str | None:
    """The event id an event's content replies to, if any: the one reading of m.in_reply_to."""
    relates = content.get("m.relates_to") or {}
    return (relates.get("m.in_reply_to") or {}).get("event_id")


def unreadable_content(question: Message) -> dict[str, Any]:
    """Said once to the sender of an encrypted message whose keys never came."""
    return {"msgtype": "m.notice", "body": UNREADABLE_NOTICE,
            "m.relates_to": {"m.in_reply_to": {"event_id": question.event_id}},
            "m.mentions": {"user_ids": [question.sender]}}


def failed_content(question: Message) -> dict[str, Any]:
    """What replaces a reply the homeserver refused for good: short, so it goes through."""
    return {"msgtype": "m.notice", "body": FAILED_NOTICE, "m.relates_to": {"m.in_reply_to": {"event_id": question.event_id}},
            "m.mentions": {"user_ids": [question.sender]}}


def txn_id(event_id: str, number: int) -> str:
    """The same for the same reply at every try: the homeserver drops a resend."""
    return f"verbinder-{hashlib.sha256(event_id.encode()).hexdigest()[:32]}-{number}"


def after_own_join(events: list, user_id: str) -> list:
    """A newly joined room's timeline from just after our own join: its history is not for us."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, RoomMemberEvent) and event.state_key == user_id and event.membership == "join":
            return events[index + 1:]
    return []
