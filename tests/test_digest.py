"""The monthly digest of knowledge gaps, with the clock set by the test: once a month, last month only."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.config import Config
from bot.scheduler.digest import GapsDigest, next_moment
from bot.store.database import Database
from bot.store.digests import Digests
from bot.store.unanswered import UnansweredQuestions

ADMIN_ROOM = "!beheer:example.org"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


class Homeserver:
    """Takes posts; accepts them at once unless told it is away."""

    def __init__(self) -> None:
        self.posts, self.away = [], False

    async def post(self, item, on_sent) -> bool:
        if self.away:
            return False
        self.posts.append(item)
        await on_sent()
        return True


async def test_the_first_of_the_month_brings_last_months_gaps_once(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    now = [utc(2026, 10, 31, 12).timestamp()]
    unanswered = UnansweredQuestions(database.connection, clock=lambda: now[0])
    await unanswered.record("mondzorg", "nl", "!r")               # October: not November's
    for moment, topic in ((utc(2026, 11, 3, 10), "mondzorg"), (utc(2026, 11, 12, 15), "mondzorg in het verpleeghuis"),
                          (utc(2026, 11, 20, 9), "Mondzorg"), (utc(2026, 11, 28, 9), "nachtzorg met sensoren")):
        now[0] = moment.timestamp()
        await unanswered.record(topic, "nl", "!r")
    homeserver = Homeserver()
    digest = GapsDigest(unanswered, Digests(database.connection), Config(admin_room=ADMIN_ROOM), homeserver.post)

    await digest.send_due(utc(2026, 11, 30, 23))
    await digest.send_due(utc(2026, 12, 1, 7, 59))                 # 08:59 in Amsterdam: not yet
    assert homeserver.posts == []
    await digest.send_due(utc(2026, 12, 1, 8, 0))                  # 09:00 in Amsterdam
    await digest.send_due(utc(2026, 12, 15))
    [sent] = homeserver.posts
    assert sent.room == ADMIN_ROOM and sent.key == "gaps-digest/2026-11"
    lines = sent.reply.text.splitlines()
    assert lines[0] == "Kennishiaten van november 2026: wat niemand kon beantwoorden"
    assert lines[1].startswith("1. mondzorg — 3×")                 # three wordings, one gap: October's not counted
    assert lines[2].startswith("2. nachtzorg met sensoren — 1×")

    again = GapsDigest(unanswered, Digests(database.connection), Config(admin_room=ADMIN_ROOM), homeserver.post)
    await again.send_due(utc(2026, 12, 20))                         # after a restart: the store remembers
    assert len(homeserver.posts) == 1
    await database.close()


async def test_a_digest_that_cannot_go_out_is_sent_later_and_a_quiet_month_says_so(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    homeserver = Homeserver()
    config = Config(admin_room=ADMIN_ROOM, english_rooms=(ADMIN_ROOM,))
    digest = GapsDigest(UnansweredQuestions(database.connection), Digests(database.connection), config, homeserver.post)
    homeserver.away = True
    assert await digest.send_due(utc(2027, 1, 1, 9)) is False       # the bot is not in the room yet
    homeserver.away = False
    assert await digest.send_due(utc(2027, 1, 3)) is True
    [sent] = homeserver.posts
    assert sent.reply.text == "No unanswered questions in December 2026."   # the admin room reads English
    await database.close()


def test_the_next_digest_is_at_nine_on_the_next_first_in_amsterdam():
    assert next_moment(utc(2026, 12, 1, 7)) == utc(2026, 12, 1, 8)          # winter: UTC+1
    assert next_moment(utc(2026, 12, 1, 8)) == utc(2027, 1, 1, 8)
    assert next_moment(utc(2027, 6, 15)) == utc(2027, 7, 1, 7)              # summer: UTC+2
    assert next_moment(utc(2026, 12, 31, 23, 30)) == utc(2027, 1, 1, 8)     # already January in Amsterdam
