"""Fits the question adapter (bot/matching/adapter.py) on the question sets written blind.

    python -m tests.quality.fit_adapter            # writes bot/matching/adapters/<model version>.npy
    python -m tests.quality.fit_adapter --check    # leave one set out: the model's recall@3 without and with
    python -m tests.quality.fit_adapter --hybrid   # leave one set out: the bot's figures on each set fitted on

Every set but those in evaluate.KEPT_APART, with the questions written for fitting
only beside its knowledge (training/NAME.yaml), and the networks written for fitting
only (training/NAME/: a knowledge directory and its questions); all paraphrases,
English and synonyms by writers who saw neither matcher nor code. Each answerable
question's vector is pulled towards its right entries and pushed from the other
entries of its own knowledge (a softmax over that knowledge at temperature TAU;
contacts as their own text), W held near the identity by a penalty.
Only the ranking is fitted: a hinge pulling right entries' cosines above 0.5 and
no-match questions' below 0.4 (to let the model answer alone from a lower gate)
raised hit rates at one gate and lowered no-match as much, left-out over 16 sets;
at equal no-match it gained under 0.01 hit@3.
Deterministic: the same sets and model give the same file. Refit after a model
upgrade or new sets; then measure the sets kept apart, which neither this nor
any tuning has seen.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.matching.adapter import ADAPTERS, QuestionAdapter
from bot.matching.live import LiveKnowledge
from bot.matching.meaning import MeaningIndex, Semantic
from bot.matching.question import parse_topic
from bot.matching.semantic import Embedder, available_embedder
from tests.quality.evaluate import HERE, KEPT_APART, SETS, evaluate

TRAINING = HERE / "training"

TAU = 0.05          # softmax temperature over cosines
PENALTY = 0.01      # weight of ||W - I||^2: near the identity, so what the model knew stays
STEPS = 100
RATE = 1e-3         # Adam's step


@dataclass
class QuestionSet:
    """One set's answerable questions against its own knowledge."""

    name: str
    topics: list[str]           # what the bot embeds of each question
    questions: np.ndarray       # their raw vectors, a row each
    entries: np.ndarray         # the knowledge's example and contact vectors
    right: np.ndarray           # questions x entries: 1 where the entry answers
    row: dict[str, int]         # "kind:id" -> its column of `right`
    measured: int               # the first this many are the set's own (evaluate.py), the rest for fitting only
    meaning: MeaningIndex       # to measure recall as the bot ranks (a contact has its examples' cosine)


def load(name: str, model: Embedder) -> QuestionSet:
    """A measured set (evaluate.SETS) with its fitting-only questions, or a fitting-only
    network of its own (training/NAME/knowledge and questions.yaml)."""
    questions_file, knowledge_dir = SETS[name] if name in SETS else (None, TRAINING / name / "knowledge")
    meaning = Semantic(model, adapt=False).index_for(LiveKnowledge.load(knowledge_dir).current.index, wait=True)
    row = {f"{kind}:{id_}": n for n, (kind, id_) in enumerate(meaning.entries)}
    # organisations are left to words (meaning.py): a question only they answer teaches nothing here
    def answerable(path: Path | None) -> list[dict]:
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"] if path and path.is_file() else []
        return [q for q in questions if any(e in row for e in q["expect"])]

    measured = answerable(questions_file)
    asked = measured + answerable(TRAINING / f"{name}.yaml") + answerable(TRAINING / name / "questions.yaml")
    right = np.zeros((len(asked), len(row)))
    for n, q in enumerate(asked):
        right[n, [row[e] for e in q["expect"] if e in row]] = 1
    topics = [parse_topic(q["q"]).topic or q["q"] for q in asked]
    return QuestionSet(name, topics, model.embed(topics).astype(np.float64), meaning.vectors.astype(np.float64),
                       right, row, len(measured), meaning)


def fit(sets: list[QuestionSet]) -> np.ndarray:
    """W minimising the mean softmax loss of the right entries, plus the penalty; Adam, full batch."""
    dim = sets[0].questions.shape[1]
    w = np.eye(dim)
    first, second = np.zeros_like(w), np.zeros_like(w)
    count = sum(len(s.questions) for s in sets)
    for step in range(1, STEPS + 1):
        gradient = PENALTY * (w - np.eye(dim))
        for s in sets:
            mapped = s.questions @ w.T
            length = np.linalg.norm(mapped, axis=1, keepdims=True)
            unit = mapped / length
            logits = unit @ s.entries.T / TAU
            weights = np.exp(logits - logits.max(axis=1, keepdims=True))
            every = weights / weights.sum(axis=1, keepdims=True)
            rights = weights * s.right
            rights /= rights.sum(axis=1, keepdims=True)
            toward = (every - rights) @ s.entries / TAU                 # d loss / d unit
            radial = (toward - (toward * unit).sum(axis=1, keepdims=True) * unit) / length
            gradient += radial.T @ s.questions / count
        first = 0.9 * first + 0.1 * gradient
        second = 0.999 * second + 0.001 * gradient ** 2
        w -= RATE * (first / (1 - 0.9 ** step)) / (np.sqrt(second / (1 - 0.999 ** step)) + 1e-8)
    return w


def recall3(s: QuestionSet, adapter: QuestionAdapter | None) -> float:
    """The model's own recall@3 on the set, asked as the bot asks it."""
    s.meaning.adapter = adapter
    found = [s.meaning.search(topic, 3) for topic in s.topics[:s.measured]]
    return sum(any(s.right[n, s.row[f"{h.kind}:{h.id}"]] for h in hits) for n, hits in enumerate(found)) / len(found)


def main(argv: list[str]) -> None:
    model = available_embedder()
    if model is None:
        sys.exit("the sentence model is not installed")
    networks = sorted(folder.name for folder in TRAINING.iterdir() if (folder / "knowledge").is_dir())
    sets = [load(name, model) for name in [*SETS, *networks] if name not in KEPT_APART]
    if "--check" in argv:
        before = after = 0.0
        measured = [s for s in sets if s.measured]
        for held in measured:
            adapter = QuestionAdapter(fit([s for s in sets if s is not held]))
            plain, adapted = recall3(held, None), recall3(held, adapter)
            before, after = before + plain, after + adapted
            print(f"{held.name}: recall@3 {plain:.2f} -> {adapted:.2f}", flush=True)
        print(f"mean: {before / len(measured):.3f} -> {after / len(measured):.3f}")
        return
    if "--hybrid" in argv:      # the shipped adapter has seen these sets' questions: this is their honest reading
        for held in (s for s in sets if s.measured):
            side = Semantic(model)
            side.adapter = QuestionAdapter(fit([s for s in sets if s is not held]))
            print(f"{held.name}: {evaluate(*SETS[held.name], side)}", flush=True)
        return
    ADAPTERS.mkdir(exist_ok=True)
    path = ADAPTERS / f"{model.version}.npy"
    np.save(path, fit(sets).astype(np.float16))
    print(f"wrote {path} from {len(sets)} sets, {sum(len(s.questions) for s in sets)} questions")


if __name__ == "__main__":
    main(sys.argv[1:])
