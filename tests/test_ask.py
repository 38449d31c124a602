"""Asking the bot who has experience with something: a conversation in, replies out."""

from __future__ import annotations

from bot.matching.index import _split
from bot.matching.live import LiveKnowledge
from bot.matching.meaning import Semantic
from bot.matching.normalise import specificity
from bot.matching.question import MAX_TOPIC, parse_natural, parse_topic
from handlers.ask import lookup


async def test_natural_dutch_question_in_a_room_gets_people_and_examples(chat):
    [reply] = await chat.say("Hoi allemaal, wie heeft ervaring met addendumafspraken met het zorgkantoor?")
    assert reply.text.startswith("Over addendumafspraken met het zorgkantoor vond ik:")
    assert "Eva van Zelm" in reply.text and "Topaz" in reply.text
    assert "Waarom:" in reply.text
    assert "Addendumafspraken" in reply.text          # the supporting practice example
    assert "@eva:example.org" in reply.text            # share: public, asker is a member


async def test_english_question_is_answered_in_english(chat):
    [reply] = await chat.say("Who has experience with supervisory boards?")
    assert reply.text.startswith("On supervisory boards I found:")
    assert "People with experience" in reply.text or "Practice examples" in reply.text
    assert "Waarom" not in reply.text


async def test_asking_to_be_told_about_a_topic_asks_the_topic(chat):
    [english] = await chat.say("Who can tell me about supervisory boards?")
    assert english.text.startswith("On supervisory boards I found:")
    [dutch] = await chat.say("Kan iemand mij iets vertellen over het zorgkantoor?")
    assert dutch.text.startswith("Over het zorgkantoor vond ik:")


async def test_a_question_without_a_question_form_is_answered_in_its_own_language(chat):
    [english] = await chat.dm("Is there a nursing home where the residents sleep in as long as they like?")
    assert english.text.startswith("On ")
    [dutch] = await chat.dm("Wij lopen elk uur langs om te kijken of iedereen nog goed slaapt")   # "of" is English too
    assert dutch.text.startswith(("Over ", "Ik vond niemand"))


async def test_commands_in_both_languages(chat):
    [dutch] = await chat.say("!vraag CQ-index")
    [english] = await chat.say("!ask CQ-index")
    assert "Marloes van Schooten" in dutch.text and "Mensen met ervaring" in dutch.text
    assert "Marloes van Schooten" in english.text and "People with experience" in english.text


async def test_room_chatter_is_left_alone_but_a_dm_is_a_question(chat):
    assert await chat.say("Goedemorgen, wat een mooi weer vandaag") == []
    [reply] = await chat.dm("zorgkantoren")
    assert "Over zorgkantoren vond ik:" in reply.text


async def test_no_match_says_so_and_suggests_a_need(chat):
    [reply] = await chat.say("Wie heeft ervaring met mondzorg?")
    assert "Ik vond niemand" in reply.text
    assert "!haal mondzorg" in reply.text
    assert "Mensen met ervaring" not in reply.text


async def test_an_offer_nobody_matches_is_pointed_at_offering_it(chat):
    [dutch] = await chat.dm("Ik kan anderen helpen met het opzetten van een buurtmoestuin")
    assert "als aanbod in het netwerk zetten: !breng Ik kan anderen helpen" in dutch.text and "!haal" not in dutch.text
    [english] = await chat.dm("We can help others with rooftop gardens")
    assert "as an offer in the network: !offer" in english.text


async def test_no_match_in_english_suggests_posting_a_need(chat):
    [reply] = await chat.say("who has experience with dentistry?")
    assert "I found no one" in reply.text and "!need dentistry" in reply.text


async def test_share_levels_decide_who_sees_contact_details(chat, sample_state):
    contacts = sample_state.current.knowledge.contacts.values()
    network = next(c for c in contacts if c.share == "network" and c.email and c.role)
    [member] = await chat.say(f"!vraag {network.expertise[0]}", sender="@someone:example.org")
    [stranger] = await chat.say(f"!vraag {network.expertise[0]}", sender="@someone:elsewhere.net")
    assert network.email in member.text and network.role in member.text
    assert network.name in stranger.text
    assert network.email not in stranger.text and network.role not in stranger.text
    assert "alleen voor leden" in stranger.text
    # public: name, role and details reach anyone who may talk to the bot, strangers too
    [public] = await chat.say("!vraag addendumafspraken", sender="@someone:elsewhere.net")
    assert "eva@example.org" in public.text and "@eva:example.org" in public.text


