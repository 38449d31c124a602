"""The one place that knows the handlers: every capability's Route, in the
order free text is offered to them."""

from __future__ import annotations

from bot.routing import Route
from handlers import ask, help

ROUTES: list[Route] = [ask.ROUTE, help.ROUTE]
