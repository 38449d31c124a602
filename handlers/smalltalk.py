"""A kind word back: what people say to a person (hello, thanks, bye, "ok", "that's not it") gets a short
friendly answer, not a failed search.

Only when said to the bot (a DM or a mention): in a room, "goedemorgen
allemaal" is for the people there. A greeting with a short word about
oneself ("Hoi! Ik ben nieuw hier.", "Hello, I'm Anne from Topaz") is a newcomer
saying hello, welcomed as such; one that asks or tells about something is a question.
The rest is read whole: a phrase with a topic beside it ("dat klopt niet, ik zoek
nachtzorg") is a question too.
"""

from __future__ import annotations

import re

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Code, simple
from bot.core.language import GREETINGS
from bot.core.messages import Reply
from bot.core.text import tidy, words
from handlers.ask import NEED_COMMAND

_GREETINGS = GREETINGS
_THANKS = {"nl": {"dank", "dankje", "bedankt", "dankjewel", "dankuwel", "merci", "top", "super"},
           "en": {"thanks", "thank", "cheers", "great"}}
# words that may stand beside a greeting or thanks without making it a question
_FILLER = frozenset("je jij u wel heel erg hartelijk veel allemaal iedereen verbinder bot voor de het jouw uw hulp "
                    "info antwoord moeite nog you so much very all there a lot ok oke okay prima for the your help "
                    "answer".split())
# a sentence that says who one is, per language, of at most INTRODUCTION words and none of _ASKING's ...
_INTRODUCTION = {"nl": re.compile(r"^(?:ik\s+ben|ik\s+heet|mijn\s+naam\s+is|ik\s+werk\s+(?:bij|als|in|voor)|wij\s+zijn"
                                  r"|we\s+zijn|(?:net|pas|sinds\s+kort)\s+(?:lid|begonnen|gestart|nieuw|aangesloten)"
                                  r"|nieuw\s+(?:hier|in|bij))\b"),
                 "en": re.compile(r"^(?:i\s+am|i[’']m|my\s+name\s+is|i\s+work\s+(?:at|as|in|for)|we\s+are"
                                  r"|(?:just|recently)\s+joined|new\s+here)\b")}
# ... nor one that goes on to say more ("ik ben mantelzorger en mijn moeder ..."): that is a story, to search
_ASKING = frozenset("zoek zoeken vraag vragen benieuwd wil willen wilt ervaring weet weten help helpen hulp kennis "
                    "looking wonder want need experience know question "
                    "en maar want omdat die dat and but because who that".split())
INTRODUCTION = 12
# Whole messages (as their words, apostrophes gone: "that s not right"), after any greeting, by what they say.
_SAID = {
    "farewell": {"nl": r"doei|doeg|dag dag|tot (?:ziens|later|straks|morgen|de volgende keer)|fijne (?:dag|avond|middag)"
                       r"(?: nog)?|fijn weekend|groetjes|de groeten",
                 "en": r"bye(?: bye)?|goodbye|good bye|see you(?: later| soon)?|have a (?:nice|good|great) "
                       r"(?:day|evening|weekend)"},
    "okay": {"nl": r"oke|okay|ok|ja|jawel|prima|goed|mooi|fijn|helder|duidelijk|begrepen|aha|is goed|dat is goed"
                   r"|ok dan|oke dan",
             "en": r"yes|yep|yeah|sure|fine|alright|all right|got it|i see|nice|cool"},
    "how_are_you": {"nl": r"hoe (?:gaat|is) het(?: ermee)?(?: met (?:je|jou|u))?|alles goed(?: met (?:je|jou|u))?",
                    "en": r"how are you(?: doing)?|how is it going|how s it going|how are things"},
    "complaint": {"nl": r"(?:nee )?(?:dat|dit|het) (?:klopt|helpt|werkt) (?:niet|niks)(?: echt| helemaal)?"
                        r"|(?:nee )?(?:dat|dit) (?:is|was) niet (?:wat ik (?:bedoel|bedoelde|zoek|zocht)|goed|juist)"
                        r"|(?:nee )?(?:dat|zo) bedoel(?:de)? ik (?:het )?niet|(?:nee )?niet wat ik (?:bedoel|bedoelde|zoek|zocht)"
                        r"|klopt niet|fout|verkeerd|nee",
                  "en": r"(?:no )?(?:that|this|it) (?:is|s|was) (?:not right|not it|wrong|not what i (?:meant|mean|was looking for))"
                        r"|(?:no )?(?:that|this|it) (?:doesn t|does not|didn t|did not) help|not what i (?:meant|was looking for)"
                        r"|wrong|no|nope"},
    "asking": {"nl": r"ik heb (?:een|nog een) (?:vraag|vraagje)|(?:mag|kan) ik (?:je |jou |u )?(?:iets|een vraag) vragen",
               "en": r"i have a question|(?:can|may) i ask (?:you )?(?:something|a question)"},
    "languages": {"nl": r"(?:spreek|praat|ken) (?:je|jij|u) (?:ook )?(?:engels|nederlands)"
                        r"|(?:kun|kan|kunt) (?:je|jij|u) (?:ook )?(?:in het )?(?:engels|nederlands)(?: praten| antwoorden)?",
                  "en": r"(?:do|can) you (?:also )?(?:speak|understand) (?:english|dutch)"},
}
_LEAD = "|".join(sorted(_GREETINGS["nl"] | _GREETINGS["en"] | {"sorry", "oh", "ah", "nou", "well", "verbinder"}))
_SAID_RE = [(kind, lang, re.compile(rf"(?:(?:{_LEAD}) )*(?:{pattern})(?: (?:hoor|he|dan|verbinder|bot))?"))
            for kind, by_lang in _SAID.items() for lang, pattern in by_lang.items()]
