"""Stems: the forms of one word meet, and words that only look alike do not."""

from __future__ import annotations

import pytest

from bot.matching.normalise import stem


@pytest.mark.parametrize("one, other", [("zorgkantoren", "zorgkantoor"), ("afspraken", "afspraak"),
                                        ("gemaakt", "maken"), ("geschrapt", "schrappen"),
                                        ("gezinnen", "gezin"), ("gemeenten", "gemeente"), ("gesprekken", "gesprek")])
def test_forms_of_one_word_meet(one: str, other: str):
    assert stem(one) == stem(other)


@pytest.mark.parametrize("noun, other", [("gezondheid", "zon"), ("gezin", "zin"), ("gemeente", "meen"),
                                         ("gedrag", "drag"), ("gebouw", "bouw")])
def test_a_noun_starting_with_ge_keeps_it(noun: str, other: str):
    assert stem(noun) != stem(other)
