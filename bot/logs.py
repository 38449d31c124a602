"""Logging that a live bot can be debugged from, and that never leaks a secret.

Lines are `time level logger: message key=value ...` with the record's extras,
so grep finds every event of one room or event id. Known secrets and anything
shaped like a Matrix access token are masked before a line is written.
"""

from __future__ import annotations

import logging
import re
import sys

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_TOKEN_RE = re.compile(r"(syt_[A-Za-z0-9_]+|access_token=[^&\s]+|\"access_token\":\s*\"[^\"]+\")")


class _Formatter(logging.Formatter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = " ".join(f"{k}={v!r}" if isinstance(v, str) and " " in v else f"{k}={v}"
                          for k, v in vars(record).items() if k not in _STANDARD)
        if extras:
            line = f"{line} {extras}"
        return redact(line, self.secrets)


def redact(text: str, secrets: list[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return _TOKEN_RE.sub("***", text)


def setup(level: str = "INFO", secrets: list[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(list(secrets)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # nio logs whole request/response bodies at DEBUG; keep it at WARNING.
    logging.getLogger("nio").setLevel(max(logging.WARNING, root.level))
