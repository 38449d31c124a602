"""Logging that a live bot can be debugged from, and that never leaks a secret.

Lines are `time level logger: message key=value ...` with the record's extras,
so grep finds every event of one room or event id. Known secrets and anything
shaped like a Matrix access token are masked before a line is written.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Iterable

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# What a secret may not be glued to: parts of names, ids, paths and URLs.
_WORDLIKE = r"[\w.\-/@]"
_TOKEN_RE = re.compile(r"(syt_[A-Za-z0-9_]+|access_token=[^&\s]+|\"access_token\":\s*\"[^\"]+\")")


class _Formatter(logging.Formatter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = _secrets_re(secrets)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = " ".join(f"{k}={v!r}" if isinstance(v, str) and " " in v else f"{k}={v}"
                          for k, v in vars(record).items() if k not in _STANDARD)
        if extras:
            line = f"{line} {extras}"
        return _mask(line, self.secrets)


def _secrets_re(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """Secrets as whole values only: a short password must not eat letters out of "bot.transport.matrix.bot".

    Longest first, so a secret that starts another is not masked half.
    """
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not values:
        return None
    return re.compile(rf"(?<!{_WORDLIKE})(?:{'|'.join(map(re.escape, values))})(?!{_WORDLIKE})")


def _mask(text: str, secrets: re.Pattern[str] | None) -> str:
    if secrets:
        text = secrets.sub("***", text)
    return _TOKEN_RE.sub("***", text)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask one text; the log formatter compiles its secrets once instead."""
    return _mask(text, _secrets_re(secrets))


def setup(level: str = "INFO", secrets: list[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(list(secrets)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # nio logs whole request/response bodies at DEBUG; keep it at WARNING.
    logging.getLogger("nio").setLevel(max(logging.WARNING, root.level))
