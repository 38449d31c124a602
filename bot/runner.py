"""`python -m bot run --config FILE`: the bot on Matrix, until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot import logs
from bot.config import ConfigError, load_config
from bot.knowledge_state import KnowledgeState
from bot.loader import KnowledgeError
from bot.matrix import LoginFailed, MatrixBot, Stopped
from bot.registry import ROUTES
from bot.routing import Context
from bot.store import Store, StoreError

log = logging.getLogger("bot")


def run(config_path: Path) -> int:
    try:
        config = load_config(config_path, for_matrix=True)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    logs.setup(config.log_level, secrets=[config.password])
    try:
        knowledge = KnowledgeState.load(config.knowledge)
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


async def _serve(config, knowledge: KnowledgeState) -> int:
    store = await Store.open(config.store)
    bot = MatrixBot(config, store, Context(config, knowledge, ROUTES))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, bot.stop)
    try:
        await bot.login()
        log.info("running", extra={"user_id": config.user_id, "homeserver": config.homeserver,
                                   **knowledge.current.knowledge.counts()})
        await bot.run()
    except Stopped:
        log.info("stopped before the homeserver answered")
    finally:
        await bot.close()
        await store.close()
    return 0
