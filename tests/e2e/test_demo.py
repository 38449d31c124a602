"""`make demo` for a newcomer: a question typed at the prompt is answered through Synapse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.e2e.people import ROOT


def demo(state: Path, typed: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "demo", "--state", str(state)], input=typed,
                          capture_output=True, text=True, cwd=ROOT, timeout=180)


def test_demo_answers_through_the_homeserver_and_reuses_its_state(tmp_path: Path, synapse):
    first = demo(tmp_path, "wie heeft ervaring met zorgkantoren?\n")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "verbinder> Over zorgkantoren vond ik:" in first.stdout
    assert "gebruiker: demo" in first.stdout and "#actieteam-" in first.stdout
    again = demo(tmp_path, "who knows about supervisory boards?\n")
    assert again.returncode == 0 and "verbinder> On supervisory boards I found:" in again.stdout
    assert "session restored" in (tmp_path / "bot.log").read_text()
