"""How well needs meet offers, on two sets written blind: the floors hold.

pledges.yaml came first (long pledges, deep paraphrases); pledges_meeting.yaml was
written later as a meeting's lists (short lines too) and kept out of all tuning.
Both are far below the issue's bar (9 of 10 first right): the sentence models that
ship in a wheel were measured on both and none let reworded pairs meet without also
answering pledges that have no counterpart (see bot/matching/pledges.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.matching.pledges import Candidate, fits

HERE = Path(__file__).parent
# Measured when each set arrived (the threshold was chosen before either did); raise them as matching improves.
FLOORS = {"pledges.yaml": {"first_right": 0.10, "unmatched_silent": 1.0},
          "pledges_meeting.yaml": {"first_right": 0.06, "unmatched_silent": 0.90}}


def evaluate(knowledge, name: str) -> dict[str, object]:
    SET = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    pairs = SET["pairs"]
    needs = [p["need"] for p in pairs] + SET["unmatched_needs"]
    offers = [p["offer"] for p in pairs] + SET["unmatched_offers"]
    offer_ids = tuple(Candidate(f"b{n}", text) for n, text in enumerate(offers))
    need_ids = tuple(Candidate(f"h{n}", text) for n, text in enumerate(needs))
    right, by_kind = 0, {}
    for n, pair in enumerate(pairs):
        found = fits(pair["need"], offer_ids, knowledge)
        back = fits(pair["offer"], need_ids, knowledge)
        hit = bool(found) and found[0].id == f"b{n}" and bool(back) and back[0].id == f"h{n}"
        right += hit
        done, total = by_kind.get(pair["kind"], (0, 0))
        by_kind[pair["kind"]] = (done + hit, total + 1)
    silent = sum(not fits(text, offer_ids, knowledge) for text in SET["unmatched_needs"])
    silent += sum(not fits(text, need_ids, knowledge) for text in SET["unmatched_offers"])
    unmatched = len(SET["unmatched_needs"]) + len(SET["unmatched_offers"])
    return {"first_right": right / len(pairs), "unmatched_silent": silent / unmatched,
            "by_kind": {k: f"{d}/{t}" for k, (d, t) in sorted(by_kind.items())}}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_pledge_matching_holds_its_floors(sample_state, capsys, name: str):
    figures = evaluate(sample_state.current.knowledge, name)
    with capsys.disabled():
        print(f"\n  pledge matching ({name}, both directions): first right {figures['first_right']:.2f}, "
              f"counterpart-less silent {figures['unmatched_silent']:.2f}  {figures['by_kind']}")
    for figure, floor in FLOORS[name].items():
        assert figures[figure] >= floor, (figure, figures)
