"""Help: what the bot can do, in the asker's language, built from the routes themselves."""

from __future__ import annotations

import re

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import ReplyBuilder
from bot.core.messages import Reply
from bot.core.text import tidy

_INTRO = {
    "nl": "Ik ben Verbinder, de bot van het netwerk Radicale vernieuwing verpleeghuiszorg. Ik zoek mensen en praktijkvoorbeelden bij je vraag.",
    "en": "I am Verbinder, the bot of the network Radicale vernieuwing verpleeghuiszorg. I find people and practice examples for your question.",
}
_COORDINATORS = {"nl": "Coördinatoren van het netwerk: ", "en": "The network's coordinators: "}
HELP_COMMAND = "help"       # the one other replies point to (answered in English; !hulp in Dutch)
_NAMED = {"nl": "hulp", "en": HELP_COMMAND}     # the command as the overview names it


_WHAT_CAN_YOU_DO = [(re.compile(r"\b(?:wat\s+(?:kun|kan|kunt|doe)\s+(?:je|jij|u)(?:\s+(?:allemaal|doen|voor\s+mij|precies"
                               r"|eigenlijk|zoal))*|(?:wie|wat)\s+ben\s+(?:je|jij|u)(?:\s+eigenlijk)?"
                               r"|hoe\s+werkt\s+(?:dit|dat|het|deze\s+bot|de\s+bot|jij)(?:\s+eigenlijk)?"
                               r"|ben\s+(?:je|jij|u)\s+een\s+(?:robot|bot|mens|computer)"
                               r"|welke\s+commando'?s\s+(?:zijn\s+er|ken\s+je|heb\s+je))\s*\??$"
                               r"|^\s*(?:help|hulp)(?:\s+(?:mij|nodig|graag))?\s*[?!.]*$", re.I), "nl"),    # "help" alone: Dutch first
                    (re.compile(r"\b(?:what\s+(?:can|do)\s+you\s+do|(?:who|what)\s+are\s+you|how\s+does\s+(?:this|it|the\s+bot)"
                                r"\s+work|are\s+you\s+a\s+(?:bot|robot|human|person)|what\s+commands\s+(?:are\s+there|do\s+you\s+know))"
                                r"\s*\??$|^\s*help\s+(?:me|please)\s*[?!.]*$", re.I), "en")]


def recognise(text: str) -> tuple[str, str] | None:
    """"Wat kun je?" / "what can you do?", said to the bot: the overview."""
    text = tidy(text)
    return next((("", lang) for pattern, lang in _WHAT_CAN_YOU_DO if pattern.search(text)), None)


async def handle(request: Request, context: Context) -> list[Reply]:
    lang = request.lang
    lines = [[route.summary[lang] + _other_names(route, lang)] for route in context.routes
             if route.summary.get(lang) and request.role >= route.min_role]
    reply = ReplyBuilder().para(_INTRO[lang]).items(lines)
    if context.config.coordinators:
        reply.para(_COORDINATORS[lang], ", ".join(context.config.coordinators))
    return [reply.build()]


def _other_names(route: Route, lang: str) -> str:
    """The route's commands in the other language, so a member who reads one finds the other."""
    other = [f"!{word}" for word, implied in route.commands.items() if implied and implied != lang]
    return f" ({', '.join(other)})" if other else ""


ROUTE = Route(
    name="help",
    handler=handle,
    commands={HELP_COMMAND: "en", _NAMED["nl"]: "nl", "start": ""},
    natural=recognise,
    natural_when_addressed=True,
    summary={"nl": f"!{_NAMED['nl']} — dit overzicht", "en": f"!{_NAMED['en']} — this overview"},
)
