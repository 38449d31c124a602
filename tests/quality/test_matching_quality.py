"""The matcher's quality floors on two question sets.

`sample` asks about knowledge/ (the network's own sample knowledge); `heldout`
asks about a differently written network under tests/data/heldout, which the
matcher was never tuned on by word lists — it guards against fitting the sample.
Run `python tests/quality/evaluate.py` to see every miss.
"""

from __future__ import annotations

import pytest

from tests.quality.evaluate import SETS, evaluate

FLOORS = {   # hit@1, hit@3, share of no-match questions answered with nothing (the bar)
    "sample": (0.75, 0.90, 1.0),
    "heldout": (0.75, 0.90, 0.85),
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_quality_floors(name: str, capsys):
    figures = evaluate(*SETS[name])
    with capsys.disabled():
        print(f"\n  matching quality, {name}: {figures}")
    hit1, hit3, nomatch = FLOORS[name]
    assert figures.hit1 >= hit1, figures.misses
    assert figures.hit3 >= hit3, figures.misses
    assert figures.nomatch_rejected >= nomatch, figures.misses


def test_question_sets_cover_every_kind():
    import yaml
    for questions_file, _ in SETS.values():
        questions = yaml.safe_load(questions_file.read_text(encoding="utf-8"))["questions"]
        kinds = {q["kind"] for q in questions}
        assert kinds >= {"keyword", "paraphrase", "synonym", "misspelling", "compound", "english", "bare", "nomatch"}
        assert len(questions) >= 50
