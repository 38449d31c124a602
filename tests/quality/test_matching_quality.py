"""The matcher's quality floors on every question set, by words alone and as the hybrid.

`sample` asks about knowledge/ (the network's own sample knowledge); `heldout`
asks about a differently written network under tests/data/heldout, which the
matcher was never tuned on by word lists or parameters — it guards against
fitting the sample; `blind` was written by someone who saw neither the matcher
nor its code, with a knowledge directory of their own, and is the honest one;
`blind2` was written the same way a session later, to check what the first had
taught; `blind3` a session after that, measured once when it came; `blind4` in the
mix of an ordinary month's questions, to read issue 11's bar on a set like the
one it is measured on (once on arrival too); `blind5` in that mix again, written
after the blend of words and meaning was chosen, to check it; `blind6` in that mix
once more, measured once at the end of that session; `blind7` to `blind10` in that mix, written
in the next, each measured on arrival (`blind10` at its end, untouched); `blind11` and `blind12`
in the session after (`blind12` untouched), `blind13` and `blind14` at its end (untouched then);
`blind15` and `blind16` at the start of the next, kept apart from everything fitted or tuned, like
`blind17`, `blind18` and `blind20` after them (`blind19` read), and so on: evaluate.BLIND says how
each set came and was used, evaluate.KEPT_APART which were never tuned on. Words alone
are held too: they decide "no good match" in the hybrid, and they are what the
bot answers while the vectors are built or without the model. Run `python tests/quality/evaluate.py [--words]` to see every miss.
"""
from __future__ import annotations

import pytest

from bot.matching.meaning import Semantic
from bot.matching.semantic import available_embedder
from bot.matching.vectors import VectorCache
from tests.quality.evaluate import SETS, evaluate

