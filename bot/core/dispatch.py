"""From a message to one handler: commands, natural questions, roles.

Handlers describe themselves with a Route (their command words, whether they
recognise free text, who may use them); handlers/__init__.py lists the routes, and
this module never names a handler.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Awaitable, Callable, Protocol

from bot.config import Config
from bot.core.dates import utc_now
from bot.core.foreground import FOREGROUND
from bot.core.formatting import Code, simple
from bot.core.language import guess_language
from bot.core.messages import Message, Reply, Role
from bot.core.text import tidy

if TYPE_CHECKING:      # only named: the dispatcher must not load the matcher for every transport
    from bot.matching.live import LiveKnowledge, Snapshot
    from bot.matching.watch import Reload
    from bot.store.pledges import Pledges
    from bot.store.unanswered import UnansweredQuestions

log = logging.getLogger(__name__)
_COMMAND_RE = re.compile(r"^\s*!([A-Za-z][\w-]*)\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Request:
    """A message as a handler sees it: which command, its argument, who, which language."""

    message: Message
    command: str        # the command word used, or "" for free text
    args: str
    lang: str           # "nl" | "en": the language to answer in
    role: Role


class Operations(Protocol):
    """What a running bot lets its admins do and see."""

    async def reload(self) -> Reload:
        """Validate the knowledge directory and make it live when it is valid."""

    async def status(self) -> list[tuple[str, str]]:
        """(label, value) lines: version, uptime, knowledge, rooms, queue, … in that order."""


class LastAsked:
    """What each asker last asked about in each room, and how many pages of "meer" they have
    seen of it, so that a follow-up knows what it is about and shows what it has not yet shown.
    In memory and bounded (least recently asked go first): after a restart a follow-up asks for
    the topic again."""

    def __init__(self, capacity: int = 1_000) -> None:
        self._capacity = capacity
        self._topics: OrderedDict[tuple[str, str], tuple[str, int]] = OrderedDict()

    def remember(self, message: Message, topic: str) -> None:
        key = (message.room_id, message.sender)
        self._topics[key] = (topic, 0)
        self._topics.move_to_end(key)
        while len(self._topics) > self._capacity:
            self._topics.popitem(last=False)

    def of(self, message: Message) -> str:
        return self._topics.get((message.room_id, message.sender), ("", 0))[0]

    def next_page(self, message: Message) -> tuple[str, int]:
        """The last topic and the page of "meer" to show now (1 the first time), counted as seen."""
        key = (message.room_id, message.sender)
        topic, seen = self._topics.get(key, ("", 0))
        if topic:
            self._topics[key] = (topic, seen + 1)
        return topic, seen + 1


@dataclass
class Context:
    """What handlers may use; passed in, so tests and the console build their own."""

    config: Config
    knowledge: LiveKnowledge
    routes: list["Route"]
    clock: Callable[[], datetime] = utc_now      # "now", injected: the agenda and the tests' own moment
    pledges: Pledges | None = None               # the needs and offers; None where there is no store
    operations: Operations | None = None         # reload and status, where a running bot offers them
    unanswered: UnansweredQuestions | None = None   # the knowledge gaps, where there is a store
    last_asked: LastAsked = field(default_factory=LastAsked)   # per room and asker, for follow-ups
    shown: int | None = None     # people, examples and organisations an answer shows (`ask --limit`); None: chat's few

    @property
    def snapshot(self) -> Snapshot:
        return self.knowledge.current


Handler = Callable[[Request, Context], Awaitable[list[Reply]]]


class Recogniser(Protocol):
    def __call__(self, text: str) -> tuple[str, str] | None:
        """(argument, language) if the free text is for this route."""


@dataclass(frozen=True)
class Route:
    name: str
    handler: Handler
    commands: dict[str, str]                  # command word -> language it implies ("" = guess)
    min_role: Role = Role.STRANGER
    natural: Recogniser | None = None         # recognises free text in any room ...
    natural_when_addressed: bool = False      # ... or only when said to the bot (a DM, a mention)
    addressed_default: bool = False           # takes free text said straight to the bot (DM)
    summary: dict[str, str] = field(default_factory=dict)   # lang -> one line for !help


_DENIED = {
    Role.MEMBER: {"nl": "Dit is alleen voor leden van het netwerk.", "en": "This is for network members only."},
    Role.COORDINATOR: {"nl": "Dit is alleen voor coördinatoren.", "en": "This is for coordinators only."},
    Role.ADMIN: {"nl": "Dit is alleen voor beheerders.", "en": "This is for admins only."},
}
_UNKNOWN = {"nl": ("Dat commando ken ik niet: ", ". Typ ", " voor wat ik kan."),
            "en": ("I don't know that command: ", ". Type ", " to see what I can do.")}
_MEANT = {"nl": (" (bedoel je ", "?)"), "en": (" (did you mean ", "?)")}
_FAILED = {"nl": "Er ging iets mis bij het beantwoorden. De beheerder kan het in het logboek terugvinden.",
           "en": "Something went wrong while answering. The admin can find it in the log."}


RoleOf = Callable[[Message], Awaitable[Role]]     # how a transport tells who is asking


@dataclass(frozen=True)
class _Pick:
    """Which route a message is for (None: an unknown command), and with what."""

    route: Route | None
    command: str
    args: str
    lang: str


class Dispatcher:
    def __init__(self, context: Context, role_of: RoleOf) -> None:
        self.context = context
        self.role_of = role_of
        self._by_command = {word: route for route in context.routes for word in route.commands}

    async def dispatch(self, message: Message) -> list[Reply]:
        """The replies for one message; empty when it was not for the bot."""
        with FOREGROUND.serving():          # background work steps aside meanwhile
            return await self._dispatch(message)

    async def _dispatch(self, message: Message) -> list[Reply]:
        picked = self._pick(message)
        if picked is None:
            return []
        route, command, args, lang = picked.route, picked.command, picked.args, picked.lang
        if route is None:
            # Other bots share the "!" prefix: in a room, only speak up for a near miss.
            close = difflib.get_close_matches(command, self._by_command, n=1, cutoff=0.6)
            if not (close or message.addressed):
                return []
            head, middle, tail = _UNKNOWN[lang]
            hint = [_MEANT[lang][0], Code("!" + close[0]), _MEANT[lang][1]] if close else []
            shown = command if len(command) <= 40 else command[:39] + "…"     # never a wall of someone's text
            return [simple(head, Code("!" + shown), *hint, middle, Code("!help"), tail)]
        role = await self.role_of(message)
        if role < route.min_role:
            return [simple(_DENIED[route.min_role][lang])]
        request = Request(message, command, args, lang, role)
        try:
            return await route.handler(request, self.context)
        except Exception:
            log.exception("handler failed", extra={"route": route.name, "event_id": message.event_id, "room_id": message.room_id})
            return [simple(_FAILED[lang])]

    def _pick(self, message: Message) -> _Pick | None:
        text = tidy(message.text)      # every transport's text, cleaned and bounded in one place
        command = _COMMAND_RE.match(text)
        if command:
            word, args = command.group(1).lower(), command.group(2).strip()
            route = self._by_command.get(word)
            implied = route.commands[word] if route else ""
            return _Pick(route, word, args, implied or guess_language(args or text))
        for route in self.context.routes:
            if (route.natural and (message.addressed or not route.natural_when_addressed)
                    and (found := route.natural(text))):
                return _Pick(route, "", *found)
        if message.addressed and text:
            for route in self.context.routes:
                if route.addressed_default:
                    return _Pick(route, "", text, guess_language(text))
        return None
