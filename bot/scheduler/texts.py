"""How events and knowledge gaps read in chat, for the commands and the scheduled posts alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.dates import NETWORK_TZ, span
from bot.core.formatting import Bold, Code, Link, Piece, ReplyBuilder
from bot.core.messages import Reply
from bot.knowledge.model import Event, Knowledge
from bot.matching.gaps import Gap

SHOWN_GAPS = 10     # the most asked; the rest are the long tail

_T = {
    "nl": {"for": "Voor: ", "everyone": "iedereen", "cancelled": "AFGELAST: ", "today": "Vandaag",
           "tomorrow": "Morgen", "days": "Over {} dagen", "hours": "Over {} uur", "minutes": "Over {} minuten",
           "changed": "Gewijzigd: ", "was": "was: "},
    "en": {"for": "For: ", "everyone": "everyone", "cancelled": "CANCELLED: ", "today": "Today",
           "tomorrow": "Tomorrow", "days": "In {} days", "hours": "In {} hours", "minutes": "In {} minutes",
           "changed": "Changed: ", "was": "was: "},
}


def event_line(event: Event, knowledge: Knowledge, lang: str) -> list[list[Piece]]:
    """Title (a link when it has one), when and where; then who it is for and how to see more."""
    t = _T[lang]
    title: Piece = Link(event.title, event.url) if event.url else Bold(event.title)
    head: list[Piece] = [t["cancelled"]] if event.cancelled else []
    when = span(event.start, event.end, event.all_day, lang)
    head += [title, f" — {when}" + (f", {event.location}" if event.location else "")]
    return [head, [t["for"], audience(event, knowledge, lang), " · ", Code(f"!event {event.id}")]]


def audience(event: Event, knowledge: Knowledge, lang: str) -> str:
    if "all" in event.teams:
        return _T[lang]["everyone"]
    return ", ".join(knowledge.teams[t].name for t in event.teams if t in knowledge.teams)


def how_soon(start: datetime, now: datetime, lang: str) -> str:
    """"Morgen", "Over 7 dagen", "Over 2 uur": from the moment it is said, not from the lead,
    so an announcement that went out late after downtime still tells the truth."""
    t = _T[lang]
    left = start - now
    if left.total_seconds() < 3600:
        return t["minutes"].format(max(1, round(left.total_seconds() / 60)))
    days = (start.astimezone(NETWORK_TZ).date() - now.astimezone(NETWORK_TZ).date()).days
    if days == 0:
        return t["hours"].format(round(left.total_seconds() / 3600)) if left.total_seconds() < 6 * 3600 else t["today"]
    return t["tomorrow"] if days == 1 else t["days"].format(days)


def announcement(event: Event, knowledge: Knowledge, now: datetime, lang: str) -> Reply:
    head, more = event_line(event, knowledge, lang)
    reply = ReplyBuilder().para(Bold(how_soon(event.start, now, lang) + ": "), *head)
    if event.description:
        reply.para(event.description)
    return reply.para(*more).build()


def changed(event: Event, knowledge: Knowledge, before: dict[str, Any], lang: str) -> Reply:
    """The event as it is now, and what the room was told before."""
    t = _T[lang]
    head, more = event_line(event, knowledge, lang)
    return (ReplyBuilder().para(Bold(t["changed"]), *head)
            .para(f"({t['was']}{_told(before, lang)})").para(*more).build())


def cancelled(before: dict[str, Any], lang: str) -> Reply:
    """An event that is off (cancelled, or gone from the knowledge), as the room knew it."""
    return ReplyBuilder().para(_T[lang]["cancelled"], Bold(before["title"]), f" — {_told(before, lang)}").build()


def _told(before: dict[str, Any], lang: str) -> str:
    end = datetime.fromisoformat(before["end"]) if before.get("end") else None
    when = span(datetime.fromisoformat(before["start"]), end, before.get("all_day", False), lang)
    return when + (f", {before['location']}" if before.get("location") else "")


_GAPS = {
    "nl": {"times": "{}×", "also": " (ook: {})", "hint": "Misschien een praktijkvoorbeeld of contactpersoon om toe te voegen."},
    "en": {"times": "{}×", "also": " (also: {})", "hint": "Perhaps a practice example or contact to add."},
}


def gaps_report(found: list[Gap], title: str, lang: str) -> Reply:
    """The most asked unanswered topics, each with how often and its other wordings, under `title`."""
    t = _GAPS[lang]
    rows = []
    for gap in found[:SHOWN_GAPS]:
        others = [w for w, _ in gap.wordings.most_common(4) if w != gap.topic][:3]
        rows.append([[Bold(gap.topic), f" — {t['times'].format(gap.asked)}",
                      t["also"].format(", ".join(others)) if others else ""]])
    return ReplyBuilder().para(Bold(title)).items(rows, numbered=True).para(t["hint"]).build()
