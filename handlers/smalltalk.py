"""A kind word back: greetings and thanks said to the bot get a short friendly answer, not a failed search.

Only when said to the bot (a DM or a mention): in a room, "goedemorgen
allemaal" is for the people there.
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
# words that may stand beside a greeting or thanks without making it a question
_FILLER = frozenset("je jij u wel heel erg hartelijk veel allemaal iedereen verbinder bot you so much very all there "
                    "a lot ok oke okay prima".split())
_TEXT = {
    "nl": {"greeting": ["Hoi! Vraag me wie ervaring heeft met iets, bijvoorbeeld “wie heeft ervaring met "
                        "zorgkantoren?”. ", "!hulp", " laat alles zien wat ik kan."],
           "thanks": ["Graag gedaan! Succes ermee."]},
    "en": {"greeting": ["Hi! Ask me who has experience with something, for example “who has experience with "
                        "care offices?”. ", "!help", " shows everything I can do."],
           "thanks": ["You're welcome! Good luck with it."]},
}


def recognise(text: str) -> tuple[str, str] | None:
    said = set(words(tidy(text)))
    if not said:
        return "greeting", "nl"          # only the bot's name: it was called
    for kind, table in (("thanks", _THANKS), ("greeting", _GREETINGS)):
        for lang in ("nl", "en"):
            if said & table[lang] and said <= table[lang] | _THANKS[lang] | _GREETINGS[lang] | _FILLER:
                return kind, lang
    return None


async def handle(request: Request, context: Context) -> list[Reply]:
    lines = _TEXT[request.lang][request.args]
    if len(lines) == 1:
        return [simple(lines[0])]
    before, command, after = lines
    return [simple(before, Code(command), after)]


ROUTE = Route(
    name="smalltalk",
    handler=handle,
    commands={},
    natural=recognise,
    natural_when_addressed=True,
)
