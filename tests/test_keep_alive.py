"""The keep-alive question, with the clock set by the test: once per pledge, only when it came of age."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.config import Config
from bot.scheduler.keep_alive import KeepAlive
from bot.store.database import Database
from bot.store.pledges import NewPledge, Pledges

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc)


async def test_an_old_open_pledge_gets_one_question_naming_its_author(tmp_path: Path):
    database = await Database.open(tmp_path / "bot.sqlite3")
    now = [T0.timestamp()]
    pledges = Pledges(database.connection, clock=lambda: now[0])
    old, _ = await pledges.add(NewPledge("offer", "Kom kijken hoe wij roosteren", "@bert:example.org", room="!r"))
    now[0] += 5 * 7 * 86400
    young, _ = await pledges.add(NewPledge("need", "Hulp bij roosters", "@anna:example.org", room="!r"))
    posts = []

    async def post(item, on_sent) -> bool:
        posts.append(item)
        await on_sent()
        return True

    keeper = KeepAlive(pledges, Config(), post)
    await keeper.ask_due(T0 + timedelta(weeks=7))
    assert posts == []
    await keeper.ask_due(T0 + timedelta(weeks=8, hours=1))
    await keeper.ask_due(T0 + timedelta(weeks=9))
    [asked] = posts
    assert asked.room == "!r" and asked.key == f"keep-alive/{old.id}" and asked.reply.mentions == ("@bert:example.org",)
    assert f"staat je aanbod {old.id} nog open?" in asked.reply.text and f"!afgerond {old.id}" in asked.reply.text
    await pledges.settle(young.id, "fulfilled")
    await keeper.ask_due(T0 + timedelta(weeks=20))
    assert len(posts) == 1                                  # a settled pledge is asked nothing
    await database.close()
