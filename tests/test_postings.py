"""How well an entry holds a word: the heaviest field it is in, a little more per further
field, compounds at a discount; values are joined per stem on first use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.matching.normalise import content_word_set, stem
from bot.matching.postings import (DOC_PART_HEAD, DOC_PART_MODIFIER, EXTRA_FIELD, Compound, Field, StemPostings,
                                   WordPostings)

FIELDS = (Field("keyword", 1.0), Field("theme", 0.9), Field("summary", 0.7))


@dataclass
class Doc:
    kind: str
    fields: tuple[Field, ...]
    items: tuple[tuple[str, ...], ...]


def example(keywords=(), summary="", theme=()) -> Doc:
    return Doc("example", FIELDS, (tuple(keywords), tuple(theme), (summary,) if summary else ()))


DOCS = [
    example(keywords=["zorgkantoor"], summary="Gesprek met het zorgkantoor"),     # 0: two fields
    example(summary="Een zorgkantoor belde"),                                     # 1: summary only
    example(keywords=["regelruimte"], theme=["Regelruimte en ruimte"]),           # 2: shared theme
    example(theme=["Regelruimte en ruimte"]),                                     # 3: shared theme only
    example(keywords=["kantoor"]),                                                # 4: the head on its own
]


@pytest.fixture
def postings() -> tuple[WordPostings, StemPostings]:
    words_of = {item: content_word_set(item) for doc in DOCS for items in doc.items for item in items}
    vocabulary = set().union(*words_of.values())
    words = WordPostings(DOCS, words_of)
    parts = {"zorgkantoor": Compound(stem("zorg"), stem("kantoor"))}
    return words, StemPostings(words, {w: stem(w) for w in vocabulary}, parts)


def test_a_word_counts_by_its_heaviest_field_plus_a_little_per_further_field(postings):
    words, _ = postings
    assert words.entries("zorgkantoor") == {0: pytest.approx(1.0 + EXTRA_FIELD), 1: 0.7}


def test_a_shared_theme_counts_for_every_entry_that_has_it(postings):
    words, _ = postings
    assert words.entries("regelruimte") == {2: pytest.approx(1.0 + EXTRA_FIELD), 3: 0.9}
    assert words.frequency("regelruimte") == 3      # fields, not entries


def test_a_stem_joins_its_words_and_the_compounds_it_is_part_of(postings):
    _, stems = postings
    assert stems[stem("kantoor")] == {4: 1.0, 0: pytest.approx((1.0 + EXTRA_FIELD) * DOC_PART_HEAD),
                                      1: pytest.approx(0.7 * DOC_PART_HEAD)}
    assert stems[stem("zorg")] == {0: pytest.approx((1.0 + EXTRA_FIELD) * DOC_PART_MODIFIER),
                                   1: pytest.approx(0.7 * DOC_PART_MODIFIER)}
    assert stem("vrijheid") not in stems and stems.get(stem("vrijheid"), {}) == {}
