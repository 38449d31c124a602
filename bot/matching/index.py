"""Who and what in the knowledge fits a topic, ranked and explained.

The design follows what was measured on this kind of text (MATCHING-NOTES):
plain fuzzy scorers cannot tell a match from a non-match, so the score is
*coverage*: how much of the question, weighted by rarity, an entry covers —
by the same stem, a synonym, a compound part or a repaired typo — where a
keyword or title counts more than a word deep in a summary. An unknown word
in the question weighs most, which is what makes "mondzorg" find nothing
instead of everything that mentions zorg.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import Iterable, NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.knowledge.model import Knowledge
from bot.matching import thesaurus
from bot.matching.normalise import (MAX_WORD, content_word_set, content_words, is_common, is_content, is_dutch, is_verb,
                                    specificity, stem, words)
from bot.matching.postings import MAX_VALUE, NO_ENTRIES, Compound, Field, StemPostings, WordPostings

THRESHOLD = 43.0            # below this an entry is not a good enough match ...
LONG_QUESTION = 6.0         # ... lowered this much per word beyond two: long questions carry filler ...
MIN_THRESHOLD = THRESHOLD - LONG_QUESTION * 6   # ... but never below its value at eight words ...
FILLER_LENGTH = 0.35        # ... where a word counts by its specificity plus this (at most 1): filler
                            # ("laat", "gaan") is half a word, or it lowers the bar it fills
SYNONYM = 0.9               # a synonym or theme alias counts almost fully
BUILT_IN = 0.8              # a synonym from the shipped thesaurus: the admins' own words count more
TYPO = 0.85                 # a repaired misspelling
COMPOUND_BOTH = 0.9         # both parts of an unknown compound found
COMPOUND_PART = 0.5         # only one part ("afspraken" of "inkoopafspraken") ...
COMPOUND_SPECIFIC = 0.2     # ... plus this much for the more specific part
UNKNOWN = 0.85              # weight of a question word no entry knows, relative to its rarity
STRONG = 0.75               # a match this good counts for a word's rarity; weaker readings (a generic
                            # compound part, a word deep in a summary) must not make a rare word look common
CANDIDATES = 200            # entries a concept brings in, from the heads of its words' ranked lists ...
MIN_SHARE = 30              # ... at least this many a word
MIN_PART = 4                # shortest word split off a compound
# a diminutive's ending after a known word ("spel|letjes", "stal|letje") is no compound's second part,
# though "letje" stems as letten and letsel do
_DIMINUTIVE_TAIL = re.compile(r"[lmnr]?e?[tpk]?jes?")
ACTION = 0.5                # an unknown verb ("betrekken", "het afbouwen van") counts at half its specificity: it says
                            # what to do about the topic, in a word entries seldom write
ARTICLES = frozenset({"de", "het", "een"})  # before a verb, they make it the noun asked about
MAX_PHRASE = 6              # most words of a synonym or theme name looked for as one phrase
DEPTH_BASE = 0.85           # the share of its coverage an entry with one piece of evidence shows ...
DEPTH_POOL = 30             # ... weighed for this many of the best-covering entries
CONTEXT_FIELDS = frozenset({"role", "organisation", "theme", "contact", "region"})   # they place an entry ...
CONTEXT_SIGNAL = 0.5        # ... and count as half a piece of evidence, once per field
PLACE_FIELD = "region"      # a place says where, not what: matched by it alone, an entry fits only
PLACE_ALONE = 50.0          # ... from this score, when the place is most of the question ("Zwolle", not
                            # "de trein naar Zwolle")
SHOWN_ITEM = 60             # a longer item (a summary) is shown as its matching word

APART_FIELDS = ("keyword", "title", "expertise", "theme", "role")   # short items: word pairs in them
PERSON_FIELDS = ("name", "contact")     # never "repair" a question word into someone's name
NAME_FIELDS = ("name", "contact", "organisation")   # names: a word only they hold is not read as a compound


class Kind(StrEnum):
    """What an entry is; the values are the words `ask --json` writes."""

    CONTACT = "contact"
    EXAMPLE = "example"
    ORGANISATION = "organisation"


class Via(StrEnum):
    """How an entry's item meets the question's word; a reply says so unless it is the word itself."""

    DIRECT = ""               # the same stem
    SYNONYM = "synonym"       # a synonym or theme alias of it
    TYPO = "typo"             # the word a misspelling was repaired into
    COMPOUND = "compound"     # a part of the unknown compound asked


# Field weights: curated tags and titles say what an entry is about; the
# summary only mentions things. Heaviest first (indexing and explaining rely on the order).
FIELDS = {
    Kind.EXAMPLE: (Field("keyword", 1.0), Field("title", 1.0), Field("theme", 0.9), Field("contact", 0.85),
                   Field("organisation", 0.85), Field("summary", 0.7)),
    Kind.CONTACT: (Field("name", 1.0), Field("expertise", 1.0), Field("theme", 0.9), Field("role", 0.85),
                   Field("organisation", 0.85)),
    Kind.ORGANISATION: (Field("name", 1.0), Field("region", 0.7)),
}


@dataclass(frozen=True)
class Reason:
    """Why an entry matched: the field, the matching item, and how."""

    field: str
    item: str
    via: Via = Via.DIRECT
    asked: str = ""           # the question's word when it differs
    example: str = ""         # for a contact: the supporting example's id

    def __str__(self) -> str:
        text = f"{self.field} {self.item}"
        if self.via is Via.SYNONYM:
            text += f" (synonym of {self.asked})"
        elif self.via is Via.TYPO:
            text += f" (read '{self.asked}' as '{self.item}')" if self.field == "summary" else f" (for '{self.asked}')"
        elif self.via is Via.COMPOUND:
            text += f" (part of {self.asked})"
        return f"example {self.example}: {text}" if self.example else text


@dataclass(frozen=True)
class Result:
    kind: Kind
    id: str
    score: float
    why: tuple[Reason, ...]
    examples: tuple[str, ...] = ()   # for contacts: supporting example ids, best first

    def as_json(self) -> dict:
        out = {"kind": self.kind, "id": self.id, "score": round(self.score, 1),
               "why": [str(r) for r in self.why]}
        if self.kind is Kind.CONTACT:
            out["examples"] = list(self.examples)
        return out


@dataclass
class _Doc:
    kind: Kind
    id: str
    fields: tuple[Field, ...]           # FIELDS[kind], shared by every entry of the kind
    items: tuple[tuple[str, ...], ...]  # field by field


class _Expansion(NamedTuple):
    """One way an entry may express a concept: it holds all these stems, worth `factor` of a full match."""

    stems: tuple[str, ...]
    factor: float
    via: Via


@dataclass
class _Concept:
    """One thing asked about, with every way an entry may express it."""

    asked: str
    expansions: list[_Expansion]
    specificity: float = 1.0
    idf: float = 0.0


class _Ranking(NamedTuple):
    """A stem's entries, best match first, and their values negated (ascending, for bisect)."""

    numbers: list[int]
    negated: list[float]


