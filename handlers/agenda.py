"""Agenda: what the network has coming — `!agenda [TERM]`, `!event ID`, "wanneer is de volgende bijeenkomst?"."""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from datetime import datetime, timedelta

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Bold, Code, ReplyBuilder
from bot.core.messages import Reply
from bot.core.text import fold, tidy, words
from bot.knowledge.model import Event, Knowledge
from bot.scheduler.texts import event_line
from handlers import ask

SHOWN = 5        # events listed at once; "… en N meer" says the rest

_T = {
    "nl": {"coming": "Op de agenda", "coming_for": "Op de agenda voor “{}”", "none": "Er staat niets op de agenda.",
           "none_for": "Ik vond niets op de agenda voor “{}”.", "more": "… en nog {}; zoek gericht met ", "narrow": "!agenda <woord>",
           "unknown": "Die bijeenkomst ken ik niet: ", "meant": " (bedoel je {}?)", "ask_id": "Welke? Bijvoorbeeld: "},
    "en": {"coming": "Coming up", "coming_for": "Coming up for “{}”", "none": "Nothing on the agenda.",
           "none_for": "I found nothing on the agenda for “{}”.", "more": "… and {} more; narrow it down with ", "narrow": "!events <word>",
           "unknown": "I don't know that event: ", "meant": " (did you mean {}?)", "ask_id": "Which one? For example: "},
}
# "wanneer is de volgende bijeenkomst?" / "when is the next meeting?": the words after "next" filter,
# unless they only say "a meeting".
_NEXT = [(re.compile(r"\bwanneer\s+(?:is|zijn)\s+(?:de|het)?\s*(?:volgende|eerstvolgende|komende)\s+([^?!.]*)", re.I), "nl"),
         (re.compile(r"\bwat\s+staat\s+er\s+op\s+de\s+agenda\b()", re.I), "nl"),
         (re.compile(r"\bwhen\s+is\s+the\s+next\s+([^?!.]*)", re.I), "en"),
         (re.compile(r"\bwhat(?:'s|\s+is)\s+(?:coming\s+up|on\s+the\s+agenda)\b()", re.I), "en")]
# Asked about events in other words, said to the bot: "wanneer is de halfjaarlijkse ontmoeting?", "is er
# binnenkort iets in Utrecht?", "any events in June?". Only when said to the bot, and a "wanneer is ..."
# that names no event is a question for ask ("wanneer is de beste tijd om ...").
_ASKED = [(re.compile(r"\bwanneer\s+(?:is|zijn|begint|start)\s+(?:er\s+)?([^?!.]+)", re.I), "nl"),
          (re.compile(r"\b(?:is|zijn)\s+er\s+(?:binnenkort\s+|straks\s+|nog\s+)*(?:iets|evenementen|bijeenkomsten"
                      r"|activiteiten|ontmoetingen)\b([^?!.]*)", re.I), "nl"),
          (re.compile(r"\bwhen\s+(?:is|are|does)\s+([^?!.]+)", re.I), "en"),
          (re.compile(r"\b(?:are\s+there\s+)?any\s+(?:events|meetings)\b([^?!.]*)", re.I), "en"),
          (re.compile(r"\bis\s+there\s+anything\s+(?:coming\s+up|soon)\b([^?!.]*)", re.I), "en")]
_GENERIC = frozenset("""bijeenkomst bijeenkomsten ontmoeting ontmoetingen activiteit activiteiten evenement evenementen
afspraak keer meeting meetings event events gathering activity""".split())
# words of an asked term that say nothing about which event: "in", "binnenkort", "coming up"
_FILLER = frozenset("""de het een in op te van voor er iets nog binnenkort straks komende volgende eerstvolgende deze dit
the a an in on at of for any there coming up soon next this""".split())
_MONTHS = {name: number for names in ("januari februari maart april mei juni juli augustus september oktober november "
                                       "december", "january february march april may june july august september october "
                                                   "november december")
           for number, name in enumerate(names.split(), start=1)}


def recognise(text: str) -> tuple[str, str] | None:
    return _term(text, _NEXT)


def recognise_asked(text: str) -> tuple[str, str] | None:
    return _term(text, _ASKED)


