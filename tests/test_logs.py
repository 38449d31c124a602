"""Log lines: known secrets are masked as whole values, never inside other words."""

from __future__ import annotations

import logging

from bot.logs import _Formatter


def line(message: str, secrets: list[str]) -> str:
    record = logging.LogRecord("bot.transport.matrix.bot", logging.INFO, __file__, 1, message, None, None)
    return _Formatter(secrets).format(record)


def test_a_short_password_leaves_other_words_alone():
    assert " bot.transport.matrix.bot: logged in as @x:example.org" in line("logged in as @x:example.org", ["x"])
    assert line("password=x", ["x"]).endswith(": password=***")
    assert line("got 'x' back", ["x"]).endswith(": got '***' back")
    assert line("x", ["x"]).endswith("bot.transport.matrix.bot: ***")


def test_a_secret_with_regex_metacharacters_is_masked():
    secret = "p(a)ss.w*rd+[1]?$^|\\"
    assert line(f"password {secret} rejected", [secret]).endswith(": password *** rejected")