class _Cut(NamedTuple):
    """An expansion whose candidates were cut at the head of a long list: its stems' postings,
    to look up the entries other concepts bring in."""

    postings: list[dict[int, float]]
    factor: float


class _Candidates(NamedTuple):
    """A concept's value for the entries at the heads of its expansions' ranked lists."""

    values: dict[int, float]
    cut: list[_Cut]


class _Group(NamedTuple):
    """Terms that mean the same (as stem tuples), and how much a match through them counts."""

    members: list[tuple[str, ...]]
    weight: float
    shipped: bool = False     # from the thesaurus, not the knowledge


class _Ranked(NamedTuple):
    """An entry that made the ranking, with what its score rests on."""

    number: int
    score: float
    own: bool                 # the entry matches itself (a person may rank by examples only)
    examples: list[int]       # for a person: the matching examples that name them, best first


class Index:
    """The knowledge, indexed once per load; a search changes nothing but caches."""

    def __init__(self, knowledge: Knowledge, shown_item: int = SHOWN_ITEM, verbs_say_how: bool = True) -> None:
        """`shown_item`: the longest item a reason shows whole, not as its matching word.
        `verbs_say_how`: a question's verb no entry writes says how to go about its topic and
        counts half (ACTION); a pledge's ("ik kan helpen met verhuizen") is what it offers."""
        self.docs: list[_Doc] = list(_documents(knowledge))
        self._shown_item = shown_item
        self._verbs_say_how = verbs_say_how
        # Items recur (themes, organisations, names): each distinct one is read once.
        spellable_items: set[str] = set()
        name_items: set[str] = set()       # people's names: no typo is repaired into one
        named_items: set[str] = set()      # any name (a person's, an organisation's)
        apart_items: set[str] = set()      # short items, where two words may be one written apart
        for doc in self.docs:
            for field, items in zip(doc.fields, doc.items):
                (name_items if field.label in PERSON_FIELDS else spellable_items).update(items)
                if field.label in NAME_FIELDS:
                    named_items.update(items)
                elif field.label in APART_FIELDS:
                    apart_items.update(items)
        words_of = {item: content_word_set(item) for item in spellable_items | name_items}
        spellable = set().union(*map(words_of.__getitem__, spellable_items))
        vocabulary = spellable.union(*map(words_of.__getitem__, name_items))
        stem_of = {w: stem(w) for w in vocabulary}
        known_stems = set(stem_of.values())
        said = set().union(*(words_of[item] for item in spellable_items - named_items))
        self._parts: dict[str, Compound] = {}      # the knowledge's compound words
        for w in said:      # a name is matched whole: "zorg" is not about Heuvelzorg
            if 2 * MIN_PART <= len(w) <= MAX_WORD and (parts := _split(w, vocabulary, known_stems)):
                self._parts[w] = parts
        # "familie-app", "open deuren": what a member may write as one word (familieapp, opendeuren)
        self._apart: dict[str, tuple[str, str]] = {}
        for item in apart_items:
            said_apart = words(item)
            for first, second in zip(said_apart, said_apart[1:]):
                joined = first + second
                if len(joined) >= 2 * MIN_PART - 1 and is_content(first) and is_content(second) \
                        and joined not in vocabulary:
                    self._apart[joined] = (stem_of.get(first) or stem(first), stem_of.get(second) or stem(second))
        held = WordPostings(self.docs, words_of)
        self.postings = StemPostings(held, stem_of, self._parts)
        self._lexicon = self.postings.stems()
        self._rankings: dict[str, _Ranking] = {}
        self._stems_of: dict[str, frozenset[str]] = {}     # item -> its stems, for _depth
        frequency = Counter({w: held.frequency(w) for w in spellable})
        for terms in (*knowledge.synonyms, *((t.name, *t.aliases) for t in knowledge.themes.values())):
            frequency.update(content_words(" ".join(terms)))
        self._by_length: dict[int, list[str]] = defaultdict(list)
        # a question's word as the knowledge writes it, where only its stem is there ("zorgkantooren"): a
        # reason quotes the knowledge's spelling, not the slip
        self._written_as: dict[str, str] = {}
        for w in sorted(frequency, key=lambda w: (-frequency[w], w)):   # the same repair at every start
            if len(w) >= 4:
                self._by_length[len(w)].append(w)
            self._written_as.setdefault(stem(w), w)
        self._spelled = frozenset(frequency)
        self._groups = self._synonym_groups(knowledge)
        self._group_of: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for number, group in enumerate(self._groups):
            for key in group.members:
                self._group_of[key].append(number)
        # the words the knowledge's own groups know: the thesaurus's do not stop an English word from
        # being read as its Dutch cognate ("inspections" is inspectie, not an inspection visit), nor a
        # word from being read as a compound of the knowledge's words; only from being taken for a typo
        self._written = {key for group in self._groups if not group.shipped for key in group.members}
        contact_number = {doc.id: n for n, doc in enumerate(self.docs) if doc.kind is Kind.CONTACT}
        self._people = set(contact_number.values())
        # for each example: the people it names; for every entry: its place in id order (ties)
        self._named = [tuple(contact_number[c] for c in knowledge.examples[doc.id].contacts if c in contact_number)
                       if doc.kind is Kind.EXAMPLE else () for doc in self.docs]
        self._order = [0] * len(self.docs)
        for place, number in enumerate(sorted(range(len(self.docs)), key=lambda n: self.docs[n].id)):
            self._order[number] = place

    # --- building -----------------------------------------------------------

    def _synonym_groups(self, knowledge: Knowledge) -> list[_Group]:
        """Each group's distinct terms as stem tuples, in the order the admin wrote them:
        a set's order would change with every start, and with it which reason is shown.
        Then the thesaurus's groups that reach a word of this knowledge (the others could
        only keep a word from being repaired as a typo)."""
        written: list[Iterable[str]] = list(knowledge.synonyms)
        written += [(t.name, *t.aliases, t.id.replace("-", " ")) for t in knowledge.themes.values()]
        written += [(o.name, *o.aliases) for o in knowledge.organisations.values() if o.aliases]
        groups = [_Group(members, SYNONYM) for members in map(_members, written) if len(members) > 1]
        shipped, by_first_stem = _shipped(), _shipped_by_first_stem()
        reached = {number for s in self._lexicon.intersection(by_first_stem) for number, rest in by_first_stem[s]
                   if all(other in self.postings for other in rest)}
        groups += [_Group(shipped[number], BUILT_IN, shipped=True) for number in sorted(reached)]
        return groups

    # --- searching ----------------------------------------------------------

    def _ranking(self, s: str) -> _Ranking:
        """A stem's entries ranked: candidates come from the heads of these lists and
        "how many match strongly" is a bisect. Sorted on first use, as a search touches
        few of the stems."""
        ranking = self._rankings.get(s)
        if ranking is None:
            ordered = sorted(self.postings[s].items(), key=lambda item: (-item[1], item[0]))   # ties: file order
            ranking = self._rankings[s] = _Ranking([n for n, _ in ordered], [-value for _, value in ordered])
        return ranking

    def named_by(self, number: int) -> tuple[int, ...]:
        """The contacts (entry numbers) an example names; () for any other entry."""
        return self._named[number]

    def search(self, topic: str, limit: int = 5, threshold: float | None = None) -> list[Result]:
        """Entries scoring at least `threshold`, best first (a lower one finds near misses)."""
        concepts = self._concepts(topic)
        if not concepts:
            return []
        if threshold is None:
            threshold = _threshold(sum(min(1.0, c.specificity + FILLER_LENGTH) for c in concepts))
        entries = len(self.docs)
        for concept in concepts:
            strong = self._strong(concept)
            rarity = math.log((entries + 1) / (len(strong) + 0.5))
            concept.idf = rarity * concept.specificity * (1.0 if strong or self._any_match(concept) else UNKNOWN)
        weight_sum = sum(concept.idf for concept in concepts)
        totals: dict[int, float] = defaultdict(float)
        candidates = [self._candidates(concept) for concept in concepts]
        for concept, found in zip(concepts, candidates):
            for number, value in found.values.items():
                totals[number] += concept.idf * value
        # An entry brought in by one concept may lie beyond the cut of another's long list.
        needed = threshold * weight_sum / 100.0
        potential = sum(concept.idf * MAX_VALUE for concept, found in zip(concepts, candidates) if found.cut)
        for concept, found in zip(concepts, candidates):
            if not found.cut:
                continue
            missing = [n for n in totals if n not in found.values and totals[n] + potential >= needed]
            best = dict.fromkeys(missing, 0.0)
            for cut in found.cut:
                first, *others = cut.postings
                for number in missing:
                    value = first.get(number, 0.0)
                    for other in others:
                        value = min(value, other.get(number, 0.0))
                    if value * cut.factor > best[number]:
                        best[number] = value * cut.factor
            for number, value in best.items():
                totals[number] += concept.idf * value
        scores = {number: 100.0 * total / weight_sum for number, total in totals.items()}   # shown at most 100
        results = [self._result(ranked, concepts) for ranked in self._rank(scores, threshold, limit, concepts)]
        return [r for r in results if r.score >= PLACE_ALONE or any(reason.field != PLACE_FIELD for reason in r.why)]

    def unsure_threshold(self, topic: str) -> float:
        """The bar search would set if every word of `topic` counted fully towards its length.
        Matches between this and search's own bar are ones words alone are unsure of: the
        hybrid lets them answer when the model agrees (see hybrid.search)."""
        return _threshold(self.concept_count(topic))

    def concept_count(self, topic: str) -> int:
        """How many things `topic` asks about: its words, a known phrase counting once."""
        return len(self._concepts(topic))

    def _strong(self, concept: _Concept) -> set[int]:
        """Entries matching the concept well (value >= STRONG): its document frequency."""
        found: set[int] = set()
        for stems, factor, _ in concept.expansions:
            if factor < STRONG:
                continue
            sets = []
            for s in stems:
                if s not in self.postings:
                    break
                numbers, negated = self._ranking(s)
                sets.append(numbers[:bisect_right(negated, -STRONG / factor)])
            else:
                matched = set(sets[0]).intersection(*sets[1:]) if len(sets) > 1 else sets[0]
                found.update(matched)
        return found

    def _any_match(self, concept: _Concept) -> bool:
        return any(all(s in self.postings for s in stems) for stems, _, _ in concept.expansions)

    def _candidates(self, concept: _Concept) -> _Candidates:
        """The concept's value for the entries at the heads of its stems' ranked lists
        (about CANDIDATES in all). Also the expansions whose lists were cut there, to
        look up entries that other concepts bring in."""
        found: dict[int, float] = {}
        cut: list[_Cut] = []
        share = max(MIN_SHARE, CANDIDATES // max(1, len(concept.expansions)))
        for stems, factor, _ in concept.expansions:
            if not all(s in self.postings for s in stems):
                continue
            postings = [self.postings[s] for s in stems]
            rarest = min(stems, key=lambda s: len(self.postings[s]))
            head = self._ranking(rarest).numbers
            if len(head) > share:
                cut.append(_Cut(postings, factor))
            for number in head[:share]:
                value = factor * min(entries.get(number, 0.0) for entries in postings)
                if value > found.get(number, 0.0):
                    found[number] = value
        return _Candidates(found, cut)

    def _value(self, expansion: _Expansion, number: int) -> float:
        """How well entry `number` expresses one reading of a concept (0 when it does not)."""
        return expansion.factor * min(self.postings.get(s, NO_ENTRIES).get(number, 0.0) for s in expansion.stems)

    def _rank(self, scores: dict[int, float], threshold: float, limit: int,
              concepts: list[_Concept]) -> list[_Ranked]:
        """The best `limit` entries above the threshold; people rank by their own entry
        and by the examples that name them.

        Coverage says whether an entry fits; among those that fit, the one with more
        evidence ranks higher and shows a higher score (see _depth). Heap entries and backing
        examples are plain tuples, compared as tuples and local to this method: a NamedTuple
        costs 8x as much to build, and one is built for every entry above the threshold
        (some 200 a search at 10,000 examples)."""
        support: dict[int, list[tuple[float, int]]] = defaultdict(list)   # person -> (score, example) naming them
        places: list[tuple[float, bool, int, int]] = []     # (-coverage, not a person, id order, entry): best first
        people: set[int] = set()        # people whose own entry matches
        for number, score in scores.items():
            if score < threshold:
                continue
            if number in self._people:
                people.add(number)
                continue
            places.append((-score, True, self._order[number], number))
            for person in self._named[number]:
                support[person].append((score, number))
        for number in people.union(support):
            backing = support.get(number, [])
            own = scores[number] if number in people else 0.0
            places.append((-max(own, max(backing)[0] if backing else 0.0), False, self._order[number], number))
        pool = heapq.nsmallest(max(DEPTH_POOL, 3 * limit), places)
        asked = {s for c in concepts for e in c.expansions for s in e.stems}
        weighed = sorted((-min(100.0, -negated) * self._depth(number, asked, len(support.get(number, ()))),
                          not_person, order, number) for negated, not_person, order, number in pool)
        return [_Ranked(number, -negated, not_person or number in people,
                        [n for _, n in sorted(support.get(number, ()), key=lambda b: (-b[0], self.docs[b[1]].id))])
                for negated, not_person, _, number in weighed[:limit]]

    def _depth(self, number: int, asked: set[str], backing: int) -> float:
        """The share of its coverage an entry shows: DEPTH_BASE with one piece of evidence,
        towards 1 with more. Evidence is each item of the entry's own that holds a word asked
        (an expertise line, a keyword, the title), each example naming the person, and half as
        much a field that only places it (its role, organisation, theme): four expertise lines
        on zorgkantoren outweigh one, though both cover the question. `asked`: every stem
        any of the question's concepts may be expressed by."""
        signals = float(backing)
        doc = self.docs[number]
        for field, items in zip(doc.fields, doc.items):
            held = sum(1 for item in items if not asked.isdisjoint(self._item_stems(item)))
            signals += (CONTEXT_SIGNAL * bool(held)) if field.label in CONTEXT_FIELDS else held
        return DEPTH_BASE + (1.0 - DEPTH_BASE) * (1.0 - 1.0 / max(1.0, signals))

    def _item_stems(self, item: str) -> frozenset[str]:
        """The stems an item holds, its compounds' parts included; worked out once per item."""
        held = self._stems_of.get(item)
        if held is None:
            held = self._stems_of[item] = frozenset(
                s for w in words(item) for s in (stem(w), *self._parts.get(w, ())) if s)
        return held

    def _result(self, ranked: _Ranked, concepts: list[_Concept]) -> Result:
        """A ranked entry with its reasons; explained only now, for the few that are shown."""
        why = list(self._why(ranked.number, concepts)) if ranked.own else []
        for example_number in ranked.examples[:2]:
            example_id = self.docs[example_number].id
            why += [replace(r, example=example_id) for r in self._why(example_number, concepts)[:2]]
        doc = self.docs[ranked.number]
        return Result(doc.kind, doc.id, ranked.score, tuple(why), tuple(self.docs[n].id for n in ranked.examples))

    def _concepts(self, topic: str) -> list[_Concept]:
        asked = self._asked(topic)
        keys = [stem(w) for w in asked]
        concepts: list[_Concept] = []
        i = 0
        while i < len(keys):
            for size in range(min(MAX_PHRASE, len(keys) - i), 0, -1):
                key = tuple(keys[i:i + size])
                if size > 1 and key not in self._group_of:
                    continue
                concept = self._concept(" ".join(asked[i:i + size]), key)
                if size > 1 and not self._strong(concept):
                    concept.expansions += self._head_word(asked[i:i + size], key)
                concepts.append(concept)
                i += size
                break
        verbs = _verbs(topic) if self._verbs_say_how else set()
        for concept in concepts:
            if concept.asked in verbs and not self._any_match(concept):
                concept.specificity *= ACTION
        return concepts

    def _head_word(self, asked: list[str], key: tuple[str, ...]) -> list[_Expansion]:
        """A known phrase no entry expresses, read as its most specific word at a compound part's
        worth: "crèche in het verpleeghuis" is about the crèche wherever the knowledge never
        writes the two together, as "observatietrajecten" is about observatie (_compound)."""
        head = max((self._concept(word, (k,)) for word, k in zip(asked, key)), key=lambda c: c.specificity)
        return [_Expansion(e.stems, e.factor * (COMPOUND_PART + COMPOUND_SPECIFIC), e.via) for e in head.expansions]

    def _asked(self, topic: str) -> list[str]:
        """The topic's content words, two written apart read as the one word the knowledge
        writes ("zorg plan" is its zorgplan, "werk plaats" its werkplaats): apart, each
        would count as a topic of its own, and "werk" would meet every samenwerking."""
        said = words(topic)
        asked: list[str] = []
        i = 0
        while i < len(said):
            word, after = said[i], said[i + 1] if i + 1 < len(said) else ""
            joined = word + after
            if (len(word) >= MIN_PART and len(after) >= MIN_PART and is_content(word) and is_content(after)
                    and is_content(joined) and stem(joined) in self.postings):
                asked.append(joined)
                i += 2
                continue
            if is_content(word):
                asked.append(word)
            i += 1
        return asked

    def _concept(self, asked: str, key: tuple[str, ...]) -> _Concept:
        expansions: list[_Expansion] = []
        factor, via = 1.0, Via.DIRECT
        if len(key) == 1 and key[0] not in self.postings and key not in self._written:
            cognate = self._cognate(asked)
            if cognate:
                key = cognate
        if len(key) == 1 and key[0] not in self.postings and asked in self._apart:
            key = self._apart[asked]
        if len(key) == 1 and key[0] not in self.postings and key not in self._written:
            parts = self._compound(asked)
            # One known part beside an everyday word ("ondervo|ding") is likelier a slip of a letter
            # in a word the knowledge holds (ondervoeding) than a compound about that part.
            slip = self._typo(asked, edits=1) if len(parts) == 1 else None
            if parts and not slip:
                expansions += parts
            elif key not in self._group_of and (fixed := slip or self._typo(asked)):
                key, factor, via = (stem(fixed),), TYPO, Via.TYPO
        if key[0] in self.postings or len(key) > 1:
            expansions.append(_Expansion(key, factor, via))
        synonym_via = Via.SYNONYM if via is Via.DIRECT else via      # a repaired word's synonyms stay a repair
        for number in self._group_of.get(key, ()):
            group = self._groups[number]
            expansions += [_Expansion(member, group.weight * factor, synonym_via)
                           for member in group.members if member != key]
        # a phrase says more than its most specific word: "care office" is no filler, though care and office are
        return _Concept(asked, expansions, 1.0 - math.prod(1.0 - specificity(w) for w in asked.split()))

    def _cognate(self, word: str) -> tuple[str, ...] | None:
        """The knowledge's Dutch form of an English word it does not hold: "inspections" is
        inspectie, "activities" activiteit. Plurals first, then the regular suffix pairs."""
        singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word
        for english, dutch in _COGNATE_SUFFIXES:
            if len(singular) > len(english) + 2 and singular.endswith(english):
                key = (stem(singular[:-len(english)] + dutch),)
                if key[0] in self.postings or key in self._group_of:
                    return key
        key = (stem(singular),)
        return key if singular != word and (key[0] in self.postings or key in self._group_of) else None

    def _compound(self, word: str) -> list[_Expansion]:
        """An unknown word made of two known ones ("inkoopafspraken"), split
        where the parts are most even; the more specific part counts more."""
        splits = []     # (parts known, evenness, modifier, head): the best is the greatest
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            modifier, head = word[:cut], word[cut:]
            if modifier.endswith("s") and len(modifier) > MIN_PART and stem(modifier) not in self._lexicon:
                modifier = modifier[:-1]
            known = [part for part in (modifier, head) if self._part_stems(part)]
            if len(known) == 2:
                splits.append((2, min(len(modifier), len(head)), modifier, head))
            elif known == [modifier] and len(modifier) >= MIN_PART + 2:
                # One known part, one everyday word: "observatietrajecten" is
                # about observatie. Not when the known part is the vaguer one,
                # or "mondzorg" would be about all zorg; nor when it is the
                # last: the first part says which kind, so "zonnepanelen" are
                # another kind of panel than the kwaliteitspanel.
                other = head if known[0] == modifier else modifier
                if is_common(other) and specificity(known[0]) > specificity(other):
                    splits.append((1, len(known[0]), known[0], ""))
        if not splits:
            return []
        size, _, modifier, head = max(splits)
        if size == 1:
            return [_Expansion(self._part_stems(modifier), COMPOUND_PART + COMPOUND_SPECIFIC, Via.COMPOUND)]
        weights = {part: specificity(part) for part in (modifier, head)}
        top = max(weights.values())
        return [_Expansion(self._part_stems(modifier) + self._part_stems(head), COMPOUND_BOTH, Via.COMPOUND)] + [
            _Expansion(self._part_stems(part), COMPOUND_PART + COMPOUND_SPECIFIC * weights[part] / top, Via.COMPOUND)
            for part in (head, modifier)
        ]

    def _part_stems(self, part: str) -> tuple[str, ...]:
        """The stems a compound's part stands for: its own, or the two words the knowledge writes
        apart ("opendeurenbeleid" is open deuren + beleid); none when the knowledge has neither."""
        if (own := stem(part)) in self._lexicon:
            return (own,)
        return self._apart.get(part, ())

    def _typo(self, word: str, edits: int = 2) -> str | None:
        """The knowledge's word this one is a misspelling of (by at most `edits` slips, and one
        in a word under 8 letters); an everyday word is no misspelling."""
        if len(word) < 4 or is_dutch(word):
            return None
        limit = min(edits, 1 if len(word) < 8 else 2)
        candidates = [w for size in range(len(word) - limit, len(word) + limit + 1)
                      for w in self._by_length.get(size, ())]
        found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)   # a swap is one slip
        return found[0] if found else None

    def _why(self, number: int, concepts: list[_Concept]) -> tuple[Reason, ...]:
        doc = self.docs[number]
        reasons: list[Reason] = []
        for concept in concepts:
            reason = self._explain(doc, number, concept)
            if reason and reason not in reasons:
                reasons.append(reason)
        return tuple(reasons)

    def _as_written(self, asked: str) -> str:
        """`asked` as the knowledge spells it, when the knowledge holds only its stem."""
        if " " in asked or asked.lower() in self._spelled:
            return asked
        return self._written_as.get(stem(asked.lower()), asked)

    def _explain(self, doc: _Doc, number: int, concept: _Concept) -> Reason | None:
        values = [self._value(expansion, number) for expansion in concept.expansions]
        best_value = max(values, default=0.0)
        if not best_value:
            return None
        for (stems, _, via), value in zip(concept.expansions, values):
            if value + 1e-9 < best_value:
                continue
            for field, items in zip(doc.fields, doc.items):      # heaviest first: the strongest reason
                for item in items:
                    hit = _find(item, stems, self._parts)
                    if hit:
                        shown = item if len(item) <= self._shown_item else hit
                        return Reason(field.label, shown, via, "" if via is Via.DIRECT else self._as_written(concept.asked))
        return None


