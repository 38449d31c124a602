"""The knowledge model: what admins curate in knowledge/*.yaml.

Frozen dataclasses and read-only mappings, so a loaded snapshot can be shared
by every handler and swapped whole on reload, never edited in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Mapping

from bot.knowledge.leads import Lead

SHARE_LEVELS = ("public", "network", "private")
ORGANISATION_KINDS = ("zorgaanbieder", "zorgkantoor", "partner")


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    region: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    organisation: str
    role: str | None = None
    matrix_id: str | None = None
    email: str | None = None
    expertise: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    share: str = "network"


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    organisation: str
    summary: str
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    year: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    room: str
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    id: str
    title: str
    start: datetime          # timezone-aware; midnight local for all-day events
    all_day: bool = False
    end: datetime | None = None
    location: str | None = None
    description: str | None = None
    teams: tuple[str, ...] = ("all",)
    announce: tuple[Lead, ...] | None = None   # None: the config's default
    url: str | None = None
    cancelled: bool = False      # announced as cancelled to the rooms that had heard of it


def frozen_map(items: Mapping[str, object] | None = None) -> Mapping:
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class Knowledge:
    """One consistent, validated snapshot of the knowledge directory."""

    organisations: Mapping[str, Organisation] = field(default_factory=frozen_map)
    contacts: Mapping[str, Contact] = field(default_factory=frozen_map)
    examples: Mapping[str, Example] = field(default_factory=frozen_map)
    themes: Mapping[str, Theme] = field(default_factory=frozen_map)
    synonyms: tuple[tuple[str, ...], ...] = ()
    teams: Mapping[str, Team] = field(default_factory=frozen_map)
    events: Mapping[str, Event] = field(default_factory=frozen_map)

    def counts(self) -> dict[str, int]:
        return {
            "organisations": len(self.organisations),
            "contacts": len(self.contacts),
            "examples": len(self.examples),
            "themes": len(self.themes),
            "synonym groups": len(self.synonyms),
            "teams": len(self.teams),
            "events": len(self.events),
        }
