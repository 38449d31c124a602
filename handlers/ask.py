"""Ask: "wie heeft ervaring met X?" -> the people and practice examples that fit.

Contact details are shown only as far as the contact agreed (`share`) and the
asker may see them; a private contact is reached through a coordinator.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Bold, Code, Link, Piece, ReplyBuilder
from bot.core.messages import Reply, Role
from bot.core.text import words
from bot.knowledge.model import Contact, Knowledge
from bot.matching import hybrid
from bot.matching.index import Index, Kind, Reason, Result, Via
from bot.matching.meaning import Semantic, default_semantic
from bot.matching.question import ASK_COMMAND, Question, parse_natural, parse_topic
from handlers.help import HELP_COMMAND

SHOWN = {Kind.CONTACT: 3, Kind.EXAMPLE: 3, Kind.ORGANISATION: 2}     # an answer: short
SHOWN_MORE = {Kind.CONTACT: 7, Kind.EXAMPLE: 7, Kind.ORGANISATION: 3}   # "meer": the rest, within reason
LOOKED_UP = 30          # results looked up, enough for both
MORE_COMMAND = {"nl": "meer", "en": "more"}
QUOTED = 80     # characters of the question a reply repeats: enough to recognise it, never a wall
NEED_COMMAND = {"nl": "haal", "en": "need"}     # where a question nobody here answers can be posted
OFFER_COMMAND = {"nl": "breng", "en": "offer"}  # ... and what a member offers, said in words
# a message that offers rather than asks: "ik kan anderen helpen met", "wij bieden aan", "dat wil ik graag delen"
_OFFERS = re.compile(r"\b(?:(?:ik|wij|we)\s+(?:kan|kunnen|wil|willen)\s+(?:\w+\s+){0,3}?(?:helpen|delen|aanbieden|laten\s+zien)"
                     r"|(?:ik|wij|we)\s+(?:bied|bieden)\b|(?:wil|willen)\s+(?:ik|wij|we)\s+(?:graag\s+)?(?:delen|aanbieden)"
                     r"|(?:i|we)\s+(?:can|could|would\s+like\s+to)\s+(?:\w+\s+){0,3}?(?:help|share|offer)|(?:i|we)\s+offer)\b",
                     re.IGNORECASE)

_TEXT = {
    "nl": {
        "found": "Over ", "found2": " vond ik:",
        "people": "Mensen met ervaring", "examples": "Praktijkvoorbeelden", "organisations": "Organisaties",
        "why": "Waarom: ", "contact": "Contact: ", "private": "Contact loopt via een coördinator",
        "members_only": "Contactgegevens zijn alleen voor leden van het netwerk",
        "none": "Ik vond niemand en geen praktijkvoorbeeld dat goed past bij ",
        "related": "Verwante thema's: ", "post": "Je kunt het ook als vraag in het netwerk zetten: ",
        "post_offer": "Je kunt het ook als aanbod in het netwerk zetten: ",
        "empty": "Waarover wil je iets weten? Bijvoorbeeld: ", "empty_example": "zorgkantoren",
        "shortened": "Je vraag was lang: ik heb gezocht op het begin ervan.",
        "more": "Meer: ", "more_found": "Meer over ", "more_found2": ":",
        "no_more": "Meer dan dit vond ik niet over ", "more_what": "Waarvan wil je meer zien? Bijvoorbeeld: ",
        "fields": {"keyword": "trefwoord", "title": "titel", "theme": "thema", "contact": "contactpersoon",
                   "organisation": "organisatie", "summary": "beschrijving", "name": "naam",
                   "expertise": "expertise", "role": "rol", "region": "regio",
                   hybrid.MEANING: "inhoudelijk verwant aan"},
        "via": {Via.SYNONYM: "verwant aan", Via.TYPO: "gelezen als", Via.COMPOUND: "deel van"},
    },
    "en": {
        "found": "On ", "found2": " I found:",
        "people": "People with experience", "examples": "Practice examples", "organisations": "Organisations",
        "why": "Why: ", "contact": "Contact: ", "private": "Contact goes through a coordinator",
        "members_only": "Contact details are for network members only",
        "none": "I found no one and no practice example that fits ",
        "related": "Related themes: ", "post": "You can also post it as a need in the network: ",
        "post_offer": "You can also post it as an offer in the network: ",
        "empty": "What would you like to know about? For example: ", "empty_example": "care offices",
        "shortened": "Your question was long: I searched on its beginning.",
        "more": "More: ", "more_found": "More on ", "more_found2": ":",
        "no_more": "I found nothing more than this on ", "more_what": "More of what? For example: ",
        "fields": {"keyword": "keyword", "title": "title", "theme": "theme", "contact": "contact",
                   "organisation": "organisation", "summary": "description", "name": "name",
                   "expertise": "expertise", "role": "role", "region": "region",
                   hybrid.MEANING: "close in meaning to"},
        "via": {Via.SYNONYM: "related to", Via.TYPO: "read as", Via.COMPOUND: "part of"},
    },
}


@dataclass(frozen=True)
class Lookup:
    """A question and what the knowledge holds for it: one path for chat and `ask --json`."""

    question: Question
    results: list[Result]
    near: list[Result]      # when nothing fits well: the near misses, for related themes


def lookup(text: str, index: Index, lang: str | None = None, limit: int = LOOKED_UP, near: bool = True,
           semantic: Semantic | None = None) -> Lookup:
    """By words and, once the snapshot's vectors are ready, by meaning (`semantic`: the
    bot's own unless given; `Semantic(None)` for words only). Never waits for the model."""
    question = parse_topic(text, lang)
    if not question.topic:
        return Lookup(question, [], [])
    meaning = (semantic or default_semantic()).index_for(index)
    results = hybrid.search(index, meaning, question.topic, limit, question.lang)
    misses = index.search(question.topic, limit=10, threshold=1.0) if near and not results else []
    return Lookup(question, results, misses)


