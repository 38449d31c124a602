"""Live reload: the bot notices edited knowledge files and swaps in the new knowledge when it is valid.

Modification times are checked every few seconds; a file must be unchanged for
SETTLE seconds before the directory is read, so an editor's half-written save
is never loaded. The whole directory is validated off the event loop, stepping
aside while a message is handled (bot/core/foreground.py); when it is valid,
knowledge, index and vectors are swapped at once, else nothing changes and
the bot keeps answering from the last good knowledge. Either way the result
goes to whoever listens (the admin room, the admin who asked).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.core.dates import utc_now
from bot.core.foreground import FOREGROUND
from bot.knowledge.diff import Change, changes
from bot.knowledge.yaml_lines import Problem
from bot.matching.live import LiveKnowledge, Snapshot

log = logging.getLogger(__name__)

CHECK_EVERY = 2.0     # seconds between looks at the files' modification times
SETTLE = 2.0          # a file must be this long unchanged before it is read


@dataclass(frozen=True)
class Reload:
    """What one reload did: the changes it made live, or the problems that kept the old knowledge."""

    at: datetime
    problems: list[Problem] = field(default_factory=list)
    changes: dict[str, Change] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


Signature = tuple[tuple[str, int, int], ...]     # (name, mtime_ns, size) of every knowledge file


def signature(directory: Path) -> Signature:
    try:
        return tuple(sorted((p.name, (st := p.stat()).st_mtime_ns, st.st_size) for p in directory.glob("*.y*ml")))
    except OSError:           # a file vanished between listing and stat: look again next time
        return ()


class Reloader:
    """Reloads on demand (`!herlaad`) and when the files change; one reload at a time."""

    def __init__(self, live: LiveKnowledge, listeners: list[Callable[[Reload], Awaitable[None]]] | None = None, *,
                 clock: Callable[[], datetime] = utc_now, prepare: Callable[[Snapshot], None] | None = None) -> None:
        """`prepare`: readies a valid snapshot (in the reload's thread) before it goes live."""
        self.live, self.clock, self.prepare = live, clock, prepare
        self.listeners = listeners if listeners is not None else []
        self.last: Reload | None = None
        self._lock = asyncio.Lock()
        self._loaded = signature(live.directory)

    async def reload(self) -> Reload:
        """Validate the directory off the loop; swap in the new knowledge when it is valid."""
        async with self._lock:
            seen = signature(self.live.directory)
            before = self.live.current.knowledge
            problems = await asyncio.to_thread(FOREGROUND.yielding, lambda: self.live.reload(self.prepare))
            self._loaded = seen
            result = Reload(self.clock(), problems, {} if problems else changes(before, self.live.current.knowledge))
            self.last = result
        for listener in self.listeners:
            try:
                await listener(result)
            except Exception:
                log.exception("a reload listener failed")
        return result

    async def watch(self) -> None:
        """Reload whenever the files changed and then stayed unchanged for SETTLE seconds."""
        pending: Signature | None = None
        since = 0.0
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(CHECK_EVERY)
            now_seen = signature(self.live.directory)
            if now_seen == self._loaded:
                pending = None
                continue
            if now_seen != pending:
                pending, since = now_seen, loop.time()
                continue
            if loop.time() - since >= SETTLE:
                log.info("knowledge files changed", extra={"directory": str(self.live.directory)})
                await self.reload()
                pending = None
