"""Recognising "who has experience with X?" and pulling out X.

In a busy room the bot must only speak when asked, so natural questions are
recognised by their asking form; the topic is what follows it. The form also
tells the language to answer in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import string

from bot.core.language import GREETINGS, guess_language
from bot.core.text import tidy

MAX_TOPIC = 200     # characters of a topic that are searched; a longer one is cut at a word
ASK_COMMAND = {"nl": "vraag", "en": "ask"}      # the ask command's word per language: the route's and replies' too


@dataclass(frozen=True)
class Question:
    topic: str
    lang: str              # "nl" | "en"
    shortened: bool = False  # the topic was longer than MAX_TOPIC: only its start is searched


_ANYONE_NL = r"(?:iemand|er\s+iemand|jullie|mensen)"
# "ken je iemand die ervaring heeft met X?", "ik zoek iemand die kan helpen met X": X is the topic, not
# "ervaring heeft met X"; asked so ("er zijn mensen die ..." is said, not asked)
_LOOKING_NL = r"(?:(?:(?:ik|wij|we)\s+)?(?:zoek|zoeken)|(?:ik\s+ben|wij\s+zijn|we\s+zijn)\s+op\s+zoek\s+naar)"
_WHO_NL = (rf"(?:(?:ken|kent|kennen)\s+(?:je|jij|jullie|u|iemand)|{_LOOKING_NL}|(?:is|zijn)\s+er"
           r"|(?:weet|weten)\s+(?:je|jij|jullie|u|iemand))\s+(?:nog\s+)?"
           r"(?:iemand|mensen|een\s+organisatie|organisaties|een\s+collega|collega's)\s+die")
_TIPS_NL = r"(?:tips|ideeën|ideeen|voorbeelden|ervaringen)\s+(?:voor|met|over|van|bij|rond)"
_EXAMPLE_NL = r"(?:nog\s+)?(?:een\s+)?(?:goed\s+|mooi\s+)?(?:voorbeeld|voorbeelden)\s+(?:van|met|over|bij|rond)"
_FORMS_NL = [
    rf"{_WHO_NL}\s+(?:er\s+)?(?:al\s+)?(?:veel\s+|wat\s+)?(?:ervaring|kennis|verstand|expertise)\s+(?:heeft|hebben)\s+"
    r"(?:met|van|over|in|op\s+het\s+gebied\s+van)",
    rf"{_WHO_NL}\s+(?:er\s+)?(?:iets|meer|wat|veel|alles)?\s*(?:af\s+)?(?:weet|weten)\s+(?:van|over)",
    rf"{_WHO_NL}\s+(?:met\s+(?:mij|me|ons)\s+)?(?:mij|me|ons)?\s*(?:kan|kunnen|wil|willen)\s+"
    r"(?:helpen|adviseren|meedenken|sparren|meekijken|praten)\s+(?:met|bij|over)",
    r"wie\s+(?:van\s+jullie\s+)?(?:heeft|hebben|had)\s+(?:er\s+)?(?:al\s+)?(?:ervaring|kennis|verstand|tips|expertise)\s+(?:met|van|over|in|op\s+het\s+gebied\s+van)",
    rf"(?:heeft|hebben|had)\s+{_ANYONE_NL}\s+(?:al\s+)?(?:ervaring|kennis|verstand|tips|expertise)\s+(?:met|van|over|in|op\s+het\s+gebied\s+van)",
    rf"(?:weet|kent)\s+{_ANYONE_NL}\s+(?:iets|meer|wat|veel)?\s*(?:af\s+)?(?:van|over)",
    r"wie\s+(?:weet|kent)\s+(?:er\s+)?(?:iets|meer|wat|veel)?\s*(?:af\s+)?(?:van|over)",
    r"(?:ken|kent|kennen)\s+(?:je|jij|jullie|u|iemand)\s+(?:iemand|mensen|een\s+organisatie|organisaties)\s+(?:die|met)",
    r"wie\s+kan\s+(?:mij|me|ons)?\s*(?:helpen|verder\s+helpen|(?:iets\s+|meer\s+)?vertellen|adviseren)\s+(?:met|bij|over)",
    rf"(?:hebben|heeft)\s+{_ANYONE_NL}\s+(?:nog\s+)?{_TIPS_NL}",
    rf"(?:kent|kennen|weet|weten)\s+{_ANYONE_NL}\s+{_EXAMPLE_NL}",
    r"^(?:iemand\s+|wie\s+)?(?:nog\s+)?(?:ervaring|kennis|tips)\s+(?:met|van|over|rond)",
    rf"(?:kan|wil)\s+{_ANYONE_NL}\s+(?:mij|me|ons)?\s*(?:helpen|adviseren)\s+(?:met|bij|over)",
    rf"(?:kan|wil)\s+{_ANYONE_NL}\s+(?:mij|me|ons)?\s*(?:iets|meer|wat)?\s*vertellen\s+over",
    rf"{_LOOKING_NL}\s+(?:iemand|mensen|een\s+organisatie|informatie|ervaringen|tips|voorbeelden)\s+"
    r"(?:met\s+(?:ervaring|kennis)\s+(?:met|van|in|op\s+het\s+gebied\s+van)|die|voor|over|rond|met|van|bij)",
    r"wie\s+(?:is|zijn)\s+er\s+(?:bezig|actief)\s+met",
]
_FORMS_EN = [
    r"who\s+(?:has|have|had)\s+(?:any\s+)?(?:experience|expertise|knowledge)\s+(?:with|of|in|on|about)",
    r"(?:does|do|did)\s+(?:anyone|anybody|someone|somebody)\s+(?:have\s+(?:any\s+)?(?:experience|expertise|knowledge)\s+(?:with|of|in|on|about)|know\s+(?:anything\s+|something\s+|much\s+)?about)",
    r"(?:anyone|anybody|someone|somebody)\s+(?:with\s+(?:experience|expertise|knowledge)\s+(?:with|of|in|on)|who\s+knows\s+(?:anything\s+|something\s+)?about)",
    r"who\s+knows\s+(?:anything\s+|something\s+|much\s+|a\s+lot\s+)?(?:about|of)",
    r"who\s+can\s+(?:help|advise)\s+(?:me\s+|us\s+)?(?:with|on|about)",
    r"(?:who|(?:can|could)\s+(?:anyone|anybody|someone|somebody))\s+(?:can\s+)?tell\s+(?:me|us)\s+"
    r"(?:more\s+|something\s+|anything\s+)?about",
    r"(?:do\s+you\s+)?know\s+(?:anyone|anybody|someone|somebody)\s+(?:who|with|that)",
    r"i(?:'m|\s+am)\s+looking\s+for\s+(?:someone|people|anyone|information|examples|tips)\s+"
    r"(?:with\s+experience\s+(?:with|in)|who|for|on|about|with)",
    r"who\s+(?:is|are)\s+working\s+on",
    r"(?:is\s+there\s+)?(?:anyone|anybody|someone|somebody)\s+who\s+(?:has|have)\s+(?:worked|dealt)\s+(?:on|with)",
    r"(?:has|have)\s+(?:anyone|anybody|someone|somebody)\s+(?:here\s+)?(?:ever\s+)?(?:worked\s+on|dealt\s+with|tried)",
]
# Forms read only in a message said to the bot: in a room they are as often people asking each other
# ("heb jij tips voor ...", "weet iemand of de trein rijdt?", "wie werkt er morgen op de groep?").
_ADDRESSED_NL = [
    rf"(?:heb|hebt)\s+(?:je|jij|u)\s+(?:nog\s+)?{_TIPS_NL}",
    rf"(?:ken|weet)\s+(?:je|jij|u)\s+{_EXAMPLE_NL}",
    # "weet iemand hoe je ...": its "hoe" kept; only opening the message, for after a story the
    # "hoe ..." clause alone leaves out what it is about (the story is searched whole, as without a form)
    rf"^(?:weet|weten)\s+(?:{_ANYONE_NL}|je|jij|u)\s+(?=(?:hoe|wat|waar|of)\s)",
    r"wie\s+(?:werkt|werken)\s+(?:er\s+)?(?:bij|aan|met|op)",
]
_ADDRESSED_EN = [
    r"who\s+works?\s+(?:at|on|with|for)",
]


def _compiled(dutch: list[str], english: list[str]) -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(rf"(?:^|\b){form}\b\s*", re.IGNORECASE), lang)
            for forms, lang in ((dutch, "nl"), (english, "en")) for form in forms]


_NATURAL = _compiled(_FORMS_NL, _FORMS_EN)
_ADDRESSED = _compiled(_ADDRESSED_NL, _ADDRESSED_EN)
# The nouns a question turns on, typed with one slip ("erfaring", "experiance"): read as meant,
# or the whole sentence would be searched, frame and all. Only these: the rest of a form must
# still match exactly, so chatter with a near-word in it stays chatter.
_FRAME_NOUNS = ("ervaring", "expertise", "kennis", "verstand", "experience", "knowledge")
_NEAR_NOUN = re.compile(r"\b[a-zA-Z]{5,11}\b")    # one edit from a noun: 5 to 11 letters


def _slips(word: str) -> set[str]:
    """Every word one letter wrong, missing, extra or swapped away from `word`."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in cuts if b}
            | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
            | {a + c + b[1:] for a, b in cuts if b for c in string.ascii_lowercase}
            | {a + c + b for a, b in cuts for c in string.ascii_lowercase})


