"""Benchmark: questions answered while the knowledge reloads at 10,000 examples.

Run by hand: `.venv/bin/python benchmarks/reload.py [--size 10000]`.

The bot reloads in a thread (bot/matching/watch.py) that steps aside while a
message is handled (bot/core/foreground.py), so the event loop keeps
answering. This measures, in one run, the ask latency through the dispatcher
(the chat path, words and meaning, matching in a thread too) with nothing else
going on, and while a reload of the same size runs, as the bot does it: the
knowledge validated, indexed and its vectors made (from a warm disk cache: a
restart's) before the swap. Target: during a reload, p95 <= 1.5x the usual
p95. Questions come from the ask benchmark's generator. The first embedding
of all entries (about a minute at 10,000) happens before anything is timed,
into a vector cache of the run's own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ask import SAMPLE, SEED, Generator, Material  # noqa: E402

from bot import app  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.core.messages import Message, Role  # noqa: E402
from bot.core.roles import fixed_role  # noqa: E402
from bot.matching.live import LiveKnowledge  # noqa: E402
from bot.matching.watch import Reloader  # noqa: E402

TARGET = 1.5


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


async def timed_asks(dispatcher, questions: list[str], until: asyncio.Future | None = None) -> list[float]:
    """Ask one question after another (all of them, or until `until` is done); ms each."""
    times = []
    for n, text in enumerate(questions * 20):
        if until is not None and until.done():
            break
        if until is None and n == len(questions):
            break
        started = time.perf_counter()
        await dispatcher.dispatch(Message("@bench:example.org", "!r", text, f"$q{n}", addressed=True))
        times.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.005)          # questions arrive, they do not queue up
    return times


async def measure(directory: Path, questions: list[str]) -> tuple[list[float], list[float], float]:
    live = LiveKnowledge.load(directory)
    dispatcher = app.dispatcher(Config(), live, fixed_role(Role.MEMBER))
    app.prepare_meaning(live.current, wait=True)                  # the first, cold embedding: not timed
    await timed_asks(dispatcher, questions)                       # warm: stems joined
    usual = await timed_asks(dispatcher, questions)
    reloader = Reloader(live, prepare=app.reload_vectors)
    started = time.perf_counter()
    reloading = asyncio.ensure_future(reloader.reload())
    during = await timed_asks(dispatcher, questions, until=reloading)
    await reloading
    return usual, during, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="verbinder-reload-") as temp:
        os.environ["XDG_CACHE_HOME"] = temp                         # the vector cache of this run
        directory = Path(temp) / "knowledge"
        questions = [q["q"] for q in Generator(Material.from_sample(SAMPLE), args.size, SEED, 200).generate(directory)]
        usual, during, reload_s = asyncio.run(measure(directory, questions))
    ratio = p95(during) / p95(usual)
    print(f"{args.size:,} examples: reload took {reload_s:.2f} s; {len(during)} questions answered meanwhile")
    print(f"  ask through the dispatcher, usual:     p50 {statistics.median(usual):.2f} ms, p95 {p95(usual):.2f} ms")
    print(f"  ask through the dispatcher, reloading: p50 {statistics.median(during):.2f} ms, p95 {p95(during):.2f} ms")
    ok = ratio <= TARGET
    print(f"target p95 while reloading <= {TARGET}x usual: {ratio:.2f}x -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
