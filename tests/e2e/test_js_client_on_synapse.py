"""An independent client that is not matrix-nio: matrix-js-sdk with its Rust crypto, as Element uses.

It opens an encrypted DM with `bot run`, asks, and must decrypt the bot's reply.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

JS = Path(__file__).parent / "js"


async def test_an_encrypted_dm_from_matrix_js_sdk_is_answered_and_decrypts(bot, new_user, synapse):
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "matrix-js-sdk").exists():
        pytest.fail("node and tests/e2e/js/node_modules are needed: run `make test` (it runs npm ci there)",
                    pytrace=False)
    verbinder = bot()
    verbinder.start()
    eva = new_user("eva")
    process = await asyncio.create_subprocess_exec(
        node, str(JS / "encrypted_dm.mjs"), synapse.url, eva.user_id, eva.password, verbinder.user_id,
        "wie heeft ervaring met zorgkantoren?", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == 0, err.decode()[-2000:]
    result = json.loads(out.decode().strip().splitlines()[-1])
    reply = result["reply"]
    assert reply["encrypted"] and reply["msgtype"] == "m.notice" and reply["in_reply_to"] == result["question"]
    assert reply["body"].startswith("Over zorgkantoren vond ik:")
