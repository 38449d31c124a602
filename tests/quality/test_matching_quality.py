"""The matcher's quality floors on ten question sets, by words alone and as the hybrid.

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
once more, measured once at the end of that session; `blind7` and `blind8` in that mix, written
at the start of the next, each measured on arrival (the eighth's misses kept unread). Words alone
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
    ("sample", "words"): (0.75, 0.90, 1.0),
    ("heldout", "words"): (0.75, 0.90, 0.85),
    # measured 0.88/0.95/1.00 and 1.00/1.00/0.92 (0.93 hit@1 before the blend); hit@3 sits above what
    # words alone reach (0.90, 0.97), so a semantic side that quietly stopped working fails here
    ("sample", "hybrid"): (0.86, 0.93, 1.0),
    ("heldout", "hybrid"): (0.97, 0.99, 0.85),
    # the blind sets, still below the bar (paraphrase, near-miss no-match); with the shipped
    # thesaurus measured 0.65/0.68/1.00 and 0.72/0.82/1.00, 0.65/0.68/0.89 and 0.73/0.77/0.83
    # (before it: 0.49/0.54/1.00 and 0.65/0.73/1.00, 0.50/0.55/0.94 and 0.65/0.71/0.83);
    # the hybrid with the blend of words and meaning: 0.76/0.83/1.00 and 0.73/0.79/0.83; then 0.76-0.77/0.84/1.00
    # and 0.74/0.81/0.83 once a topic pointing back ("daarvan afkomen") is read with what came before;
    # with nouns keeping their ge- (gezondheid is no zon): 0.76/0.84/1.00 and 0.74/0.82/0.83, words alone
    # 0.65/0.70/1.00 and 0.63/0.71/0.89 (blind2's words 0.65 -> 0.63 hit@1: "hoofdgebouw" lost its "bouw")
    ("blind", "words"): (0.63, 0.66, 1.0),
    ("blind", "hybrid"): (0.75, 0.82, 1.0),
    ("blind2", "words"): (0.61, 0.66, 0.88),
    ("blind2", "hybrid"): (0.72, 0.80, 0.83),
    # the third, on arrival: 0.50/0.55/0.83 and 0.61/0.68/0.78 (the code of the session before: 0.40/0.44/0.83
    # and 0.63/0.68/0.78); then 0.61/0.69/0.78, once a thesaurus word no longer kept a compound from being read;
    # 0.63/0.71/0.78 with the blend, 0.63/0.73/0.78 with the model-alone answers blended too, 0.65/0.73/0.78
    # with nouns keeping their ge-
    ("blind3", "words"): (0.48, 0.53, 0.83),
    ("blind3", "hybrid"): (0.63, 0.71, 0.77),
    # the fourth, on arrival: 0.69/0.76/0.88 and 0.79/0.85/0.88 (the bar: 0.80/0.90/0.88); then the
    # blend, whose weight was read off the other five: 0.84/0.87/0.88; 0.84/0.89/0.88 with nouns keeping ge-
    ("blind4", "words"): (0.66, 0.74, 0.87),
    ("blind4", "hybrid"): (0.82, 0.87, 0.87),
    # the fifth, on arrival: 0.71/0.79/0.75 and 0.81/0.85/0.75 (the code before the blend: 0.79/0.84/0.75);
    # 0.74/0.82/0.75 and 0.82/0.89/0.75 once a compound written apart is read as one word
    # with lemmas before stems (woont is wonen): 0.74/0.79/0.88 and 0.82/0.89/0.88 (words alone lose two hits
    # to summary words that now meet; "parkeren ... geregeld" no longer meets regels)
    ("blind5", "words"): (0.72, 0.77, 0.87),
    ("blind5", "hybrid"): (0.80, 0.87, 0.87),
    # the sixth, on arrival: 0.68/0.69/0.75 and 0.76/0.84/0.75 (the code before that session: 0.63/0.66/0.75
    # and 0.69/0.81/0.75)
    ("blind6", "words"): (0.66, 0.67, 0.75),
    ("blind6", "hybrid"): (0.74, 0.82, 0.75),
    # the seventh and eighth, on arrival: 0.82/0.82/0.62 and 0.82/0.87/0.62; 0.73/0.82/0.75 and 0.84/0.87/0.75
    # with lemmas before stems: 0.79/0.82/0.62 and 0.82/0.89/0.62
    ("blind7", "words"): (0.77, 0.80, 0.62),
    ("blind7", "hybrid"): (0.80, 0.87, 0.62),
    ("blind8", "words"): (0.71, 0.80, 0.75),
    ("blind8", "hybrid"): (0.82, 0.85, 0.75),
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
