"""The live knowledge: one snapshot and its index, swapped whole or not at all."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.model import Knowledge
from bot.knowledge.yaml_lines import Problem
from bot.matching.index import Index

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    knowledge: Knowledge
    index: Index


class LiveKnowledge:
    """Handlers read `.current`; `reload()` replaces it only when the new files are valid."""

    def __init__(self, directory: Path, loaded: Snapshot) -> None:
        self.directory = Path(directory)
        self.current = loaded

    @classmethod
    def load(cls, directory: Path) -> "LiveKnowledge":
        """The knowledge in `directory`, or KnowledgeError listing every problem."""
        return cls(directory, _load(directory))

    def reload(self, prepare: Callable[[Snapshot], None] | None = None) -> list[Problem]:
        """Every problem found; an empty list means the new knowledge is live. `prepare` readies
        a valid snapshot before it goes live (its vectors), so answers change all at once."""
        try:
            loaded = _load(self.directory)
        except KnowledgeError as exc:
            log.warning("knowledge reload rejected", extra={"problems": len(exc.problems)})
            return exc.problems
        if prepare is not None:
            prepare(loaded)
        self.current = loaded
        log.info("knowledge reloaded", extra=loaded.knowledge.counts())
        return []


def _load(directory: Path) -> Snapshot:
    """A new snapshot; KnowledgeError, listing every problem, when the directory is invalid."""
    # Loading builds millions of small objects and frees none of them in cycles:
    # the cycle collector only slows it down (about half the load time at 10,000
    # examples). A good snapshot is then frozen: it is immutable and acyclic, so
    # the collector need never walk it (the first walk, some 150 ms at 10,000
    # examples, would land on whichever question came first); refcounting still
    # frees it when the next reload replaces it. Collecting first keeps today's
    # cyclic garbage out of the frozen set.
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        knowledge = load_knowledge(directory)
        loaded = Snapshot(knowledge, Index(knowledge))
        gc.freeze()
        return loaded
    finally:
        if enabled:
            gc.enable()
