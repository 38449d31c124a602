"""Words and meaning together: words decide whether to answer, both decide the order.

No cosine separates "no good match" from a real one, and the lexical coverage
score does (MATCHING-NOTES); so words decide *whether* to answer. That holds
with the question adapter too: near misses that words answer on a question's
commoner words (blind19: a cao's night pay found the night-care example) have
cosines of 0.15-0.28, but so do many right answers, and a veto of weak word
answers below such a cosine cost 0.010-0.07 hit@3 for 4-9 more no-match of 174,
over 17 sets each measured with an adapter fitted without it. Where their
best match lies under their bar but would clear it with the question's filler
counted as full words (Index.unsure_threshold), they are unsure: those matches
answer when the model agrees with one of them (its cosine >= GATE); taking any
of the model's three best at that cosine for agreement, whichever entry it was,
answered one near miss more over the 23 read sets and gained no hit. Counting
filler by half lowered the bar that near-miss questions slipped under ("Hoe
laat vertrekt de laatste trein ...", "parkeren voor mantelzorgers"): on the
six sets in the hidden network's mix read so far, no-match 0.73 -> 0.92 for
hit@1 0.825 -> 0.820, hit@3 0.895 -> 0.890. When words find nothing, the model
may still answer, but only when one of its three best clears a cosine gate
that no-match questions rarely reach. For a Dutch question that gate is high
(0.45), and it drops to the English one when the question adapter moved the
question towards the entry by LIFT or more: members' own words for what the
knowledge holds are what the adapter was fitted on, while a near miss, asked in
the sector's terms about a sibling topic, is hardly moved. Each read set measured
through an adapter fitted without it (18 sets): hit@3 0.909 -> 0.917 for one
no-match of 172 (lifts of 0.06-0.12 within a question of that); the ten kept apart:
0.887 -> 0.890, no-match unchanged. The adapter's lifts thus also open this gate,
so after a refit measure no-match on the kept sets too.

Either way, each candidate (words' ten best, taken at a near-zero threshold,
and the model's three best) is ranked by one blend: words' score / 100 + 2 x
cosine, so a weak word match the model agrees with can lead an answer the model gave. For
many paraphrases words find *wrong* entries rather than none, so the model's
own hits must be let in; they need a cosine of 0.30 (0.20 when words' best
covers only a sliver of the question), since below it they only padded
precise answers.
In a story of six or more things asked, though, the words that match are a member's
everyday ones, which entries share by chance (moeder, dag, 's nachts, over de vloer),
while the model reads the story whole: there its own hits count from 0.20 too, and its cosine
weighs 1.5 times as much. Each read set through an adapter fitted without it (23 sets):
hit@1 0.885 -> 0.893, hit@3 0.919 -> 0.925, thirteen sets better and none worse; the twelve
kept apart: hit@3 0.890 -> 0.895, hit@1 0.856 either way; no-match the same (only the order
of an answer given changes). Each half alone gave less (the gate: hit@3 0.924, hit@1 0.888),
and the gain held from a weight of 1.5 to 3 and a gate of 0.15 to 0.25.
What scores under 0.6 of the best blend is left out: padding, not an answer.
A sliver of words (a score under 20: a common word of a long story) adds nothing to
the blend: it put entries sharing "nacht" or "baas" with a story above the model's
nearer hit (kept-apart sets hit@1 0.832 -> 0.840, hit@3 0.862 -> 0.866; the read sets
0.959/0.962 -> 0.958/0.963).

A topic of one word or known phrase ("zorgkantoren") is what words read best,
and the model, given one word, has little to go on: its cosines spread by some
0.1 among entries that all hold the term, more than words' scores do, and decided
their order alone. Since the question adapter, that dropped the contact with four
zorgkantoor expertise lines from the flagship answer's three. At a quarter of the
weight such a question's order follows words again (at half it did until the
adapter was refitted on four more networks); over the twenty question sets only
the sample's hit@1 moved (0.93 -> 0.95), the same at a half and a quarter. At
none, meaning would not even break words' ties: hit@1 fell on five sets.

The blend replaced a reciprocal-rank fusion with three special cases (a weak
lexical best, a sure one, a band near it). A linear score fitted over words'
score, its share of the best, the cosine and its distance to the best cosine,
on five question sets, came out as about this blend whichever set was held out
(the distance ranks as the cosine does); the weight 2 was then read off those
five sets (tests/quality/sweep.py: sweep it again for another model). Measured
on a sixth, written after and never tuned on (blind4): hit@1 0.79 -> 0.84,
hit@3 0.85 -> 0.87; on a seventh, written after the blend was in (blind5):
0.79 -> 0.81, 0.84 -> 0.85. The five: equal or better on each (held-out-like
0.93 -> 1.00 hit@1, the third blind set 0.69 -> 0.73 hit@3, with the
model-alone answers blended too), no-match unchanged by construction, and a
third to a half fewer entries shown beside the right ones.
"""

