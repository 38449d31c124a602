"""What a reload changed, per kind of entry: the one-line summary the admin room gets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.knowledge.model import Knowledge

KINDS = ("organisations", "contacts", "examples", "themes", "teams", "events")


@dataclass(frozen=True)
class Change:
    added: int
    removed: int
    changed: int

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def changes(before: Knowledge, after: Knowledge) -> dict[str, Change]:
    """Per kind that changed at all: how many entries came, went or differ."""
    found = {kind: _change(getattr(before, kind), getattr(after, kind)) for kind in KINDS}
    if before.synonyms != after.synonyms:
        old, new = set(before.synonyms), set(after.synonyms)
        found["synonyms"] = Change(len(new - old), len(old - new), 0)
    return {kind: change for kind, change in found.items() if change}


def summary(found: dict[str, Change]) -> str:
    """"contacts +1 ~2, events -1", or "no changes"."""
    parts = []
    for kind, change in found.items():
        counts = " ".join(f"{sign}{n}" for sign, n in (("+", change.added), ("-", change.removed),
                                                       ("~", change.changed)) if n)
        parts.append(f"{kind} {counts}")
    return ", ".join(parts) or "no changes"


def _change(before: Mapping[str, object], after: Mapping[str, object]) -> Change:
    shared = before.keys() & after.keys()
    return Change(len(after.keys() - shared), len(before.keys() - shared),
                  sum(before[key] != after[key] for key in shared))
