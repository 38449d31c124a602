"""A linear map on question vectors, fitted so a member's question lands nearer the entries that answer it.

USE was trained on sentence pairs of every kind; asked "mijn vader schrikt wakker
van de zaklamp", it ranks the night-rounds example tenth. The map W (question
vector q -> W q, renormalised) is fitted on the question sets written blind for
this project (tests/quality/fit_adapter.py): each question pulled towards its
right entries and pushed from the rest of its own knowledge, W kept near the
identity. Entries' vectors are left as the model gives them, so the disk cache
and the pledges (an offer against a need, not a question) are untouched.

Fitted for one model release: a file is named by the model's version, and a model
without its file embeds questions as it embeds entries.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ADAPTERS = Path(__file__).parent / "adapters"


class QuestionAdapter:
    """W as fitted; applied to rows of unit vectors, giving unit vectors."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)

    @classmethod
    def for_model(cls, version: str, folder: Path = ADAPTERS) -> QuestionAdapter | None:
        """The adapter fitted for model `version`, or None (logged) when none was."""
        path = folder / f"{version}.npy"
        if not path.is_file():
            log.info("no question adapter for %s: questions embedded as entries are", version)
            return None
        return cls(np.load(path))

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        # einsum, not @: one question's product must stay on this thread (see MeaningIndex.search)
        adapted = np.einsum("ij,kj->ki", self.matrix, vectors)
        return adapted / np.maximum(np.linalg.norm(adapted, axis=1, keepdims=True), 1e-12)
