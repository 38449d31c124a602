"""Turning Dutch (and English) text into comparable word stems.

Members type without accents, in plural or singular, in Dutch or English; the
knowledge is written by admins with accents and compounds. Folding accents,
dropping function words and stemming both sides makes them meet; a word the
stemmer cannot bring home (woont and wonen, gestorven and sterven, zware and
zwaar) is first read as its dictionary form.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import Stemmer
from simplemma.strategies.dictionary_lookup import DictionaryLookupStrategy

from bot.core.text import fold, words

_WORD2_RE = re.compile(r"[a-z0-9]{2,}")
_stemmer = Stemmer.Stemmer("dutch")
_lemmas = DictionaryLookupStrategy()     # simplemma's Dutch form -> lemma table, loaded on first use
FILLER_ZIPF = 5.0   # words this common (deed, kwam, ging) are filler: read as doen, komen, gaan they
                    # only add matches that mean nothing, so they keep their own form
VERB_PREFIXES = ("aan", "af", "be", "er", "her", "in", "mee", "na", "om", "on", "op", "over", "onder", "toe",
                 "uit", "ver", "voor", "weg")
MAX_WORD = 40       # longer runs of letters are no words anyone searches for: left out, so the
                    # compound and typo work on a question's words (and the stem cache) stay bounded

# Function words and the words people use to *ask* (not what they ask about).
# Generic Dutch and English only: nothing here may name a topic of the network.
STOPWORDS = frozenset("""
de het een en of van in te op aan met als voor bij tot uit door over naar om onder tegen na
dat die dit deze der den des daar hier er wat wie waar wanneer hoe welke welk waarom
ik jij je u hij zij ze wij we jullie hun hen hem haar mij me mijn ons onze uw zijn jouw zich zelf
is was waren ben bent zijn wordt worden werd geweest heeft hebben had hadden heb hebt
kan kunnen kon konden zal zou zullen moet moeten mag mogen wil willen wilde
niet geen wel ook nog al toch dan dus maar want omdat zo nu ja nee eens reeds altijd
iets niets alles veel meer andere ander iemand niemand mensen persoon personen
ervaring ervaringen ervaren kennis kennen ken kent weet weten wist
helpen hulp help tips tip advies idee ideeen vraag vragen zoek zoeken zoekt graag
gedaan gewerkt bezig gehad mee rond rondom omtrent betreft aangaande onderwerp
voorbeeld voorbeelden praktijkvoorbeeld praktijkvoorbeelden iemands
the a an and of to for with in on at by from about into as is are was were be been
who whom whose what which how where when why that this these those there here it its
i me my we us our you your he she they them their his her
has have had having do does did can could would should will shall may might must
anyone anybody someone somebody anything something people person
experience experiences experienced knowledge know knows knew knowing expertise expert experts
help helping tips tip advice ideas idea question questions looking
regarding concerning any some more other examples example
""".split())


PLACE_ENDINGS = ("erij", "erijen")     # the place or trade of an activity, not the activity itself


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball's Dutch stem, also taking off an -s it leaves (surveys, nachts):
    applied to both sides alike, so it only has to be consistent.

    Snowball takes "ge" off the front as a participle's ("gemaakt" is maak, as in
    maken), but nouns lost it too: gezondheid became zon, gezin zin, gemeente
    meen. A word that does not end as a participle does (-d, -t; -heid is a noun)
    keeps it, and so do its plural forms (gezinnen, gemeenten); so does one whose rest is
    a headword, not a verb form (gebed, gerecht: bed, recht; gemaakt's rest maakt is maken).

    Snowball only cuts endings, so it leaves verb forms (regelt/regelen, meldt/melden),
    strong verbs (stierf, gestorven/sterven) and adjectives (zware/zwaar) apart; a word is
    first read as its lemma when the dictionary knows it."""
    word = _lemma(word)
    if word.endswith(PLACE_ENDINGS):       # a wasserij is no wassen, a boerderij no boer
        return word.removesuffix("en")
    stemmed = _stemmer.stemWord(word)
    if stemmed.endswith("s") and len(stemmed) > 4:
        stemmed = _stemmer.stemWord(stemmed[:-1])
    if (word.startswith("ge") and not stemmed.startswith("ge") and len(word) >= 5
            and (word.endswith("heid") or not word.endswith(("d", "t")) or _headword(word[2:]))):
        stemmed = "ge" + stemmed
    return stemmed


