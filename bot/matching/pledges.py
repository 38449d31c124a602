"""Which open offers fit a need (and which needs an offer could serve), by the engine `ask` uses.

First by words: the other kind's open pledges become the entries of an index
built with the knowledge's vocabulary (synonyms, themes, organisations), so a
need in everyday words meets an offer in others the same way a question meets
a practice example: stems, synonyms, compounds, repaired typos. A fit by words
covers much of the pledge, and is taken as it is.

Pledges that share no words are left to the sentence model, and to a rule
that a cosine gate alone could not give (measured on three blind sets in
tests/quality: a pledge without a counterpart lies as close to its nearest
text, up to 0.53, as real pairs do, from 0.07): the two must be each other's
nearest. The closest offer fits a need only when no other open need is closer
to that offer, and the other way round. A pledge without a counterpart mostly
finds an offer that has its own real need. Only the one such fit is given,
and only at cosine 0.35 or more. A match pings the other pledge's author, so
a wrong one costs more than none.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.knowledge.model import Example, Knowledge, frozen_map
from bot.matching.hybrid import MEANING
from bot.matching.index import Index, Kind, Reason
from bot.matching.meaning import Semantic

THRESHOLD = 30.0      # a pledge text is long: a fit must cover this share of it (see tests/quality)
GATE = 0.35           # the cosine a fit by meaning needs besides being mutual (see tests/quality)
_KEPT = 4             # lists prepared: one per kind, and a spare while one is replaced
_TIE = 1e-6           # a rival only closer by rounding (the same text) does not count


class _Pledged(Protocol):
    """What matching reads of a stored pledge (the store's Pledge, without importing the store)."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def organisation(self) -> str | None: ...


@dataclass(frozen=True)
class Candidate:
    """An open pledge as matching sees it: no store, no people, just its words."""

    id: str
    text: str
    organisation: str | None = None

    @classmethod
    def of(cls, pledge: _Pledged) -> Candidate:
        """The candidate of a stored pledge (matching reads its fields, never the store)."""
        return cls(pledge.id, pledge.text, pledge.organisation)


@dataclass(frozen=True)
class Fit:
    """A pledge that fits: `why` as `pledges match --json` gives it, `reasons` for chat to word."""

    id: str
    score: float
    reasons: tuple[Reason, ...]

    @property
    def why(self) -> tuple[str, ...]:
        return tuple(str(reason) for reason in self.reasons)


class Prepared:
    """What matching needs of one tuple of open pledges, made on first use and kept while
    they stay the same: rebuilt when a kind's list changes, not for every new pledge."""

    def __init__(self, candidates: tuple[Candidate, ...]) -> None:
        self.candidates = candidates
        self._index: tuple[Knowledge, Index] | None = None
        self._vectors: tuple[Semantic, np.ndarray] | None = None

    def index(self, knowledge: Knowledge) -> Index:
        if self._index is None or self._index[0] is not knowledge:
            # a pledge's text is an entry's title: its reasons show the word that met, not all of it;
            # and a verb in it is what is needed or offered
            self._index = (knowledge, Index(_as_knowledge(knowledge, self.candidates), shown_item=0,
                                            verbs_say_how=False))
        return self._index[1]

    def vectors(self, semantic: Semantic) -> np.ndarray | None:
        """One row per candidate; None while the model loads (nothing is kept then)."""
        if self._vectors is None or self._vectors[0] is not semantic:
            texts = [c.text for c in self.candidates]
            vectors = semantic.vectors(texts) if texts else np.zeros((0, 1), dtype=np.float32)
            if vectors is None:
                return None
            self._vectors = (semantic, vectors)
        return self._vectors[1]


_prepared: OrderedDict[tuple[Candidate, ...], Prepared] = OrderedDict()
_prepared_lock = threading.Lock()      # fits() runs in worker threads


def prepared(candidates: tuple[Candidate, ...]) -> Prepared:
    """The kept Prepared of `candidates` (hashed once a call: at 10,000 pledges that is a millisecond)."""
    with _prepared_lock:
        kept = _prepared.get(candidates)
        if kept is None:
            kept = _prepared[candidates] = Prepared(candidates)
            while len(_prepared) > _KEPT:
                _prepared.popitem(last=False)
        _prepared.move_to_end(candidates)
        return kept


def fits(text: str, candidates: tuple[Candidate, ...], knowledge: Knowledge, limit: int = 3, *,
         rivals: tuple[Candidate, ...] | None = None, semantic: Semantic | None = None) -> list[Fit]:
    """The candidates that fit `text` well enough, best first.

    `rivals` are the open pledges of `text`'s own kind (it may be among them): given them
    and a `semantic` side, a pledge that words leave alone may get the one fit by meaning."""
    if not candidates:
        return []
    # the knowledge's organisations are entries too (their names are vocabulary): ask past them
    index = prepared(candidates).index(knowledge)
    results = index.search(text, limit=limit + len(knowledge.organisations), threshold=THRESHOLD)
    found = [Fit(r.id, r.score, r.why) for r in results if r.kind is Kind.EXAMPLE]
    if found or rivals is None or semantic is None:
        return found[:limit]
    return _by_meaning(text, candidates, rivals, semantic)


def _by_meaning(text: str, candidates: tuple[Candidate, ...], rivals: tuple[Candidate, ...],
                semantic: Semantic) -> list[Fit]:
    """The nearest candidate, if `text` is its nearest too (among `rivals`) and close enough."""
    own = semantic.vectors([text])
    if own is None:                       # the model is still loading: words only, for now
        return []
    offered, others = prepared(candidates).vectors(semantic), prepared(rivals).vectors(semantic)
    if offered is None or others is None:
        return []
    # einsum, not @: one thread (see meaning.MeaningIndex.search)
    cosines = np.einsum("ij,j->i", offered, own[0])
    best = int(np.argmax(cosines))
    closest = float(cosines[best])
    if closest < GATE:
        return []
    if len(others) and float(np.einsum("ij,j->i", others, offered[best]).max()) > closest + _TIE:
        return []
    return [Fit(candidates[best].id, 100.0 * closest, (Reason(MEANING, f"{closest:.2f}"),))]


def _as_knowledge(knowledge: Knowledge, candidates: tuple[Candidate, ...]) -> Knowledge:
    """The candidates as practice examples, with the knowledge's vocabulary and organisations."""
    entries = {c.id: Example(c.id, c.text, c.organisation or "", "") for c in candidates}
    return Knowledge(organisations=knowledge.organisations, themes=knowledge.themes, synonyms=knowledge.synonyms,
                     examples=frozen_map(entries))
