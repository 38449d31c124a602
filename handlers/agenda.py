"""Agenda: what the network has coming — `!agenda [TERM]`, `!event ID`, "wanneer is de volgende bijeenkomst?"."""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timedelta

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Bold, Code, ReplyBuilder
from bot.core.messages import Reply
from bot.core.text import fold, tidy, words
from bot.knowledge.model import Event, Knowledge
from bot.scheduler.texts import event_line

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
_GENERIC = frozenset("""bijeenkomst bijeenkomsten ontmoeting ontmoetingen activiteit activiteiten evenement evenementen
afspraak keer meeting meetings event events gathering activity""".split())


def recognise(text: str) -> tuple[str, str] | None:
    text = tidy(text)
    for pattern, lang in _NEXT:
        if match := pattern.search(text):
            term = " ".join(w for w in match.group(1).split() if fold(w) not in _GENERIC)
            return term, lang
    return None


def upcoming(knowledge: Knowledge, now: datetime, term: str = "") -> list[Event]:
    """Events not yet over, soonest first; with a term, those whose title, place, description,
    teams or the teams' themes hold all of its words."""
    wanted = set(words(term))
    found = []
    for event in sorted(knowledge.events.values(), key=lambda e: (e.start, e.id)):
        if _over(event) <= now:
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
