"""Building a reply once, as plain text and as safe HTML together.

Names, topics and summaries come from users and admins; every piece of text is
escaped on its way into HTML, so nothing typed in chat or YAML becomes markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

from bot.core.messages import Reply


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


Piece = str | Link | Bold | Code

# A Matrix event is at most 64 KiB, signatures and relations included; a reply's
# body and HTML together, measured as JSON-escaped text (the worst case of how
# they travel), stay well inside that whatever the knowledge or the asker typed.
MAX_REPLY_BYTES = 40_000
_MORE_RESERVE = 100      # room for the "… (+N)" line


SHORT_URL = 48           # plain text shows an address up to this long; a longer one by its site


def short_url(url: str) -> str:
    """An address as plain text shows it: no scheme, no "www.", no trailing slash; a long one
    as its site alone (the HTML keeps the whole link). Clients still make either clickable."""
    bare = url.split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return bare if len(bare) <= SHORT_URL else bare.split("/", 1)[0]


def _text(piece: Piece) -> str:
    if isinstance(piece, Link):
        # An address that is its own label (a Matrix id, an e-mail) needs no URL beside it.
        obvious = piece.url in (piece.label, f"mailto:{piece.label}", f"https://matrix.to/#/{piece.label}")
        return piece.label if obvious else f"{piece.label} <{short_url(piece.url)}>"
    if isinstance(piece, (Bold, Code)):
        return piece.text
    return piece


def _html(piece: Piece) -> str:
    if isinstance(piece, Link):
        return f'<a href="{escape(piece.url, quote=True)}">{escape(piece.label)}</a>'
    if isinstance(piece, Bold):
        return f"<b>{escape(piece.text)}</b>"
    if isinstance(piece, Code):
        return f"<code>{escape(piece.text)}</code>"
    return escape(piece)


@dataclass(frozen=True)
class _Block:
    text: str
    html: str

    @property
    def size(self) -> int:
        return len(json.dumps(self.text)) + len(json.dumps(self.html))


@dataclass
class ReplyBuilder:
    """Paragraphs and numbered or bulleted lists, each line made of pieces."""

    _blocks: list[_Block] = field(default_factory=list)

    def para(self, *pieces: Piece) -> "ReplyBuilder":
        self._blocks.append(_Block("".join(map(_text, pieces)), "<p>" + "".join(map(_html, pieces)) + "</p>"))
        return self

    def items(self, rows: list[list[list[Piece]]], numbered: bool = False) -> "ReplyBuilder":
        """Each row is a list of lines; a row's later lines are indented details."""
        tag = "ol" if numbered else "ul"
        text: list[str] = []
        html = [f"<{tag}>"]
        for number, lines in enumerate(rows, 1):
            marker = f"{number}." if numbered else "•"
            head, *rest = lines
            text.append(f"{marker} " + "".join(map(_text, head)))
            text.extend("   " + "".join(map(_text, line)) for line in rest)
            body = "<br>".join("".join(map(_html, line)) for line in lines)
            html.append(f"<li>{body}</li>")
        html.append(f"</{tag}>")
        self._blocks.append(_Block("\n".join(text), "".join(html)))
        return self

    def build(self, mentions: tuple[str, ...] = ()) -> Reply:
        """The reply, cut after the last block that fits MAX_REPLY_BYTES, with a "… (+N)"
        line for what was left out: a reply the homeserver refuses helps nobody."""
        kept: list[_Block] = []
        room = MAX_REPLY_BYTES - _MORE_RESERVE
        for block in self._blocks:
            room -= block.size
            if room < 0:
                break
            kept.append(block)
        if len(kept) < len(self._blocks):
            if not kept:     # one block alone is too big: its plain text, cut to what surely fits
                first = self._blocks[0].text[:MAX_REPLY_BYTES // 16].rstrip() + "…"
                kept.append(_Block(first, f"<p>{escape(first)}</p>"))
            more = f"… (+{len(self._blocks) - len(kept)})"
            kept.append(_Block(more, f"<p>{more}</p>"))
        return Reply("\n".join(b.text for b in kept), "".join(b.html for b in kept), mentions)


def simple(*pieces: Piece) -> Reply:
    return ReplyBuilder().para(*pieces).build()
