"""Live reload and the admin commands: a valid edit goes live, a broken one changes nothing and says where."""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import pytest

from bot import app
from bot.config import Config
from bot.core.roles import role_from_config
from bot.matching import watch
from bot.matching.live import LiveKnowledge
from bot.matching.meaning import Semantic
from bot.matching.vectors import VectorCache
from bot.matching.watch import Reloader
from bot.store.database import Database
from bot.store.pledges import Pledges
from tests.conftest import SAMPLE, Chat
from tests.test_semantic import StubEmbedder

CONFIG = Config(admins=("@boss:example.org",), coordinators=("@coco:example.org",), allowed_servers=("example.org",))
NEW_CONTACT = """
  - id: nieuwe-collega
    name: Noor Nieuw
    organisation: topaz
    expertise: [tuinieren met bewoners]
"""


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(SAMPLE, directory)
    return directory


@pytest.fixture
async def setup(knowledge: Path, tmp_path: Path):
    live = LiveKnowledge.load(knowledge)
    reloader = Reloader(live)
    database = await Database.open(tmp_path / "bot.sqlite3")
    pledges = Pledges(database.connection)

    async def role_of(message):
        return role_from_config(CONFIG, message.sender)
    running = app.RunningBot(CONFIG, live, reloader, pledges)
    chat = Chat(app.dispatcher(CONFIG, live, role_of, pledges=pledges, operations=running))
    yield chat, reloader, knowledge
    await database.close()


def add_contact(directory: Path) -> None:
    path = directory / "contacts.yaml"
    path.write_text(path.read_text(encoding="utf-8") + NEW_CONTACT, encoding="utf-8")


async def test_a_valid_edit_goes_live_on_reload_and_says_what_changed(setup):
    chat, _, directory = setup
    assert "Noor Nieuw" not in (await chat.say("!vraag tuinieren met bewoners"))[0].text
    add_contact(directory)
    [reply] = await chat.say("!herlaad", sender="@boss:example.org")
    assert reply.text == "Kennis herladen: contacts +1"
    assert "Noor Nieuw" in (await chat.say("!vraag tuinieren met bewoners"))[0].text


async def test_a_broken_edit_keeps_the_last_good_knowledge_and_names_file_and_line(setup):
    chat, _, directory = setup
    (directory / "examples.yaml").write_text("examples:\n  - id: kapot\n    title: [\n", encoding="utf-8")
    [reply] = await chat.say("!reload", sender="@boss:example.org")
    assert reply.text.startswith("Knowledge not reloaded: I keep working with the last good one.")
    assert "examples.yaml:" in reply.text
    assert "Eva van Zelm" in (await chat.say("!vraag addendumafspraken"))[0].text    # still answering


async def test_admin_commands_keep_to_their_roles(setup):
    chat, _, _ = setup
    assert (await chat.say("!herlaad", sender="@anyone:example.org"))[0].text == "Dit is alleen voor beheerders."
    assert (await chat.say("!herlaad", sender="@coco:example.org"))[0].text == "Dit is alleen voor beheerders."
    assert (await chat.say("!status", sender="@anyone:example.org"))[0].text == "Dit is alleen voor coördinatoren."
    [status] = await chat.say("!status", sender="@coco:example.org")
    assert "version" in status.text and "knowledge: 15 organisations" in status.text and "open pledges: 0" in status.text


async def test_the_watcher_reloads_a_saved_edit_and_never_a_half_written_one(setup, monkeypatch):
    _, reloader, directory = setup
    monkeypatch.setattr(watch, "CHECK_EVERY", 0.05)
    monkeypatch.setattr(watch, "SETTLE", 0.4)
    seen = []

    async def listen(result):
        seen.append(result)
    reloader.listeners.append(listen)
    task = asyncio.create_task(reloader.watch())
    try:
        path = directory / "contacts.yaml"
        whole = path.read_text(encoding="utf-8") + NEW_CONTACT
        path.write_text(whole[: len(whole) - 40], encoding="utf-8")     # an editor's first half
        await asyncio.sleep(0.15)
        path.write_text(whole, encoding="utf-8")                          # ... and the rest
        for _ in range(60):
            await asyncio.sleep(0.05)
            if seen:
                break
        await asyncio.sleep(0.3)
    finally:
        task.cancel()
    assert [r.ok for r in seen] == [True]
    assert "nieuwe-collega" in reloader.live.current.knowledge.contacts


async def test_a_reload_readies_the_new_snapshot_before_it_goes_live(knowledge: Path):
    live = LiveKnowledge.load(knowledge)
    old, seen = live.current, []

    def prepare(snapshot) -> None:        # the bot makes the vectors here: words and meaning swap together
        seen.append((snapshot, live.current))

    add_contact(knowledge)
    result = await Reloader(live, prepare=prepare).reload()
    assert result.ok
    [(prepared, live_meanwhile)] = seen
    assert live_meanwhile is old and live.current is prepared
    assert "nieuwe-collega" in prepared.knowledge.contacts


async def test_vectors_that_take_too_long_do_not_hold_the_reload(knowledge: Path, tmp_path: Path, monkeypatch, caplog):
    release = threading.Event()

    class Slow(StubEmbedder):          # a whole network embedded anew: a minute
        def embed(self, texts):
            release.wait(30)
            return super().embed(texts)

    monkeypatch.setattr(app, "default_semantic", lambda side=Semantic(Slow(), VectorCache(tmp_path)): side)
    monkeypatch.setattr(app, "RELOAD_WAIT", 0.2)
    live = LiveKnowledge.load(knowledge)
    add_contact(knowledge)
    try:
        result = await Reloader(live, prepare=app.reload_vectors).reload()
    finally:
        release.set()
    assert result.ok and "nieuwe-collega" in live.current.knowledge.contacts      # live, by words for now
    assert "answers by words until its vectors are ready" in caplog.text
