"""Document vectors kept on disk, so a restart or a reload embeds only the texts that changed.

Embedding 10,000 examples takes about a minute; reading them back some 15 ms.
Rows are keyed by a hash of model version + text, one file per model version,
stored as float16 (half the size, the same rankings: MATCHING-NOTES). Outside
the repository by default: under the user's cache directory.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from bot.matching.semantic import Embedder

log = logging.getLogger(__name__)

MAX_ROWS = 50_000       # ~50 MB: a few networks of 10,000 entries with their recent edits


def default_directory() -> Path:
    """$XDG_CACHE_HOME/verbinder/vectors, else ~/.cache/verbinder/vectors."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "verbinder" / "vectors"


def key(version: str, text: str) -> bytes:
    return hashlib.blake2b(f"{version}\0{text}".encode(), digest_size=16).digest()


class VectorCache:
    """Vectors for texts, from disk where known, embedded and written back where not.
    A cache that cannot be read or written only costs time: it is logged, never raised."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()

    def path(self, version: str) -> Path:
        return self.directory / (re.sub(r"[^A-Za-z0-9._-]", "_", version) + ".npz")

    def vectors(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, in order."""
        keys = [key(embedder.version, t) for t in texts]
        stored_keys, stored = self._read(embedder.version)
        row_of = {k: n for n, k in enumerate(stored_keys)}
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in row_of))
        if missing:
            fresh = embedder.embed(missing).astype(np.float16)
            new_keys = [key(embedder.version, t) for t in missing]
            row_of.update({k: len(stored_keys) + n for n, k in enumerate(new_keys)})
            stored_keys = [*stored_keys, *new_keys]
            stored = np.concatenate([stored, fresh]) if len(stored) else fresh
            self._write(embedder.version, keys, stored_keys, stored)
        return stored[[row_of[k] for k in keys]].astype(np.float32)

    def _read(self, version: str) -> tuple[list[bytes], np.ndarray]:
        path = self.path(version)
        try:
            with np.load(path, allow_pickle=False) as stored:
                return [row.tobytes() for row in stored["keys"]], stored["vectors"]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError) as exc:
            log.warning("vector cache unreadable, embedding anew: %s (%s)", path, exc)
        return [], np.zeros((0, 0), dtype=np.float16)

    def _write(self, version: str, wanted: list[bytes], keys: list[bytes], vectors: np.ndarray) -> None:
        """The wanted rows first, then the others as long as they fit in MAX_ROWS;
        written whole to a temporary file and renamed, so a reader never sees half a file."""
        first = set(wanted)
        order = [n for n, k in enumerate(keys) if k in first]
        order += [n for n, k in enumerate(keys) if k not in first][:max(0, MAX_ROWS - len(order))]
        rows = np.frombuffer(b"".join(keys[n] for n in order), dtype=np.uint8).reshape(len(order), -1)
        path = self.path(version)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
                try:
                    np.savez(out, keys=rows, vectors=vectors[order])
                except BaseException:
                    os.unlink(out.name)
                    raise
            os.replace(out.name, path)
        except OSError as exc:
            log.warning("vector cache not written: %s (%s)", path, exc)