async def test_private_contact_is_reached_through_a_coordinator(chat, sample_state):
    private = [c for c in sample_state.current.knowledge.contacts.values() if c.share == "private"]
    assert private, "the sample knowledge should hold a private contact"
    contact = private[0]
    [reply] = await chat.dm(f"!vraag {contact.expertise[0]}", sender="@admin:example.org")
    assert contact.name in reply.text
    assert contact.matrix_id not in reply.text and (contact.email or "@@") not in reply.text
    assert not contact.role or contact.role not in reply.text       # name and organisation only
    assert "via een coördinator: @coco:example.org" in reply.text      # the config's coordinators, named


async def test_typed_markup_is_escaped_in_html(chat):
    [reply] = await chat.dm("!vraag <script>alert(1)</script> zorgkantoren")
    assert "<script>" not in reply.html
    assert "&lt;script&gt;" in reply.html


async def test_an_empty_question_gets_an_example(chat):
    [reply] = await chat.say("!vraag")
    assert "!vraag zorgkantoren" in reply.text


async def test_help_lists_the_commands_in_the_asked_language(chat):
    [dutch] = await chat.say("!hulp")
    assert "!vraag" in dutch.text and "Coördinatoren" in dutch.text
    [english] = await chat.say("!help who are you")
    assert "!ask" in english.text


async def test_unknown_command_near_miss_gets_a_hint_and_others_are_ignored(chat):
    [reply] = await chat.say("!vraaag zorgkantoren")
    assert "bedoel je !vraag?" in reply.text
    assert await chat.say("!weather Utrecht") == []
    [dm] = await chat.dm("!weather Utrecht")
    assert "!help" in dm.text


async def test_two_swapped_letters_in_a_short_word_are_one_slip(chat):
    [reply] = await chat.say("!vraag tpoaz")            # Topaz, five letters: one swap is one edit (OSA)
    assert "(“tpoaz” gelezen als “Topaz”)" in reply.text      # the correction, not the typo, is what it read


def section(text: str, heading: str) -> list[str]:
    """The lines of one part of a reply: after its heading, up to the next heading."""
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next((n for n in range(start, len(lines)) if lines[n][:1] not in ("•", " ") and not lines[n][:1].isdigit()),
               len(lines))
    return lines[start:end]


