"""Building a reply once, as plain text and as safe HTML together.

Names, topics and summaries come from users and admins; every piece of text is
escaped on its way into HTML, so nothing typed in chat or YAML becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from bot.messages import Reply


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


def _text(piece: Piece) -> str:
    if isinstance(piece, Link):
        # An address that is its own label (a Matrix id, an e-mail) needs no URL beside it.
        obvious = piece.url in (piece.label, f"mailto:{piece.label}", f"https://matrix.to/#/{piece.label}")
        return piece.label if obvious else f"{piece.label} <{piece.url}>"
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


@dataclass
class ReplyBuilder:
    """Paragraphs and numbered or bulleted lists, each line made of pieces."""

    _text: list[str] = field(default_factory=list)
    _html: list[str] = field(default_factory=list)

    def para(self, *pieces: Piece) -> "ReplyBuilder":
        self._text.append("".join(map(_text, pieces)))
        self._html.append("<p>" + "".join(map(_html, pieces)) + "</p>")
        return self

    def items(self, rows: list[list[list[Piece]]], numbered: bool = False) -> "ReplyBuilder":
        """Each row is a list of lines; a row's later lines are indented details."""
        tag = "ol" if numbered else "ul"
        html = [f"<{tag}>"]
        for number, lines in enumerate(rows, 1):
            marker = f"{number}." if numbered else "•"
            head, *rest = lines
            self._text.append(f"{marker} " + "".join(map(_text, head)))
            self._text.extend("   " + "".join(map(_text, line)) for line in rest)
            body = "<br>".join("".join(map(_html, line)) for line in lines)
            html.append(f"<li>{body}</li>")
        html.append(f"</{tag}>")
        self._html.append("".join(html))
        return self

    def build(self, mentions: tuple[str, ...] = ()) -> Reply:
        return Reply("\n".join(self._text), "".join(self._html), mentions)


def simple(*pieces: Piece) -> Reply:
    return ReplyBuilder().para(*pieces).build()
