"""Matrix identifiers, read one way everywhere: `@localpart:server`, `#alias:server`, `!room:server`."""

from __future__ import annotations


def localpart(identifier: str) -> str:
    """"verbinder" of "@verbinder:example.org" (or of "#netwerk:example.org")."""
    return identifier[1:].split(":", 1)[0] if identifier[:1] in "@#!" else identifier.split(":", 1)[0]


def server_of(identifier: str) -> str:
    """"example.org" of "@verbinder:example.org"; "" when there is none."""
    return identifier.split(":", 1)[1] if ":" in identifier else ""
