"""The store: a file that is not a Verbinder store is refused with what to do about it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.store.database import Store, StoreError


async def test_a_junk_file_is_refused_with_one_line_naming_it(tmp_path: Path):
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StoreError) as caught:
        await Store.open(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a Verbinder store (file is not a database)")
    assert "\n" not in message and "fresh store" in message


async def test_a_store_opens_again_with_its_values(tmp_path: Path):
    store = await Store.open(tmp_path / "bot.sqlite3")
    await store.put("since", "s1")
    await store.close()
    store = await Store.open(tmp_path / "bot.sqlite3")
    assert await store.get("since") == "s1"
    await store.close()