def _threshold(length: float) -> float:
    """The score an entry needs to answer a question of `length` words."""
    return max(MIN_THRESHOLD, THRESHOLD - LONG_QUESTION * max(0.0, length - 2))


# English and Dutch endings of the same Latin words (inspection/inspectie, activity/activiteit, digital/digitaal, ...)
_COGNATE_SUFFIXES = (("tion", "tie"), ("sion", "sie"), ("ity", "iteit"), ("ism", "isme"), ("ics", "iek"), ("ical", "isch"),
                     ("ic", "isch"), ("ive", "ief"), ("ary", "air"), ("al", "aal"))


def _split(word: str, vocabulary: set[str], known_stems: set[str]) -> Compound | None:
    """The parts of a compound, where either is a known word: the knowledge's own, or an everyday
    one whose stem it holds (not any tail that only stems like one: "eding" is no word)."""
    def known(part: str) -> bool:
        return part in vocabulary or (stem(part) in known_stems and is_common(part))

    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        suffix = word[cut:]
        if known(suffix):
            rest = word[:cut]
            modifier = stem(rest.removesuffix("s")) if len(rest) > MIN_PART and rest.endswith("s") else stem(rest)
            return Compound(modifier, stem(suffix))
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        prefix = word[:cut]
        if known(prefix) and not _DIMINUTIVE_TAIL.fullmatch(word[cut:]):
            return Compound(stem(prefix), stem(word[cut:]))
    return None