async def handle(request: Request, context: Context) -> list[Reply]:
    t = _TEXT[request.lang]
    snapshot = context.snapshot
    # Off the event loop: a long question at 10,000 examples takes some 20 ms, and the
    # loop keeps sending other rooms' replies meanwhile.
    counts = _counts(context)
    found = await asyncio.to_thread(lookup, request.args, snapshot.index, request.lang, _looked_up(counts))
    question = found.question
    if not question.topic:
        example = f"!{ASK_COMMAND[request.lang]} {t['empty_example']}"
        return [ReplyBuilder().para(t["empty"], Code(example)).build()]
    reply = ReplyBuilder()
    if question.shortened:
        reply.para(t["shortened"])
    if found.results:
        context.last_asked.remember(request.message, question.topic)
        answer(reply, question.topic, found.results, snapshot.knowledge, request.lang, request.role,
               context.config.coordinators, counts)
    else:
        no_match(reply, question.topic, found.near, snapshot.knowledge, request.lang, request.message.text)
        if context.unanswered is not None:      # a knowledge gap: what was asked, never who asked
            await context.unanswered.record(question.topic, request.lang, request.message.room_id)
    return [reply.build()]


async def handle_more(request: Request, context: Context) -> list[Reply]:
    """The rest of an answer: of the topic given, or of the asker's last question here."""
    t = _TEXT[request.lang]
    topic, page = (request.args.strip(), 1) if request.args.strip() else context.last_asked.next_page(request.message)
    if not topic:
        return [ReplyBuilder().para(t["more_what"], Code(f"!{MORE_COMMAND[request.lang]} {t['empty_example']}")).build()]
    found = await asyncio.to_thread(lookup, topic, context.snapshot.index, request.lang, near=False)
    shown = _Shown.pick(found.results, SHOWN)
    for _ in range(page):           # each "meer" again shows the page after the last one shown
        rest = shown.after(found.results)
        if rest.empty:              # all shown: however often asked, no more work than there are pages
            break
        shown = shown.joined(rest)
    reply = ReplyBuilder()
    shown_topic = found.question.topic or topic
    if rest.empty:
        return [reply.para(t["no_more"], Bold(quote(shown_topic)), ".").build()]
    reply.para(t["more_found"], Bold(quote(shown_topic)), t["more_found2"])
    _shown(reply, rest, context.snapshot.knowledge, request.lang, request.role, context.config.coordinators)
    if not request.args.strip() and not shown.after(found.results).empty:
        reply.para(t["more"], Code(f"!{MORE_COMMAND[request.lang]}"))      # the next page, of the last question
    return [reply.build()]


