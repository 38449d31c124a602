"""Which language to answer in: Dutch first, English when the words say so."""

from __future__ import annotations

from bot.core.text import words

# said to greet, per language: smalltalk answers them, and a question they open is read without them
GREETINGS = {"nl": frozenset({"hoi", "hallo", "hey", "hee", "goedemorgen", "goedemiddag", "goedenavond", "dag", "hai"}),
             "en": frozenset({"hi", "hello", "morning", "evening", "afternoon", "good"})}

# Function words (and a few of the domain's) that belong to one of the two languages only: "is",
# "in", "we", "of", "over", "door" are both, so they tell nothing. Dutch is the default.
_EN_HINTS = frozenset("""
the a an and or but not to for with about from by at on into onto there where which when what who whom whose
why how this that these those it its are were be been being has have does did can could would should will shall
might must any anyone anybody someone somebody something anything everyone our your their they them you my his
she experience expertise knowledge knows know looking care home homes people residents staff
""".split())
_NL_HINTS = frozenset("""
de het een en van met wie heeft hebben iemand ervaring kennis voor er dat die deze dit niet geen op te bij naar
hoe wat waar welke ons onze jullie zijn wordt worden werd kan kunnen kon ook nog al maar om aan als dan mijn je
jij ik hij zij ze hun weet weten ken kent iets ergens nooit altijd steeds gaat gaan moet moeten mag mogen wil
willen veel meer heel erg wij zorg bewoners mensen
""".split())


def guess_language(text: str) -> str:
    tokens = words(text)
    english = sum(t in _EN_HINTS for t in tokens)
    dutch = sum(t in _NL_HINTS for t in tokens)
    return "en" if english > dutch else "nl"
