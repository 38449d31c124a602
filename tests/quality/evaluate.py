"""Scoring the matcher on a question set: hit@1, hit@3 and no-match precision.

Used by the quality test and runnable by hand (`python tests/quality/evaluate.py
[QUESTIONS KNOWLEDGE]`) to see each miss while tuning.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.matching.live import LiveKnowledge
from bot.matching.question import parse_topic

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SETS = {
    "sample": (HERE / "questions.yaml", ROOT / "knowledge"),
    "heldout": (ROOT / "tests/data/heldout/questions.yaml", ROOT / "tests/data/heldout/knowledge"),
}


@dataclass
class Figures:
    hit1: float
    hit3: float
    nomatch_rejected: float
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)   # kind -> (hit@3, total)
    misses: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        kinds = ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(self.by_kind.items()))
        return f"hit@1 {self.hit1:.2f}  hit@3 {self.hit3:.2f}  no-match rejected {self.nomatch_rejected:.2f}  [{kinds}]"


def evaluate(questions_file: Path, knowledge_dir: Path) -> Figures:
    questions = yaml.safe_load(questions_file.read_text(encoding="utf-8"))["questions"]
    index = LiveKnowledge.load(knowledge_dir).current.index
    hit1 = hit3 = answerable = rejected = nomatch = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for q in questions:
        results = index.search(parse_topic(q["q"]).topic, limit=3)
        got = [f"{r.kind}:{r.id}" for r in results]
        counts = by_kind[q["kind"]]
        counts[1] += 1
        if not q["expect"]:
            nomatch += 1
            ok = not got
            rejected += ok
        else:
            answerable += 1
            expected = set(q["expect"])
            ok = bool(expected & set(got))
            hit3 += ok
            hit1 += bool(got) and got[0] in expected
        counts[0] += ok
        if not ok:
            misses.append(f"[{q['kind']}] {q['q']!r} -> {got or 'nothing'} (expected {q['expect'] or 'nothing'})")
    return Figures(hit1 / max(answerable, 1), hit3 / max(answerable, 1), rejected / max(nomatch, 1),
                   {k: (v[0], v[1]) for k, v in by_kind.items()}, misses)


if __name__ == "__main__":
    chosen = {"custom": (Path(sys.argv[1]), Path(sys.argv[2]))} if len(sys.argv) == 3 else SETS
    for name, (questions_file, knowledge_dir) in chosen.items():
        figures = evaluate(questions_file, knowledge_dir)
        print(f"{name}: {figures}")
        for miss in figures.misses:
            print("   ", miss)
