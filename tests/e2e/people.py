"""The test side of a conversation: the bot as a process, people as matrix-nio clients.

The bot runs as `python -m bot run`, exactly as in production, so restarts,
SIGTERM and SIGKILL are real; people are independent nio clients that see
what any Matrix client would see.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from nio import AsyncClient, RoomCreateResponse, RoomMemberEvent, RoomMessageNotice, RoomSendResponse

from bot.dev.local_synapse import LocalSynapse
from bot.dev.ready_signal import ReadySignal
from bot.transport.matrix.convert import replied_to as reply_target
from bot.transport.matrix.crypto import housekeeping

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """One bot account with its own config and store, started and stopped like in production."""

    def __init__(self, workdir: Path, synapse: LocalSynapse, user_id: str, password: str, *,
                 knowledge: Path | None = None, settings: dict[str, Any] | None = None, **network: Any) -> None:
        """`settings`: top-level config keys beside the defaults; `network`: keys of the network section."""
        self.workdir = workdir
        self.user_id = user_id
        self.log_path = workdir / "bot.log"
        self.config_path = workdir / "config.yaml"
        self.env = {**os.environ, "E2E_BOT_PASSWORD": password, "PYTHONUNBUFFERED": "1"}
        workdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(yaml.safe_dump({
            "homeserver": synapse.url,
            "user_id": user_id,
            "password_env": "E2E_BOT_PASSWORD",
            "store": str(workdir / "bot.sqlite3"),
            "log_level": "INFO",
            "knowledge": {"path": str(knowledge or ROOT / "knowledge")},
            "network": {"allowed_servers": [synapse.server_name], **network},
            **(settings or {}),
        }))
        self.proc: subprocess.Popen | None = None
        self._log_offset = 0

    def start(self, timeout: float = 30) -> None:
        """Start `bot run` and return once it says it is ready (systemd's notify protocol)."""
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        ready = ReadySignal()
        try:
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(self.config_path)],
                                             cwd=ROOT, env={**self.env, **ready.env}, stdout=log,
                                             stderr=subprocess.STDOUT)
            ready.wait(timeout, alive=lambda: self.proc.poll() is None)
        except (TimeoutError, RuntimeError) as exc:
            raise AssertionError(f"bot not ready: {exc}\n{self.log_text()[-3000:]}") from None
        finally:
            ready.close()

    def log_text(self, since_start: bool = True) -> str:
        text = self.log_path.read_bytes().decode("utf-8", "replace") if self.log_path.exists() else ""
        return text[self._log_offset:] if since_start else text

    def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.log_text():
                return
            if self.proc and self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)
        raise AssertionError(f"no {needle!r} in the bot's log after {timeout}s:\n{self.log_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.proc = None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


@dataclass
class Person:
    """A Matrix user with a client that keeps syncing and remembers what it saw."""

    client: AsyncClient
    seen: dict[str, list] = field(default_factory=dict)    # room id -> timeline events
    _task: asyncio.Task | None = None

    @property
    def user_id(self) -> str:
        return self.client.user_id

    def start(self) -> None:
        self._task = asyncio.create_task(self._sync())

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _sync(self) -> None:
        since = None
        while True:
            try:
                response = await self.client.sync(timeout=1000, since=since)
            except Exception:          # the homeserver may be down on purpose
                await asyncio.sleep(0.3)
                continue
            if not hasattr(response, "next_batch"):
                await asyncio.sleep(0.3)
                continue
            since = response.next_batch
            for room_id, info in response.rooms.join.items():
                self.seen.setdefault(room_id, []).extend(info.timeline.events)
            if self.client.olm:
                try:
                    await housekeeping(self.client)
                except Exception:      # keys are exchanged again after the next sync
                    pass

    async def room_with(self, *invite: str, direct: bool = False) -> str:
        response = await self.client.room_create(invite=list(invite), is_direct=direct)
        assert isinstance(response, RoomCreateResponse), response
        return response.room_id

    async def send(self, room_id: str, text: str, *, thread_root: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if thread_root:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread_root}
        response = await self.client.room_send(room_id, "m.room.message", content, ignore_unverified_devices=True)
        assert isinstance(response, RoomSendResponse), response
        return response.event_id

    def notices(self, room_id: str, sender: str) -> list[RoomMessageNotice]:
        return [e for e in self.seen.get(room_id, []) if isinstance(e, RoomMessageNotice) and e.sender == sender]

    async def wait_for(self, condition, timeout: float = 20, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 20) -> None:
        def joined() -> bool:
            return any(isinstance(e, RoomMemberEvent) and e.state_key == user_id and e.membership == "join"
                       for e in self.seen.get(room_id, []))
        await self.wait_for(joined, timeout, f"{user_id} to join {room_id}")

    async def wait_notices(self, room_id: str, sender: str, count: int, timeout: float = 30) -> list[RoomMessageNotice]:
        await self.wait_for(lambda: len(self.notices(room_id, sender)) >= count, timeout,
                            f"{count} notices from {sender} (have {len(self.notices(room_id, sender))})")
        return self.notices(room_id, sender)


async def talking_to_bot(bot, person, **bot_options):
    """A running bot and Eva, in a two-person room (a DM) the bot has joined."""
    verbinder = bot(**bot_options)
    verbinder.start()
    eva = await person("eva")
    room = await eva.room_with(verbinder.user_id)
    await eva.wait_joined(room, verbinder.user_id)
    return verbinder, eva, room


def replied_to(notice: RoomMessageNotice) -> str | None:
    return reply_target(notice.source["content"])
