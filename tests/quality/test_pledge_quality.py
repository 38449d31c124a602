"""How well needs meet offers, on three sets written blind: the floors hold.

pledges.yaml came first (long pledges, deep paraphrases); pledges_meeting.yaml was
written later as a meeting's lists (short lines too); pledges_blind3.yaml later
still, by a helper who saw neither the matcher nor the other sets; pledges_plain.yaml
and pledges_plain2.yaml last, each by another such helper, as sticky notes typed
up, neither reworded to avoid shared words nor to share them. The gate and the
mutual-nearest rule were chosen on the first two; the later three were measured
once with them. All three stay far below the issue's bar (9 of 10 first right): no model
that ships in a wheel puts these reworded pairs first (see bot/matching/pledges.py).

As `pledges match` sees them: every pledge of the list against the other kind's
open pledges, its own kind as rivals. "first right" counts a pair only when the
need's first fit is its offer and the offer's first fit is its need."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from bot.matching.meaning import Semantic
from bot.matching.pledges import Candidate, fits
from bot.matching.semantic import available_embedder
from bot.matching.vectors import VectorCache

HERE = Path(__file__).parent
# Measured when each set arrived or the method changed; raise them as matching improves.
# words alone: 0.11/1.00, 0.00/0.91, 0.00/1.00; with meaning: 0.44/0.80, 0.19/0.73, 0.19/0.86
# (before the shipped thesaurus: meeting 0.06 by words, 0.25 with meaning; blind3 0.25 with meaning);
# on arrival: plain 0.00/0.92 by words, 0.25/0.67 with meaning; plain2 0.00/1.00, 0.42/0.67
FLOORS = {("pledges.yaml", "words"): {"first_right": 0.10, "unmatched_silent": 1.0},
          ("pledges_meeting.yaml", "words"): {"first_right": 0.0, "unmatched_silent": 0.90},
          ("pledges_blind3.yaml", "words"): {"first_right": 0.0, "unmatched_silent": 1.0},
          ("pledges_plain.yaml", "words"): {"first_right": 0.0, "unmatched_silent": 0.90},
          ("pledges_plain2.yaml", "words"): {"first_right": 0.0, "unmatched_silent": 1.0},
          ("pledges.yaml", "meaning"): {"first_right": 0.40, "unmatched_silent": 0.80},
          ("pledges_meeting.yaml", "meaning"): {"first_right": 0.18, "unmatched_silent": 0.72},
          ("pledges_blind3.yaml", "meaning"): {"first_right": 0.18, "unmatched_silent": 0.85},
          ("pledges_plain.yaml", "meaning"): {"first_right": 0.25, "unmatched_silent": 0.66},
          ("pledges_plain2.yaml", "meaning"): {"first_right": 0.41, "unmatched_silent": 0.66}}


@dataclass(frozen=True)
class Figures:
    first_right: float          # pairs whose need and offer each find the other first
    wrong: int                  # pair members whose first fit is someone else's pledge
    unmatched_silent: float     # pledges without a counterpart that get no fit
    by_kind: dict[str, str]


def evaluate(knowledge, name: str, semantic: Semantic | None) -> Figures:
    SET = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    pairs = SET["pairs"]
    needs = tuple(Candidate(f"h{n}", text) for n, text in enumerate([p["need"] for p in pairs] + SET["unmatched_needs"]))
    offers = tuple(Candidate(f"b{n}", text) for n, text in enumerate([p["offer"] for p in pairs] + SET["unmatched_offers"]))

    def first(pledge: Candidate) -> str | None:
        others, own = (offers, needs) if pledge.id[0] == "h" else (needs, offers)
        found = fits(pledge.text, others, knowledge, rivals=own, semantic=semantic)
        return found[0].id if found else None

    right, wrong, by_kind = 0, 0, {}
    for n, pair in enumerate(pairs):
        to_offer, to_need = first(needs[n]), first(offers[n])
        hit = to_offer == f"b{n}" and to_need == f"h{n}"
        right += hit
        wrong += (to_offer not in (None, f"b{n}")) + (to_need not in (None, f"h{n}"))
        done, total = by_kind.get(pair["kind"], (0, 0))
        by_kind[pair["kind"]] = (done + hit, total + 1)
    unmatched = needs[len(pairs):] + offers[len(pairs):]
    silent = sum(first(pledge) is None for pledge in unmatched)
    return Figures(right / len(pairs), wrong, silent / len(unmatched),
                   {k: f"{d}/{t}" for k, (d, t) in sorted(by_kind.items())})


@pytest.fixture(scope="module")
def semantic(tmp_path_factory) -> Semantic:
    side = Semantic(available_embedder(), VectorCache(tmp_path_factory.mktemp("vectors")))
    assert side.model(wait=True) is not None, "the sentence model is part of the test install"
    return side


@pytest.mark.parametrize("name, side", sorted(FLOORS))
def test_pledge_matching_holds_its_floors(sample_state, semantic, capsys, name: str, side: str):
    figures = evaluate(sample_state.current.knowledge, name, semantic if side == "meaning" else None)
    with capsys.disabled():
        print(f"\n  pledge matching ({name}, {side}): first right {figures.first_right:.2f} "
              f"(wrong first fits {figures.wrong}), counterpart-less silent {figures.unmatched_silent:.2f}  "
              f"{figures.by_kind}")
    for figure, floor in FLOORS[name, side].items():
        assert getattr(figures, figure) >= floor, figures