def _headword(word: str) -> bool:
    """A word the dictionary holds as its own lemma (bed, recht, dicht): "ge" before it makes a
    noun (gebed, gerecht, gedicht), where before a verb form (maakt, bracht) it makes a participle."""
    return _lemmas.get_lemma(word, "nl") == word


def _lemma(word: str) -> str:
    """The dictionary form of a Dutch word, or the word itself when it is filler or unknown."""
    if _zipf_table().get(word, 0.0) >= FILLER_ZIPF:
        return word
    found = (_lemmas.get_lemma(word, "nl") or "").replace("_", "")     # af_spreken: a separable verb
    if not (found.isalpha() and found.islower()):
        return word
    # The table also holds forms of verbs with a prefix the word lacks: gewassen as aanwassen, geweten
    # (a conscience) as verwijten, vaart as ervaren; a lemma may drop the word's ge-, never add a prefix.
    bare = word.removeprefix("ge")
    added = next((p for p in VERB_PREFIXES if found.startswith(p) and not bare.startswith(p)
                  and not word.startswith(p)), None)
    return word if added else found


def content_words(text: str) -> list[str]:
    """Folded words without function/asking words (and without "words" over MAX_WORD)."""
    return [w for w in words(text) if is_content(w)]


def is_content(word: str) -> bool:
    """A folded word that says something: no function/asking word, no run over MAX_WORD."""
    return 1 < len(word) <= MAX_WORD and word not in STOPWORDS


def content_word_set(text: str) -> set[str]:
    """The distinct content words of a text, in C-level set operations (for indexing)."""
    return set(_WORD2_RE.findall(fold(text))) - STOPWORDS


RARE_ZIPF = 3.0     # a word missing from the list is at least this rare


@cache
def _zipf_table() -> dict[str, float]:
    table = {}
    with open(Path(__file__).with_name("common_words.txt"), encoding="utf-8") as lines:
        for line in lines:
            if not line.startswith("#"):
                word, tenfold = line.split()
                table[word] = int(tenfold) / 10
    return table


def specificity(word: str) -> float:
    """How much a word says about a topic, from how common it is in everyday language.

    "zien", "laten", "zorg" fill a question; "mondzorg", "addendum" are its
    subject. 1.0 for rare words down to 0.15 for the most common ones.
    """
    zipf = _zipf_table().get(word, RARE_ZIPF)
    return min(1.0, max(0.15, (6.0 - zipf) / 2.5))


def is_common(word: str) -> bool:
    """An everyday word, spelled right: not a typo to repair."""
    return word in _zipf_table()


def is_verb(word: str) -> bool:
    """An infinitive or a present-tense form by the lemma dictionary (betrekken, afbouwen,
    voorbereidt), not a participle (berekend, ingericht, opgesloten): in "hoe wordt het
    berekend" the participle is what is asked. The dictionary also gives nouns a verb's
    lemma (vos as vossen), so the word's own shape must be a verb's too."""
    lemma = _lemmas.get_lemma(word, "nl")
    if not lemma or word.startswith("ge") or word.endswith("d"):
        return False
    separable = "_" in lemma         # af_bouwen: only its infinitive is one word
    lemma = lemma.replace("_", "")
    return ((word == lemma and word.endswith("en"))
            or (not separable and word.endswith("t") and lemma.endswith("en") and len(word) < len(lemma)))


def is_dutch(word: str) -> bool:
    """A word of Dutch as the lemma dictionary holds it, however rare: spelled right, so not a
    typo to repair (katje is no kastje, sussen no tussen, tukje no stukje)."""
    return is_common(word) or _lemmas.get_lemma(word, "nl") is not None
