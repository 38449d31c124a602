"""`bot run` as an operator meets it, without a homeserver: stop signals are obeyed at once."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import pytest
import yaml

from tests.conftest import ROOT, SAMPLE


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_the_bot_while_it_cannot_reach_the_homeserver(tmp_path, sig):
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({
        "homeserver": f"http://127.0.0.1:{unused_port()}", "user_id": "@verbinder:localhost", "password": "pw",
        "store": str(tmp_path / "bot.sqlite3"), "knowledge": {"path": str(SAMPLE)}}))
    log = tmp_path / "bot.log"
    with open(log, "wb") as out:
        bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                               cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while b"login failed, retrying" not in log.read_bytes():
            assert bot.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        bot.send_signal(sig)
        assert bot.wait(timeout=5) == 0, log.read_text()
    finally:
        bot.kill()
        bot.wait()
    assert "Traceback" not in log.read_text()
