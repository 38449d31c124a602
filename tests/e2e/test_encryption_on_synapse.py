"""End-to-end encrypted rooms on a real Synapse: the bot reads, answers encrypted, and keeps its keys across restarts."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone

from nio import MegolmEvent, RoomMessageNotice

from tests.conftest import SAMPLE
from tests.e2e.people import replied_to

ENCRYPTION = [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]


async def encrypted_dm(person, bot_id: str) -> str:
    response = await person.client.room_create(invite=[bot_id], is_direct=True, initial_state=ENCRYPTION)
    await person.wait_joined(response.room_id, bot_id)
    return response.room_id


def decrypted_replies(person, room: str, bot_id: str) -> list[RoomMessageNotice]:
    return [e for e in person.seen.get(room, []) if isinstance(e, RoomMessageNotice) and e.sender == bot_id]


async def test_an_encrypted_dm_is_answered_encrypted_and_keeps_working_after_a_restart(bot, person):
    verbinder = bot()
    verbinder.start()
    eva = await person("eva", encrypted=True)
    dm = await encrypted_dm(eva, verbinder.user_id)
    question = await eva.send(dm, "wie heeft ervaring met zorgkantoren?")
    await eva.wait_for(lambda: any(replied_to(n) == question for n in decrypted_replies(eva, dm, verbinder.user_id)),
                       timeout=30, what="a decrypted reply")
    [reply] = decrypted_replies(eva, dm, verbinder.user_id)
    assert reply.body.startswith("Over zorgkantoren vond ik:") and reply.decrypted
    assert not [e for e in eva.seen[dm] if isinstance(e, MegolmEvent) and e.sender == verbinder.user_id]

    assert verbinder.stop() == 0
    while_down = await eva.send(dm, "!vraag CQ-index")
    verbinder.start()
    await eva.wait_for(lambda: any(replied_to(n) == while_down for n in decrypted_replies(eva, dm, verbinder.user_id)),
                       timeout=30, what="the reply to what was asked while the bot was down")
    await asyncio.sleep(1)
    answered = [replied_to(n) for n in decrypted_replies(eva, dm, verbinder.user_id)]
    assert answered == [question, while_down]                        # once each
    assert "session restored" in verbinder.log_text()


async def test_an_announcement_reaches_an_encrypted_team_room(bot, person, tmp_path, unique_name):
    eva = await person("eva", encrypted=True)
    alias = unique_name("team")
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SAMPLE, knowledge)
    (knowledge / "teams.yaml").write_text(f'teams:\n  - {{id: t0, name: Team 0, room: "#{alias}:localhost"}}\n')
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=1, seconds=8)
    (knowledge / "events.yaml").write_text(f"""\
events:
  - id: versleuteld
    title: Bijeenkomst in een versleutelde room
    start: {start.isoformat()}
    teams: [t0]
    announce: [1h]
""")
    verbinder = bot(knowledge=knowledge)
    verbinder.start()
    response = await eva.client.room_create(alias=alias, invite=[verbinder.user_id], initial_state=ENCRYPTION)
    room = response.room_id
    await eva.wait_joined(room, verbinder.user_id)
    await eva.wait_for(lambda: decrypted_replies(eva, room, verbinder.user_id), timeout=30,
                       what="a decrypted announcement")
    [announcement] = decrypted_replies(eva, room, verbinder.user_id)
    assert "Bijeenkomst in een versleutelde room" in announcement.body and announcement.decrypted


async def test_a_message_whose_keys_never_arrive_gets_one_kind_notice(bot, person):
    verbinder = bot()
    verbinder.start()
    eva = await person("eva", encrypted=True)
    dm = await encrypted_dm(eva, verbinder.user_id)
    await eva.wait_for(lambda: list(eva.client.device_store.active_user_devices(verbinder.user_id)),
                       what="the bot's device keys")
    for device in eva.client.device_store.active_user_devices(verbinder.user_id):
        eva.client.blacklist_device(device)          # the bot's device never gets this room's key
    question = await eva.send(dm, "wie heeft ervaring met zorgkantoren?")
    verbinder.wait_for_log("cannot decrypt yet", timeout=20)

    def told() -> list[RoomMessageNotice]:
        return [n for n in decrypted_replies(eva, dm, verbinder.user_id) if replied_to(n) == question]
    await eva.wait_for(told, timeout=120, what="the notice that the message could not be read")
    await asyncio.sleep(3)
    [notice] = told()
    assert notice.body.startswith("Ik kon je versleutelde bericht niet lezen")


async def room_with_a_stranger(bot, person, **settings):
    """An encrypted room of eva (a coordinator), a stranger and the bot; eva asks. (eva, stranger, bot, room, question)"""
    eva = await person("eva", encrypted=True)
    stranger = await person("stranger", encrypted=True)
    verbinder = bot(allowed_servers=[], coordinators=[eva.user_id], settings=settings)   # the stranger is not in the network
    verbinder.start()
    response = await eva.client.room_create(invite=[verbinder.user_id, stranger.user_id], initial_state=ENCRYPTION)
    room = response.room_id
    await stranger.client.join(room)
    await eva.wait_joined(room, verbinder.user_id)
    await eva.wait_joined(room, stranger.user_id)
    return eva, stranger, verbinder, room, await eva.send(room, "!vraag zorgkantoren")


async def test_in_an_encrypted_room_only_network_members_devices_can_read_the_bot(bot, person):
    eva, stranger, verbinder, room, question = await room_with_a_stranger(bot, person)
    await eva.wait_for(lambda: any(replied_to(n) == question for n in decrypted_replies(eva, room, verbinder.user_id)),
                       timeout=30, what="eva's decrypted reply")

    def from_bot() -> list:
        return [e for e in stranger.seen.get(room, []) if e.sender == verbinder.user_id
                and isinstance(e, (MegolmEvent, RoomMessageNotice))]
    await stranger.wait_for(from_bot, timeout=20, what="the bot's reply reaching the stranger's client")
    assert all(isinstance(e, MegolmEvent) for e in from_bot())    # it arrives, but stays unreadable
    assert "device trusted on first use" in verbinder.log_text()
    assert "device gets no room keys" in verbinder.log_text()


async def test_with_trust_all_every_device_in_the_room_can_read_the_bot(bot, person):
    _, stranger, verbinder, room, question = await room_with_a_stranger(bot, person, encryption_trust="all")
    await stranger.wait_for(lambda: any(replied_to(n) == question
                                        for n in decrypted_replies(stranger, room, verbinder.user_id)),
                            timeout=30, what="the stranger's decrypted copy of the reply")
