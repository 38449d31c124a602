"""Pledge matching by meaning, with vectors chosen by hand: the mutual-nearest rule and the gate."""

from __future__ import annotations

import numpy as np
import pytest

from bot.matching.hybrid import MEANING
from bot.matching.meaning import Semantic
from bot.matching.pledges import Candidate, fits

# Texts that share no word, so words leave every one of them alone.
OFFER = Candidate("b1", "kwarktaart zolderkamer")
NEAR, NEARER = Candidate("h1", "fietsbel pindakaas"), Candidate("h2", "hooiberg vlindernet")
FAR = Candidate("h3", "regenjas tuinslang")
VECTORS = {OFFER.text: (1.0, 0.0, 0.0), NEAR.text: (0.5, 0.0, 0.866), NEARER.text: (0.6, 0.8, 0.0),
           FAR.text: (0.3, 0.0, 0.954)}


class HandPicked:
    """Vectors from a table: cosine(OFFER, NEARER) 0.6, (OFFER, NEAR) 0.5, (OFFER, FAR) 0.3."""

    version = "hand-picked"

    def embed(self, texts):
        return np.array([VECTORS.get(t, (0.0, 1.0, 0.0)) for t in texts], dtype=np.float32)   # and the warm-up


@pytest.fixture
def semantic() -> Semantic:
    side = Semantic(HandPicked())
    assert side.model(wait=True) is not None
    return side


def test_a_need_meets_the_offer_it_is_the_nearest_need_of(sample_state, semantic):
    knowledge = sample_state.current.knowledge
    [fit] = fits(NEARER.text, (OFFER,), knowledge, rivals=(NEAR, NEARER), semantic=semantic)
    assert fit.id == OFFER.id and fit.score == pytest.approx(60.0, abs=0.1)
    assert [r.field for r in fit.reasons] == [MEANING] and fit.why == ("meaning 0.60",)
    [back] = fits(OFFER.text, (NEAR, NEARER), knowledge, rivals=(OFFER,), semantic=semantic)
    assert back.id == NEARER.id


def test_a_need_whose_offer_has_a_nearer_need_gets_nothing(sample_state, semantic):
    knowledge = sample_state.current.knowledge
    assert fits(NEAR.text, (OFFER,), knowledge, rivals=(NEAR, NEARER), semantic=semantic) == []
    # alone, the same need would have met it: the rule is what keeps it silent
    assert [f.id for f in fits(NEAR.text, (OFFER,), knowledge, rivals=(NEAR,), semantic=semantic)] == [OFFER.id]


def test_meaning_needs_the_gate_as_well(sample_state, semantic):
    assert fits(FAR.text, (OFFER,), sample_state.current.knowledge, rivals=(FAR,), semantic=semantic) == []


def test_without_rivals_or_a_model_it_is_words_only(sample_state, semantic):
    knowledge = sample_state.current.knowledge
    assert fits(NEARER.text, (OFFER,), knowledge, semantic=semantic) == []       # a search term: no rivals
    assert fits(NEARER.text, (OFFER,), knowledge, rivals=(NEARER,), semantic=Semantic(None)) == []
