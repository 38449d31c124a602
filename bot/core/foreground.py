"""Messages first: background work in a thread steps aside while a message is being handled.

Python runs one thread at a time. A knowledge reload at 10,000 examples is a
second or two of pure computation in a thread; sharing the interpreter with it,
every question answered meanwhile took three to four times as long. So the
dispatcher marks the time a message is handled (`serving`), and background
work run through `yielding` waits while that lasts: a profile hook on its own
thread looks every few hundred calls, so it needs no pause points written into
the loader, and the interpreter switches threads ten times as often meanwhile,
so a message's first wait is short too. It never waits long at a time, so a
stream of questions slows a reload down but cannot stop it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

LOOK_EVERY = 200        # profile events between looks: a few microseconds of work
LONGEST_WAIT = 0.05     # seconds background work steps aside at a time, however busy it is
SWITCH_EVERY = 0.0005   # seconds a thread holds the interpreter while another wants it (Python's default: 0.005)


class Foreground:
    """How many messages are being handled right now, and a way to wait until none is."""

    def __init__(self) -> None:
        self._serving = 0
        self._idle = threading.Condition()
        self._yielding = 0                      # threads in `yielding`: the first sets the switch interval,
        self._interval = sys.getswitchinterval()    # the last puts it back

    @contextmanager
    def serving(self) -> Iterator[None]:
        with self._idle:
            self._serving += 1
        try:
            yield
        finally:
            with self._idle:
                self._serving -= 1
                if not self._serving:
                    self._idle.notify_all()

    def step_aside(self, longest: float = LONGEST_WAIT) -> None:
        """Wait (without holding the interpreter) until no message is handled, or `longest` seconds."""
        with self._idle:
            if self._serving:
                self._idle.wait(longest)

    def yielding(self, work: Callable[[], T]) -> T:
        """`work()` in this thread, stepping aside whenever a message is being handled."""
        count = 0

        def look(frame: Any, event: str, arg: Any) -> None:
            nonlocal count
            count += 1
            if count >= LOOK_EVERY:
                count = 0
                if self._serving:
                    self.step_aside()

        previous = sys.getprofile()
        sys.setprofile(look)        # this thread's only
        self._switch_often(1)
        try:
            return work()
        finally:
            self._switch_often(-1)
            sys.setprofile(previous)

    def _switch_often(self, change: int) -> None:
        """A message that arrives waits for the interpreter until the switch interval ends, and
        only then does background work step aside: while any runs, keep that first wait short."""
        with self._idle:
            if not self._yielding:
                self._interval = sys.getswitchinterval()
            self._yielding += change
            sys.setswitchinterval(min(self._interval, SWITCH_EVERY) if self._yielding else self._interval)


FOREGROUND = Foreground()       # the process's one: the dispatcher serves, background work yields
