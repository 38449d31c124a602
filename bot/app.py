"""The composition root: config -> knowledge, store, dispatcher, transports.

The one module of bot/ that names the handlers; the CLI, the console, the
Matrix runtime and the tests all get their dispatcher from `dispatcher()`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from datetime import datetime
from pathlib import Path
from importlib import metadata
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from bot import logs, service
from bot.config import Config, ConfigError, load_config
from bot.core.dates import utc_now
from bot.core.dispatch import Context, Dispatcher, Operations, RoleOf
from bot.core.formatting import simple
from bot.core.messages import Post
from bot.knowledge.diff import summary
from bot.knowledge.loader import KnowledgeError
from bot.matching.live import LiveKnowledge, Snapshot
from bot.matching.meaning import default_semantic
from bot.matching.pledges import Candidate, fits
from bot.matching.watch import Reload, Reloader
from bot.scheduler.announcer import Announcer, due_given
from bot.scheduler.due import Due
from bot.scheduler.digest import GapsDigest
from bot.scheduler.keep_alive import KeepAlive
from bot.store.announcements import Announcements
from bot.store.database import Database, StoreError
from bot.store.digests import Digests
from bot.store.pledges import KINDS, Pledges
from bot.store.sync_state import SyncState
from bot.store.unanswered import UnansweredQuestions
from handlers import ROUTES, ask
from handlers.admin import problems_reply

if TYPE_CHECKING:
    from bot.transport.matrix.bot import MatrixBot

log = logging.getLogger("bot")
RELOAD_WAIT = 20.0      # seconds a reload waits for the new knowledge's vectors before it goes live anyway


def dispatcher(config: Config, live: LiveKnowledge, role_of: RoleOf, clock: Callable[[], datetime] = utc_now,
               pledges: Pledges | None = None, operations: Operations | None = None,
               unanswered: UnansweredQuestions | None = None, shown: int | None = None) -> Dispatcher:
    """The one way to build a dispatcher: every handler, with what they may use."""
    return Dispatcher(Context(config, live, ROUTES, clock, pledges, operations, unanswered, shown=shown), role_of)


def prepare_meaning(snapshot: Snapshot, wait: bool = False) -> None:
    """Start embedding the snapshot's entries (the bot at its start: in the background, answering
    by words meanwhile; a batch of `ask --json`: waiting, so every answer is by both)."""
    default_semantic().index_for(snapshot.index, wait=wait)


def reload_vectors(snapshot: Snapshot) -> None:
    """A reloaded snapshot's vectors before it goes live, so words and meaning change together;
    mostly read from the disk cache. Not longer than RELOAD_WAIT: embedding a whole network
    anew takes a minute, and an admin's edit must not wait that long to answer."""
    side = default_semantic()
    if side.index_for(snapshot.index, wait=True, timeout=RELOAD_WAIT) is None and side.enabled:
        log.warning("the reloaded knowledge answers by words until its vectors are ready",
                    extra={"waited_s": RELOAD_WAIT})


def ask_json(live: LiveKnowledge, text: str, limit: int) -> dict[str, Any]:
    """One line of `ask --json`, by the ask handler's own lookup. A question that fails is
    reported on its own line and the batch goes on: a script checking a thousand
    questions must get a thousand answers."""
    try:
        found = ask.lookup(text, live.current.index, limit=limit, near=False)
    except Exception as exc:     # a bug in matching must not end the batch
        log.exception("ask failed", extra={"query": text[:80]})
        return {"query": text, "error": f"{type(exc).__name__}: {exc}"[:200], "results": []}
    return {"query": text, "topic": found.question.topic, "results": [r.as_json() for r in found.results]}


async def due_announcements(config: Config, live: LiveKnowledge, store: Path | None, now: datetime) -> list[Due]:
    """What the announcer would post at `now`, given what `store` says was sent (no store: nothing)."""
    sent: dict = {}
    if store is not None and Path(store).exists():
        database = await Database.open(store)
        try:
            sent = await Announcements(database.connection).sent()
        finally:
            await database.close()
    return due_given(live.current.knowledge, config, sent, now)


async def pledge_matches(live: LiveKnowledge, store: Path, limit: int) -> list[dict[str, Any]]:
    """`pledges match`: for every open pledge, oldest first, the open ones of the other kind that fit."""
    database = await Database.open(store)
    try:
        listed = await Pledges(database.connection).listed()
    finally:
        await database.close()
    knowledge = live.current.knowledge
    by_kind = {kind: tuple(Candidate.of(p) for p in listed if p.kind == kind)
               for kind in KINDS}
    refs = {p.id: p.ref for p in listed}
    semantic = default_semantic()
    semantic.model(wait=True)             # a batch: the model is worth its second to load
    lines = []
    for pledge in sorted(listed, key=lambda p: p.number):
        others = by_kind["offer" if pledge.kind == "need" else "need"]
        found = fits(pledge.text, others, knowledge, limit, rivals=by_kind[pledge.kind], semantic=semantic)
        lines.append({"id": pledge.id, "ref": pledge.ref, "kind": pledge.kind, "text": pledge.text,
                      "matches": [{"id": fit.id, "ref": refs[fit.id], "score": round(fit.score, 1),
                                   "why": list(fit.why)} for fit in found]})
    return lines


