"""Telling a service manager how the bot is doing: systemd's notify protocol.

With `Type=notify` systemd starts the units that need the bot only once it is
ready (its first sync handled), and the demo, the tests and the benchmarks wait
for the same signal instead of reading the log. Without NOTIFY_SOCKET this does
nothing.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def notify(state: str) -> None:
    """Send one state line ("READY=1", "STOPPING=1") to $NOTIFY_SOCKET, if there is one."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):          # an abstract socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(state.encode(), address)
    except OSError as exc:
        log.warning("could not notify the service manager", extra={"state": state, "error": str(exc)})
