"""Which language to answer in: Dutch first, English when the words say so."""

from __future__ import annotations

from bot.core.text import words

# Enough to tell a bare English topic from a Dutch one; Dutch is the default.
_EN_HINTS = frozenset("the who with about experience anyone someone knows has have what how and of for care".split())
_NL_HINTS = frozenset("de het een en van met wie heeft iemand ervaring over zorg voor".split())


def guess_language(text: str) -> str:
    tokens = words(text)
    english = sum(t in _EN_HINTS for t in tokens)
    dutch = sum(t in _NL_HINTS for t in tokens)
    return "en" if english > dutch else "nl"
