"""Announcements on a real Synapse: an event due in a few seconds, once in each team room, not again after a restart."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta, timezone

from tests.conftest import SAMPLE
from tests.e2e.people import replied_to

LEAD = timedelta(hours=1)


async def test_an_event_is_announced_once_in_each_team_room_and_on_the_agenda(bot, person, tmp_path, unique_name):
    eva = await person("eva")
    aliases = [unique_name("team") for _ in range(2)]
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SAMPLE, knowledge)
    (knowledge / "teams.yaml").write_text("teams:\n" + "".join(
        f'  - {{id: t{n}, name: Team {n}, room: "#{alias}:localhost"}}\n' for n, alias in enumerate(aliases)))
    start = datetime.now(timezone.utc).replace(microsecond=0) + LEAD + timedelta(seconds=10)
    (knowledge / "events.yaml").write_text(f"""\
events:
  - id: proef
    title: Proefbijeenkomst aankondigingen
    start: {start.isoformat()}
    location: Zwolle
    teams: [t0, t1]
    announce: [7d, 1h]
""")
    verbinder = bot(knowledge=knowledge)
    verbinder.start()
    rooms = []
    for alias in aliases:
        created = await eva.client.room_create(alias=alias, invite=[verbinder.user_id])
        rooms.append(created.room_id)
    for room in rooms:
        await eva.wait_joined(room, verbinder.user_id)

    for room in rooms:
        [notice] = await eva.wait_notices(room, verbinder.user_id, 1, timeout=30)
        assert "Proefbijeenkomst aankondigingen" in notice.body and "Zwolle" in notice.body
        assert notice.source["content"]["msgtype"] == "m.notice" and replied_to(notice) is None
        assert notice.source["content"]["m.mentions"] == {}
    assert verbinder.stop() == 0
    verbinder.start()
    question = await eva.send(rooms[0], "!agenda")
    await eva.wait_for(lambda: any(replied_to(n) == question for n in eva.notices(rooms[0], verbinder.user_id)),
                       what="the agenda")
    await asyncio.sleep(1)
    agenda = next(n for n in eva.notices(rooms[0], verbinder.user_id) if replied_to(n) == question)
    assert "Proefbijeenkomst aankondigingen" in agenda.body
    for room in rooms:                                     # announced once: not again after the restart
        assert len([n for n in eva.notices(room, verbinder.user_id) if replied_to(n) is None]) == 1