async def test_the_flagship_answer_is_short_and_says_nothing_twice(chat):
    [reply] = await chat.say("wie heeft ervaring met zorgkantoren?")
    people = [line for line in reply.text.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    assert len(people) == 3
    assert "Eva van Zelm" in reply.text          # four expertise lines on zorgkantoren: among the first three
    listed = [line.split(" <")[0].lstrip("•↳ ").strip() for line in reply.text.splitlines() if line.strip()[:1] in "•↳"]
    assert len(listed) == len(set(listed))       # no practice example listed twice
    assert len([line for line in section(reply.text, "Praktijkvoorbeelden") if line.startswith("•")]) <= 3
    reasons = [line.strip() for line in reply.text.splitlines() if line.strip().startswith("Waarom:")]
    assert len(reasons) == len(set(reasons))
    assert reply.text.count("trefwoord “zorgkantoren”") == 1     # said once, not on every line
    assert "Zilveren Kruis Zorgkantoor, Zilveren Kruis Zorgkantoor" not in reply.text   # role holds the organisation
    assert "Meer: !meer zorgkantoren" in reply.text


async def test_links_are_links_in_html_and_short_in_plain_text(chat):
    [reply] = await chat.say("wie heeft ervaring met zorgkantoren?")
    assert '<a href="https://www.radicalevernieuwing.nl/' in reply.html
    assert "https://" not in reply.text and "<radicalevernieuwing.nl>" in reply.text


async def test_meer_shows_the_rest_of_the_last_answer_and_nothing_shown_before(chat):
    [first] = await chat.say("wie heeft ervaring met zorgkantoren?")
    [more] = await chat.say("!meer")
    assert more.text.startswith("Meer over zorgkantoren:")
    shown_before = {line.split(" — ")[0][3:] for line in first.text.splitlines() if line[:2] in ("1.", "2.", "3.")}
    shown_now = {line.split(" — ")[0][3:] for line in more.text.splitlines() if line[:1].isdigit()}
    assert shown_now and not shown_now & shown_before
    [english] = await chat.say("!more care offices")
    assert english.text.startswith("More on care offices:")


async def test_each_meer_shows_the_next_page_until_all_are_shown(chat):
    await chat.say("wie heeft ervaring met zorgkantoren?")
    pages = []
    for _ in range(6):
        [more] = await chat.say("!meer")
        pages.append(more.text)
        if more.text.startswith("Meer dan dit vond ik niet"):
            break
    assert pages[0].startswith("Meer over zorgkantoren:") and pages[-1].startswith("Meer dan dit vond ik niet")
    assert all(page.endswith("Meer: !meer") for page in pages[:-2]) and not pages[-2].endswith("!meer")
    assert len(set(pages)) == len(pages)                    # no page twice
    await chat.say("wie heeft ervaring met zorgkantoren?")   # asked again: from the start
    assert (await chat.say("!meer"))[0].text == pages[0]


async def test_meer_said_to_the_bot_is_the_command(chat):
    for said in ("meer", "Nog meer graag!", "meer?", "wie nog meer?", "heb je nog meer voorbeelden?"):
        await chat.dm("wie heeft ervaring met zorgkantoren?")
        [more] = await chat.dm(said)
        assert more.text.startswith("Meer over zorgkantoren:"), said
    for english in ("more please", "who else?"):
        await chat.dm("wie heeft ervaring met zorgkantoren?")
        assert (await chat.dm(english))[0].text.startswith("More on zorgkantoren:"), english
    [topic] = await chat.dm("meer dementie")            # a topic beside it: a question, not the rest of the last
    assert not topic.text.startswith("Meer over zorgkantoren")


async def test_meer_in_a_room_is_for_the_people_there(chat):
    await chat.say("wie heeft ervaring met zorgkantoren?")
    assert await chat.say("meer") == []


async def test_meer_without_a_question_asks_what_of(chat):
    [reply] = await chat.dm("!meer")
    assert reply.text == "Waarvan wil je meer zien? Bijvoorbeeld: !meer zorgkantoren"


async def test_a_topic_that_points_back_is_read_with_what_the_message_said_before(chat):
    [reply] = await chat.say("Ons zorgkantoor vraagt steeds meer verantwoording. Wie heeft ervaring met daarvan afkomen?")
    assert reply.text.startswith("Over Ons zorgkantoor vraagt steeds meer verantwoording — daarvan afkomen vond ik:")
    assert "Eva van Zelm" in reply.text
    [english] = await chat.say("Our care office wants ever more accountability reports. Who has experience with getting rid of that?")
    assert "Eva van Zelm" in english.text
    # alone, such a topic has nothing to point back to; a topic of its own keeps to itself
    [alone] = await chat.say("Wie heeft ervaring met daarvan afkomen?")
    assert alone.text.startswith("Ik vond niemand")
    [own] = await chat.say("Goedemorgen! Wie heeft ervaring met zorgkantoren?")
    assert own.text.startswith("Over zorgkantoren vond ik:")


async def test_a_question_too_long_to_repeat_is_asked_for_more_by_the_command_alone(chat):
    story = ("Bij ons moeten de teams elke week opnieuw uitzoeken wie er werkt, omdat de planning centraal "
             "gebeurt en het zorgkantoor steeds meer verantwoording vraagt. Wie heeft ervaring met daarvan afkomen?")
    [reply] = await chat.say(story)
    assert reply.text.splitlines()[-1] == "Meer: !meer"          # not a cut-off topic that would ask something else
    [more] = await chat.say("!meer")
    assert more.text.startswith("Meer over ")


def test_someone_who_knows_about_a_topic_asks_the_topic():
    for asked in ("Ken je iemand die ervaring heeft met zorgkantoren?", "ik zoek iemand die kan helpen met zorgkantoren",
                  "Is er iemand die veel weet van zorgkantoren?", "Zijn er mensen die verstand hebben van zorgkantoren?",
                  "Ik ben op zoek naar iemand voor zorgkantoren", "We zijn op zoek naar voorbeelden van zorgkantoren",
                  "ik zoek informatie over zorgkantoren", "I'm looking for information on zorgkantoren",
                  "Ik zoek iemand die met ons wil sparren over zorgkantoren", "iemand ervaring met zorgkantoren?",
                  "wie kan mij vertellen over zorgkantoren", "Kent iemand een goed voorbeeld van zorgkantoren?",
                  "heb jij tips voor zorgkantoren?", "wie werkt er bij zorgkantoren", "who works at zorgkantoren",
                  "Is there anyone who has worked on zorgkantoren?", "Has anyone dealt with zorgkantoren?"):
        assert parse_topic(asked).topic == "zorgkantoren", asked
    assert parse_topic("Weet iemand hoe je het gesprek aangaat?").topic == "hoe je het gesprek aangaat"
    # said, not asked: room chatter stays chatter
    assert parse_natural("Er zijn mensen die veel weten van dementie") is None
    assert parse_natural("Wij hebben collega's die ervaring hebben met nachtzorg") is None


async def test_people_asking_each_other_in_a_room_are_left_alone_but_the_bot_reads_it_said_to_it(chat):
    for said in ("Weet iemand of de trein morgen weer rijdt?", "heb jij tips voor de verjaardag van Anne?",
                 "wie werkt er morgen op de groep?"):
        assert await chat.say(said) == [], said
    [reply] = await chat.dm("Weet iemand hoe het zit met zorgkantoren?")
    assert reply.text.startswith("Over hoe het zit met zorgkantoren vond ik:")


def test_a_greeting_or_a_correction_opening_a_question_is_no_part_of_its_topic():
    assert parse_topic("Hoi! Vorige week sprak ik het zorgkantoor").topic == "Vorige week sprak ik het zorgkantoor"
    assert parse_topic("sorry, ik bedoelde de inspectie").topic == "de inspectie"
    assert parse_topic("no, I meant the care office").topic == "the care office"
    assert parse_topic("hallo zorgkantoren").topic == "hallo zorgkantoren"    # no comma or stop: maybe a name
    assert parse_topic("Hoi!").topic == "Hoi"                                # nothing after it: kept


def test_what_comes_before_a_topic_pointing_back_is_cut_to_fit():
    question = parse_topic("x" * 50 + " " + "woord " * 60 + "en de deur gaat op slot. Wie heeft ervaring met dat slot eraf?")
    assert len(question.topic) <= MAX_TOPIC and question.topic.endswith("op slot — dat slot eraf")
    assert question.topic.split(" ")[0] == "woord"               # cut at a word, never inside one
    assert parse_topic("!!! Wie heeft ervaring met daarvan?").topic == "daarvan"


async def test_a_reason_quotes_the_knowledges_spelling_of_a_word_only_its_stem_shares(chat):
    [reply] = await chat.say("wie heeft ervaring met zorgkantooren?")      # stems as zorgkantoren
    assert "verwant aan “zorgkantoor”" in reply.text and "“zorgkantooren”" not in reply.text


async def test_english_plurals_and_cognates_meet_the_dutch_knowledge(chat):
    [reply] = await chat.say("who has experience with inspections?")
    assert reply.text.startswith("On inspections I found:")
    assert "Meer vrijheid voor bewoners en vragen van de inspectie" in reply.text


def test_english_adjectives_meet_their_dutch_forms(tmp_path):
    index = _one_organisation(tmp_path, ("meerwende", "De Meerwende"), {
        "digitaal": ("Digitaal overdragen bij de dienstwissel", "De overdracht staat op de tablet."),
        "regio": ("Samen in de regio", "Vaste afspraken met de buren.")})
    assert _found("digital", index) == ["digitaal"]         # -al is -aal, as -ity is -iteit


async def test_a_slip_in_the_question_word_still_asks_the_topic(chat):
    [reply] = await chat.say("wie heeft erfaring met zorgkantoren?")    # one letter wrong in "ervaring"
    assert reply.text.startswith("Over zorgkantoren vond ik:")
    [english] = await chat.say("Who has experiance with supervisory boards?")
    assert english.text.startswith("On supervisory boards I found:")
    assert await chat.say("Ik heb een kermis bezocht met iemand") == []   # a near-word alone is chatter



def test_a_place_alone_names_where_not_what(tmp_path):
    (tmp_path / "organisations.yaml").write_text(
        "organisations:\n  - id: ijsselhof\n    name: IJsselhof\n    kind: zorgaanbieder\n    region: Zwolle\n"
        "  - id: dalzicht\n    name: Dalzicht\n    kind: zorgaanbieder\n    region: Utrecht\n", encoding="utf-8")
    index = LiveKnowledge.load(tmp_path).current.index
    assert [r.id for r in lookup("Zwolle", index, semantic=Semantic(None)).results] == ["ijsselhof"]   # who is there
    train = lookup("Hoe laat gaat de laatste trein van Utrecht naar Zwolle?", index, semantic=Semantic(None))
    assert train.results == []                         # the places are not what is asked


def _one_organisation(tmp_path, organisation: tuple[str, str], examples: dict[str, tuple[str, str]]):
    """The index of a knowledge of one organisation (id, name) and its examples (id -> title, summary)."""
    org_id, name = organisation
    (tmp_path / "organisations.yaml").write_text(
        f"organisations:\n  - id: {org_id}\n    name: {name}\n    kind: zorgaanbieder\n", encoding="utf-8")
    (tmp_path / "examples.yaml").write_text("examples:\n" + "".join(
        f"  - id: {id_}\n    title: {title}\n    organisation: {org_id}\n    summary: {summary}\n"
        for id_, (title, summary) in examples.items()), encoding="utf-8")
    return LiveKnowledge.load(tmp_path).current.index


def _found(question: str, index) -> list[str]:
    return [r.id for r in lookup(question, index, semantic=Semantic(None)).results]


def test_a_name_is_matched_whole_not_by_the_words_inside_it(tmp_path):
    index = _one_organisation(tmp_path, ("heuvelzorg", "Heuvelzorg"), {
        "nacht": ("Rust in de nacht", "Goede zorg zonder rondes."),
        "heuvel": ("Wandelen op de heuvel", "Elke dag naar buiten.")})
    assert _found("zorg", index) == ["nacht"]                    # not all of Heuvelzorg
    assert _found("Heuvelzorg", index)[0] == "heuvelzorg"


def test_a_compound_written_apart_is_the_one_word_the_knowledge_writes(tmp_path):
    index = _one_organisation(tmp_path, ("meerwende", "De Meerwende"), {
        "werkplaats": ("Een werkplaats in de oude garage", "Bewoners klussen er met vrijwilligers."),
        "gemeente": ("Samenwerken met de gemeente", "Vaste afspraken over de plaats van bewoners in de wijk.")})
    # not the example with "samenwerken" and "plaats"
    assert _found("Wie heeft ervaring met een werk plaats voor bewoners?", index) == ["werkplaats"]


def test_a_word_the_knowledge_writes_apart_may_be_asked_as_one(tmp_path):
    index = _one_organisation(tmp_path, ("meerwende", "De Meerwende"), {
        "app": ("Een familie-app voor foto's uit de huiskamer", "Berichtjes in plaats van bellen."),
        "deuren": ("Open deuren op de gesloten afdeling", "Bewoners lopen vrij de tuin in."),
        "beleid": ("Familiebeleid met vaste afspraken", "Beleid voor het bezoek in de avond.")})
    assert _found("Wie heeft ervaring met een familieapp?", index) == ["app"]     # "app" is too short a part
    assert _found("Wie heeft een opendeurenbeleid?", index)[0] == "deuren"        # a part written apart


async def test_a_compound_is_about_its_known_first_part_not_a_known_last_one(chat):
    [solar] = await chat.say("!vraag zonnepanelen")          # a kind of panel, not the kwaliteitspanel
    assert "Ik vond niemand" in solar.text
    [office] = await chat.say("!vraag zorgkantoormedewerkers")       # about the zorgkantoor
    assert "Ik vond niemand" not in office.text


def test_a_slip_in_a_long_word_is_repaired_even_where_its_letters_split_into_known_words(tmp_path):
    index = _one_organisation(tmp_path, ("hofvaneeden", "Hof van Eeden"), {      # "eden" stems as "eding" does
        "eetmomenten": ("Eten op elk moment", "Minder bewoners met ondervoeding sinds er vaker iets kleins is."),
        "nacht": ("Rust in de nacht", "Minder rondes, onderzocht met de nachtdienst.")})
    # "ondervoding" is one letter from ondervoeding, not "ondervo" + ding
    assert _found("Hoe pakken jullie ondervoding aan?", index) == ["eetmomenten"]


def test_a_real_word_the_knowledge_lacks_is_no_misspelling_of_one_it_holds(tmp_path):
    index = _one_organisation(tmp_path, ("hofvaneeden", "Hof van Eeden"), {
        "kast": ("Een eigen kastje op de kamer", "Bewoners bewaren hun spullen tussen de bezoeken."),
        "thuis": ("Zorg thuis", "Wie nog thuis woont, krijgt de wijkverpleging.")})
    assert _found("Wie heeft een katje op de afdeling?", index) == []      # a kitten, not a kastje
    assert _found("Hoe sussen jullie onrust?", index) == []                 # sussen is no slip of tussen
    assert _found("Wie heeft een kastej?", index) == ["kast"]               # a swap in a word it holds still is


def test_a_known_phrase_of_common_words_is_more_specific_than_either_word(sample_state):
    """"care office" is a zorgkantoor: read as specific as "office", it weighed as filler."""
    [phrase] = sample_state.current.index._concepts("care office")
    assert phrase.specificity > max(specificity("care"), specificity("office")) + 0.1


def test_a_compound_part_is_a_word_not_a_tail_that_only_stems_like_one():
    assert _split("ondervoeding", {"eeden"}, {"eed"}) is None     # "eding" is no word, though it stems as Eeden
    assert _split("nachtdienst", {"dienst"}, {"dienst"}) == ("nacht", "dienst")
    assert _split("spelletjes", {"spel"}, {"spel", "let"}) is None     # small games, no "letjes" (letten, letsel)
    assert _split("stalletje", {"stal"}, {"stal", "let"}) is None


def test_a_verb_no_entry_writes_says_what_to_do_not_what_it_is_about(tmp_path):
    index = _one_organisation(tmp_path, ("maasoever", "Maasoever"), {
        "gesprek": ("Een gesprek met familie in plaats van vastzetten", "Geen gordel meer zonder overleg."),
        "raad": ("Een cliëntenraad die op de afdelingen luistert", "De raad praat maandelijks met bewoners."),
        "familie": ("Mantelzorgers als vaste gasten", "Familie eet mee en helpt bij de dagbesteding.")})
    assert _found("Wie weet iets van het afbouwen van fixatie?", index)[0] == "gesprek"    # vastzetten is fixatie
    assert _found("Hoe regelen jullie het parkeren voor mantelzorgers?", index) == []    # parking, not mantelzorgers
    betrekken, raad = index._concepts("Hoe betrekken jullie de cliëntenraad?")
    assert betrekken.specificity == specificity("betrekken") / 2 and raad.specificity == specificity("cliëntenraad")
    [parkeren, mantelzorgers] = index._concepts("het parkeren voor mantelzorgers")
    assert parkeren.specificity == specificity("parkeren")


def test_a_known_phrase_the_knowledge_never_writes_is_read_as_its_most_specific_word(tmp_path):
    index = _one_organisation(tmp_path, ("erve", "De Erve"), {
        "opvang": ("Kinderopvang onder hetzelfde dak", "Peuters en bewoners zingen samen."),
        "maatjes": ("Maatjes in het verpleeghuis", "Vrijwilligers uit de buurt komen op bezoek.")})
    # "crèche in het verpleeghuis" is a thesaurus phrase, and no entry writes the two together
    assert _found("Wie heeft een crèche in het verpleeghuis?", index) == ["opvang"]
