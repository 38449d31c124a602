"""The domain's own synonyms, shipped with the bot: what every network in elderly care shares.

A network's admins write `synonyms:` for their own words; most everyday ones
are the same in every Dutch care network (verwanten and familie, IGZ and IGJ,
kalmeringsmiddelen and psychofarmaca, care office and zorgkantoor), and no
Dutch thesaurus ships on the registries reachable here (MATCHING-NOTES). The
groups in thesaurus.yaml were written from the network's articles and general
knowledge of the field, without seeing any question set. An Index uses only the
groups that meet its knowledge's words, at a lower weight than the admins' own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

FILE = Path(__file__).with_name("thesaurus.yaml")


@cache
def groups() -> tuple[tuple[str, ...], ...]:
    """Every group of terms that mean the same, as written in thesaurus.yaml."""
    with open(FILE, encoding="utf-8") as data:
        loaded = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))    # C: 10x faster
    return tuple(tuple(str(term) for term in group) for group in loaded["groups"])
