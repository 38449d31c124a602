"""Which entries hold which words, and how well: built cheaply at every load,
joined per stem only when a search first asks for it.

A load at 10,000 examples sees some 700,000 (entry, word) pairs but a search
touches a few dozen stems. So the load only appends entry numbers to lists,
per field, and lists each distinct shared value (a theme, an organisation,
the people an example names) once with the entries that carry it; values,
the bonus for a word found in several fields, stems and compound parts are
worked out per stem on first use and cached.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, NamedTuple, Protocol, Sequence

EXTRA_FIELD = 0.03          # a word found in more than one field is a stronger signal ...
MAX_EXTRA_FIELDS = 3        # ... counted for up to this many further fields
MAX_VALUE = 1.0 + MAX_EXTRA_FIELDS * EXTRA_FIELD   # the highest value a word can have in an entry (fields weigh <= 1)
DOC_PART_HEAD = 0.8         # a stem found as the head of an entry's compound ("kantor" in "zorgkantoor")
DOC_PART_MODIFIER = 0.6     # ... or as its first part
SHARED_FIELDS = frozenset({"theme", "organisation", "contact"})   # values that many entries share

NO_ENTRIES: dict[int, float] = {}   # a word or stem nothing holds; shared, never written


class Field(NamedTuple):
    """Where in an entry a word is found, and how much it counts there."""

    label: str
    weight: float


class Compound(NamedTuple):
    """The stems of a compound word's two parts ("zorg" and "kantor" of "zorgkantoor")."""

    modifier: str
    head: str


class Document(Protocol):
    kind: str
    fields: Sequence[Field]             # the same for every entry of a kind, in the same order
    items: Sequence[tuple[str, ...]]    # what the entry holds, field by field


class WordPostings:
    """word -> {entry number: value}: the weight of the heaviest field holding the
    word, plus EXTRA_FIELD per further field (at most MAX_EXTRA_FIELDS of them)."""

    def __init__(self, docs: Iterable[Document], words_of: dict[str, set[str]]) -> None:
        own: dict[tuple[str, str], tuple[float, defaultdict[str, list[int]]]] = {}
        shared: defaultdict[tuple[float, tuple[str, ...]], list[int]] = defaultdict(list)
        plans: dict[str, list[defaultdict[str, list[int]] | None]] = {}   # per kind: each field's lists
        for number, doc in enumerate(docs):
            plan = plans.get(doc.kind)
            if plan is None:   # every entry of a kind has the same fields, in the same order
                plan = plans[doc.kind] = [
                    None if label in SHARED_FIELDS else own.setdefault((doc.kind, label), (weight, defaultdict(list)))[1]
                    for label, weight in doc.fields]
            for (_, weight), items, entries in zip(doc.fields, doc.items, plan):
                if not items:
                    continue
                if entries is None:
                    shared[weight, items].append(number)
                    continue
                for w in words_of[items[0]] if len(items) == 1 else set().union(*map(words_of.__getitem__, items)):
                    entries[w].append(number)
        self._sources: defaultdict[str, list[tuple[float, list[int]]]] = defaultdict(list)   # word -> (weight, entries)
        for weight, entries in own.values():
            for w, numbers in entries.items():
                self._sources[w].append((weight, numbers))
        for (weight, items), numbers in shared.items():
            for w in set().union(*map(words_of.__getitem__, items)):
                self._sources[w].append((weight, numbers))

    def frequency(self, word: str) -> int:
        """In how many fields of all entries the word appears."""
        return sum(len(numbers) for _, numbers in self._sources.get(word, ()))

    def entries(self, word: str) -> dict[int, float]:
        sources = sorted(self._sources.get(word, ()), key=lambda source: -source[0])   # heaviest first
        if not sources:
            return NO_ENTRIES
        weight, numbers = sources[0]
        values = dict.fromkeys(numbers, weight)
        further: dict[int, int] = {}
        for weight, numbers in sources[1:]:
            for number in numbers:
                if number in values:
                    further[number] = further.get(number, 0) + 1
                else:
                    values[number] = weight
        for number, count in further.items():
            values[number] += EXTRA_FIELD * min(count, MAX_EXTRA_FIELDS)
        return values


class StemPostings:
    """stem -> {entry number: value}, joined from the words on first use: the
    stem's own forms count fully, compounds it heads or modifies at a discount."""

    def __init__(self, words: WordPostings, stem_of: dict[str, str], parts: dict[str, Compound]) -> None:
        self._words = words
        self._sources: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)   # stem -> (word, factor)
        for w, s in stem_of.items():
            self._sources[s].append((w, 1.0))
        for w, (modifier, head) in parts.items():
            self._sources[head].append((w, DOC_PART_HEAD))
            self._sources[modifier].append((w, DOC_PART_MODIFIER))
        self._joined: dict[str, dict[int, float]] = {}

    def stems(self) -> set[str]:
        return set(self._sources)

    def __contains__(self, s: str) -> bool:
        return s in self._sources

    def __getitem__(self, s: str) -> dict[int, float]:
        joined = self._joined.get(s)
        if joined is None:
            joined = self._joined[s] = self._join(self._sources[s])
        return joined

    def get(self, s: str, default: dict[int, float]) -> dict[int, float]:
        return self[s] if s in self._sources else default

    def _join(self, sources: list[tuple[str, float]]) -> dict[int, float]:
        """Per entry the best value any of the stem's words gives."""
        ordered = sorted(sources, key=lambda source: -source[1])
        w, factor = ordered[0]
        joined = self._words.entries(w)
        if factor != 1.0:
            joined = {number: value * factor for number, value in joined.items()}
        elif len(ordered) > 1:
            joined = dict(joined)
        for w, factor in ordered[1:]:
            for number, value in self._words.entries(w).items():
                value *= factor
                if value > joined.get(number, 0.0):
                    joined[number] = value
        return joined
