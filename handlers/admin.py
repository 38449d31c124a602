"""For admins and coordinators: `!herlaad`/`!reload` the knowledge, `!status` of the running bot.

A reload validates the whole directory first; when it is invalid nothing
changes, the bot keeps answering from the last good knowledge, and the admin
gets every FILE:LINE problem.
"""

from __future__ import annotations

import logging

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Bold, Code, ReplyBuilder, simple
from bot.core.messages import Reply, Role
from bot.knowledge.diff import summary

SHOWN_PROBLEMS = 20     # a broken edit can have hundreds: the first ones point at the cause
audit = logging.getLogger("bot.audit")

_T = {
    "nl": {"reloaded": "Kennis herladen: ", "kept": "Kennis niet herladen: ik werk verder met de vorige. Problemen:",
           "more": "… en nog {} (", "more2": " toont alles)", "status": "Status van Verbinder",
           "unavailable": "Dat kan alleen in de draaiende bot, niet hier."},
    "en": {"reloaded": "Knowledge reloaded: ", "kept": "Knowledge not reloaded: I keep working with the last good "
           "one. Problems:", "more": "… and {} more (", "more2": " shows all)", "status": "Verbinder's status",
           "unavailable": "That works in the running bot only, not here."},
}


async def status(request: Request, context: Context) -> list[Reply]:
    t = _T[request.lang]
    if context.operations is None:
        return [simple(t["unavailable"])]
    lines = [[[Bold(label), f": {value}"]] for label, value in await context.operations.status()]
    return [ReplyBuilder().para(Bold(t["status"])).items(lines).build()]


async def reload(request: Request, context: Context) -> list[Reply]:
    t = _T[request.lang]
    if context.operations is None:
        return [simple(t["unavailable"])]
    audit.info("reload asked", extra={"actor": request.message.sender, "room_id": request.message.room_id})
    result = await context.operations.reload()
    if result.ok:
        return [simple(t["reloaded"], summary(result.changes))]
    return [problems_reply(result.problems, request.lang)]


def problems_reply(problems: list, lang: str) -> Reply:
    """Every FILE:LINE: message of a rejected reload, the first SHOWN_PROBLEMS of them."""
    t = _T[lang]
    reply = ReplyBuilder().para(t["kept"]).items([[[Code(str(p))]] for p in problems[:SHOWN_PROBLEMS]])
    if len(problems) > SHOWN_PROBLEMS:
        reply.para(t["more"].format(len(problems) - SHOWN_PROBLEMS), Code("python -m bot validate"), t["more2"])
    return reply.build()


RELOAD = Route(
    name="reload",
    handler=reload,
    commands={"herlaad": "nl", "reload": "en"},
    min_role=Role.ADMIN,
    summary={"nl": "!herlaad — de kennis opnieuw inlezen (beheerders)", "en": "!reload — read the knowledge again (admins)"},
)
STATUS = Route(
    name="status",
    handler=status,
    commands={"status": ""},
    min_role=Role.COORDINATOR,
    summary={"nl": "!status — hoe de bot ervoor staat (coördinatoren)", "en": "!status — how the bot is doing (coordinators)"},
)
