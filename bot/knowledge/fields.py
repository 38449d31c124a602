"""Converters from raw YAML values to typed values, shared by knowledge and config.

Each raises Invalid with a message an admin can act on; the caller adds FILE:LINE.
"""

from __future__ import annotations

import calendar
import difflib
import re
import reprlib
from datetime import date, datetime, time
from typing import Any, Callable

from bot.core.dates import NETWORK_TZ
from bot.knowledge.leads import Lead

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MATRIX_USER_RE = re.compile(r"^@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(:\d+)?$")   # @localpart:server[:port]
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Date and time of day of an ISO 8601 value, read apart to name the part that cannot be (see moment).
_MOMENT_PARTS_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SHOWN_LENGTH = 80   # a value quoted in a message: enough to recognise it, never a screenful


class Invalid(Exception):
    """A single value is wrong; the message says how, for an admin to read."""


class _Short(reprlib.Repr):
    """reprlib's repr, which looks at a few items only, also for LinedDict and LinedList
    (reprlib knows types by name, and would repr() those in full)."""

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, dict):
            return self.repr_dict(x, level)
        if isinstance(x, list):
            return self.repr_list(x, level)
        return super().repr1(x, level)


_SHORT = _Short()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring, _SHORT.maxother = 2, 4, 4, 60, 60


def shown(value: Any) -> str:
    """`value` as repr() writes it, cut for a message: a value from a file may be 10,000 characters
    long, or an alias bomb whose full repr() takes minutes and all memory."""
    return cut(_SHORT.repr(value))


def cut(words: str) -> str:
    """`words`, at most SHOWN_LENGTH characters."""
    return words if len(words) <= SHOWN_LENGTH else words[:SHOWN_LENGTH - 1] + "…"


def text(value: Any) -> str:
    if type(value) is str and (cleaned := value.strip()):
        return cleaned          # the common case, first
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise Invalid(f"expected text, got {kind_of(value)}")
    cleaned = str(value).strip()
    if not cleaned:
        raise Invalid("must not be empty")
    return cleaned


def ident(value: Any) -> str:
    if not isinstance(value, str) or not ID_RE.fullmatch(value):
        raise Invalid(
            f"{shown(value)} is not a valid id (lowercase letters, digits and '-', e.g. 'topaz-addendum')"
        )
    return value


def _list_of(convert: Callable[[Any], str], what: str) -> Callable[[Any], tuple[str, ...]]:
    def check(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            raise Invalid(f"expected a list of {what}, e.g. [{cut(value)}]")
        if not isinstance(value, list):
            raise Invalid(f"expected a list of {what}, got {kind_of(value)}")
        return tuple(map(convert, value))
    return check


texts = _list_of(text, "terms")
idents = _list_of(ident, "ids")


def one_of(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise Invalid(f"{shown(value)} is not one of: {', '.join(allowed)}{did_you_mean(value, allowed)}")
        return value
    return check


def yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {shown(value)}")
    return value


def year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise Invalid(f"expected a year like 2019, got {shown(value)}")
    return value


def url(value: Any) -> str:
    address = text(value)
    if not re.match(r"^https?://\S+$", address):
        raise Invalid(f"{shown(address)} is not a web address (http:// or https://)")
    return address


def homeserver(value: Any) -> str:
    """A Matrix homeserver's base URL, without a trailing slash."""
    address = text(value).rstrip("/")
    if not re.match(r"^https?://[^\s/]+", address):
        raise Invalid(f"{shown(address)} is not a homeserver URL like https://matrix.example.org")
    return address


def user_id(value: Any, *, like: str = "@verbinder:example.org") -> str:
    """A Matrix user id; `like` is the example the message shows (the bot's in the config, a person's elsewhere)."""
    user = text(value)
    if not MATRIX_USER_RE.fullmatch(user):
        raise Invalid(f"{shown(user)} is not a Matrix user id like {like}")
    return user


def user_ids(value: Any) -> tuple[str, ...]:
    """Matrix user ids: a list, or one id written on its own."""
    return tuple(user_id(v) for v in (value if isinstance(value, list) else [value] if value else []))


def email(value: Any) -> str:
    address = text(value)
    if not EMAIL_RE.fullmatch(address):
        raise Invalid(f"{shown(address)} is not an e-mail address")
    return address


def log_level(value: Any) -> str:
    """One of LOG_LEVELS, in any case."""
    level = text(value).upper()
    if level not in LOG_LEVELS:
        raise Invalid(f"{shown(value)} is not one of {', '.join(LOG_LEVELS)}")
    return level


def moment(value: Any) -> tuple[datetime, bool]:
    """ISO 8601 with offset, or a date alone (all-day)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip()) if "T" in value or " " in value.strip() else date.fromisoformat(value.strip())
        except ValueError:
            part = _impossible_part(value.strip())
            if part:
                raise Invalid(f"no such {part}: {shown(value)}") from None
            raise Invalid(f"{shown(value)} is not a date or ISO 8601 time like 2026-11-12T10:00:00+01:00") from None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise Invalid(f"{value.isoformat()} has no UTC offset; write it like 2026-11-12T10:00:00+01:00")
        return value, False
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=NETWORK_TZ), True
    raise Invalid(f"expected a date or time like 2026-11-12T10:00:00+01:00, got {kind_of(value)}")


def _impossible_part(written: str) -> str | None:
    """The part of a date or time, well formed, that no calendar or clock has (month 13, 30 February,
    25 o'clock): naming it beats "not ISO 8601" for a value that is ISO 8601."""
    found = _MOMENT_PARTS_RE.match(written)
    if not found:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in found.groups())
    if not 1 <= month <= 12:
        return "month"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return "day"
    for part, number, most in (("hour", hour, 23), ("minute", minute, 59), ("second", second, 59)):
        if number > most:
            return part
    return None


def lead(value: Any) -> Lead:
    """One lead time as written ("8w", "2h"), keeping its unit (see bot/knowledge/leads.py)."""
    found = Lead.parse(value) if isinstance(value, str) else None
    if found is None:
        raise Invalid(f"{shown(value)} is not a lead time; use a number and w, d, h or m, e.g. 7d or 2h")
    return found


def durations(value: Any) -> tuple[Lead, ...]:
    """Lead times as written ("7d", "2h"), each keeping its unit."""
    if not isinstance(value, list):
        raise Invalid(f"expected a list of lead times like [7d, 1d, 2h], got {kind_of(value)}")
    return tuple(map(lead, value))


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text"


def did_you_mean(word: Any, options: Any) -> str:
    if isinstance(word, (dict, list)):
        return ""       # options are names; and str() would walk it all (an alias bomb: for minutes)
    close = difflib.get_close_matches(str(word)[:SHOWN_LENGTH], [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


