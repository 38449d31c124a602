"""Benchmark of pledge matching: a new need against 10,000 open offers, beside a naive rapidfuzz scan.

Run by hand, not by the tests:

    .venv/bin/python benchmarks/pledges.py                 # 10,000 offers, 300 needs
    .venv/bin/python benchmarks/pledges.py --offers 1000

Offers and needs are sentences drawn (fixed seed) from the words of the sample
knowledge's titles, summaries and expertise, so the vocabulary is the
network's. Measured in one run: building the offers' index once (what a new
*offer* costs, as it changes the list), then per new need `fits()` against
that index (p50/p95 over all needs after one warm-up pass), and the naive
`rapidfuzz.process.extract(need, offers, scorer=WRatio, limit=3)`.

With the sentence model (unless --no-meaning) the open needs are the rivals
(--rivals, default 1,000) and every list's vectors are made first, as a
running bot makes each when it is posted; needs that words leave alone then
go on to meaning, and their own p95 is shown too. So that some do, every
fifth new need is made of the vocabulary's words spelt backwards, which no
word of an offer meets.
Target: p95 <= 10 ms at 10,000 offers. Exit status 1 when it fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rapidfuzz import process  # noqa: E402
from rapidfuzz.fuzz import WRatio  # noqa: E402

from bot.core.text import words  # noqa: E402
from bot.matching.live import LiveKnowledge  # noqa: E402
from bot.matching.meaning import Semantic, default_semantic  # noqa: E402
from bot.matching.pledges import Candidate, fits, prepared  # noqa: E402

TARGET_P95_MS = 10.0
OPENERS = ["Wij laten graag zien hoe", "Kom kijken hoe wij", "Wie helpt ons met", "Wij zoeken hulp bij",
           "Graag delen wij onze ervaring met", "Hoe pakken jullie"]


def vocabulary(knowledge) -> list[str]:
    texts = [e.title + " " + e.summary for e in knowledge.examples.values()]
    texts += [" ".join(c.expertise) for c in knowledge.contacts.values()]
    return [w for text in texts for w in words(text) if len(w) > 3]


def sentence(rng: random.Random, vocab: list[str]) -> str:
    return f"{rng.choice(OPENERS)} {' '.join(rng.choices(vocab, k=rng.randint(4, 10)))}"


def pct(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=300)
    parser.add_argument("--rivals", type=int, default=1_000, metavar="N", help="open needs besides the new ones")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-meaning", action="store_true", help="words only")
    args = parser.parse_args(argv)
    knowledge = LiveKnowledge.load(ROOT / "knowledge").current.knowledge
    rng = random.Random(args.seed)
    vocab = vocabulary(knowledge)
    offers = tuple(Candidate(f"b{n}", sentence(rng, vocab)) for n in range(args.offers))
    backwards = [w[::-1] for w in vocab]
    needs = [sentence(rng, backwards if n % 5 == 4 else vocab) for n in range(args.needs)]
    rivals = tuple(Candidate(f"h{n}", sentence(rng, vocab)) for n in range(args.rivals))
    semantic = Semantic(None) if args.no_meaning else default_semantic()

    started = time.perf_counter()
    prepared(offers).index(knowledge)
    build_s = time.perf_counter() - started
    embed_s = None
    if semantic.model(wait=True):
        started = time.perf_counter()
        prepared(offers).vectors(semantic)
        prepared(rivals).vectors(semantic)
        semantic.vectors(needs)
        embed_s = time.perf_counter() - started
    for need in needs:                                  # warm-up: stems joined on first use
        fits(need, offers, knowledge, rivals=rivals, semantic=semantic)
    ours, by_meaning = [], []
    for need in needs:
        started = time.perf_counter()
        fits(need, offers, knowledge, rivals=rivals, semantic=semantic)
        ours.append((time.perf_counter() - started) * 1000)
        if embed_s is not None and not fits(need, offers, knowledge):      # words left it to meaning
            by_meaning.append(ours[-1])
    texts = [offer.text for offer in offers]
    naive = []
    for need in needs[:60]:
        started = time.perf_counter()
        process.extract(need, texts, scorer=WRatio, limit=3)
        naive.append((time.perf_counter() - started) * 1000)

    p50, p95, n50, n95 = pct(ours, 50), pct(ours, 95), pct(naive, 50), pct(naive, 95)
    print(f"{args.offers:,} open offers, {args.needs} new needs")
    print(f"  index of the offers built in {build_s:.2f} s (once per change of the offers)")
    if embed_s is None:
        print("  words only")
    else:
        print(f"  vectors of {args.offers:,} offers, {args.rivals:,} open needs and the new ones made in "
              f"{embed_s:.1f} s (in a running bot: each when it is posted)")
    print(f"  fits() per new need: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    if len(by_meaning) > 1:
        print(f"    of which {len(by_meaning)} went on to meaning: p50 {pct(by_meaning, 50):.2f} ms, "
              f"p95 {pct(by_meaning, 95):.2f} ms")
    print(f"  naive WRatio scan:   p50 {n50:.1f} ms, p95 {n95:.1f} ms  ({n50 / p50:.0f}x / {n95 / p95:.0f}x)")
    ok = p95 <= TARGET_P95_MS
    print(f"target p95 <= {TARGET_P95_MS} ms: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
