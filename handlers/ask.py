"""Ask: "wie heeft ervaring met X?" -> the people and practice examples that fit.

Contact details are shown only as far as the contact agreed (`share`) and the
asker may see them; a private contact is reached through a coordinator.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Bold, Code, Link, Piece, ReplyBuilder
from bot.core.messages import Reply, Role
from bot.knowledge.model import Contact, Knowledge
from bot.matching import hybrid
from bot.matching.index import Index, Kind, Reason, Result, Via
from bot.matching.meaning import Semantic, default_semantic
from bot.matching.question import ASK_COMMAND, Question, parse_natural, parse_topic
from handlers.help import HELP_COMMAND

SHOWN = {Kind.CONTACT: 3, Kind.EXAMPLE: 3, Kind.ORGANISATION: 2}
QUOTED = 80     # characters of the question a reply repeats: enough to recognise it, never a wall
NEED_COMMAND = {"nl": "haal", "en": "need"}     # where a question nobody here answers can be posted

_TEXT = {
    "nl": {
        "found": "Over ", "found2": " vond ik:",
        "people": "Mensen met ervaring", "examples": "Praktijkvoorbeelden", "organisations": "Organisaties",
        "why": "Waarom: ", "contact": "Contact: ", "private": "Contact loopt via een coördinator",
        "members_only": "Contactgegevens zijn alleen voor leden van het netwerk",
        "none": "Ik vond niemand en geen praktijkvoorbeeld dat goed past bij ",
        "related": "Verwante thema's: ", "post": "Je kunt het ook als vraag in het netwerk zetten: ",
        "empty": "Waarover wil je iets weten? Bijvoorbeeld: ", "empty_example": "zorgkantoren",
        "shortened": "Je vraag was lang: ik heb gezocht op het begin ervan.",
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
        "empty": "What would you like to know about? For example: ", "empty_example": "care offices",
        "shortened": "Your question was long: I searched on its beginning.",
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


def lookup(text: str, index: Index, lang: str | None = None, limit: int = 10, near: bool = True,
           semantic: Semantic | None = None) -> Lookup:
    """By words and, once the snapshot's vectors are ready, by meaning (`semantic`: the
    bot's own unless given; `Semantic(None)` for words only). Never waits for the model."""
    question = parse_topic(text, lang)
    if not question.topic:
        return Lookup(question, [], [])
    meaning = (semantic or default_semantic()).index_for(index)
    results = hybrid.search(index, meaning, question.topic, limit)
    misses = index.search(question.topic, limit=10, threshold=1.0) if near and not results else []
    return Lookup(question, results, misses)


async def handle(request: Request, context: Context) -> list[Reply]:
    t = _TEXT[request.lang]
    snapshot = context.snapshot
    # Off the event loop: a long question at 10,000 examples takes some 20 ms, and the
    # loop keeps sending other rooms' replies meanwhile.
    found = await asyncio.to_thread(lookup, request.args, snapshot.index, request.lang)
    question = found.question
    if not question.topic:
        example = f"!{ASK_COMMAND[request.lang]} {t['empty_example']}"
        return [ReplyBuilder().para(t["empty"], Code(example)).build()]
    reply = ReplyBuilder()
    if question.shortened:
        reply.para(t["shortened"])
    if found.results:
        answer(reply, question.topic, found.results, snapshot.knowledge, request.lang, request.role,
               context.config.coordinators)
    else:
        no_match(reply, question.topic, found.near, snapshot.knowledge, request.lang)
        if context.unanswered is not None:      # a knowledge gap: what was asked, never who asked
            await context.unanswered.record(question.topic, request.lang, request.message.room_id)
    return [reply.build()]


def quote(topic: str) -> str:
    """The asked topic as a reply repeats it: at most QUOTED characters."""
    return topic if len(topic) <= QUOTED else topic[:QUOTED - 1].rstrip() + "…"


