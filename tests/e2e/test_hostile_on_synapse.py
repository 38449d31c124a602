"""Hostile messages on a real Synapse: after each one, the others are still answered, quickly."""

from __future__ import annotations

import asyncio
import time

from tests.e2e.people import replied_to, talking_to_bot

ANSWERED_WITHIN = 2.0      # seconds from a member's question to the bot's reply, after the hostile ones


async def asked_and_answered(asker, room: str, bot_id: str, text: str) -> float:
    """Seconds from sending `text` to seeing the bot's reply to it."""
    started = time.monotonic()
    question = await asker.send(room, text)
    await asker.wait_for(lambda: any(replied_to(n) == question for n in asker.notices(room, bot_id)),
                         timeout=20, what=f"a reply to {text[:40]!r}")
    return time.monotonic() - started


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


async def test_huge_questions_and_seas_of_spaces_do_not_hold_anyone(bot, person):
    verbinder = bot()
    verbinder.start()
    eva, marta = await person("eva"), await person("marta")
    room = await eva.room_with(verbinder.user_id, marta.user_id)
    await eva.wait_joined(room, verbinder.user_id)
    await marta.client.join(room)
    await eva.wait_joined(room, marta.user_id)

    long_question = await eva.send(room, "!vraag " + "x" * 25_000)
    await eva.send(room, "weet iemand" + " " * 20_000 + "x")
    no_match = await eva.send(room, "wie heeft ervaring met " + "qwzx " * 3_200 + "?")   # ~16 KB, no match
    took = await asked_and_answered(marta, room, verbinder.user_id, "wie heeft ervaring met zorgkantoren?")
    assert took < ANSWERED_WITHIN, took
    await eva.wait_for(lambda: no_match in {replied_to(n) for n in eva.notices(room, verbinder.user_id)},
                       timeout=10, what="the no-match reply")
    replies = {replied_to(n): n for n in eva.notices(room, verbinder.user_id)}
    assert long_question in replies and len(replies[no_match].body) < 2_000
    assert "Ik vond niemand" in replies[no_match].body and "send rejected" not in verbinder.log_text()


async def test_one_huge_word_keeps_memory_bounded(bot, person):
    verbinder, eva, dm = await talking_to_bot(bot, person)
    await asked_and_answered(eva, dm, verbinder.user_id, "!vraag " + "abcdefghijklmnopqrstuvwxyz" * 2_300)
    took = await asked_and_answered(eva, dm, verbinder.user_id, "!vraag CQ-index")
    assert took < ANSWERED_WITHIN
    assert peak_rss_mb(verbinder.proc.pid) < 400


async def test_a_reply_synapse_refuses_for_good_does_not_hold_the_next(bot, person):
    verbinder = bot()
    verbinder.start()
    eva = await person("eva")
    # a room where only the creator may speak: every reply of the bot there is refused (403)
    response = await eva.client.room_create(invite=[verbinder.user_id],
                                            power_level_override={"events_default": 50})
    muted = response.room_id
    await eva.wait_joined(muted, verbinder.user_id)
    await eva.send(muted, "!vraag zorgkantoren")
    verbinder.wait_for_log("send rejected for good", timeout=10)
    dm = await eva.room_with(verbinder.user_id, direct=True)
    await eva.wait_joined(dm, verbinder.user_id)
    assert await asked_and_answered(eva, dm, verbinder.user_id, "!vraag CQ-index") < ANSWERED_WITHIN
    assert verbinder.stop() == 0
    verbinder.start()
    await asked_and_answered(eva, dm, verbinder.user_id, "!vraag zorgkantoren")
    await asyncio.sleep(0.5)
    assert "send rejected" not in verbinder.log_text()          # not retried after the restart
    assert eva.notices(muted, verbinder.user_id) == []


async def test_a_member_of_a_network_room_may_invite_the_bot(bot, person):
    boss, guest = await person("boss"), await person("guest")
    network_room = await boss.room_with(guest.user_id)
    await guest.client.join(network_room)
    await boss.wait_joined(network_room, guest.user_id)
    verbinder = bot(allowed_servers=[], admins=[boss.user_id], rooms=[network_room])
    verbinder.start()
    await boss.client.room_invite(network_room, verbinder.user_id)
    await boss.wait_joined(network_room, verbinder.user_id)
    own = await guest.room_with(verbinder.user_id)           # guest is in no config list
    await guest.wait_joined(own, verbinder.user_id)
    await asked_and_answered(guest, own, verbinder.user_id, "!vraag zorgkantoren")
