"""Which announcements are due at a moment: the events contract, as a pure function.

At a moment T, the announcement due for an (event, room) is the one of the
shortest lead whose moment (start - lead) is at or before T, while T is still
before the start; once it is sent, the longer leads of that event and room
count as done. So a bot that was down for a week sends one announcement, not
three, and never one for an event that has begun.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.knowledge.leads import Lead
from bot.knowledge.model import Event, Team

ALL_TEAMS = "all"


@dataclass(frozen=True)
class Due:
    """One announcement to post: this event, in this room, for this lead."""

    event: str
    room: str
    lead: Lead
    at: datetime          # the lead's moment (start - lead)
    start: datetime
    skipped: tuple[Lead, ...] = ()   # longer leads that passed unsent (downtime): this one stands for them

    def as_json(self) -> dict[str, str]:
        return {"event": self.event, "room": self.room, "lead": str(self.lead),
                "due": self.at.isoformat(), "start": self.start.isoformat()}


Sent = Mapping[tuple[str, str], Iterable[Lead]]     # (event id, room) -> the leads already announced there


def rooms_of(event: Event, teams: Mapping[str, Team], network_rooms: Iterable[str]) -> list[str]:
    """Where an event is announced: its teams' rooms; for `all`, every team's and the network rooms."""
    if ALL_TEAMS in event.teams:
        rooms = [team.room for team in teams.values()] + list(network_rooms)
    else:
        rooms = [teams[team].room for team in event.teams if team in teams]
    return list(dict.fromkeys(rooms))


def leads_of(event: Event, default: tuple[Lead, ...]) -> tuple[Lead, ...]:
    return event.announce if event.announce is not None else default


def due_at(now: datetime, events: Iterable[Event], teams: Mapping[str, Team], network_rooms: Iterable[str],
           default: tuple[Lead, ...], sent: Sent) -> list[Due]:
    """Everything due at `now`, earliest event first."""
    found: list[Due] = []
    rooms_fixed = list(network_rooms)
    for event in sorted(events, key=lambda e: (e.start, e.id)):
        if event.cancelled or now >= event.start:
            continue
        passed = [lead for lead in leads_of(event, default) if lead.before(event.start) <= now]
        if not passed:
            continue
        shortest = max(passed, key=lambda lead: lead.before(event.start))
        moment = shortest.before(event.start)
        for room in rooms_of(event, teams, rooms_fixed):
            done = list(sent.get((event.id, room), ()))
            if not any(lead.before(event.start) >= moment for lead in done):
                skipped = tuple(lead for lead in passed if lead != shortest and lead not in done)
                found.append(Due(event.id, room, shortest, moment, event.start, skipped))
    return found


def next_moment(now: datetime, events: Iterable[Event], default: tuple[Lead, ...]) -> datetime | None:
    """The first lead moment after `now` of an event that has not begun: when to look again."""
    moments = [moment for event in events if not event.cancelled and now < event.start
               for lead in leads_of(event, default)
               if now < (moment := lead.before(event.start)) < event.start]
    return min(moments, default=None)
