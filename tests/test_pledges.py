"""Halen en brengen as a conversation: post, match, list, settle, forget — both languages, roles, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import app
from bot.config import Config
from bot.core.roles import role_from_config
from bot.matching.meaning import default_semantic
from bot.store.database import Database
from bot.store.pledges import Pledges
from tests.conftest import Chat

CONFIG = Config(coordinators=("@coco:example.org",), allowed_servers=("example.org",))


@pytest.fixture
async def chat(tmp_path: Path, sample_state):
    database = await Database.open(tmp_path / "bot.sqlite3")

    async def role_of(message):
        return role_from_config(CONFIG, message.sender)
    yield Chat(app.dispatcher(CONFIG, sample_state, role_of, pledges=Pledges(database.connection)))
    await database.close()


ANNA, BERT = "@anna:example.org", "@bert:example.org"


async def test_a_need_meets_the_offer_that_fits_and_its_author_is_mentioned(chat):
    [offer] = await chat.say("!breng Wij vertellen graag hoe we de verantwoording aan het zorgkantoor "
                             "hebben teruggebracht tot één A4", sender=BERT)
    assert offer.text.startswith("Genoteerd als b")
    [need] = await chat.say("!haal minder verantwoording voor het zorgkantoor", sender=ANNA)
    assert "Dit past misschien bij:" in need.text and "A4" in need.text and BERT in need.mentions
    [unrelated] = await chat.say("!haal een goede kok voor de kerstmaaltijd", sender=ANNA)
    assert "Ik zie nog niets dat hierbij past." in unrelated.text and unrelated.mentions == ()


async def test_a_need_in_other_words_meets_an_offer_by_meaning(chat):
    assert default_semantic().model(wait=True) is not None       # the model is part of the test install
    await chat.say("!offer We are happy to lend our wheelchair bus to other care homes", sender=BERT)
    [photo] = await chat.say("!haal Wie weet een goede fotograaf voor onze open dag?", sender=ANNA)
    assert "Ik zie nog niets dat hierbij past." in photo.text and photo.mentions == ()
    [bus] = await chat.say("!haal Wie kan ons een rolstoelbus lenen voor een uitstapje?", sender=ANNA)
    assert "Dit past misschien bij:" in bus.text and "wheelchair bus" in bus.text and BERT in bus.mentions
    assert "Waarom: het gaat over hetzelfde, in andere woorden" in bus.text


async def test_english_commands_and_lists(chat):
    [offer] = await chat.say("!offer come and see how residents sleep in", sender=BERT)
    assert offer.text.startswith("Noted as b")
    [listed] = await chat.say("!offers", sender=ANNA)
    assert listed.text.startswith("Open offers") and "residents sleep in" in listed.text and BERT in listed.text
    [mine] = await chat.say("!mine", sender=BERT)
    assert "residents sleep in" in mine.text
    [none] = await chat.say("!mine", sender=ANNA)
    assert none.text == "You have nothing open."


async def test_lists_newest_first_and_filtered(chat):
    await chat.say("!breng kom kijken hoe wij zelf roosteren", sender=BERT)
    await chat.say("!breng wij delen ons menu zonder vaste etenstijden", sender=BERT)
    [both] = await chat.say("!brengen", sender=ANNA)
    assert both.text.index("menu") < both.text.index("roosteren")
    [rosters] = await chat.say("!brengen roosteren", sender=ANNA)
    assert "roosteren" in rosters.text and "menu" not in rosters.text
    [halen] = await chat.say("!halen", sender=ANNA)
    assert halen.text == "Er staat niets open."


async def test_settling_is_for_the_author_or_a_coordinator_with_a_reason(chat):
    [offer] = await chat.say("!breng kom kijken hoe wij zelf roosteren", sender=BERT)
    pledge_id = offer.text.split()[2]
    [refused] = await chat.say(f"!intrekken {pledge_id}", sender=ANNA)
    assert "is niet van jou" in refused.text
    [no_reason] = await chat.say(f"!intrekken {pledge_id}", sender="@coco:example.org")
    assert "reden" in no_reason.text
    [withdrawn] = await chat.say(f"!intrekken {pledge_id} dubbel geplaatst", sender="@coco:example.org")
    assert withdrawn.text.startswith(f"Ingetrokken: {pledge_id}") and "dubbel geplaatst" in withdrawn.text
    assert BERT in withdrawn.mentions                       # the author is told
    [again] = await chat.say(f"!afgerond {pledge_id}", sender=BERT)
    assert "is al ingetrokken" in again.text
    [own] = await chat.say("!breng nog iets", sender=BERT)
    [done] = await chat.say(f"!done {own.text.split()[2]}", sender=BERT)
    assert done.text.startswith("Done: ")


async def test_bad_input_gets_a_clear_message(chat):
    [empty] = await chat.say("!haal", sender=ANNA)
    assert "Wat wil je halen?" in empty.text and "!haal " in empty.text
    [long] = await chat.say("!breng " + "x" * 600, sender=ANNA)
    assert "te lang" in long.text and "500" in long.text
    [unknown] = await chat.say("!afgerond b999", sender=ANNA)
    assert unknown.text == "Die ken ik niet: b999"
    [junk] = await chat.say("!afgerond ???", sender=ANNA)
    assert junk.text.startswith("Die ken ik niet")
    [listed] = await chat.say("!brengen", sender=ANNA)
    assert listed.text == "Er staat niets open."          # nothing half-written by the refused ones


async def test_strangers_may_not_post_or_list(chat):
    [post] = await chat.say("!breng iets", sender="@someone:elsewhere.net")
    [listed] = await chat.say("!brengen", sender="@someone:elsewhere.net")
    assert post.text == listed.text == "Dit is alleen voor leden van het netwerk."


async def test_forget_me_asks_first_then_deletes_everything(chat):
    await chat.say("!breng kom kijken", sender=ANNA)
    await chat.say("!haal hulp bij roosters", sender=ANNA)
    [asked] = await chat.say("!vergeet mij", sender=ANNA)
    assert "verwijdert je 2 vragen en aanbod" in asked.text and "!vergeet mij zeker" in asked.text
    [done] = await chat.say("!vergeet mij zeker", sender=ANNA)
    assert done.text.startswith("Verwijderd: 2")
    [mine] = await chat.say("!mijn", sender=ANNA)
    assert mine.text == "Je hebt niets open staan."
    [english] = await chat.say("!forget me", sender=BERT)
    assert "!forget me sure" in english.text


async def test_a_message_handled_twice_makes_one_pledge(chat, sample_state, tmp_path):
    from bot.core.messages import Message

    message = Message(sender=ANNA, room_id="!r", text="!breng kom kijken hoe wij roosteren", event_id="$same")
    first = await chat.dispatcher.dispatch(message)
    second = await chat.dispatcher.dispatch(message)             # after a crash, the same event again
    assert first[0].text == second[0].text
    [listed] = await chat.say("!brengen", sender=BERT)
    assert listed.text.count("roosteren") == 1


async def test_a_coordinator_exports_the_list_as_a_csv_file(chat):
    await chat.say("!breng kom kijken hoe wij zelf roosteren", sender=BERT)
    [denied] = await chat.say("!export", sender=ANNA)
    assert denied.text == "Dit is alleen voor coördinatoren."
    [export] = await chat.say("!export", sender="@coco:example.org")
    assert export.text.startswith("De open vragen en het aanbod (1), voor Excel: halen-brengen-")
    file = export.attachment
    assert file.filename.endswith(".csv") and file.mimetype == "text/csv"
    assert file.data.startswith("\ufeffid,ref,kind,status,text,by,organisation,created".encode())
    assert "kom kijken hoe wij zelf roosteren" in file.data.decode("utf-8-sig")
