"""How well needs meet offers, on a set written blind (tests/quality/pledges.yaml): the floors hold."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.matching.pledges import Candidate, fits

SET = yaml.safe_load((Path(__file__).parent / "pledges.yaml").read_text(encoding="utf-8"))
# Measured when the set arrived (the threshold was chosen before it did); raise them as matching improves.
FLOORS = {"first_right": 0.10, "unmatched_silent": 1.0}


def evaluate(knowledge) -> dict[str, object]:
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


def test_pledge_matching_holds_its_floors(sample_state, capsys):
    figures = evaluate(sample_state.current.knowledge)
    with capsys.disabled():
        print(f"\n  pledge matching (blind set, both directions): first right {figures['first_right']:.2f}, "
              f"counterpart-less silent {figures['unmatched_silent']:.2f}  {figures['by_kind']}")
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, (name, figures)
