"""The bot's capabilities, one module each: `async handle(request, context) -> list[Reply]`.

ROUTES lists every capability's Route, in the order free text is offered to
them; only the composition root (bot/app.py) reads it.
"""

from __future__ import annotations

from bot.core.dispatch import Route
from handlers import admin, agenda, ask, gaps, help, pledges, smalltalk

ROUTES: list[Route] = [ask.ROUTE, ask.MORE, agenda.ROUTE, smalltalk.ROUTE, agenda.ASKED, pledges.ROUTE, pledges.EXPORT, admin.RELOAD, admin.STATUS, gaps.ROUTE, help.ROUTE]
