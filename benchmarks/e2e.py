"""End-to-end benchmark: the bot on a local Synapse, beside a bare matrix-nio echo bot.

Run by hand, not by the tests (needs Synapse's venv, like `make test`):

    .venv/bin/python benchmarks/e2e.py
    .venv/bin/python benchmarks/e2e.py --questions 200 --keep /tmp/e2e-bench   # keep logs + state
    .venv/bin/python benchmarks/e2e.py --encrypted-burst   # the burst in encrypted DMs

Synapse's python is $VERBINDER_SYNAPSE_PYTHON, else .venv-synapse/bin/python.

One throwaway Synapse (every rate limit relaxed, every account exempt from
``rc_message`` too) serves three things, all in the same run:

- the floor: a bare matrix-nio echo bot in a subprocess of its own (log in,
  ``sync_forever`` with a 30 s long-poll, answer each m.text of someone else with
  an m.notice of the same body that replies to it), in a DM with one asker;
- the bot: ``python -m bot run`` exactly as in production (sample knowledge),
  in a DM with another asker; questions are a realistic mix of the sample
  knowledge (``!vraag``, ``!ask``, Dutch and English questions, topics nothing
  matches);
- a burst: 5 users, each in a DM with the bot, send 20 questions each all at
  once; every question must get exactly one reply.
- encrypted: a third asker with its own crypto store, in an end-to-end
  encrypted DM with the bot, asked in the same turns (target: its p50 <= 1.5x
  the plain one).

Round trip = from just before the asker's ``room_send`` to the moment the
asker's own sync (a tight 30 s long-poll, same code for both bots) returns the
reply, matched by its ``m.in_reply_to`` event id. After a warm-up of 5 questions
each, the two bots are asked in turns, one question at a time, so both see the
same server conditions. A breakdown from the bots' log lines (each logs
"message handled ... event_id=..." before its reply is sent; ms resolution)
splits each round trip into question → bot has it → asker sees the reply.

Targets: the bot's p50 round trip <= 1.3x the echo floor's p50; the burst
answers all 100 questions, none twice, and its last reply is seen at most
1.5 s after the bot had handled its last question (rooms are sent in parallel).
Beside it, Synapse's CPU over the burst (from /proc) says whether the homeserver
was the limit. Exit status 1 when a target fails; the
temporary state (Synapse, bot and echo logs) is then kept and its path printed.
Bot, echo bot and Synapse are stopped at the end, also after an error.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # `python benchmarks/e2e.py` from anywhere
    sys.path.insert(0, str(ROOT))

from nio import (  # noqa: E402
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    RoomCreateResponse,
    RoomMemberEvent,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

from bot.dev.local_synapse import LocalSynapse, synapse_python, terminate  # noqa: E402
from bot.transport.matrix.convert import replied_to  # noqa: E402
from bot.transport.matrix.crypto import housekeeping  # noqa: E402

TARGET_RATIO = 1.3
TARGET_ENCRYPTED = 1.5        # encrypted round trip p50 <= this x the plain one
TARGET_BURST_LAG_S = 1.5      # last burst reply seen <= this long after the bot handled the last question
WARMUP = 5
BURST_USERS = 5
BURST_EACH = 20
SYNC_TIMEOUT_MS = 30_000
# The askers' sync: no presence or account data, and a timeline limit high
# enough that a burst never comes back `limited` (the asker must miss nothing).
ASKER_FILTER = {
    "room": {"timeline": {"limit": 200}, "state": {"lazy_load_members": True}},
    "presence": {"types": []},
    "account_data": {"types": []},
}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# A realistic mix over the sample knowledge: commands, Dutch and English
# questions, and topics nothing matches (those get a "found nothing" reply).
QUESTIONS = [
    "!vraag zorgkantoren",
    "wie heeft ervaring met de CQ-index?",
    "who knows about supervisory boards?",
    "!vraag mondzorg",
    "Heeft iemand ervaring met addendumafspraken?",
    "!ask reisgids",
    "Weet iemand iets van regelruimte?",
    "who has experience with care offices?",
    "!vraag kwaliteitspanel",
    "Wie kan helpen met dagje meelopen?",
    "zorginkopers",
    "Wie weet iets van valpreventie?",
    "!vraag beelden van kwaliteit",
    "does anyone have experience with quality panels?",
    "Wie heeft ervaring met de relatie met het zorgkantoor?",
    "!vraag langdurige zorg financiering",
]


# --- the floor: a bare matrix-nio echo bot (runs as a subprocess) --------------

async def echo_bot(homeserver: str, user_id: str, password: str) -> None:
    log = logging.getLogger("echo")
    client = AsyncClient(homeserver, user_id, config=AsyncClientConfig(encryption_enabled=False))
    response = await client.login(password)
    if not isinstance(response, LoginResponse):
        raise SystemExit(f"echo bot login failed: {response}")

    async def on_invite(room, event) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def on_text(room, event) -> None:
        if event.sender == client.user_id:
            return
        log.info("message handled event_id=%s", event.event_id)
        await client.room_send(room.room_id, "m.room.message", {
            "msgtype": "m.notice",
            "body": event.body,
            "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
        })

    await client.sync(timeout=0, full_state=True)      # skip whatever came before
    client.add_event_callback(on_text, RoomMessageText)
    client.add_event_callback(on_invite, InviteMemberEvent)
    log.info("echo bot ready")
    try:
        await client.sync_forever(timeout=SYNC_TIMEOUT_MS)
    finally:
        await client.close()


class EchoProcess:
    """The echo bot as its own process, like the real bot, so neither shares the askers' loop."""

    def __init__(self, workdir: Path, homeserver: str, user_id: str, password: str) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.user_id = user_id
        self.log_path = workdir / "echo.log"
        self._args = [sys.executable, str(Path(__file__).resolve()), "--echo-bot", homeserver, user_id]
        self._env = {**os.environ, "ECHO_BOT_PASSWORD": password, "PYTHONUNBUFFERED": "1"}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self._args, cwd=ROOT, env=self._env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready" in self.log_path.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"echo bot exited with {self.proc.returncode}:\n{self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("echo bot not ready in time")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc:
            terminate(proc, 10)


# --- the measuring side: one asker per conversation, same code for both bots ---

@dataclass
class Sent:
    event_id: str
    start: float          # perf_counter just before room_send
    start_wall: float     # time.time() at the same moment, to line up with log lines
    sent: float           # perf_counter when room_send returned


@dataclass
class Asker:
    """A logged-in nio client that long-polls sync and notes when each reply arrives."""

    client: AsyncClient
    replies: dict[str, list[float]] = field(default_factory=dict)   # question id -> arrival times
    stray: int = 0                                                   # notices replying to nothing we sent
    limited: int = 0                                 # timelines of known rooms that came back limited
    _rooms: set[str] = field(default_factory=set)
    _joined: set[tuple[str, str]] = field(default_factory=set)
    _waiters: dict[str, asyncio.Future] = field(default_factory=dict)
    _synced: asyncio.Event = field(default_factory=asyncio.Event)           # set by each sync
    first_sync: asyncio.Event = field(default_factory=asyncio.Event)        # stays set
    _task: asyncio.Task | None = None

    @property
    def user_id(self) -> str:
        return self.client.user_id

    def start(self) -> None:
        self._task = asyncio.create_task(self._sync_loop(), name=f"sync {self.user_id}")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.close()

    async def _sync_loop(self) -> None:
        since: str | None = None
        while True:
            try:
                response = await self.client.sync(timeout=0 if since is None else SYNC_TIMEOUT_MS,
                                                  since=since, sync_filter=ASKER_FILTER)
            except Exception:                   # noqa: BLE001 - keep measuring through a hiccup
                await asyncio.sleep(0.1)
                continue
            now = time.perf_counter()
            if not isinstance(response, SyncResponse):
                await asyncio.sleep(0.1)
                continue
            since = response.next_batch
            for room_id, info in response.rooms.join.items():
                if room_id in self._rooms:       # a newly joined room comes back limited anyway
                    self.limited += bool(info.timeline.limited)
                self._rooms.add(room_id)
                for event in [*info.state, *info.timeline.events]:
                    if isinstance(event, RoomMemberEvent) and event.membership == "join":
                        self._joined.add((room_id, event.state_key))
                    elif isinstance(event, RoomMessageNotice) and event.sender != self.user_id:
                        question = replied_to(event.source.get("content", {}))
                        if question is None:
                            self.stray += 1
                            continue
                        self.replies.setdefault(question, []).append(now)
                        waiter = self._waiters.pop(question, None)
                        if waiter and not waiter.done():
                            waiter.set_result(now)
            if self.client.olm:               # what nio's sync_forever would do between syncs
                try:
                    await housekeeping(self.client)
                except Exception:             # noqa: BLE001 - keys go again after the next sync
                    pass
            self.first_sync.set()
            self._synced.set()
            self._synced = asyncio.Event()

    async def room_with(self, other: str, encrypted: bool = False) -> str:
        state = [{"type": "m.room.encryption", "state_key": "",
                  "content": {"algorithm": "m.megolm.v1.aes-sha2"}}] if encrypted else []
        response = await self.client.room_create(invite=[other], is_direct=True, initial_state=state)
        assert isinstance(response, RoomCreateResponse), response
        return response.room_id

    async def wait_joined(self, room_id: str, user_id: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while (room_id, user_id) not in self._joined:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{user_id} did not join {room_id} in {timeout} s")
            try:
                await asyncio.wait_for(self._synced.wait(), max(0.01, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                pass

    async def send(self, room_id: str, text: str) -> Sent:
        start_wall, start = time.time(), time.perf_counter()
        response = await self.client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text},
                                               ignore_unverified_devices=True)
        sent = time.perf_counter()
        if not isinstance(response, RoomSendResponse):
            raise RuntimeError(f"send failed: {response}")
        return Sent(response.event_id, start, start_wall, sent)

    async def ask(self, room_id: str, text: str, timeout: float = 30) -> tuple[Sent, float]:
        """Send one question; (what was sent, perf_counter when the reply was seen)."""
        sent = await self.send(room_id, text)
        if sent.event_id in self.replies:        # the reply beat room_send's response
            return sent, self.replies[sent.event_id][0]
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[sent.event_id] = waiter
        try:
            return sent, await asyncio.wait_for(waiter, timeout)
        except asyncio.TimeoutError:
            raise RuntimeError(f"no reply to {text!r} ({sent.event_id}) in {timeout} s") from None
        finally:
            self._waiters.pop(sent.event_id, None)


# --- figures -----------------------------------------------------------------------

def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU a process has used so far (Linux /proc), None where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return None


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


_HANDLED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) .*message handled.*event_id=(\S+)")


def handled_times(log_path: Path) -> dict[str, float]:
    """event id -> wall time of the bot's "message handled" line (ms resolution)."""
    times: dict[str, float] = {}
    if not log_path.exists():
        return times
    for line in log_path.read_text(errors="replace").splitlines():
        match = _HANDLED.match(line)
        if match:
            stamp = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S").timestamp() + int(match[2]) / 1000
            times.setdefault(match[3], stamp)
    return times


@dataclass
class Series:
    name: str
    samples: list[tuple[Sent, float]] = field(default_factory=list)

    def round_trips_ms(self) -> list[float]:
        return [(seen - sent.start) * 1000 for sent, seen in self.samples]

    def breakdown_ms(self, log_path: Path) -> dict[str, float] | None:
        """Medians of the legs of a round trip, lined up with the bot's log."""
        handled = handled_times(log_path)
        send, to_bot, to_asker = [], [], []
        for sent, seen in self.samples:
            if sent.event_id not in handled:
                continue
            at_bot = handled[sent.event_id] - sent.start_wall          # wall clock, ms resolution
            send.append((sent.sent - sent.start) * 1000)
            to_bot.append(at_bot * 1000)
            to_asker.append(((seen - sent.start) - at_bot) * 1000)
        if not send:
            return None
        return {"room_send": statistics.median(send), "to_bot": statistics.median(to_bot),
                "to_asker": statistics.median(to_asker), "n": len(send)}


# --- the run -------------------------------------------------------------------------

async def login(homeserver: str, user_id: str, password: str, crypto: Path | None = None) -> Asker:
    """A plain asker, or with `crypto` (its store's folder) one that encrypts, as Element does."""
    config = AsyncClientConfig(encryption_enabled=crypto is not None, store_sync_tokens=False)
    client = AsyncClient(homeserver, user_id, config=config, store_path=str(crypto or ""))
    response = await client.login(password)
    if not isinstance(response, LoginResponse):
        await client.close()
        raise RuntimeError(f"login as {user_id} failed: {response}")
    if crypto is not None and client.should_upload_keys:
        await client.keys_upload()
    asker = Asker(client)
    asker.start()
    return asker


async def measure(synapse, users: dict[str, str], echo_id: str, bot_id: str, args) -> dict[str, Any]:
    askers: list[Asker] = []
    try:
        for name in ["asker-echo", "asker-bot", *[f"burst-{n}" for n in range(1, BURST_USERS + 1)]]:
            crypto = (Path(tempfile.mkdtemp(prefix="verbinder-e2ee-asker-"))
                      if args.encrypted_burst and name.startswith("burst") else None)
            askers.append(await login(synapse.url, synapse.user_id(name), users[name], crypto=crypto))
        echo_asker, bot_asker, burst_askers = askers[0], askers[1], askers[2:]
        crypto_asker = await login(synapse.url, synapse.user_id("asker-e2ee"), users["asker-e2ee"],
                                   crypto=Path(tempfile.mkdtemp(prefix="verbinder-e2ee-asker-")))
        askers.append(crypto_asker)
        for asker in askers:
            await asker.first_sync.wait()

        echo_room = await echo_asker.room_with(echo_id)
        bot_room = await bot_asker.room_with(bot_id)
        crypto_room = await crypto_asker.room_with(bot_id, encrypted=True)
        burst_rooms = [await asker.room_with(bot_id, encrypted=args.encrypted_burst) for asker in burst_askers]
        await echo_asker.wait_joined(echo_room, echo_id)
        await bot_asker.wait_joined(bot_room, bot_id)
        await crypto_asker.wait_joined(crypto_room, bot_id)
        for asker, room in zip(burst_askers, burst_rooms):
            await asker.wait_joined(room, bot_id)
        await asyncio.sleep(0.5)              # let the joins settle on both bots' side

        # Round trips: warm up, then the two bots in turns, one question at a time.
        for n in range(WARMUP):
            await echo_asker.ask(echo_room, QUESTIONS[n % len(QUESTIONS)])
            await bot_asker.ask(bot_room, QUESTIONS[n % len(QUESTIONS)])
            await crypto_asker.ask(crypto_room, QUESTIONS[n % len(QUESTIONS)])
        echo, bot, encrypted = Series("echo"), Series("bot"), Series("encrypted")
        for n in range(args.questions):
            question = QUESTIONS[n % len(QUESTIONS)]
            echo.samples.append(await echo_asker.ask(echo_room, question))
            bot.samples.append(await bot_asker.ask(bot_room, question))
            encrypted.samples.append(await crypto_asker.ask(crypto_room, question))
            if args.gap:
                await asyncio.sleep(args.gap)

        # Burst: 5 users x 20 questions, all sent at once.
        await asyncio.sleep(0.5)
        plan = [(asker, room, f"{QUESTIONS[(u * BURST_EACH + i) % len(QUESTIONS)]}")
                for u, (asker, room) in enumerate(zip(burst_askers, burst_rooms)) for i in range(BURST_EACH)]
        burst_start_wall, burst_start = time.time(), time.perf_counter()
        synapse_cpu = cpu_seconds(synapse.pid)
        results = await asyncio.gather(*(asker.send(room, text) for asker, room, text in plan),
                                       return_exceptions=True)
        sends_done = time.perf_counter()
        asked = [(asker, r) for (asker, _, _), r in zip(plan, results) if isinstance(r, Sent)]
        send_errors = [r for r in results if not isinstance(r, Sent)]
        deadline = time.monotonic() + args.burst_timeout
        while time.monotonic() < deadline and not all(s.event_id in a.replies for a, s in asked):
            await asyncio.sleep(0.02)
        answered_at = [a.replies[s.event_id][0] for a, s in asked if s.event_id in a.replies]
        busy_s, synapse_cpu_after = time.perf_counter() - burst_start, cpu_seconds(synapse.pid)
        await asyncio.sleep(args.settle)          # time for a duplicate to show up
        counts = [len(a.replies.get(s.event_id, [])) for a, s in asked]
        ids = {s.event_id for _, s in asked}
        unexpected = sum(len(times) for a in burst_askers for q, times in a.replies.items() if q not in ids)
        burst = {
            "asked": len(plan),
            "send_errors": len(send_errors),
            "answered": sum(1 for c in counts if c >= 1),
            "duplicates": sum(c - 1 for c in counts if c > 1),
            "missing": sum(1 for c in counts if c == 0) + len(send_errors),
            "unexpected": unexpected + sum(a.stray for a in burst_askers),
            "sends_s": sends_done - burst_start,
            "total_s": (max(answered_at) - burst_start) if answered_at else float("nan"),
            "limited": sum(a.limited for a in askers),
            "first_reply_s": (min(answered_at) - burst_start) if answered_at else float("nan"),
            "start_wall": burst_start_wall,
            "ids": ids,
            # the homeserver's share of one core from the first question to the last reply seen
            "synapse_busy": (synapse_cpu_after - synapse_cpu) / busy_s
            if synapse_cpu is not None and synapse_cpu_after is not None else None,
        }
        # The homeserver's floor for the same work: 100 reply-sized notices, 20 a room in order,
        # the five rooms in parallel (as the bot's per-room queues send them), from a bare client.
        notice = {"msgtype": "m.notice", "body": "x" * 1500, "format": "org.matrix.custom.html",
                  "formatted_body": "<p>" + "x" * 1800 + "</p>"}

        async def ordered(asker: Asker, room: str) -> None:
            for _ in range(BURST_EACH):
                await asker.client.room_send(room, "m.room.message", notice)
        floor_start = time.perf_counter()
        await asyncio.gather(*(ordered(asker, room) for asker, room in zip(burst_askers, burst_rooms)))
        burst["floor_s"] = time.perf_counter() - floor_start
        return {"echo": echo, "bot": bot, "encrypted": encrypted, "burst": burst}
    finally:
        for asker in askers:
            await asker.close()


def report(results: dict[str, Any], echo_log: Path, bot_log: Path) -> bool:
    echo, bot, burst = results["echo"], results["bot"], results["burst"]
    e, b = echo.round_trips_ms(), bot.round_trips_ms()
    e50, e95, b50, b95 = pct(e, 50), pct(e, 95), pct(b, 50), pct(b, 95)
    ratio = b50 / e50
    ratio_ok = ratio <= TARGET_RATIO
    burst_ok = (burst["answered"] == burst["asked"] and burst["duplicates"] == 0
                and burst["missing"] == 0 and burst["unexpected"] == 0)

    print()
    print(f"Round trip question -> reply seen by the asker, {len(b)} questions each (after {WARMUP} warm-up)")
    print(f"  {'':<22}{'p50 ms':>9}{'p95 ms':>9}{'min ms':>9}{'max ms':>9}")
    c = results["encrypted"].round_trips_ms()
    for name, values in (("echo bot (floor)", e), ("Verbinder", b), ("Verbinder, encrypted", c)):
        print(f"  {name:<22}{pct(values, 50):9.1f}{pct(values, 95):9.1f}{min(values):9.1f}{max(values):9.1f}")
    print(f"  {'ratio bot/echo':<22}{ratio:9.2f}{b95 / e95:9.2f}")
    print()
    print("  where the time goes (medians, ms; 'to bot' = question sent -> the bot's \"message handled\" log line,")
    print("  1 ms resolution; 'bot->seen' = that line -> the asker's sync returns the reply):")
    print(f"  {'':<22}{'room_send':>10}{'to bot':>9}{'bot->seen':>10}")
    for name, series, log in (("echo bot (floor)", echo, echo_log), ("Verbinder", bot, bot_log)):
        legs = series.breakdown_ms(log)
        if legs:
            print(f"  {name:<22}{legs['room_send']:10.1f}{legs['to_bot']:9.1f}{legs['to_asker']:10.1f}")
    print()
    print(f"Burst: {BURST_USERS} users x {BURST_EACH} questions, sent at once")
    print(f"  answered {burst['answered']}/{burst['asked']}, duplicates {burst['duplicates']}, "
          f"missing {burst['missing']}, unexpected replies {burst['unexpected']}, send errors {burst['send_errors']}")
    print(f"  all sent in {burst['sends_s']:.2f} s; last reply {burst['total_s']:.2f} s after the first send")
    handled = handled_times(bot_log)
    at_bot = [handled[i] - burst["start_wall"] for i in burst["ids"] if i in handled]
    lag = burst["total_s"] - max(at_bot) if at_bot else float("nan")
    if at_bot:
        print(f"  the bot had handled all {len(at_bot)} questions {max(at_bot):.2f} s after the first send "
              f"(its log); replies seen from {burst['first_reply_s']:.2f} s to {burst['total_s']:.2f} s")
    if burst["synapse_busy"] is not None:
        print(f"  Synapse (one Python process, so one core at most) was busy {burst['synapse_busy']:.0%} "
              f"of the time from the first question to the last reply")
    if burst["limited"]:
        print(f"  note: {burst['limited']} asker timelines came back limited (asker may have missed events)")
    print()
    print(f"Targets: bot p50 <= {TARGET_RATIO}x echo p50: {b50:.1f} vs {e50:.1f} ms = {ratio:.2f}x "
          f"-> {'PASS' if ratio_ok else 'FAIL'}")
    print(f"         burst loses and duplicates nothing: {'PASS' if burst_ok else 'FAIL'}")
    print(f"         (the homeserver's floor: 100 such sends, 20 a room in order, 5 rooms at once, "
          f"took {burst['floor_s']:.2f} s from a bare client)")
    lag_ok = lag <= TARGET_BURST_LAG_S
    print(f"         burst's last reply <= {TARGET_BURST_LAG_S} s after the last question was handled: "
          f"{lag:.2f} s -> {'PASS' if lag_ok else 'FAIL'}")
    encrypted_ratio = pct(c, 50) / b50
    encrypted_ok = encrypted_ratio <= TARGET_ENCRYPTED
    print(f"         encrypted p50 <= {TARGET_ENCRYPTED}x plain p50: {pct(c, 50):.1f} vs {b50:.1f} ms = "
          f"{encrypted_ratio:.2f}x -> {'PASS' if encrypted_ok else 'FAIL'}")
    return ratio_ok and burst_ok and lag_ok and encrypted_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=100, help="timed questions per bot (default 100, >= 100 for the target)")
    parser.add_argument("--gap", type=float, default=0.0, metavar="S", help="pause between rounds (default 0)")
    parser.add_argument("--burst-timeout", type=float, default=120.0, metavar="S")
    parser.add_argument("--settle", type=float, default=3.0, metavar="S", help="wait after the burst for duplicates")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep Synapse, bot and echo state + logs here")
    parser.add_argument("--encrypted-burst", action="store_true", help="the burst in end-to-end encrypted DMs")
    parser.add_argument("--echo-bot", nargs=2, metavar=("HOMESERVER", "USER_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.echo_bot:                        # the subprocess side
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
        logging.getLogger("nio").setLevel(logging.WARNING)
        asyncio.run(echo_bot(*args.echo_bot, os.environ["ECHO_BOT_PASSWORD"]))
        return 0

    from tests.e2e.people import BotProcess

    if not Path(synapse_python()).exists():
        print(f"Synapse python not found at {synapse_python()}: set VERBINDER_SYNAPSE_PYTHON "
              "or run `make test` once (it creates .venv-synapse/).", file=sys.stderr)
        return 2
    workdir = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="verbinder-e2e-"))
    if args.keep:
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
    synapse = LocalSynapse(workdir / "synapse")
    bot = echo = None
    ok = False
    t0 = time.monotonic()
    try:
        synapse.start()
        names = ["echo-bot", "verbinder", "asker-echo", "asker-bot", "asker-e2ee",
                 *[f"burst-{n}" for n in range(1, BURST_USERS + 1)]]
        users = {name: f"pw-{name}-bench" for name in names}
        for name in names:
            synapse.register(name, users[name], ratelimited=False)
        echo = EchoProcess(workdir / "echo", synapse.url, synapse.user_id("echo-bot"), users["echo-bot"])
        echo.start()
        bot = BotProcess(workdir / "bot", synapse, synapse.user_id("verbinder"), users["verbinder"])
        bot.start()
        print(f"Synapse {synapse.url}, echo bot and Verbinder ready in {time.monotonic() - t0:.1f} s; "
              f"state in {workdir}", flush=True)
        results = asyncio.run(measure(synapse, users, echo.user_id, bot.user_id, args))
        ok = report(results, echo.log_path, bot.log_path)
        print(f"\n(total run {time.monotonic() - t0:.0f} s)")
        return 0 if ok else 1
    finally:
        if bot is not None and bot.proc is not None:
            proc = bot.proc
            try:
                bot.stop()
            except Exception:                # noqa: BLE001 - never leave it running
                proc.kill()
                proc.wait()
        if echo is not None:
            echo.stop()
        synapse.stop()
        if args.keep:
            pass
        elif ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:                                # a failure: keep the logs to look at
            print(f"state and logs kept in {workdir}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
