"""Live knowledge on a real Synapse: an edit goes live without a restart; a broken save keeps the last good one."""

from __future__ import annotations

import shutil

from tests.conftest import SAMPLE
from tests.e2e.people import replied_to

NEW_CONTACT = """
  - id: noor-nieuw
    name: Noor Nieuw
    organisation: topaz
    expertise: [tuinieren met bewoners]
"""


async def reply_to(person, room, bot_id, text):
    question = await person.send(room, text)
    await person.wait_for(lambda: any(replied_to(n) == question for n in person.notices(room, bot_id)),
                          timeout=20, what=f"a reply to {text!r}")
    return next(n for n in person.notices(room, bot_id) if replied_to(n) == question)


async def test_an_edit_goes_live_and_a_broken_one_is_reported_with_its_line(bot, person, tmp_path):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SAMPLE, knowledge)
    boss = await person("boss")
    verbinder = bot(knowledge=knowledge, admins=[boss.user_id])
    verbinder.start()
    dm = await boss.room_with(verbinder.user_id)
    await boss.wait_joined(dm, verbinder.user_id)
    before = await reply_to(boss, dm, verbinder.user_id, "!vraag tuinieren met bewoners")
    assert "Noor Nieuw" not in before.body

    contacts = knowledge / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8") + NEW_CONTACT, encoding="utf-8")
    verbinder.wait_for_log("knowledge reloaded", timeout=20)           # noticed by itself, no restart
    after = await reply_to(boss, dm, verbinder.user_id, "!vraag tuinieren met bewoners")
    assert "Noor Nieuw" in after.body

    (knowledge / "examples.yaml").write_text("examples:\n  - id: kapot\n    title: [\n", encoding="utf-8")
    reloaded = await reply_to(boss, dm, verbinder.user_id, "!reload")
    assert reloaded.body.startswith("Knowledge not reloaded") and "examples.yaml:" in reloaded.body
    still = await reply_to(boss, dm, verbinder.user_id, "!vraag tuinieren met bewoners")
    assert "Noor Nieuw" in still.body                                  # the last good knowledge answers