_INVITE = {"nl": ("Vraag me wie ervaring heeft met iets, bijvoorbeeld “wie heeft ervaring met zorgkantoren?”. ",
                  "!hulp", " laat alles zien wat ik kan."),
           "en": ("Ask me who has experience with something, for example “who has experience with care offices?”. ",
                  "!help", " shows everything I can do.")}
_OPENING = {"nl": {"greeting": "Hoi! ", "welcome": "Welkom! ", "how_are_you": "Goed, dank je! ", "asking": "Graag! "},
            "en": {"greeting": "Hi! ", "welcome": "Welcome! ", "how_are_you": "Fine, thanks! ", "asking": "Sure! "}}
_BACK = {"nl": {"thanks": "Graag gedaan! Succes ermee.", "farewell": "Tot ziens! Vraag gerust weer iets als je iemand zoekt.",
                "okay": "Fijn! Vraag gerust verder.",
                "languages": "Ja: vraag me in het Nederlands of in het Engels, dan antwoord ik in die taal."},
         "en": {"thanks": "You're welcome! Good luck with it.", "farewell": "Bye! Ask again whenever you're looking for someone.",
                "okay": "Good! Ask away whenever you like.",
                "languages": "Yes: ask me in English or in Dutch, and I answer in that language."}}
_SORRY = {"nl": ("Sorry! Probeer het eens met andere woorden, of noem alleen het onderwerp. Vind ik niemand, dan kun je je "
                 "vraag in het netwerk zetten: ", " <je vraag>"),
          "en": ("Sorry! Try other words, or just the topic. If I find no one, you can post your question in the "
                 "network: ", " <your question>")}


def recognise(text: str) -> tuple[str, str] | None:
    said = set(words(tidy(text)))
    if not said:
        return "greeting", "nl"          # only the bot's name: it was called
    if found := _kind_word(said):
        return found
    whole = " ".join(words(tidy(text)))
    if found := next(((kind, lang) for kind, lang, form in _SAID_RE if form.fullmatch(whole)), None):
        return found
    return None if "?" in text else _welcome(tidy(text).lower())


def _kind_word(said: set[str]) -> tuple[str, str] | None:
    """Thanks or a greeting, with nothing but filler beside it."""
    for kind, table in (("thanks", _THANKS), ("greeting", _GREETINGS)):
        for lang in ("nl", "en"):
            if said & table[lang] and said <= table[lang] | _THANKS[lang] | _GREETINGS[lang] | _FILLER:
                return kind, lang
    return None


def _welcome(text: str) -> tuple[str, str] | None:
    """A greeting, then only sentences saying who one is (and perhaps thanks): ("welcome", their language)."""
    first, *rest = (part.strip() for part in re.split(r"[.!;:\n]+", text) if part.strip())
    if "," in first and not _is_greeting(first):     # "hoi, ik ben Anne": the greeting leads the sentence
        first, tail = first.split(",", 1)
        rest.insert(0, tail.strip())
    if not (_is_greeting(first) and rest):
        return None
    introduced = [_introduces(part) for part in rest if not _kind_word(set(words(part)))]
    return ("welcome", introduced[0]) if introduced and all(introduced) else None


def _is_greeting(text: str) -> bool:
    found = _kind_word(set(words(text)))
    return found is not None and found[0] == "greeting"


def _introduces(sentence: str) -> str | None:
    """The language of a short sentence saying who one is ("ik ben nieuw hier"), or None."""
    said = words(sentence)
    if len(said) > INTRODUCTION or not _ASKING.isdisjoint(said):
        return None
    return next((lang for lang, form in _INTRODUCTION.items() if form.match(sentence)), None)


async def handle(request: Request, context: Context) -> list[Reply]:
    lang, kind = request.lang, request.args
    if kind in _BACK[lang]:
        return [simple(_BACK[lang][kind])]
    if kind == "complaint":
        before, after = _SORRY[lang]
        return [simple(before, Code(f"!{NEED_COMMAND[lang]}{after}"))]
    before, command, after = _INVITE[lang]
    return [simple(_OPENING[lang][kind] + before, Code(command), after)]


ROUTE = Route(
    name="smalltalk",
    handler=handle,
    commands={},
    natural=recognise,
    natural_when_addressed=True,
)
