"""The meaning side of the knowledge: each entry's sentence vector, built beside its Index.

What is embedded follows MATCHING-NOTES: an example as title + summary +
keywords; a contact as name + role + expertise + the titles of its examples,
and a contact also inherits the cosine of each example naming them (as the
lexical index ranks people by their examples). Organisations are left to words.
A question's vector goes through the QuestionAdapter fitted for the model
(adapter.py) before it meets them; entries' vectors stay as the model gives them.

Building takes a model load (~1 s) and, without a warm disk cache, a minute at
10,000 examples, so it never happens inside a question: the first lookup on a
snapshot starts it in a background thread and goes on by words alone until the
vectors are there. (The alternative, building at load, would hold a reload up
for a minute and sits in code this side does not own.)
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Callable, Iterable, Sequence
from weakref import WeakKeyDictionary

import numpy as np

from bot.core.foreground import FOREGROUND
from bot.matching.adapter import QuestionAdapter
from bot.matching.index import Index, Kind
from bot.matching.semantic import Embedder, available_embedder
from bot.matching.vectors import VectorCache

log = logging.getLogger(__name__)

RECENT = 25_000     # short-lived texts (pledges) whose vectors are kept in memory, as float16: about 25 MB at most
_NONE = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True)
class Hit:
    """An entry close in meaning: its cosine (a contact's is the best of its own and its
    examples'), whether its own text gave it, a contact's examples, closest first, and how
    much the question adapter raised the cosine (the model's own cosine is `cosine - lift`)."""

    kind: Kind
    id: str
    cosine: float
    own: bool
    examples: tuple[str, ...] = ()
    lift: float = 0.0


class MeaningIndex:
    """Unit vectors of an Index's examples and contacts, searched by one matrix product."""

    def __init__(self, index: Index, embedder: Embedder, cache: VectorCache,
                 adapter: QuestionAdapter | None = None) -> None:
        self.embedder = embedder
        self.adapter = adapter
        rows = [n for n, doc in enumerate(index.docs) if doc.kind in (Kind.EXAMPLE, Kind.CONTACT)]
        row_of = {number: row for row, number in enumerate(rows)}
        self._kinds = [index.docs[n].kind for n in rows]
        self._ids = [index.docs[n].id for n in rows]
        self._row = {(kind, id_): row for row, (kind, id_) in enumerate(zip(self._kinds, self._ids))}
        # Index keeps which people each example names, by entry number; read, not rebuilt.
        pairs = [(row_of[n], row_of[person]) for n in rows for person in index.named_by(n)]
        examples_of: dict[int, list[int]] = defaultdict(list)
        for example, person in pairs:
            examples_of[person].append(example)
        self._examples_of = {person: np.array(examples, dtype=np.intp) for person, examples in examples_of.items()}
        self._pair_example = np.array([e for e, _ in pairs], dtype=np.intp)
        self._pair_person = np.array([p for _, p in pairs], dtype=np.intp)
        titles = {person: [title for e in examples for title in _items(index, rows[e], "title")]
                  for person, examples in examples_of.items()}
        texts = [_example_text(index, n) if index.docs[n].kind is Kind.EXAMPLE
                 else _contact_text(index, n, titles.get(row, [])) for row, n in enumerate(rows)]
        self.vectors = cache.vectors(embedder, texts)

    @property
    def entries(self) -> list[tuple[Kind, str]]:
        """The examples and contacts, in the order of their rows of `vectors`."""
        return list(zip(self._kinds, self._ids))

    def search(self, text: str, limit: int, among: Iterable[tuple[Kind, str]] = ()) -> list[Hit]:
        """The `limit` entries closest to `text`, closest first; then those of `among` not yet
        given, in its order (the hybrid weighs the entries words found by their cosine too)."""
        if not self._ids:
            return []
        # einsum, not @: BLAS would spread this over threads, which on a busy machine
        # made the p95 ten times worse (8 ms against 1 at 12,500 entries)
        plain = self.embedder.embed([text])
        asked = plain if self.adapter is None else self.adapter(plain)
        own = np.einsum("ij,j->i", self.vectors, asked[0])
        best = own.copy()
        np.maximum.at(best, self._pair_person, own[self._pair_example])
        top = sorted(np.argpartition(-best, min(limit, len(best)) - 1)[:limit], key=lambda r: (-best[r], r))
        rows = list(dict.fromkeys([*top, *(self._row[key] for key in among if key in self._row)]))
        hits = []
        for row in rows:
            examples = self._examples_of.get(row, _NONE)
            closest = examples[np.argsort(-own[examples], kind="stable")]
            model = best[row] if asked is plain else np.einsum(
                "ij,j->i", self.vectors[np.append(examples, row)], plain[0]).max()
            hits.append(Hit(self._kinds[row], self._ids[row], float(best[row]), bool(own[row] >= best[row]),
                            tuple(self._ids[e] for e in closest), float(best[row] - model)))
        return hits


class Semantic:
    """The model and each snapshot's MeaningIndex, both made in background threads.

    Every method returns at once (None while a thing is not ready yet) unless
    asked to wait: lookups run in worker threads the event loop awaits, and a
    question must not wait a minute for vectors. `Semantic(None)` is words only; `adapt`:
    questions go through the QuestionAdapter fitted for the model, where one ships."""

    def __init__(self, embedder: Embedder | None, cache: VectorCache | None = None, adapt: bool = True) -> None:
        self._embedder = embedder
        self.cache = cache if cache is not None else VectorCache()
        self.adapter = QuestionAdapter.for_model(embedder.version) if adapt and embedder is not None else None
        self._lock = threading.Lock()
        self._loaded = threading.Event()
        self._loading = False
        self._builds: WeakKeyDictionary[Index, _Build] = WeakKeyDictionary()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """Whether there is a model (loaded or still loading) to match by meaning."""
        return self._embedder is not None

    def model(self, wait: bool = False) -> Embedder | None:
        """The embedder once loaded; the first call starts loading it."""
        if self._embedder is None:
            return None
        with self._lock:
            start, self._loading = not self._loading, True
        if start:
            _background(self._load)
        if wait:
            self._loaded.wait()
        return self._embedder if self._loaded.is_set() else None

    def index_for(self, index: Index, wait: bool = False, timeout: float | None = None) -> MeaningIndex | None:
        """The vectors of `index`'s entries; the first call starts building them (`wait`: for at most `timeout` s)."""
        if self._embedder is None:
            return None
        with self._lock:
            build = self._builds.get(index)
            if build is None:
                build = self._builds[index] = _Build()
                _background(lambda: build.run(index, self))
        if wait:
            build.done.wait(timeout)
        return build.result

    def vectors(self, texts: Sequence[str]) -> np.ndarray | None:
        """Vectors of short-lived texts (pledges; at least one), kept in memory; None while the model loads."""
        model = self.model()
        if model is None:
            return None
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._recent))
        fresh = model.embed(missing).astype(np.float16) if missing else ()
        with self._lock:
            self._recent.update(zip(missing, fresh))
            found = [self._recent[t] for t in texts]
            for t in texts:
                self._recent.move_to_end(t)
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return np.stack(found).astype(np.float32)

    def _load(self) -> None:
        try:
            self._embedder.embed(["laden"])
        except Exception:       # a broken model must leave the bot matching by words
            log.exception("sentence model failed to load: matching by words only")
            self._embedder = None
        finally:
            self._loaded.set()


