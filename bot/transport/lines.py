"""Lines typed or piped on a stream, for asyncio code, without holding up the exit.

`asyncio.to_thread(stdin.readline)` parks a thread of the default executor in
readline, and asyncio.run waits for that thread at shutdown: Ctrl-C then hangs
until Enter. Here a daemon thread reads and hands each line to the loop, so
nothing waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import AsyncIterator, TextIO


async def read_lines(stream: TextIO, prompt: str = "", out: TextIO = sys.stdout) -> AsyncIterator[str]:
    """Each non-blank line of `stream`, stripped, until end of file.

    `prompt` is written to `out` before each line, only when a person types
    (the stream is a terminal), so piped output stays one reply per line.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | Exception] = asyncio.Queue()
    threading.Thread(target=_pump, args=(stream, loop, queue), name="read_lines", daemon=True).start()
    typed = bool(prompt) and stream.isatty()
    while True:
        if typed:
            out.write(prompt)
            out.flush()
        line = await queue.get()
        if isinstance(line, Exception):
            raise line
        if not line:
            return
        if text := line.strip():
            yield text


def _pump(stream: TextIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | Exception]) -> None:
    """The reading thread: every line, then "" at end of file, or what reading raised."""
    end: str | Exception = ""
    try:
        for line in iter(stream.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
    except Exception as exc:   # e.g. bytes that are not UTF-8: the reader raises it
        end = exc
    with contextlib.suppress(RuntimeError):   # the loop has closed: no one reads on
        loop.call_soon_threadsafe(queue.put_nowait, end)