# a table, not a distance per word: recognition runs on every message in every room
_MENDED = {slip: noun for noun in _FRAME_NOUNS for slip in _slips(noun)} | {noun: noun for noun in _FRAME_NOUNS}
_ASK_COMMAND_RE = re.compile(rf"^\s*!({'|'.join(ASK_COMMAND.values())})\b\s*", re.IGNORECASE)
_TRAILING = " \n?!.,;:"    # stripped off a topic (rstrip: a regex here would be quadratic on "????…x")
# A short topic that points back ("daarvan afkomen", "dat slot eraf halen", "getting rid of it") is
# about what the message said before its asking form: "Mijn oma wordt 's nachts vastgezet. Wie heeft
# ervaring met daarvan afkomen?" is searched with its first sentence, which holds what it is about.
_POINTS_BACK = re.compile(r"\b(?:dat|dit|deze|die|daar\w*|er(?:mee|over|van|bij|aan|in|uit)|hier\w*|zoiets|zo'n"
                          r"|zulke|this|that|these|those|it|such)\b", re.IGNORECASE)
_SHORT = 6          # words: a longer topic that has such a word says what it is about itself
_JOIN = " — "       # between what came before and the topic: the reply quotes both


# What a message may open with that is no part of its topic: a greeting ("Hoi! Vorige week ..."), or
# setting the last question right ("sorry, ik bedoelde de inspectie" asks about de inspectie).
_GREETING = "|".join(sorted(GREETINGS["nl"] | GREETINGS["en"]))
_OPENING = re.compile(rf"^(?:(?:{_GREETING})(?:\s+(?:allemaal|iedereen|all|there|everyone|verbinder))?\s*[,!.:;]+\s*)*"
                      r"(?:(?:(?:sorry|nee|no|oh)\s*,?\s*)*(?:ik\s+bedoel(?:de)?|i\s+mean[t]?)\s+(?:eigenlijk\s+|actually\s+)?)?",
                      re.IGNORECASE)