def _term(text: str, forms: list[tuple[re.Pattern[str], str]]) -> tuple[str, str] | None:
    text = tidy(text)
    for pattern, lang in forms:
        if match := pattern.search(text):
            term = " ".join(w for w in match.group(1).split() if fold(w).strip(",;:") not in _GENERIC | _FILLER)
            return term, lang
    return None


def upcoming(knowledge: Knowledge, now: datetime, term: str = "") -> list[Event]:
    """Events not yet over, soonest first; with a term, those whose title, place, description,
    teams or the teams' themes hold all of its words; a month's name in it ("juni") is when."""
    wanted = set(words(term)) - _FILLER
    months = {_MONTHS[w] for w in wanted if w in _MONTHS}
    wanted -= set(_MONTHS)
    found = []
    for event in sorted(knowledge.events.values(), key=lambda e: (e.start, e.id)):
        if _over(event) <= now:
            continue
        if months and event.start.month not in months:
            continue
        if wanted and not wanted <= set(words(_searchable(event, knowledge))):
            continue
        found.append(event)
    return found


def _over(event: Event) -> datetime:
    """When an event has ended: an all-day one lasts until the end of its last day."""
    last = event.end or event.start
    return last + timedelta(days=1) if event.all_day else last


def _searchable(event: Event, knowledge: Knowledge) -> str:
    teams = [knowledge.teams[t] for t in event.teams if t in knowledge.teams]
    themes = [knowledge.themes[t].name for team in teams for t in team.themes if t in knowledge.themes]
    return " ".join([event.id, event.title, event.location or "", event.description or "",
                     *(f"{team.id} {team.name}" for team in teams), *themes])


async def handle(request: Request, context: Context) -> list[Reply]:
    knowledge = context.snapshot.knowledge
    if request.command == "event":
        return [_one(request.args.strip(), knowledge, request.lang)]
    t = _T[request.lang]
    term = request.args.strip()
    events = upcoming(knowledge, context.clock(), term)
    reply = ReplyBuilder()
    if not events:
        return [reply.para(t["none_for"].format(term[:80]) if term else t["none"]).build()]
    reply.para(Bold(t["coming_for"].format(term[:80]) if term else t["coming"]))
    reply.items([event_line(event, knowledge, request.lang) for event in events[:SHOWN]])
    if len(events) > SHOWN:
        reply.para(t["more"].format(len(events) - SHOWN), Code(t["narrow"]))
    return [reply.build()]


async def handle_asked(request: Request, context: Context) -> list[Reply]:
    """An event asked about in words: the agenda for it; a "wanneer is ..." naming no event is a question."""
    if request.args.strip() and not upcoming(context.snapshot.knowledge, context.clock(), request.args):
        return await ask.handle(replace(request, args=request.message.text), context)
    return await handle(request, context)


def _one(event_id: str, knowledge: Knowledge, lang: str) -> Reply:
    t = _T[lang]
    event = knowledge.events.get(event_id)
    if event is None:
        if not event_id:
            example = next(iter(knowledge.events), "…")
            return ReplyBuilder().para(t["ask_id"], Code(f"!event {example}")).build()
        close = difflib.get_close_matches(event_id[:80], list(knowledge.events), n=1)
        hint = t["meant"].format(f"!event {close[0]}") if close else ""
        return ReplyBuilder().para(t["unknown"], Code(event_id[:40]), hint).build()
    [head, audience] = event_line(event, knowledge, lang)
    reply = ReplyBuilder().para(*head)
    if event.description:
        reply.para(event.description)
    return reply.para(*audience[:2]).build()


ROUTE = Route(
    name="agenda",
    handler=handle,
    commands={"agenda": "nl", "events": "en", "event": ""},
    natural=recognise,
    summary={"nl": "!agenda [woord] — wat er op de agenda staat; !event <id> — één bijeenkomst",
             "en": "!events [word] — what is coming up; !event <id> — one event"},
)

ASKED = Route(
    name="agenda-asked",
    handler=handle_asked,
    commands={},
    natural=recognise_asked,
    natural_when_addressed=True,
)