def _counts(context: Context) -> dict[Kind, int]:
    """How many of each kind an answer shows: chat's few, or what `ask --limit` asked for."""
    return SHOWN if context.shown is None else dict.fromkeys(SHOWN, context.shown)


def _looked_up(counts: dict[Kind, int]) -> int:
    return max(LOOKED_UP, 2 * sum(counts.values()))     # enough to fill every kind and to know of more


def quote(topic: str) -> str:
    """The asked topic as a reply repeats it: at most QUOTED characters."""
    return topic if len(topic) <= QUOTED else topic[:QUOTED - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Shown:
    """What one answer shows, by kind. An example is listed once: under the first person
    shown who it names (at most two a person), else among the examples; nor again what an
    earlier page showed."""

    people: list[Result]
    under: dict[str, tuple[str, ...]]    # person id -> the examples listed under them
    examples: list[Result]
    organisations: list[Result]

    @staticmethod
    def pick(results: list[Result], counts: dict[Kind, int], before: "_Shown | None" = None) -> "_Shown":
        people = [r for r in results if r.kind is Kind.CONTACT][:counts[Kind.CONTACT]]
        seen = before.listed() if before else set()
        under: dict[str, tuple[str, ...]] = {}
        for person in people:
            under[person.id] = tuple(e for e in person.examples if e not in seen)[:2]
            seen.update(under[person.id])
        examples = [r for r in results if r.kind is Kind.EXAMPLE and r.id not in seen][:counts[Kind.EXAMPLE]]
        organisations = [r for r in results if r.kind is Kind.ORGANISATION][:counts[Kind.ORGANISATION]]
        return _Shown(people, under, examples, organisations)

    def after(self, results: list[Result]) -> "_Shown":
        """The page of "meer" after this one: what it did not show, SHOWN_MORE of each kind."""
        return _Shown.pick([r for r in results if r not in self], SHOWN_MORE, self)

    def joined(self, later: "_Shown") -> "_Shown":
        """This page and a later one, as one: what neither may show again."""
        return _Shown(self.people + later.people, self.under | later.under, self.examples + later.examples,
                      self.organisations + later.organisations)

    def listed(self) -> set[str]:
        return {e for shown in self.under.values() for e in shown} | {r.id for r in self.examples}

    def __contains__(self, result: Result) -> bool:
        return any(result is r for r in (*self.people, *self.examples, *self.organisations))

    @property
    def empty(self) -> bool:
        return not (self.people or self.examples or self.organisations)


def answer(reply: ReplyBuilder, topic: str, results: list[Result], knowledge: Knowledge, lang: str, role: Role,
           coordinators: tuple[str, ...] = (), counts: dict[Kind, int] = SHOWN) -> None:
    t = _TEXT[lang]
    reply.para(t["found"], Bold(quote(topic)), t["found2"])
    first = _Shown.pick(results, counts)
    _shown(reply, first, knowledge, lang, role, coordinators)
    if not first.after(results).empty:
        # a topic too long to repeat whole is asked again by the command alone (the last question)
        again = f" {topic}" if len(topic) <= QUOTED else ""
        reply.para(t["more"], Code(f"!{MORE_COMMAND[lang]}{again}"))


def _shown(reply: ReplyBuilder, shown: _Shown, knowledge: Knowledge, lang: str, role: Role,
           coordinators: tuple[str, ...]) -> None:
    t = _TEXT[lang]
    said: set[str] = set()      # reasons already given in this reply: each is said once
    if shown.people:
        reply.para(Bold(t["people"]))
        reply.items([_person(r, shown.under[r.id], knowledge, lang, role, coordinators, said) for r in shown.people],
                    numbered=True)
    if shown.examples:
        reply.para(Bold(t["examples"]))
        reply.items([_example(r, knowledge, lang, said) for r in shown.examples])
    if shown.organisations:
        reply.para(Bold(t["organisations"]))
        reply.items([_organisation(r, knowledge, lang) for r in shown.organisations])


def no_match(reply: ReplyBuilder, topic: str, near: list[Result], knowledge: Knowledge, lang: str,
             said: str = "") -> None:
    """No good match; where `said` (the message) offers something, the pointer is to offering it."""
    t = _TEXT[lang]
    reply.para(t["none"], Bold(quote(topic)), ".")
    themes = _related_themes(near, knowledge)
    if themes:
        reply.para(t["related"], ", ".join(themes))
    if _OFFERS.search(said):
        reply.para(t["post_offer"], Code(f"!{OFFER_COMMAND[lang]} {quote(topic)}"))
    else:
        reply.para(t["post"], Code(f"!{NEED_COMMAND[lang]} {quote(topic)}"))


def _person(result: Result, examples: tuple[str, ...], knowledge: Knowledge, lang: str, role: Role,
            coordinators: tuple[str, ...], said: set[str]) -> list[list[Piece]]:
    t = _TEXT[lang]
    contact = knowledge.contacts[result.id]
    org = knowledge.organisations.get(contact.organisation)
    head: list[Piece] = [Bold(contact.name)]
    shown_role = (contact.role or "") if _shows_details(contact, role) else ""
    # "medewerker Zilveren Kruis Zorgkantoor, Zilveren Kruis Zorgkantoor" says it twice
    org_name = org.name if org and org.name.casefold() not in shown_role.casefold() else ""
    detail = ", ".join(x for x in (shown_role, org_name) if x)
    if detail:
        head.append(f" — {detail}")
    lines = [head]
    own = _unsaid(tuple(r for r in result.why if not r.example), lang, said)
    if own:
        lines.append([t["why"], own])
    for example_id in examples:
        example = knowledge.examples[example_id]
        line = ["↳ ", *_example_title(example.title, example.year, example.url)]
        reasons = _unsaid(tuple(r for r in result.why if r.example == example_id)[:1], lang, said)
        if reasons:
            line.append(f" — {reasons}")
        lines.append(line)
    lines.append(_contact_line(contact, lang, role, coordinators))
    return lines


def _unsaid(reasons: tuple[Reason, ...], lang: str, said: set[str]) -> str:
    """The reasons not yet given in this reply: the third "keyword 'zorgkantoren'" tells nothing."""
    fresh = [text for text in reason_texts(reasons, lang) if text not in said]
    said.update(fresh)
    return "; ".join(fresh)


def _shows_details(contact: Contact, role: Role) -> bool:
    """The contract's share levels: `public` to anyone who may talk to the bot, `network`
    to members, `private` to nobody (name and organisation only)."""
    return contact.share == "public" or (contact.share == "network" and role >= Role.MEMBER)


def _contact_line(contact: Contact, lang: str, role: Role, coordinators: tuple[str, ...]) -> list[Piece]:
    t = _TEXT[lang]
    if contact.share == "private":        # name the coordinators who can make the contact, if the config has them
        if coordinators:
            return [t["private"], ": ", *_joined([Link(c, f"https://matrix.to/#/{c}") for c in coordinators[:3]])]
        return [t["private"], " (", Code(f"!{HELP_COMMAND}"), ")"]
    if not _shows_details(contact, role):
        return [t["members_only"]]
    details: list[Piece] = []
    if contact.matrix_id:
        details.append(Link(contact.matrix_id, f"https://matrix.to/#/{contact.matrix_id}"))
    if contact.email:
        details += [" · "] if details else []
        details.append(Link(contact.email, f"mailto:{contact.email}"))
    return [t["contact"], *details] if details else [t["private"]]


def _joined(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        out += [", ", piece] if out else [piece]
    return out


def _example(result: Result, knowledge: Knowledge, lang: str, said: set[str]) -> list[list[Piece]]:
    example = knowledge.examples[result.id]
    org = knowledge.organisations.get(example.organisation)
    head = _example_title(example.title, example.year, example.url)
    if org:
        head.append(f" — {org.name}")
    reasons = _unsaid(result.why, lang, said)
    return [head, [_TEXT[lang]["why"], reasons]] if reasons else [head]


def _example_title(title: str, year: int | None, url: str | None) -> list[Piece]:
    label = f"{title} ({year})" if year else title
    return [Link(label, url) if url else Bold(label)]


def _organisation(result: Result, knowledge: Knowledge, lang: str) -> list[list[Piece]]:
    org = knowledge.organisations[result.id]
    head: list[Piece] = [Link(org.name, org.url) if org.url else Bold(org.name)]
    head.append(f" — {org.kind}" + (f", {org.region}" if org.region else ""))
    return [head]


def reason_texts(reasons: tuple[Reason, ...], lang: str) -> list[str]:
    """The first three reasons in words a member reads: the field, the word, and how it was met."""
    t = _TEXT[lang]
    return [f"{t['fields'].get(reason.field, reason.field)} {word_met(reason, lang)}" for reason in reasons[:3]]


def word_met(reason: Reason, lang: str) -> str:
    """The matching word, and how the question's word came to it when not as it was typed."""
    text = f"“{reason.item}”"
    if reason.via is Via.TYPO:           # the asked word, then what it was read as: the item
        return text + f" (“{reason.asked}” {_TEXT[lang]['via'][reason.via]} “{reason.item}”)"
    if reason.via is not Via.DIRECT:
        return text + f" ({_TEXT[lang]['via'][reason.via]} “{reason.asked}”)"
    return text


def _related_themes(near: list[Result], knowledge: Knowledge) -> list[str]:
    seen: list[str] = []
    for result in near:
        entry = knowledge.examples.get(result.id) if result.kind is Kind.EXAMPLE else (
            knowledge.contacts.get(result.id) if result.kind is Kind.CONTACT else None)
        for theme_id in getattr(entry, "themes", ()):
            name = knowledge.themes[theme_id].name
            if name not in seen:
                seen.append(name)
    return seen[:3]


def recognise(text: str) -> tuple[str, str] | None:
    question = parse_natural(text)
    return (question.topic, question.lang) if question else None


# words that may stand beside "meer" / "more" in a message that only asks for the rest of the last answer
_MORE_ASKED = {"nl": frozenset("nog meer graag aub alsjeblieft alstublieft svp laat zien toon mag ik even wie heb je jij "
                               "hebben jullie voorbeelden mensen namen".split()),
               "en": frozenset("more please show me some can i see who else anyone any examples people".split())}
_MORE_ALSO = {"nl": (), "en": ("else",)}     # asking for the rest without the command's word: "who else?"


def recognise_more(text: str) -> tuple[str, str] | None:
    """"meer", "wie nog meer?" or "who else?" said to the bot: the rest of the asker's last answer, as !meer."""
    said = set(words(text))
    for lang, word in MORE_COMMAND.items():
        if said & {word, *_MORE_ALSO[lang]} and said <= _MORE_ASKED[lang]:
            return "", lang
    return None


MORE = Route(
    name="more",
    handler=handle_more,
    commands={word: lang for lang, word in MORE_COMMAND.items()},
    natural=recognise_more,
    natural_when_addressed=True,
    summary={"nl": f"!{MORE_COMMAND['nl']} [onderwerp] — meer mensen en voorbeelden bij je laatste vraag (of bij een onderwerp)",
             "en": f"!{MORE_COMMAND['en']} [topic] — more people and examples for your last question (or a topic)"},
)

ROUTE = Route(
    name="ask",
    handler=handle,
    commands={**{word: lang for lang, word in ASK_COMMAND.items()}, "wie": "nl", "who": "en"},
    natural=recognise,
    addressed_default=True,
    summary={"nl": f"!{ASK_COMMAND['nl']} <onderwerp> — wie heeft ervaring met een onderwerp (of vraag het gewoon: “wie heeft ervaring met …?”)",
             "en": f"!{ASK_COMMAND['en']} <topic> — who has experience with a topic (or just ask: “who has experience with …?”)"},
)
