"""Knowledge gaps: unanswered topics grouped by what they are about, most asked first.

"mondzorg", "mondzorg in het verpleeghuis" and "Mondzorg?" are one gap: topics
whose content stems mostly overlap share a group, named after its most asked
wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.matching.normalise import content_words, stem

SAME = 0.5       # share of stems two topics must have in common to be one gap


@dataclass
class Gap:
    topic: str                       # the most asked wording
    asked: int
    wordings: Counter = field(default_factory=Counter)
    _stems: set[str] = field(default_factory=set)


def gaps(topics: Iterable[str]) -> list[Gap]:
    """Groups of similar topics, most asked first (ties: the earliest asked)."""
    counted = Counter(t.strip() for t in topics if t.strip())
    found: list[Gap] = []
    for topic, count in counted.most_common():
        stems = {stem(w) for w in content_words(topic)} or {topic.lower()}
        group = next((g for g in found if _overlap(stems, g._stems) >= SAME), None)
        if group is None:
            group = Gap(topic, 0, Counter(), set(stems))
            found.append(group)
        group.asked += count
        group.wordings[topic] += count
        group._stems |= stems
    for group in found:
        group.topic = group.wordings.most_common(1)[0][0]
    return sorted(found, key=lambda g: -g.asked)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b))
