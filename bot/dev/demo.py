"""`make demo`: a local Synapse, the bot, and a chat prompt as a real Matrix user.

Everything lives under .demo/ and is reused by the next run. The prompt is a
Matrix client of its own (the person's side, not the bot's): what you type goes
through the homeserver to the bot and back, exactly as from Element.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

import yaml
from nio import AsyncClient, LoginResponse, RoomCreateResponse, RoomMessageNotice, RoomResolveAliasResponse

from bot.core.ids import localpart
from bot.dev.local_synapse import LocalSynapse, terminate
from bot.dev.ready_signal import ReadySignal
from bot.knowledge.loader import load_knowledge
from bot.transport.console import PROMPT
from bot.transport.lines import read_lines
from bot.transport.matrix.convert import replied_to

ROOT = Path(__file__).resolve().parents[2]
NETWORK_ROOM = "netwerk"


def main(state_dir: Path, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    # nio warns about every expected 404 (an alias not created yet); the prompt is for people.
    logging.getLogger("nio").setLevel(logging.ERROR)
    try:
        return asyncio.run(_demo(state_dir.resolve(), stdin, stdout))
    except KeyboardInterrupt:
        return 0


async def _demo(state: Path, stdin: TextIO, stdout: TextIO) -> int:
    def say(text: str = "") -> None:
        stdout.write(text + "\n")
        stdout.flush()

    state.mkdir(parents=True, exist_ok=True)
    passwords = _passwords(state / "passwords.json")
    synapse = LocalSynapse(state / "synapse", server_name="localhost")
    say("Synapse starten (lokaal, 127.0.0.1) ...")
    synapse.start()
    bot_process: subprocess.Popen | None = None
    client: AsyncClient | None = None
    try:
        bot_id = synapse.register("verbinder", passwords["verbinder"], ratelimited=False)
        demo_id = synapse.register("demo", passwords["demo"], ratelimited=False)
        config = _write_bot_config(state, synapse.url, bot_id, demo_id)
        client = AsyncClient(synapse.url, demo_id)
        login = await client.login(passwords["demo"], device_name="make demo")
        if not isinstance(login, LoginResponse):
            raise SystemExit(f"demo user could not log in: {login}")
        rooms = [(NETWORK_ROOM, "Netwerk Radicale vernieuwing")] + [
            (_alias_localpart(team.room, team.id), team.name) for team in load_knowledge(ROOT / "knowledge").teams.values()
        ]
        for localpart, name in rooms:
            await _room(client, localpart, name, bot_id)
        say(f"Rooms: {', '.join('#' + r[0] + ':localhost' for r in rooms)}")
        bot_process = _start_bot(state, config, passwords["verbinder"])
        dm = await _direct_room(client, state / "dm.json", bot_id)
        say()
        say("Verbinder draait. Verbind ook een Matrix-app (bijv. Element) als je wilt:")
        say(f"  homeserver: {synapse.url}   gebruiker: demo   wachtwoord: {passwords['demo']}")
        say("Vraag bijvoorbeeld: wie heeft ervaring met zorgkantoren?   (Ctrl-C of Ctrl-D stopt alles)")
        say()
        await _chat(client, dm, bot_id, stdin, stdout, say)
    finally:
        if client:
            await client.close()
        if bot_process:
            terminate(bot_process, 20)
        synapse.stop()
        say(("\n" if stdin.isatty() else "") + "Gestopt. De volgende `make demo` gaat verder waar deze ophield.")
    return 0


async def _chat(client: AsyncClient, room_id: str, bot_id: str, stdin: TextIO, stdout: TextIO, say) -> None:
    replies: dict[str, str] = {}
    since = (await client.sync(timeout=0)).next_batch

    async def listen() -> None:
        nonlocal since
        while True:
            response = await client.sync(timeout=1000, since=since)
            since = getattr(response, "next_batch", since)
            info = getattr(response, "rooms", None)
            for event in (info.join[room_id].timeline.events if info and room_id in info.join else []):
                if isinstance(event, RoomMessageNotice) and event.sender == bot_id:
                    replies[replied_to(event.source["content"]) or ""] = event.body

    listener = asyncio.create_task(listen())
    try:
        async for text in read_lines(stdin, PROMPT, stdout):
            sent = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text})
            event_id = getattr(sent, "event_id", None)
            deadline = time.monotonic() + 30
            while event_id not in replies and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            say(f"verbinder> {replies.pop(event_id)}\n" if event_id in replies else "(geen antwoord binnen 30 s)\n")
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)


def _passwords(path: Path) -> dict[str, str]:
    """Generated once, kept private, reused: a second demo finds its accounts again."""
    if path.exists():
        return json.loads(path.read_text())
    values = {"verbinder": secrets.token_urlsafe(16), "demo": secrets.token_urlsafe(9)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(values, f)
    return values


def _write_bot_config(state: Path, url: str, bot_id: str, demo_id: str) -> Path:
    path = state / "config.yaml"
    path.write_text(yaml.safe_dump({
        "homeserver": url,
        "user_id": bot_id,
        "password_env": "VERBINDER_DEMO_PASSWORD",
        "store": str(state / "bot.sqlite3"),
        "knowledge": {"path": str(ROOT / "knowledge")},
        "network": {"admins": [demo_id], "allowed_servers": ["localhost"], "rooms": [f"#{NETWORK_ROOM}:localhost"]},
    }, sort_keys=False))
    return path


def _start_bot(state: Path, config: Path, password: str) -> subprocess.Popen:
    log_path = state / "bot.log"
    ready = ReadySignal()
    env = {**os.environ, **ready.env, "VERBINDER_DEMO_PASSWORD": password}
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)   # Ctrl-C reaches us; we stop it cleanly
    try:
        ready.wait(60, alive=lambda: process.poll() is None)
    except (TimeoutError, RuntimeError):
        terminate(process, 10)
        raise SystemExit(f"the bot did not start; see {log_path}") from None
    finally:
        ready.close()
    return process


async def _room(client: AsyncClient, alias_localpart: str, name: str, bot_id: str) -> str:
    found = await client.room_resolve_alias(f"#{alias_localpart}:localhost")
    if isinstance(found, RoomResolveAliasResponse):
        return found.room_id
    created = await client.room_create(alias=alias_localpart, name=name, invite=[bot_id])
    if not isinstance(created, RoomCreateResponse):
        raise SystemExit(f"could not create #{alias_localpart}: {created}")
    return created.room_id


async def _direct_room(client: AsyncClient, path: Path, bot_id: str) -> str:
    """The demo user's DM with the bot, once the bot is in it (earlier lines would be its history)."""
    if path.exists():
        room_id = json.loads(path.read_text())["room_id"]
    else:
        created = await client.room_create(is_direct=True, invite=[bot_id], name="Verbinder")
        if not isinstance(created, RoomCreateResponse):
            raise SystemExit(f"could not create the direct chat: {created}")
        room_id = created.room_id
        path.write_text(json.dumps({"room_id": room_id}))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        members = await client.joined_members(room_id)
        if bot_id in {m.user_id for m in getattr(members, "members", [])}:
            return room_id
        await asyncio.sleep(0.2)
    raise SystemExit("the bot did not join the direct chat; see .demo/bot.log")


def _alias_localpart(room: str, fallback: str) -> str:
    return localpart(room) if room.startswith("#") else fallback
