"""Halen en brengen on a real Synapse: an offer, a fitting need that meets it, an unrelated one that does not."""

from __future__ import annotations

from nio import DownloadResponse, RoomMessageFile

from tests.e2e.people import replied_to


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