def _find(item: str, stems: tuple[str, ...], parts: dict[str, Compound]) -> str | None:
    """The first word of `item` that carries one of `stems`, itself or as a compound's part."""
    for w in words(item):
        if stem(w) in stems or any(p in stems for p in parts.get(w, ()) if p):
            return w
    return None


def _verbs(topic: str) -> set[str]:
    """The verbs in `topic` that say what to do about its topic ("hoe betrekken jullie de
    cliëntenraad", "het afbouwen van fixatie"); not one made a noun and asked about itself
    ("het parkeren voor mantelzorgers")."""
    said = words(topic)
    return {w for before, w, after in zip(["", *said], said, [*said[1:], ""])
            if is_verb(w) and (before not in ARTICLES or after == "van")}


def _stem_tuple(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in content_words(text))


def _members(terms: Iterable[str]) -> list[tuple[str, ...]]:
    """A group's distinct terms as stem tuples, in the order written."""
    return [key for key in dict.fromkeys(map(_stem_tuple, terms)) if key]


@cache
def _shipped() -> tuple[list[tuple[str, ...]], ...]:
    """The thesaurus's groups as stem tuples, made once: a pledge list's index is rebuilt often."""
    return tuple(map(_members, thesaurus.groups()))


@cache
def _shipped_by_first_stem() -> dict[str, list[tuple[int, tuple[str, ...]]]]:
    """Each term's first stem -> (its group's number, the term's other stems), for the groups of
    two or more terms: an index finds the groups that reach its words from its own stems, not by
    trying all 1,300-odd groups (2.6 ms of a 6 ms sample index, and a pledge list's is rebuilt often)."""
    by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for number, members in enumerate(_shipped()):
        if len(members) > 1:
            for key in members:
                by_first[key[0]].append((number, key[1:]))
    return dict(by_first)