FLOORS = {   # hit@1, hit@3, share of no-match questions answered with nothing (the bar)
    ("sample", "words"): (0.75, 0.87, 1.0),
    ("heldout", "words"): (0.75, 0.90, 0.85),
    # measured 0.95/0.95/1.00 and 0.98/0.98/1.00; hit@3 sits above what words alone reach (0.89, 0.95),
    # so a semantic side that quietly stopped working fails here
    ("sample", "hybrid"): (0.86, 0.93, 1.0),
    ("heldout", "hybrid"): (0.96, 0.96, 0.85),
    # The blind sets: each was measured on arrival, then tuned on (blind6, blind10 and blind12 only
    # measured, blind9 read once for the lemmas' cost). History in git log; the figures below are this
    # code's, and each floor sits about one question under them. Since the question adapter
    # (bot/matching/adapter.py) was fitted on blind to blind14 (and blind19), their hybrid figures are
    # figures on questions it has seen (blind hit@3 0.83 -> 0.92, blind14 0.74 -> 0.92): they guard
    # against a broken adapter or blend, and the sets in evaluate.KEPT_APART are the honest reading.
    ("blind", "words"): (0.66, 0.70, 1.0),   # 0.68/0.72/1.00
    ("blind", "hybrid"): (0.94, 0.94, 1.0),   # 0.96/0.96/1.00
    ("blind2", "words"): (0.67, 0.72, 0.93),   # 0.69/0.74/0.94
    ("blind2", "hybrid"): (0.95, 0.95, 0.88),   # 0.97/0.97/0.89
    ("blind3", "words"): (0.56, 0.61, 1.0),   # 0.58/0.63/1.00
    ("blind3", "hybrid"): (0.95, 0.98, 0.93),   # 0.97/1.00/0.94
    ("blind4", "words"): (0.74, 0.79, 0.87),   # 0.76/0.81/0.88
    ("blind4", "hybrid"): (0.96, 0.96, 0.87),   # 0.98/0.98/0.88
    ("blind5", "words"): (0.77, 0.82, 1.0),   # 0.79/0.84/1.00
    ("blind5", "hybrid"): (0.96, 0.98, 1.0),   # 0.98/1.00/1.00
    ("blind6", "words"): (0.67, 0.72, 0.74),   # 0.69/0.74/0.75
    ("blind6", "hybrid"): (0.98, 0.98, 0.74),   # 1.00/1.00/0.75
    ("blind7", "words"): (0.80, 0.85, 0.87),   # 0.82/0.87/0.88
    ("blind7", "hybrid"): (0.95, 0.96, 0.87),   # 0.97/0.98/0.88
    ("blind8", "words"): (0.79, 0.83, 0.87),   # 0.81/0.85/0.88
    ("blind8", "hybrid"): (0.96, 0.96, 0.74),   # 0.98/0.98/0.75
    ("blind9", "words"): (0.67, 0.77, 0.87),   # 0.69/0.79/0.88
    ("blind9", "hybrid"): (0.93, 0.95, 0.87),   # 0.95/0.97/0.88
    ("blind10", "words"): (0.80, 0.82, 0.87),   # 0.82/0.84/0.88
    ("blind10", "hybrid"): (0.96, 0.96, 0.87),   # 0.98/0.98/0.88
    ("blind11", "words"): (0.67, 0.77, 1.0),   # 0.69/0.79/1.00
    ("blind11", "hybrid"): (0.95, 0.95, 1.0),   # 0.97/0.97/1.00
    ("blind12", "words"): (0.79, 0.87, 0.74),   # 0.81/0.89/0.75
    ("blind12", "hybrid"): (0.98, 0.98, 0.74),   # 1.00/1.00/0.75
    # measured once at the end of the session that wrote them, never read
    ("blind13", "words"): (0.74, 0.74, 0.74),   # 0.76/0.76/0.75
    ("blind13", "hybrid"): (0.93, 0.95, 0.74),   # 0.95/0.97/0.75
    ("blind14", "words"): (0.72, 0.77, 0.74),   # 0.74/0.79/0.75
    ("blind14", "hybrid"): (0.96, 0.96, 0.74),   # 0.98/0.98/0.75
    # kept apart from all fitting and tuning (evaluate.KEPT_APART): on arrival, before the adapter,
    # hybrid 0.73/0.73/0.88 and 0.68/0.71/1.00
    ("blind15", "words"): (0.72, 0.75, 0.87),   # 0.74/0.77/0.88
    ("blind15", "hybrid"): (0.83, 0.88, 0.87),   # 0.85/0.90/0.88
    ("blind16", "words"): (0.66, 0.66, 1.0),   # 0.68/0.68/1.00
    ("blind16", "hybrid"): (0.79, 0.80, 1.0),   # 0.81/0.82/1.00
    # written at that session's end, measured once on its final code (without the adapter:
    # 0.76/0.79/0.75 and 0.74/0.76/0.75)
    ("blind17", "words"): (0.67, 0.71, 0.87),   # 0.69/0.73/0.88
    ("blind17", "hybrid"): (0.82, 0.83, 0.87),   # 0.84/0.85/0.88
    ("blind18", "words"): (0.64, 0.71, 0.74),   # 0.66/0.73/0.75
    ("blind18", "hybrid"): (0.83, 0.90, 0.74),   # 0.85/0.92/0.75
    # the session after: blind19 read (its near misses: words answer on a question's commoner words
    # while its rarest is nowhere in the knowledge), blind20 kept apart; on arrival hybrid
    # 0.87/0.89/0.50 and 0.92/0.92/0.88, now with the fifth thesaurus pass and the adapter refitted
    ("blind19", "words"): (0.72, 0.72, 0.5),   # 0.74/0.74/0.50
    ("blind19", "hybrid"): (0.96, 0.96, 0.5),   # 0.98/0.98/0.50
    ("blind20", "words"): (0.83, 0.83, 1.0),   # 0.85/0.85/1.00
    ("blind20", "hybrid"): (0.92, 0.93, 1.0),   # 0.94/0.95/1.00
    # two sessions later, kept apart: blind21 on arrival, blind22 and blind23 on arrival after that session's
    # matching steps, blind22 measured again after its thesaurus passes
    ("blind21", "words"): (0.74, 0.77, 0.74),   # 0.76/0.79/0.75
    ("blind21", "hybrid"): (0.88, 0.90, 0.74),   # 0.90/0.92/0.75
    ("blind22", "words"): (0.72, 0.74, 0.87),   # 0.74/0.76/0.88
    ("blind22", "hybrid"): (0.85, 0.87, 0.87),   # 0.87/0.89/0.88
    ("blind23", "words"): (0.67, 0.67, 1.0),   # 0.69/0.69/1.00
    ("blind23", "hybrid"): (0.87, 0.90, 1.0),   # 0.89/0.92/1.00
    # the session after, written to be read and tuned on: on arrival, as measured here
    ("blind24", "words"): (0.64, 0.67, 0.5),   # 0.66/0.69/0.50
    ("blind24", "hybrid"): (0.95, 0.95, 0.5),   # 0.97/0.97/0.50
    ("blind25", "words"): (0.82, 0.87, 0.87),   # 0.84/0.89/0.88
    ("blind25", "hybrid"): (0.96, 0.96, 0.87),   # 0.98/0.98/0.88
    ("blind26", "words"): (0.64, 0.74, 0.87),   # 0.66/0.76/0.88
    ("blind26", "hybrid"): (0.93, 0.96, 0.87),   # 0.95/0.98/0.88
    # at that session's end, kept apart: measured once on its final code
    ("blind27", "words"): (0.72, 0.75, 0.74),   # 0.74/0.77/0.75
    ("blind27", "hybrid"): (0.79, 0.85, 0.74),   # 0.81/0.87/0.75
    ("blind28", "words"): (0.69, 0.71, 0.87),   # 0.71/0.73/0.88
    ("blind28", "hybrid"): (0.85, 0.88, 0.87),   # 0.87/0.90/0.88
    # the session after, to read and fit on
    ("blind29", "words"): (0.67, 0.71, 0.87),   # 0.69/0.73/0.88
    ("blind29", "hybrid"): (0.83, 0.85, 0.74),   # 0.85/0.87/0.75
    ("blind30", "words"): (0.75, 0.79, 0.87),   # 0.77/0.81/0.88
    ("blind30", "hybrid"): (0.90, 0.92, 0.87),   # 0.92/0.94/0.88
    # the session after: blind31 to read, blind32 and blind33 kept apart (measured on arrival)
    ("blind31", "words"): (0.61, 0.64, 0.61),   # 0.63/0.66/0.62
    ("blind31", "hybrid"): (0.77, 0.80, 0.61),   # 0.79/0.82/0.62
    ("blind32", "words"): (0.64, 0.67, 0.61),   # 0.66/0.69/0.62
    ("blind32", "hybrid"): (0.80, 0.85, 0.61),   # 0.82/0.87/0.62
    ("blind33", "words"): (0.67, 0.72, 0.74),   # 0.69/0.74/0.75
    ("blind33", "hybrid"): (0.80, 0.90, 0.74),   # 0.82/0.92/0.75
    # at that session's end, kept apart: measured once on its final code
    ("blind34", "words"): (0.61, 0.62, 1.0),   # 0.63/0.65/1.00
    ("blind34", "hybrid"): (0.85, 0.85, 1.0),   # 0.87/0.87/1.00
    ("blind35", "words"): (0.62, 0.66, 0.74),   # 0.65/0.68/0.75
    ("blind35", "hybrid"): (0.80, 0.83, 0.74),   # 0.82/0.85/0.75
    # the session after, written blind at its start and kept apart: measured on arrival (its start code)
    ("blind36", "words"): (0.75, 0.77, 0.61),   # 0.77/0.79/0.62
    ("blind36", "hybrid"): (0.88, 0.91, 0.61),   # 0.90/0.94/0.62
    ("blind37", "words"): (0.69, 0.71, 0.61),   # 0.71/0.73/0.62
    ("blind37", "hybrid"): (0.82, 0.83, 0.61),   # 0.84/0.85/0.62
    # the session after, the same way
    ("blind38", "words"): (0.78, 0.81, 0.74),   # 0.81/0.84/0.75
    ("blind38", "hybrid"): (0.88, 0.88, 0.74),   # 0.90/0.90/0.75
    ("blind39", "words"): (0.75, 0.77, 0.74),   # 0.77/0.79/0.75
    ("blind39", "hybrid"): (0.91, 0.93, 0.74),   # 0.94/0.95/0.75
}


@pytest.fixture(scope="module")
def hybrid(tmp_path_factory) -> Semantic:
    return Semantic(available_embedder(), VectorCache(tmp_path_factory.mktemp("vectors")))


@pytest.mark.parametrize("name, side", sorted(FLOORS))
def test_quality_floors(name: str, side: str, hybrid: Semantic, capsys):
    figures = evaluate(*SETS[name], hybrid if side == "hybrid" else Semantic(None))
    with capsys.disabled():
        print(f"\n  matching quality, {name} ({side}): {figures}")
    hit1, hit3, nomatch = FLOORS[name, side]
    assert figures.hit1 >= hit1, figures.misses
    assert figures.hit3 >= hit3, figures.misses
    assert figures.nomatch_rejected >= nomatch, figures.misses


def test_question_sets_cover_every_kind():
    import yaml
    for questions_file, _ in SETS.values():
        questions = yaml.safe_load(questions_file.read_text(encoding="utf-8"))["questions"]
        kinds = {q["kind"] for q in questions}
        assert kinds >= {"keyword", "paraphrase", "synonym", "misspelling", "english", "nomatch"}
        assert len(questions) >= 50
