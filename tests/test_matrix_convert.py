"""Matrix events to Messages and Replies to content: the pure rules, one at a time."""

from __future__ import annotations

from nio import Event

from bot.core.messages import Message, Reply
from bot.transport.matrix.convert import after_own_join, incoming, replied_to, reply_content, txn_id

BOT = "@verbinder:example.org"


def event(content: dict, sender: str = "@eva:example.org", kind: str = "m.room.message") -> Event:
    source = {"type": kind, "event_id": "$q", "sender": sender, "origin_server_ts": 1, "content": content}
    return Event.parse_event({**source, "state_key": sender} if kind == "m.room.member" else source)


def text(body: str, **extra) -> dict:
    return {"msgtype": "m.text", "body": body, **extra}


def test_a_text_message_becomes_a_message():
    message = incoming(event(text("!vraag CQ-index")), "!r", BOT, (), direct=False)
    assert message == Message(sender="@eva:example.org", room_id="!r", text="!vraag CQ-index", event_id="$q")


def test_what_is_not_a_question_is_left_out():
    assert incoming(event({"msgtype": "m.notice", "body": "bot talk"}), "!r", BOT, (), False) is None
    assert incoming(event(text("mine"), sender=BOT), "!r", BOT, (), False) is None
    assert incoming(event(text("a bot")), "!r", BOT, ("@eva:example.org",), False) is None
    edit = text("* fixed", **{"m.relates_to": {"rel_type": "m.replace", "event_id": "$old"}})
    assert incoming(event(edit), "!r", BOT, (), False) is None
    assert incoming(event({"membership": "join"}, kind="m.room.member"), "!r", BOT, (), False) is None


def test_threads_mentions_and_dms_are_seen():
    threaded = incoming(event(text("q", **{"m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}})),
                        "!r", BOT, (), False)
    assert threaded.thread_root == "$root" and not threaded.addressed
    assert incoming(event(text("hoi", **{"m.mentions": {"user_ids": [BOT]}})), "!r", BOT, (), False).addressed
    assert incoming(event(text("verbinder: zorgkantoren")), "!r", BOT, (), False).addressed
    assert incoming(event(text("zorgkantoren")), "!r", BOT, (), direct=True).addressed


def test_a_reply_answers_its_question_in_its_thread_and_mentions_only_the_asker():
    question = Message(sender="@eva:example.org", room_id="!r", text="q", event_id="$q", thread_root="$root")
    content = reply_content(Reply("antwoord", "<p>antwoord</p>"), question)
    assert content["msgtype"] == "m.notice" and content["formatted_body"] == "<p>antwoord</p>"
    assert content["m.relates_to"] == {"rel_type": "m.thread", "event_id": "$root", "is_falling_back": True,
                                       "m.in_reply_to": {"event_id": "$q"}}
    assert content["m.mentions"] == {"user_ids": ["@eva:example.org"]}
    assert replied_to(content) == "$q"
    plain = reply_content(Reply("a", "<p>a</p>"), Message(sender="@x:y", room_id="!r", text="q", event_id="$p"))
    assert plain["m.relates_to"] == {"m.in_reply_to": {"event_id": "$p"}} and replied_to(plain) == "$p"
    assert replied_to({"body": "no relation"}) is None


def test_transaction_ids_are_stable_per_reply():
    assert txn_id("$q", 0) == txn_id("$q", 0) != txn_id("$q", 1) != txn_id("$other", 1)


def test_only_what_follows_our_own_join_counts():
    joins = [event({"membership": "join"}, sender=user, kind="m.room.member") for user in ("@eva:example.org", BOT)]
    before, after = event(text("old")), event(text("new"))
    assert after_own_join([before, *joins, after], BOT) == [after]
    assert after_own_join([before], BOT) == []


def test_a_command_or_question_after_the_bots_name_is_read_as_such():
    named = incoming(event(text("@verbinder:example.org !help")), "!r", BOT, (), False)
    assert named.text == "!help" and named.addressed
    assert incoming(event(text("Verbinder: zorgkantoren?")), "!r", BOT, (), False).text == "zorgkantoren?"
    assert incoming(event(text("verbindertje doet mee")), "!r", BOT, (), False).text == "verbindertje doet mee"
