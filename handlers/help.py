"""Help: what the bot can do, in the asker's language, built from the routes themselves."""

from __future__ import annotations

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import ReplyBuilder
from bot.core.messages import Reply

_INTRO = {
    "nl": "Ik ben Verbinder, de bot van het netwerk Radicale vernieuwing verpleeghuiszorg. Ik zoek mensen en praktijkvoorbeelden bij je vraag.",
    "en": "I am Verbinder, the bot of the network Radicale vernieuwing verpleeghuiszorg. I find people and practice examples for your question.",
}
_COORDINATORS = {"nl": "Coördinatoren van het netwerk: ", "en": "The network's coordinators: "}
HELP_COMMAND = "help"       # understood in either language: the one other replies point to
_NAMED = {"nl": "hulp", "en": HELP_COMMAND}     # the command as the overview names it


async def handle(request: Request, context: Context) -> list[Reply]:
    lang = request.lang
    lines = [[route.summary[lang]] for route in context.routes
             if route.summary.get(lang) and request.role >= route.min_role]
    reply = ReplyBuilder().para(_INTRO[lang]).items(lines)
    if context.config.coordinators:
        reply.para(_COORDINATORS[lang], ", ".join(context.config.coordinators))
    return [reply.build()]


ROUTE = Route(
    name="help",
    handler=handle,
    commands={HELP_COMMAND: "", _NAMED["nl"]: "nl", "start": ""},
    summary={"nl": f"!{_NAMED['nl']} — dit overzicht", "en": f"!{_NAMED['en']} — this overview"},
)