class _Build:
    """One snapshot's MeaningIndex in the making."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: MeaningIndex | None = None

    def run(self, index: Index, semantic: Semantic) -> None:
        try:
            model = semantic.model(wait=True)
            if model is not None:
                self.result = MeaningIndex(index, model, semantic.cache, semantic.adapter)
        except Exception:       # the snapshot goes on by words alone
            log.exception("meaning index not built: matching by words only")
        finally:
            self.done.set()


@cache
def default_semantic() -> Semantic:
    """The bot's semantic side: the installed model (or none), vectors cached under the user's cache dir."""
    return Semantic(available_embedder())


def _background(work: Callable[[], None]) -> None:
    # a daemon: a minute of embedding must not hold up the bot's shutdown; yielding: nor anyone's question
    threading.Thread(target=FOREGROUND.yielding, args=(work,), name="meaning", daemon=True).start()


def _items(index: Index, number: int, label: str) -> tuple[str, ...]:
    doc = index.docs[number]
    return next((items for field, items in zip(doc.fields, doc.items) if field.label == label), ())


def _example_text(index: Index, number: int) -> str:
    title, summary, keywords = (_items(index, number, label) for label in ("title", "summary", "keyword"))
    return " ".join([*(t + "." for t in title), *summary, ", ".join(keywords)]).strip()


def _contact_text(index: Index, number: int, titles: list[str]) -> str:
    name, role, expertise = (_items(index, number, label) for label in ("name", "role", "expertise"))
    return " ".join([", ".join((*name, *role)) + ".", ", ".join(expertise) + ".", "; ".join(titles)]).strip()