from __future__ import annotations

from bot.matching.index import Index, Kind, Reason, Result
from bot.matching.meaning import Hit, MeaningIndex

LEXICAL_DEPTH = 10      # lexical ranks taken in ...
NEAR = 1.0              # ... at this near-zero threshold
MODEL_DEPTH = 3         # the model's ranks taken in
MEANING_WEIGHT = 2.0    # a cosine's worth against words' score / 100 ...
ONE_WORD = 0.25         # ... a quarter of it when the topic is one thing: see below
KEEP = 0.6              # an entry blending below this share of the best is padding, not an answer
GATE = 0.30             # a hit of the model alone needs this cosine (no no-match question reached it)
# When words found nothing at all: the knowledge is Dutch, so for a Dutch question that is itself strong
# evidence of no good match, and the model must be surer to overrule it; an English question's words
# mostly cannot meet Dutch text, so there the model is the main reader.
ALONE_GATE = {"nl": 0.45, "en": GATE}
# ... but not for a long question: a story of six or more things asked, told in the member's own words,
# meets no entry's bar for words even when it is about one, and the near misses that a lower gate
# would let in are short. Over the 22 sets, of the Dutch questions words found nothing for, those
# of 6+ things with the model's best at 0.30-0.45: 23 with the right entry among its three, no no-match.
# ... or from GATE when the question adapter moved the question this much towards that entry: the adapter
# learned how members say in their own words what the knowledge holds, and a near miss, mostly asked in
# the sector's own terms about a sibling topic, is hardly moved (measured above)
LIFT = 0.08
WEAK = 20.0             # words whose best entry scores below this found a sliver of the question ...
WEAK_GATE = 0.20        # ... then the model's own hits count from this cosine, and in a long question too
LONG = 6                # things asked (Index.concept_count) that make a question long
LONG_WEIGHT = 1.5       # in a long question meaning weighs this much more in the blend: see below
SHOWN_TOPIC = 60        # a meaning reason quotes at most this much of the topic
MEANING = "meaning"     # the field of a reason that is closeness in meaning, not a word


def search(index: Index, meaning: MeaningIndex | None, topic: str, limit: int, lang: str = "nl") -> list[Result]:
    """The entries that fit `topic` (asked in `lang`), best first; by words alone when `meaning` is None."""
    found = index.search(topic, limit=limit)
    if meaning is None:
        return found
    lexical = {(r.kind, r.id): r for r in index.search(topic, limit=LEXICAL_DEPTH, threshold=NEAR)}
    hits = meaning.search(topic, MODEL_DEPTH, among=lexical)
    agreed = {(hit.kind, hit.id) for hit in hits if hit.cosine >= GATE}
    if not found and agreed:        # words' matches they are unsure of, when the model agrees with one
        unsure = [r for r in lexical.values() if r.score >= index.unsure_threshold(topic)]
        if any((r.kind, r.id) in agreed for r in unsure):
            found = unsure
    things = index.concept_count(topic)
    long = things >= LONG
    alone = GATE if long else ALONE_GATE.get(lang, GATE)
    if not found and not any(hit.cosine >= alone or (hit.cosine >= GATE and hit.lift >= LIFT)
                             for hit in hits[:MODEL_DEPTH]):
        return []
    best_words = next(iter(lexical.values())).score if lexical else 0.0     # found's best, when found
    gate = WEAK_GATE if best_words < WEAK or long else GATE
    close = {(h.kind, h.id): h for h in hits if (h.kind, h.id) in lexical or h.cosine >= gate}
    weight = MEANING_WEIGHT * (ONE_WORD if things == 1 else LONG_WEIGHT if long else 1.0)
    blend = {key: (lexical[key].score if key in lexical and lexical[key].score >= WEAK else 0.0) / 100 + weight * hit.cosine
             for key, hit in close.items()}
    order = sorted(blend, key=lambda key: -blend[key])      # stable: the model's nearest first on ties
    top = blend[order[0]]
    return [lexical[key] if key in lexical else _result(close[key], topic)
            for key in order if blend[key] >= KEEP * top][:limit]


def _result(hit: Hit, topic: str) -> Result:
    """A hit of the model alone, as a Result: its score is 100 x cosine, its reason the
    closeness to the topic (on the closest example, when a contact has it from one)."""
    shown = topic if len(topic) <= SHOWN_TOPIC else topic[:SHOWN_TOPIC - 1].rstrip() + "…"
    via_example = "" if hit.own or hit.kind is not Kind.CONTACT or not hit.examples else hit.examples[0]
    return Result(hit.kind, hit.id, 100.0 * hit.cosine, (Reason(MEANING, shown, example=via_example),),
                  hit.examples)
