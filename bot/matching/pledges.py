"""Which open offers fit a need (and which needs an offer could serve), by the engine `ask` uses.

The other kind's open pledges become the entries of an index built with the
knowledge's vocabulary (synonyms, themes, organisations), so a need in
everyday words meets an offer in others the same way a question meets a
practice example: stems, synonyms, compounds, repaired typos. The index is
kept while neither the pledges nor the knowledge change.

By words only, on purpose: the sentence model was measured on the blind set
(tests/quality/pledges.yaml) and no cosine gate let reworded needs and offers
meet without also answering pledges that have no counterpart (their nearest
texts lie as close, cosine up to 0.42, as real pairs, from 0.31); re-ordering
what words chose changed nothing. A match pings the other pledge's author, so a
wrong one costs more than none.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bot.knowledge.model import Example, Knowledge, frozen_map
from bot.matching.index import Index, Kind

THRESHOLD = 30.0      # a pledge text is long: a fit must cover this share of it (see tests/quality)
_KEPT = 4             # indexes kept: one per kind and knowledge, and a spare while one is replaced


@dataclass(frozen=True)
class Candidate:
    """An open pledge as matching sees it: no store, no people, just its words."""

    id: str
    text: str
    organisation: str | None = None


@dataclass(frozen=True)
class Fit:
    id: str
    score: float
    why: tuple[str, ...]


class _Indexes:
    """The last few indexes, by the knowledge they were built with and the candidates they hold."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[int, tuple[Candidate, ...]], tuple[Knowledge, Index]] = OrderedDict()

    def get(self, knowledge: Knowledge, candidates: tuple[Candidate, ...]) -> Index:
        key = (id(knowledge), candidates)
        kept = self._kept.get(key)
        if kept is None or kept[0] is not knowledge:
            kept = self._kept[key] = (knowledge, Index(_as_knowledge(knowledge, candidates)))
            while len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
        self._kept.move_to_end(key)
        return kept[1]


_indexes = _Indexes()


def fits(text: str, candidates: tuple[Candidate, ...], knowledge: Knowledge, limit: int = 3) -> list[Fit]:
    """The candidates that fit `text` well enough, best first."""
    if not candidates:
        return []
    # the knowledge's organisations are entries too (their names are vocabulary): ask past them
    results = _indexes.get(knowledge, candidates).search(text, limit=limit + len(knowledge.organisations),
                                                           threshold=THRESHOLD)
    return [Fit(r.id, r.score, tuple(str(reason) for reason in r.why))
            for r in results if r.kind is Kind.EXAMPLE][:limit]


def _as_knowledge(knowledge: Knowledge, candidates: tuple[Candidate, ...]) -> Knowledge:
    """The candidates as practice examples, with the knowledge's vocabulary and organisations."""
    entries = {c.id: Example(c.id, c.text, c.organisation or "", "") for c in candidates}
    return Knowledge(organisations=knowledge.organisations, themes=knowledge.themes, synonyms=knowledge.synonyms,
                     examples=frozen_map(entries))
