"""Scoring the matcher on a question set: hit@1, hit@3 and no-match precision.

Asks through `handlers.ask.lookup`, the one path of chat and `ask --json`: by
words alone, or with the semantic side once its vectors are built. Used by the
quality test and runnable by hand (`python tests/quality/evaluate.py [--words]
[QUESTIONS KNOWLEDGE]`) to see each miss while tuning.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.matching.live import LiveKnowledge
from bot.matching.meaning import Semantic, default_semantic
from handlers.ask import lookup

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
# Each written blind (neither matcher nor code seen) with a knowledge directory of its writer's own, in
# ./NAME/questions.yaml and ./NAME/knowledge; measured once on arrival, and read by kind after that:
BLIND = (
    "blind",    # the first (109 questions)
    "blind2",   # a session later (80, 18 of them near-miss no-match)
    "blind3",   # later still (80, 30 paraphrases, 18 near-miss no-match)
    # the rest in the mix of an ordinary month's questions (70: 14 paraphrases, 10 English, 8 no-match,
    # 7 of them near misses), the mix issue 11's bar is measured on
    "blind4",   # to read that bar; then the check on the blend of words and meaning
    "blind5",   # written once the blend was in
    "blind6",   # written at the end of that session: measured, never read or tuned on
    "blind7",   # these two at the start of the next session; both read and tuned on there
    "blind8",
    "blind9",   # once blind8 had been read; read once, for what the lemmas cost it
    "blind10",  # at the end of that session: measured, never read or tuned on
    "blind11",  # at the start of the next: the hardest so far (synonyms 3 of 9), read and tuned on
    "blind12",  # written beside it: measured on arrival, never read or tuned on
    "blind13",  # at that session's end, paraphrases screened for every stem of their answers:
    "blind14",  # both measured once on the final code, never read (paraphrase 5 and 4 of 14)
    "blind15",  # at the start of the next session, paraphrases screened likewise: measured on arrival
    "blind16",  # (0.73/0.73 and 0.68/0.71), then kept apart from all tuning
    "blind17",  # at that session's end, likewise: measured once on its final code, never read
    "blind18",
    "blind19",  # at the start of the session after: measured on arrival (0.87/0.89, no-match 4 of 8), then
                # read for its near misses, which words answered on one or two of their commoner words
    "blind20",  # written beside it: measured on arrival (0.92/0.92/7 of 8), then kept apart
    "blind21",  # two sessions later: measured on arrival (0.87/0.87, no-match 6 of 8), then kept apart
    "blind22",  # later that session, after its matching steps: on arrival 0.85/0.87, no-match 7 of 8; kept apart
    "blind23",  # at its end, on its final code: on arrival 0.85/0.89, no-match 8 of 8; kept apart
    "blind24",  # the session after, to read (its misses are what it is for): on arrival 0.84/0.87, no-match 4 of 8
    "blind25",  # written beside it, likewise: on arrival 0.89/0.92, no-match 7 of 8
    "blind26",  # and a third: on arrival 0.82/0.87, no-match 7 of 8 (synonyms 2 of 9)
    "blind27",  # at that session's end, measured once on its final code: 0.82/0.85, no-match 6 of 8
    "blind28",  # (0.79/0.85 and 0.85/0.87 on its start code), and 0.85/0.89, no-match 7 of 8; both kept apart
    "blind29",  # the session after, to read (the lift gate in): on arrival 0.85/0.87, no-match 6 of 8 (synonyms 5 of 9)
    "blind30",  # written beside it, likewise: on arrival 0.90/0.94, no-match 7 of 8 (synonyms 5 of 9)
    "blind31",  # the session after, to read: on arrival 0.79/0.82, no-match 5 of 8 (synonyms 4 of 9)
    "blind32",  # written beside it, kept apart: on arrival 0.81/0.85, no-match 5 of 8
    "blind33",  # and a third, kept apart: on arrival 0.82/0.92, no-match 6 of 8
    "blind34",  # at that session's end, kept apart: on its final code 0.87/0.87, no-match 8 of 8, and 0.82/0.85,
    "blind35",  # 6 of 8 (the same on its start code)
    "blind36",  # the session after, kept apart: on arrival 0.90/0.94, no-match 5 of 8, and 0.84/0.85,
    "blind37",  # 5 of 8 (synonyms 4 of 9)
    "blind38",  # the session after, kept apart: on arrival 0.90/0.90, no-match 6 of 8, and 0.94/0.95,
    "blind39",  # 6 of 8
)
KEPT_APART = ("blind15", "blind16", "blind17", "blind18", "blind20", "blind21", "blind22", "blind23", "blind27",
              "blind28", "blind32", "blind33", "blind34",
              "blind35", "blind36", "blind37", "blind38", "blind39")    # never fitted (fit_adapter.py) nor tuned on: the honest check
SETS = {
    "sample": (HERE / "questions.yaml", ROOT / "knowledge"),
    "heldout": (ROOT / "tests/data/heldout/questions.yaml", ROOT / "tests/data/heldout/knowledge"),
    **{name: (HERE / name / "questions.yaml", HERE / name / "knowledge") for name in BLIND},
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


def evaluate(questions_file: Path, knowledge_dir: Path, semantic: Semantic) -> Figures:
    questions = yaml.safe_load(questions_file.read_text(encoding="utf-8"))["questions"]
    index = LiveKnowledge.load(knowledge_dir).current.index
    semantic.index_for(index, wait=True)        # the hybrid as it answers once built, not half-way
    hit1 = hit3 = answerable = rejected = nomatch = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for q in questions:
        results = lookup(q["q"], index, limit=3, near=False, semantic=semantic).results
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
    words = "--words" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--words"]
    chosen = {"custom": (Path(args[0]), Path(args[1]))} if len(args) == 2 else SETS
    side = Semantic(None) if words else default_semantic()
    for name, (questions_file, knowledge_dir) in chosen.items():
        figures = evaluate(questions_file, knowledge_dir, side)
        print(f"{name} ({'words' if words else 'hybrid'}): {figures}")
        for miss in figures.misses:
            print("   ", miss)
