"""A kind word back: greetings and thanks said to the bot get a short friendly answer, not a failed search.

Only when said to the bot (a DM or a mention): in a room, "goedemorgen
allemaal" is for the people there. A greeting with a short word about
oneself ("Hoi! Ik ben nieuw hier.", "Hello, I'm Anne from Topaz") is a newcomer
saying hello, welcomed as such; one that asks or tells about something is a question.
"""

from __future__ import annotations

import re

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Code, simple
from bot.core.messages import Reply
from bot.core.text import tidy, words

_GREETINGS = {"nl": {"hoi", "hallo", "hey", "hee", "goedemorgen", "goedemiddag", "goedenavond", "dag", "hai"},
              "en": {"hi", "hello", "morning", "evening", "afternoon", "good"}}
_THANKS = {"nl": {"dank", "bedankt", "dankjewel", "dankuwel", "merci", "top", "super"},
           "en": {"thanks", "thank", "cheers", "great"}}
# a sentence that says who one is, per language; with none of _ASKING's words and at most INTRODUCTION words
_INTRODUCTION = {"nl": re.compile(r"^(?:ik\s+ben|ik\s+heet|mijn\s+naam\s+is|ik\s+werk\s+(?:bij|als|in|voor)|wij\s+zijn"
                                  r"|we\s+zijn)\b"),
                 "en": re.compile(r"^(?:i\s+am|i[’']m|my\s+name\s+is|i\s+work\s+(?:at|as|in|for)|we\s+are)\b")}
_ASKING = frozenset("zoek zoeken vraag vragen benieuwd wil willen wilt ervaring weet weten help helpen hulp kennis "
                    "looking wonder want need experience know question".split())
INTRODUCTION = 8
# words that may stand beside a greeting or thanks without making it a question
_FILLER = frozenset("je jij u wel heel erg hartelijk veel allemaal iedereen verbinder bot you so much very all there "
                    "a lot ok oke okay prima".split())
_INVITE = {"nl": ("Vraag me wie ervaring heeft met iets, bijvoorbeeld “wie heeft ervaring met zorgkantoren?”. ",
                  "!hulp", " laat alles zien wat ik kan."),
           "en": ("Ask me who has experience with something, for example “who has experience with care offices?”. ",
                  "!help", " shows everything I can do.")}
_OPENING = {"nl": {"greeting": "Hoi! ", "welcome": "Welkom! "}, "en": {"greeting": "Hi! ", "welcome": "Welcome! "}}
_THANKS_BACK = {"nl": "Graag gedaan! Succes ermee.", "en": "You're welcome! Good luck with it."}


def recognise(text: str) -> tuple[str, str] | None:
    said = set(words(tidy(text)))
    if not said:
        return "greeting", "nl"          # only the bot's name: it was called
    found = _kind_word(said)
    if found or "?" in text:
        return found
    first, *rest = (part.strip() for part in re.split(r"[.!,;:\n]+", tidy(text).lower()) if part.strip())
    greeting = _kind_word(set(words(first)))
    if not (greeting and greeting[0] == "greeting" and rest):
        return None
    introduced = [_introduces(part) for part in rest if not _kind_word(set(words(part)))]
    return ("welcome", introduced[0]) if introduced and all(introduced) else None


def _kind_word(said: set[str]) -> tuple[str, str] | None:
    """Thanks or a greeting, with nothing but filler beside it."""
    for kind, table in (("thanks", _THANKS), ("greeting", _GREETINGS)):
        for lang in ("nl", "en"):
            if said & table[lang] and said <= table[lang] | _THANKS[lang] | _GREETINGS[lang] | _FILLER:
                return kind, lang
    return None


def _introduces(sentence: str) -> str | None:
    """The language of a short sentence saying who one is ("ik ben nieuw hier"), or None."""
    said = words(sentence)
    if len(said) > INTRODUCTION or not _ASKING.isdisjoint(said):
        return None
    return next((lang for lang, form in _INTRODUCTION.items() if form.match(sentence)), None)


async def handle(request: Request, context: Context) -> list[Reply]:
    if request.args == "thanks":
        return [simple(_THANKS_BACK[request.lang])]
    before, command, after = _INVITE[request.lang]
    return [simple(_OPENING[request.lang][request.args] + before, Code(command), after)]


ROUTE = Route(
    name="smalltalk",
    handler=handle,
    commands={},
    natural=recognise,
    natural_when_addressed=True,
)
