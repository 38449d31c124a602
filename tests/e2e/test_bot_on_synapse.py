"""The bot on a real Synapse: questions in rooms and DMs, restarts, crashes, outages, rate limits, invites."""

from __future__ import annotations

import asyncio

from tests.e2e.people import replied_to, talking_to_bot


async def test_question_in_a_room_gets_a_reply_notice_and_threads_stay_threads(bot, person):
    verbinder = bot()
    verbinder.start()
    eva, marta = await person("eva"), await person("marta")
    room = await eva.room_with(verbinder.user_id, marta.user_id)     # a group room, not a DM
    await eva.wait_joined(room, verbinder.user_id)
    await eva.send(room, "Goedemorgen allemaal!")
    question = await eva.send(room, "Wie heeft ervaring met zorgkantoren?")
    [notice] = await eva.wait_notices(room, verbinder.user_id, 1)
    content = notice.source["content"]
    assert content["msgtype"] == "m.notice" and content["format"] == "org.matrix.custom.html"
    assert replied_to(notice) == question
    assert notice.body.startswith("Over zorgkantoren vond ik:") and "<b>" in content["formatted_body"]
    assert content["m.mentions"]["user_ids"] == [eva.user_id]

    in_thread = await eva.send(room, "!ask CQ-index", thread_root=question)
    _, threaded = await eva.wait_notices(room, verbinder.user_id, 2)
    relates = threaded.source["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == question
    assert relates["m.in_reply_to"]["event_id"] == in_thread
    assert threaded.body.startswith("On CQ-index I found:")
    await asyncio.sleep(1)
    assert len(eva.notices(room, verbinder.user_id)) == 2      # the greeting got no answer


async def test_a_direct_message_is_a_question(bot, person):
    verbinder = bot()
    verbinder.start()
    eva = await person("eva")
    dm = await eva.room_with(verbinder.user_id, direct=True)
    await eva.wait_joined(dm, verbinder.user_id)
    await eva.send(dm, "addendumafspraken")
    [notice] = await eva.wait_notices(dm, verbinder.user_id, 1)
    assert "Eva van Zelm" in notice.body


async def test_restart_answers_what_came_while_down_once_each(bot, person):
    verbinder, eva, room = await talking_to_bot(bot, person)
    first = await eva.send(room, "!vraag zorgkantoren")
    await eva.wait_notices(room, verbinder.user_id, 1)
    assert verbinder.stop() == 0                               # SIGTERM: clean exit
    asked = [await eva.send(room, f"!vraag zorgkantoren {n}") for n in range(25)]
    verbinder.start()
    notices = await eva.wait_notices(room, verbinder.user_id, 26, timeout=60)
    await asyncio.sleep(1.5)
    notices = eva.notices(room, verbinder.user_id)
    assert [replied_to(n) for n in notices] == [first, *asked]  # each once, in order
    assert "backfilled" in verbinder.log_text()
    log = verbinder.log_text(since_start=False)
    assert "session restored" in log and verbinder.env["E2E_BOT_PASSWORD"] not in log
    assert "syt_" not in log and "access_token" not in log        # secrets never reach the log


async def test_sigkill_in_a_burst_loses_and_duplicates_nothing(bot, person):
    verbinder, eva, room = await talking_to_bot(bot, person)
    asked = [await eva.send(room, f"!vraag CQ-index {n}") for n in range(30)]
    await eva.wait_notices(room, verbinder.user_id, 3)
    verbinder.kill()
    answered_before = len(eva.notices(room, verbinder.user_id))
    verbinder.start()
    await eva.wait_notices(room, verbinder.user_id, 30, timeout=60)
    await asyncio.sleep(1.5)
    answered = [replied_to(n) for n in eva.notices(room, verbinder.user_id)]
    assert sorted(answered) == sorted(asked) and len(answered) == 30, (answered_before, len(answered))


async def test_bot_recovers_when_synapse_restarts(bot, person, synapse):
    verbinder, eva, room = await talking_to_bot(bot, person)
    synapse.stop()
    await asyncio.sleep(2)
    synapse.start()
    question = await eva.send(room, "wie heeft ervaring met de CQ-index?")
    [notice] = await eva.wait_notices(room, verbinder.user_id, 1, timeout=60)
    assert replied_to(notice) == question
    assert "sync failed, retrying" in verbinder.log_text()


async def test_strict_rate_limit_delays_but_never_drops_or_reorders(bot, person):
    # rc_message 0.5/s, burst 3 for this bot's account
    verbinder, eva, room = await talking_to_bot(bot, person, ratelimited=True)
    asked = [await eva.send(room, f"!vraag reisgids {n}") for n in range(7)]
    notices = await eva.wait_notices(room, verbinder.user_id, 7, timeout=60)
    assert [replied_to(n) for n in notices] == asked
    assert "send rate limited" in verbinder.log_text()


async def test_invite_from_a_stranger_is_rejected_and_a_members_accepted(bot, person, synapse):
    friend = await person("friend")
    verbinder = bot(allowed_servers=[], admins=[friend.user_id])
    verbinder.start()
    stranger = await person("stranger")
    shady = await stranger.room_with(verbinder.user_id)
    welcome = await friend.room_with(verbinder.user_id)
    await friend.wait_joined(welcome, verbinder.user_id)
    verbinder.wait_for_log("invite rejected")
    await asyncio.sleep(0.5)
    assert not any(getattr(e, "state_key", None) == verbinder.user_id and e.membership == "join"
                   for e in stranger.seen.get(shady, []) if hasattr(e, "membership"))