def run(config_path: Path) -> int:
    """`python -m bot run`: the bot on Matrix until SIGINT/SIGTERM (exit 0), 1 when the login
    is refused, 2 for a bad config, knowledge directory or store."""
    # Imported here: validate, ask and the console never load matrix-nio.
    from bot.transport.matrix.bot import LoginFailed
    try:
        config = load_config(config_path, for_matrix=True)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    logs.setup(config.log_level, secrets=[config.password])
    try:
        knowledge = LiveKnowledge.load(config.knowledge)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(config, knowledge))
    except LoginFailed as exc:
        log.error(str(exc))
        return 1
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2


async def _serve(config: Config, knowledge: LiveKnowledge) -> int:
    from bot.transport.matrix.bot import MatrixBot, Stopped
    database = await Database.open(config.store)
    background: list[asyncio.Task] = []

    def ready() -> None:
        """The first sync is handled: rooms are known, so the bot's own posts can go out."""
        service.notify("READY=1")
        loops = [("announcer", announcer.run), ("keep-alive", keep_alive.run), ("knowledge-watch", reloader.watch)]
        if config.gaps_digest and config.admin_room:
            loops.append(("gaps-digest", GapsDigest(unanswered, Digests(database.connection), config, bot.post).run))
        elif config.gaps_digest:
            log.warning("gaps.digest is on, but network.admin_room is not set: no digest is sent")
        for name, loop_ in loops:
            background.append(asyncio.create_task(loop_(), name=name))
            background[-1].add_done_callback(_report_crash)

    pledges = Pledges(database.connection)
    unanswered = UnansweredQuestions(database.connection)
    forgotten = await unanswered.prune(config.keep_unanswered)
    if forgotten:
        log.info("forgot old unanswered questions", extra={"questions": forgotten})
    reloader = Reloader(knowledge, prepare=reload_vectors)
    running = RunningBot(config, knowledge, reloader, pledges)
    bot = MatrixBot(config, SyncState(database.connection),
                    lambda role_of: dispatcher(config, knowledge, role_of, pledges=pledges, operations=running,
                                               unanswered=unanswered),
                    on_ready=ready)
    announcer = Announcer(knowledge, config, Announcements(database.connection), bot.post)
    running.bot, running.announcer = bot, announcer
    keep_alive = KeepAlive(pledges, config, bot.post)
    reloader.listeners += [_wake(announcer), _tell_admin_room(config, bot)]
    prepare_meaning(knowledge.current)

    def stop() -> None:
        service.notify("STOPPING=1")
        for task in background:
            task.cancel()
        bot.stop()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        await bot.login()
        log.info("running", extra={"user_id": config.user_id, "homeserver": config.homeserver,
                                   **knowledge.current.knowledge.counts()})
        await bot.run()
    except Stopped:
        log.info("stopped before the homeserver answered")
    finally:
        await bot.close()
        await database.close()
    return 0


def _report_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception():
        log.error("a background loop stopped", extra={"task": task.get_name()}, exc_info=task.exception())


class RunningBot:
    """The running bot as its admins see it: reload on demand, and the status lines."""

    def __init__(self, config: Config, live: LiveKnowledge, reloader: Reloader, pledges: Pledges) -> None:
        self.config, self.live, self.reloader, self.pledges = config, live, reloader, pledges
        self.bot: MatrixBot | None = None
        self.announcer: Announcer | None = None
        self.started = utc_now()

    async def reload(self) -> Reload:
        return await self.reloader.reload()

    async def status(self) -> list[tuple[str, str]]:
        knowledge = self.live.current.knowledge
        last = self.reloader.last
        reloaded = "—" if last is None else (
            f"{last.at:%Y-%m-%d %H:%M} UTC, " + ("ok" if last.ok else f"{len(last.problems)} problem(s) kept it out"))
        lines = [("version", _version()), ("up since", f"{self.started:%Y-%m-%d %H:%M} UTC"),
                 ("knowledge", ", ".join(f"{n} {kind}" for kind, n in knowledge.counts().items())),
                 ("last reload", reloaded), ("open pledges", str(len(await self.pledges.listed())))]
        if self.announcer is not None:
            upcoming = self.announcer.next_at
            lines.append(("next announcement", f"{upcoming:%Y-%m-%d %H:%M} UTC" if upcoming else "—"))
        if self.bot is not None:
            synced = self.bot.last_sync
            lines += [("rooms joined", str(self.bot.rooms_joined)),
                      ("last sync", f"{synced:%Y-%m-%d %H:%M:%S} UTC" if synced else "—"),
                      ("send queue", str(self.bot.outbox.pending))]
        return lines


def _version() -> str:
    try:
        return metadata.version("verbinder")
    except metadata.PackageNotFoundError:
        return "unknown"


def _wake(announcer: Announcer) -> Callable[[Reload], Awaitable[None]]:
    async def wake(result: Reload) -> None:
        if result.ok:
            announcer.wake()        # events may have come, moved or gone
    return wake


def _tell_admin_room(config: Config, bot: MatrixBot) -> Callable[[Reload], Awaitable[None]]:
    """The admin room hears of every reload: a one-line summary, or every FILE:LINE problem."""
    async def tell(result: Reload) -> None:
        if not config.admin_room:
            return
        reply = simple("Kennis herladen: ", summary(result.changes)) if result.ok else problems_reply(result.problems, "nl")
        await bot.post(Post(config.admin_room, reply, f"reload/{result.at.isoformat()}"), _nothing)
    return tell


async def _nothing() -> None:
    """A post that needs no record once it went out."""
