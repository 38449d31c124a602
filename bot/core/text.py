"""Chat text as it enters the bot: one clean, bounded form for every transport,
and its folded words (what language guessing and matching start from).

Anyone in a shared room can send anything, so recognition and matching only
ever see text that is short enough to handle in bounded time and that has no
tricks in it: invisible format characters (zero-width spaces, direction marks)
would split words ("zorg\u200bkantoren") and runs of whitespace would make
pattern matching slow.
"""

from __future__ import annotations

import re
import unicodedata

MAX_RAW = 65_536        # a Matrix event is at most 64 KiB: read no further from any source
MAX_MESSAGE = 4_000     # what recognition and commands look at, after cleaning

# Format characters (Cf) are invisible; control characters other than newline and tab act as spaces.
# Unicode has them only in the first two planes and in plane 14 (tags): scanning those is quick.
_PLANES = (*range(0x20000), *range(0xE0000, 0xE1000))
_INVISIBLE = {cp: None for cp in _PLANES if unicodedata.category(chr(cp)) == "Cf"}
_INVISIBLE.update({cp: " " for cp in range(32) if chr(cp) not in "\n\t"})
_INVISIBLE.update({0x7F: " "})
_WORD_RE = re.compile(r"[a-z0-9]+")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")     # the accents NFKD splits off Latin letters
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" ?\n[\s]*")


def tidy(text: str) -> str:
    """Invisible characters out, compatibility forms folded (NFKC), each run of spaces one
    space, each run of line breaks one, cut to MAX_MESSAGE characters. Idempotent."""
    text = text[:MAX_RAW].translate(_INVISIBLE)
    text = _NEWLINES.sub("\n", _SPACES.sub(" ", text)).strip()
    return unicodedata.normalize("NFKC", text[:MAX_MESSAGE]).strip()


def fold(text: str) -> str:
    """Lowercase and strip accents (cliënten -> clienten)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", lowered))


def words(text: str) -> list[str]:
    """Folded words of a text, function words kept (phrases need them)."""
    return _WORD_RE.findall(fold(text))
