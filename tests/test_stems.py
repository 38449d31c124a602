"""Stems: the forms of one word meet, and words that only look alike do not."""

from __future__ import annotations

import pytest

from bot.matching.normalise import is_verb, stem


@pytest.mark.parametrize("one, other", [("zorgkantoren", "zorgkantoor"), ("afspraken", "afspraak"),
                                        ("gemaakt", "maken"), ("geschrapt", "schrappen"),
                                        ("gezinnen", "gezin"), ("gemeenten", "gemeente"), ("gesprekken", "gesprek")])
def test_forms_of_one_word_meet(one: str, other: str):
    assert stem(one) == stem(other)


@pytest.mark.parametrize("noun, other", [("gezondheid", "zon"), ("gezin", "zin"), ("gemeente", "meen"),
                                         ("gedrag", "drag"), ("gebouw", "bouw")])
def test_a_noun_starting_with_ge_keeps_it(noun: str, other: str):
    assert stem(noun) != stem(other)


@pytest.mark.parametrize("noun, other", [("gebed", "bed"), ("gerecht", "recht"), ("gedicht", "dicht"),
                                         ("gewicht", "wicht")])
def test_a_noun_of_ge_and_a_word_ending_as_a_participle_does_keeps_it(noun: str, other: str):
    assert stem(noun) != stem(other) and stem(noun) == stem(noun + "en")      # gerechten: dishes, not rights


@pytest.mark.parametrize("place, activity", [("wasserij", "wassen"), ("drukkerij", "druk"), ("brouwerij", "brouwen")])
def test_the_place_of_a_trade_is_not_its_activity(place: str, activity: str):
    assert stem(place) != stem(activity) and stem(place) == stem(place + "en")


@pytest.mark.parametrize("form, lemma", [("woont", "wonen"), ("meldt", "melden"), ("organiseert", "organiseren"),
                                         ("gestorven", "sterven"), ("overleed", "overlijden"),
                                         ("zware", "zwaar"), ("regelt", "regelen"), ("afbouwt", "afbouwen"),
                                         ("opgelost", "oplossen"), ("teruggebracht", "terugbrengen")])
def test_a_form_the_stemmer_leaves_apart_meets_its_lemma(form: str, lemma: str):
    assert stem(form) == stem(lemma)


@pytest.mark.parametrize("word, other", [("vaart", "ervaren"), ("geweten", "verwijten"), ("gewassen", "aanwassen")])
def test_a_word_is_not_read_as_a_verb_with_a_prefix_it_lacks(word: str, other: str):
    assert stem(word) != stem(other)        # the lemma table's guesses; opgelost is still oplossen (above)


def test_the_commonest_words_keep_their_own_form():
    """"deed" read as doen would meet every entry that does something."""
    assert stem("deed") != stem("doen") and stem("kwam") != stem("komen")


@pytest.mark.parametrize("word", ["betrekken", "afbouwen", "voorbereidt", "controleren", "herkent"])
def test_infinitives_and_present_forms_are_verbs(word: str):
    assert is_verb(word)


@pytest.mark.parametrize("word", ["berekend", "ingericht", "opgesloten", "gestopt", "vos", "zwolle", "verkiezingen",
                                  "fixatie"])
def test_participles_and_nouns_are_not(word: str):
    """A participle is often what is asked ("hoe wordt het berekend"); the lemma table reads vos as vossen."""
    assert not is_verb(word)