def _without_opening(text: str) -> str:
    rest = text[_OPENING.match(text).end():]
    return rest if rest.strip(_TRAILING) else text


def parse_natural(text: str) -> Question | None:
    """The question in a free sentence, or None if it is not asking for expertise.

    Runs on every message in every room: on tidied text (single spaces, bounded
    length) each pattern is linear, whoever sent what."""
    text = _without_opening(tidy(text))
    found = _natural(text)
    if found is None:
        mended = _NEAR_NOUN.sub(_mend, text)
        found = _natural(mended) if mended != text else None
    return found


def _natural(text: str, forms: list[tuple[re.Pattern[str], str]] = _NATURAL) -> Question | None:
    for pattern, lang in forms:
        match = pattern.search(text)
        if match:
            rest = text[match.end():]
            topic = re.split(r"[?\n]", rest, maxsplit=1)[0].rstrip(_TRAILING).strip()
            before = text[:match.start()].strip()
            if topic and before and len(topic.split(" ")) <= _SHORT and _POINTS_BACK.search(topic):
                topic = _after(before, topic)
            if topic:
                return _bounded(topic, lang)
    return None


def _after(context: str, topic: str) -> str:
    """`topic` after as much of the end of `context` as fits in MAX_TOPIC, cut at a word."""
    room = MAX_TOPIC - len(topic) - len(_JOIN)
    if room <= 0:
        return topic
    kept = context[-room:]
    if len(context) > room and " " in kept:
        kept = kept.split(" ", 1)[1]
    kept = kept.rstrip(_TRAILING)
    return f"{kept}{_JOIN}{topic}" if kept else topic


def _mend(word: re.Match[str]) -> str:
    return _MENDED.get(word.group().lower(), word.group())


def parse_topic(text: str, lang: str | None = None) -> Question:
    """A question that is known to be one (a command's argument, a DM, the CLI)."""
    text = tidy(text)
    command = _ASK_COMMAND_RE.match(text)
    if command:
        text = text[command.end():]
        lang = lang or ("en" if command.group(1).lower() == ASK_COMMAND["en"] else None)
    text = _without_opening(text)
    natural = parse_natural(text) or _natural(text, _ADDRESSED)
    if natural:
        return natural if lang is None else replace(natural, lang=lang)
    return _bounded(text.rstrip(_TRAILING), lang or guess_language(text))


def _bounded(topic: str, lang: str) -> Question:
    if len(topic) <= MAX_TOPIC:
        return Question(topic, lang)
    cut = topic[:MAX_TOPIC]
    return Question((cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(_TRAILING), lang, shortened=True)
