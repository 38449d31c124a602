"""Waiting for a bot process to be ready: the service manager's side of bot/service.py."""

from __future__ import annotations

import socket
import tempfile
import time
from pathlib import Path
from typing import Callable


class ReadySignal:
    """A NOTIFY_SOCKET for one child process; `wait()` returns when it says READY=1."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="verbinder-notify-")
        self.path = Path(self._dir.name) / "notify"
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(self.path))

    @property
    def env(self) -> dict[str, str]:
        return {"NOTIFY_SOCKET": str(self.path)}

    def wait(self, timeout: float, alive: Callable[[], bool] = lambda: True) -> None:
        """Until READY=1 arrives; TimeoutError after `timeout`, RuntimeError if `alive()` turns false."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self._sock.settimeout(min(0.1, left))
            try:
                if b"READY=1" in self._sock.recv(4096).split(b"\n"):
                    return
            except socket.timeout:
                if not alive():
                    raise RuntimeError("the process ended before it was ready") from None
        raise TimeoutError(f"not ready after {timeout} s")

    def close(self) -> None:
        self._sock.close()
        self._dir.cleanup()
