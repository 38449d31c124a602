"""Knowledge gaps for coordinators: `!gaten [dagen]` / `!gaps [days]` — what was asked and not answered."""

from __future__ import annotations

from datetime import timedelta

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import simple
from bot.core.messages import Reply, Role
from bot.matching.gaps import gaps
from bot.scheduler.texts import gaps_report

PERIOD_DAYS = 30

_T = {
    "nl": {"title": "Onbeantwoorde vragen van de laatste {} dagen", "none": "Geen onbeantwoorde vragen in de laatste {} dagen.",
           "unavailable": "Dat kan alleen in de draaiende bot, niet hier."},
    "en": {"title": "Unanswered questions of the last {} days", "none": "No unanswered questions in the last {} days.",
           "unavailable": "That works in the running bot only, not here."},
}


async def handle(request: Request, context: Context) -> list[Reply]:
    t = _T[request.lang]
    if context.unanswered is None:
        return [simple(t["unavailable"])]
    days = int(request.args) if request.args.strip().isdigit() and 0 < int(request.args) <= 3660 else PERIOD_DAYS
    asked = await context.unanswered.since(context.clock() - timedelta(days=days))
    found = gaps(q.topic for q in asked)
    if not found:
        return [simple(t["none"].format(days))]
    return [gaps_report(found, t["title"].format(days), request.lang)]


ROUTE = Route(
    name="gaps",
    handler=handle,
    commands={"gaten": "nl", "gaps": "en"},
    min_role=Role.COORDINATOR,
    summary={"nl": "!gaten [dagen] — wat er gevraagd is en niemand kon beantwoorden (coördinatoren)",
             "en": "!gaps [days] — what was asked that nobody could answer (coordinators)"},
)
