"""Halen en brengen on a real Synapse: an offer, a fitting need that meets it, an unrelated one that does not."""

from __future__ import annotations

import asyncio
import sqlite3

from nio import DownloadResponse, RoomMessageFile

from tests.e2e.people import replied_to, talking_to_bot


async def reply_to(person, room, bot_id, text):
    question = await person.send(room, text)
    await person.wait_for(lambda: any(replied_to(n) == question for n in person.notices(room, bot_id)),
                          what=f"a reply to {text!r}")
    return next(n for n in person.notices(room, bot_id) if replied_to(n) == question)


async def test_a_need_meets_a_coordinators_offer_and_its_author_is_mentioned(bot, person):
    coco, anna = await person("coco"), await person("anna")
    verbinder = bot(coordinators=[coco.user_id])
    verbinder.start()
    room = await coco.room_with(verbinder.user_id, anna.user_id)
    await anna.client.join(room)
    await coco.wait_joined(room, verbinder.user_id)
    await coco.wait_joined(room, anna.user_id)

    offer = await reply_to(coco, room, verbinder.user_id,
                           "!breng Wij vertellen graag hoe we de verantwoording aan het zorgkantoor "
                           "hebben teruggebracht tot één A4")
    assert offer.body.startswith("Genoteerd als b")
    need = await reply_to(anna, room, verbinder.user_id, "!haal minder verantwoording voor het zorgkantoor")
    assert "Dit past misschien bij:" in need.body and "A4" in need.body
    assert set(need.source["content"]["m.mentions"]["user_ids"]) == {anna.user_id, coco.user_id}
    unrelated = await reply_to(anna, room, verbinder.user_id, "!haal een goede kok voor de kerstmaaltijd")
    assert "Ik zie nog niets dat hierbij past." in unrelated.body
    assert unrelated.source["content"]["m.mentions"]["user_ids"] == [anna.user_id]

    no_match = await reply_to(anna, room, verbinder.user_id, "wie heeft ervaring met mondzorg?")
    assert "!haal mondzorg" in no_match.body                       # the suggestion, typed as it stands
    posted = await reply_to(anna, room, verbinder.user_id, "!haal mondzorg")
    assert posted.body.startswith("Genoteerd als h") and "mondzorg" in posted.body


async def test_a_coordinators_export_arrives_as_a_csv_file_in_the_room(bot, person):
    coco = await person("coco")
    verbinder = bot(coordinators=[coco.user_id])
    verbinder.start()
    room = await coco.room_with(verbinder.user_id)
    await coco.wait_joined(room, verbinder.user_id)
    await reply_to(coco, room, verbinder.user_id, "!breng kom kijken hoe wij zelf roosteren")
    asked = await coco.send(room, "!export")

    def files():
        return [e for e in coco.seen.get(room, []) if isinstance(e, RoomMessageFile) and e.sender == verbinder.user_id]
    await coco.wait_for(lambda: files(), what="the exported file")
    [file] = files()
    assert replied_to(file) == asked and file.body.endswith(".csv")
    downloaded = await coco.client.download(mxc=file.url)
    assert isinstance(downloaded, DownloadResponse)
    assert downloaded.body.decode("utf-8-sig").startswith("id,ref,kind,status,text,by,organisation,created")
    assert "kom kijken hoe wij zelf roosteren" in downloaded.body.decode("utf-8-sig")


async def test_killed_between_storing_a_pledge_and_replying_it_is_kept_once_and_answered_once(bot, person):
    # rc_message 0.5/s, burst 3: the fourth reply waits for the rate limit, and the pledge's behind it
    verbinder, eva, room = await talking_to_bot(bot, person, ratelimited=True)
    asked = [await eva.send(room, f"!vraag reisgids {n}") for n in range(4)]
    offer = await eva.send(room, "!breng kom kijken hoe wij zelf roosteren")
    store = verbinder.workdir / "bot.sqlite3"

    def stored() -> list[tuple]:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
            return db.execute("SELECT kind, text FROM pledges").fetchall()
    await eva.wait_for(lambda: stored(), what="the pledge in the store")
    verbinder.kill()                                           # stored, its reply not sent
    assert offer not in [replied_to(n) for n in eva.notices(room, verbinder.user_id)]

    verbinder.start()
    await eva.wait_notices(room, verbinder.user_id, 5, timeout=60)
    await asyncio.sleep(2.5)                                   # room for a second reply, were there one
    answered = [replied_to(n) for n in eva.notices(room, verbinder.user_id)]
    assert sorted(answered) == sorted([*asked, offer])          # each once
    [confirmation] = [n for n in eva.notices(room, verbinder.user_id) if replied_to(n) == offer]
    assert confirmation.body.startswith("Genoteerd als b")
    assert stored() == [("offer", "kom kijken hoe wij zelf roosteren")]     # kept once
