"""Background work in a thread (a reload, embedding) steps aside while a message is handled."""

from __future__ import annotations

import sys
import threading
import time

from bot.core.foreground import Foreground


def busy_loop(progress: list[int], stop: threading.Event) -> None:
    while not stop.is_set():
        progress.append(1)


def test_background_work_waits_while_a_message_is_handled_and_goes_on_after():
    foreground, progress, stop = Foreground(), [], threading.Event()
    worker = threading.Thread(target=foreground.yielding, args=(lambda: busy_loop(progress, stop),))
    worker.start()
    try:
        time.sleep(0.05)
        assert len(progress) > 1000                      # it runs when nothing else does
        with foreground.serving():
            time.sleep(0.01)                             # it notices at its next look
            before = len(progress)
            time.sleep(0.03)                             # the interpreter is free: only stepping aside stops it
            during = len(progress) - before
        time.sleep(0.03)
        after = len(progress) - before - during
    finally:
        stop.set()
        worker.join()
    assert during < 1000 < after, (during, after)


def test_the_switch_interval_is_short_while_any_background_work_runs_and_restored_after():
    foreground, usual = Foreground(), sys.getswitchinterval()
    seen = []

    def inner() -> None:
        seen.append(sys.getswitchinterval())

    def outer() -> None:
        thread = threading.Thread(target=foreground.yielding, args=(inner,))
        thread.start()
        thread.join()
        seen.append(sys.getswitchinterval())        # the other thread is done; this one still runs

    foreground.yielding(outer)
    assert seen[0] < usual and seen[1] < usual
    assert sys.getswitchinterval() == usual