def answer(reply: ReplyBuilder, topic: str, results: list[Result], knowledge: Knowledge, lang: str, role: Role,
           coordinators: tuple[str, ...] = ()) -> None:
    t = _TEXT[lang]
    reply.para(t["found"], Bold(quote(topic)), t["found2"])
    by_kind = {kind: [r for r in results if r.kind == kind][:count] for kind, count in SHOWN.items()}
    if by_kind[Kind.CONTACT]:
        reply.para(Bold(t["people"]))
        reply.items([_person(r, knowledge, lang, role, coordinators) for r in by_kind[Kind.CONTACT]], numbered=True)
    if by_kind[Kind.EXAMPLE]:
        reply.para(Bold(t["examples"]))
        reply.items([_example(r, knowledge, lang) for r in by_kind[Kind.EXAMPLE]])
    if by_kind[Kind.ORGANISATION]:
        reply.para(Bold(t["organisations"]))
        reply.items([_organisation(r, knowledge, lang) for r in by_kind[Kind.ORGANISATION]])


def no_match(reply: ReplyBuilder, topic: str, near: list[Result], knowledge: Knowledge, lang: str) -> None:
    t = _TEXT[lang]
    reply.para(t["none"], Bold(quote(topic)), ".")
    themes = _related_themes(near, knowledge)
    if themes:
        reply.para(t["related"], ", ".join(themes))
    reply.para(t["post"], Code(f"!{NEED_COMMAND[lang]} {quote(topic)}"))


def _person(result: Result, knowledge: Knowledge, lang: str, role: Role,
            coordinators: tuple[str, ...]) -> list[list[Piece]]:
    t = _TEXT[lang]
    contact = knowledge.contacts[result.id]
    org = knowledge.organisations.get(contact.organisation)
    head: list[Piece] = [Bold(contact.name)]
    detail = ", ".join(x for x in (contact.role if _shows_details(contact, role) else None,
                                   org.name if org else None) if x)
    if detail:
        head.append(f" — {detail}")
    lines = [head]
    own = tuple(r for r in result.why if not r.example)
    if own:
        lines.append([t["why"], _reasons(own, lang)])
    for example_id in result.examples[:2]:
        example = knowledge.examples[example_id]
        line = ["↳ ", *_example_title(example.title, example.year, example.url)]
        reasons = tuple(r for r in result.why if r.example == example_id)
        if reasons:
            line.append(f" — {_reasons(reasons[:1], lang)}")
        lines.append(line)
    lines.append(_contact_line(contact, lang, role, coordinators))
    return lines


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


def _example(result: Result, knowledge: Knowledge, lang: str) -> list[list[Piece]]:
    example = knowledge.examples[result.id]
    org = knowledge.organisations.get(example.organisation)
    head = _example_title(example.title, example.year, example.url)
    if org:
        head.append(f" — {org.name}")
    return [head, [_TEXT[lang]["why"], _reasons(result.why, lang)]]


def _example_title(title: str, year: int | None, url: str | None) -> list[Piece]:
    label = f"{title} ({year})" if year else title
    return [Link(label, url) if url else Bold(label)]


def _organisation(result: Result, knowledge: Knowledge, lang: str) -> list[list[Piece]]:
    org = knowledge.organisations[result.id]
    head: list[Piece] = [Link(org.name, org.url) if org.url else Bold(org.name)]
    head.append(f" — {org.kind}" + (f", {org.region}" if org.region else ""))
    return [head]


def _reasons(reasons: tuple[Reason, ...], lang: str) -> str:
    t = _TEXT[lang]
    parts = []
    for reason in reasons[:3]:
        text = f"{t['fields'].get(reason.field, reason.field)} “{reason.item}”"
        if reason.via is Via.TYPO:           # the asked word, then what it was read as: the item
            text += f" (“{reason.asked}” {t['via'][reason.via]} “{reason.item}”)"
        elif reason.via is not Via.DIRECT:
            text += f" ({t['via'][reason.via]} “{reason.asked}”)"
        parts.append(text)
    return "; ".join(parts)


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


ROUTE = Route(
    name="ask",
    handler=handle,
    commands={**{word: lang for lang, word in ASK_COMMAND.items()}, "wie": "nl", "who": "en"},
    natural=recognise,
    addressed_default=True,
    summary={"nl": f"!{ASK_COMMAND['nl']} <onderwerp> — wie heeft ervaring met een onderwerp (of vraag het gewoon: “wie heeft ervaring met …?”)",
             "en": f"!{ASK_COMMAND['en']} <topic> — who has experience with a topic (or just ask: “who has experience with …?”)"},
)
