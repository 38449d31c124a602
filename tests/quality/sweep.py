"""Sweep one of the hybrid's numbers over the question sets, to choose it or to check it.

    .venv/bin/python tests/quality/sweep.py MEANING_WEIGHT 1 1.5 2 2.5 3 [--sets sample,blind,blind2]

prints hit@1 / hit@3 / no-match per set for each value of `bot.matching.hybrid.NAME`
(the model's vectors are built once). `MEANING_WEIGHT` weighs a cosine against
words' score, so it is the number to sweep again when another sentence model
replaces the current one: its cosines lie elsewhere. Choose on some sets, then
measure once on a set kept apart (the note in bot/matching/hybrid.py says which).
"""

from __future__ import annotations

import sys

from bot.matching import hybrid
from bot.matching.meaning import default_semantic
from evaluate import SETS, evaluate     # run as a script, beside it


def main(argv: list[str]) -> int:
    sets = list(SETS)
    if "--sets" in argv:
        at = argv.index("--sets")
        sets, argv = argv[at + 1].split(","), argv[:at] + argv[at + 2:]
    if len(argv) < 2 or not hasattr(hybrid, argv[0]) or any(name not in SETS for name in sets):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    name, values = argv[0], [float(value) for value in argv[1:]]
    kept, side = getattr(hybrid, name), default_semantic()
    try:
        for value in values:
            setattr(hybrid, name, value)
            figures = {set_name: evaluate(*SETS[set_name], side) for set_name in sets}
            print(f"{name} = {value:g}: " + " | ".join(
                f"{set_name} {f.hit1:.2f}/{f.hit3:.2f}/{f.nomatch_rejected:.2f}" for set_name, f in figures.items()))
    finally:
        setattr(hybrid, name, kept)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