def _documents(knowledge: Knowledge) -> Iterable[_Doc]:
    @cache      # thousands of entries share a few themes and organisations
    def theme_texts(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(text for t in ids if t in knowledge.themes
                     for text in (knowledge.themes[t].name, *knowledge.themes[t].aliases))

    @cache
    def org_texts(org_id: str) -> tuple[str, ...]:
        org = knowledge.organisations.get(org_id)
        return (org.name, *org.aliases) if org else ()

    for e in knowledge.examples.values():
        names = tuple(knowledge.contacts[c].name for c in e.contacts if c in knowledge.contacts)
        yield _doc(Kind.EXAMPLE, e.id, keyword=e.keywords, title=(e.title,), theme=theme_texts(e.themes),
                   contact=names, organisation=org_texts(e.organisation), summary=(e.summary,))
    for c in knowledge.contacts.values():
        yield _doc(Kind.CONTACT, c.id, name=(c.name,), expertise=c.expertise, theme=theme_texts(c.themes),
                   role=(c.role,) if c.role else (), organisation=org_texts(c.organisation))
    for o in knowledge.organisations.values():
        yield _doc(Kind.ORGANISATION, o.id, name=(o.name, *o.aliases), region=(o.region,) if o.region else ())


def _doc(kind: Kind, entry_id: str, **items: tuple[str, ...]) -> _Doc:
    """An entry, its items named by field so that none can land in another's place."""
    fields = FIELDS[kind]
    return _Doc(kind, entry_id, fields, tuple([items[field.label] for field in fields]))
