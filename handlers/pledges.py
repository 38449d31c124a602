"""Halen en brengen: needs and offers posted in chat, listed, settled, and matched to each other.

A new need is answered with the open offers that fit (a new offer with the
needs it could serve), and their authors are mentioned so they meet; with
nothing fitting, the people `ask` would suggest. Members and up only: a
stranger may not post or list.
"""

from __future__ import annotations

import asyncio
import io
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.dispatch import Context, Request, Route
from bot.core.formatting import Bold, Code, Link, Piece, ReplyBuilder, simple
from bot.core.messages import Attachment, Reply, Role
from bot.knowledge.model import Knowledge
from bot.matching.hybrid import MEANING
from bot.matching.index import Kind
from bot.matching.live import Snapshot
from bot.matching.meaning import default_semantic
from bot.matching.pledges import Candidate, Fit, fits
from bot.pledge_files import export_rows, write_csv
from bot.store.pledges import NewPledge, Pledge, Pledges
from handlers import ask

audit = logging.getLogger("bot.audit")

MAX_TEXT = 500        # characters of a pledge: a sentence or two, as on the meeting's paper lists
LISTED = 10           # pledges in one list reply
SHOWN_TEXT = 120      # characters of a pledge's text in a list

_WORD = {"need": {"nl": "vraag", "en": "need"}, "offer": {"nl": "aanbod", "en": "offer"}}
_T = {
    "nl": {
        "no_store": "Halen en brengen heeft de opslag van de bot nodig (start met --config).",
        "exported": "De open vragen en het aanbod ({}), voor Excel: ",
        "noted": "Genoteerd als ", "fits": "Dit past misschien bij:", "because": "Waarom: ",
        "meaning": "het gaat over hetzelfde, in andere woorden", "none": "Ik zie nog niets dat hierbij past.",
        "people": "Mensen met ervaring hiermee: ", "empty": "Wat wil je {}? Bijvoorbeeld: ",
        "example": {"need": "!haal hulp bij roosteren zonder vaste nachtrondes",
                    "offer": "!breng kom kijken hoe wij zelf roosteren"},
        "verb": {"need": "halen", "offer": "brengen"},
        "too_long": "Dat is te lang voor een {}: houd het bij {} tekens (nu {}).",
        "listed": {"need": "Open vragen (halen)", "offer": "Open aanbod (brengen)", None: "Open vragen en aanbod"},
        "listed_for": " over “{}”", "nothing": "Er staat niets open{}.", "more": "… en nog {}; zoek gericht met ",
        "mine": "Jouw open vragen en aanbod", "mine_none": "Je hebt niets open staan.",
        "unknown": "Die ken ik niet: ", "which": "Welke? Bijvoorbeeld: ", "closed": "{} is al {}.",
        "not_yours": "{} is niet van jou: alleen wie het plaatste of een coördinator kan dat.",
        "reason": "Een coördinator geeft een reden op: ", "withdrawn": "Ingetrokken: ", "done": "Afgerond: ",
        "why": " (reden: {})", "status": {"fulfilled": "afgerond", "withdrawn": "ingetrokken"},
        "by": "door ", "today": "vandaag", "yesterday": "gisteren", "days": "{} dagen geleden",
        "weeks": "{} weken geleden",
        "forget_ask": "Dit verwijdert je {} vragen en aanbod. Zeker? Typ dan ", "forget_word": "zeker", "me": "mij",
        "forgot": "Verwijderd: {} vragen en aanbod. Verder bewaar ik niets over jou.",
    },
    "en": {
        "no_store": "Needs and offers need the bot's store (start with --config).",
        "exported": "The open needs and offers ({}), for Excel: ",
        "noted": "Noted as ", "fits": "This may fit:", "because": "Why: ",
        "meaning": "about the same thing, in other words", "none": "I see nothing that fits this yet.",
        "people": "People with experience in this: ", "empty": "What would you like to {}? For example: ",
        "example": {"need": "!need help with rosters without fixed night rounds",
                    "offer": "!offer come and see how we make our own rosters"},
        "verb": {"need": "ask for", "offer": "offer"},
        "too_long": "That is too long for an {}: keep it to {} characters (now {}).",
        "listed": {"need": "Open needs", "offer": "Open offers", None: "Open needs and offers"},
        "listed_for": " about “{}”", "nothing": "Nothing is open{}.", "more": "… and {} more; narrow it down with ",
        "mine": "Your open needs and offers", "mine_none": "You have nothing open.",
        "unknown": "I don't know that one: ", "which": "Which one? For example: ", "closed": "{} is already {}.",
        "not_yours": "{} is not yours: only who posted it or a coordinator can do that.",
        "reason": "A coordinator gives a reason: ", "withdrawn": "Withdrawn: ", "done": "Done: ",
        "why": " (reason: {})", "status": {"fulfilled": "done", "withdrawn": "withdrawn"},
        "by": "by ", "today": "today", "yesterday": "yesterday", "days": "{} days ago", "weeks": "{} weeks ago",
        "forget_ask": "This deletes your {} needs and offers. Sure? Then type ", "forget_word": "sure", "me": "me",
        "forgot": "Deleted: {} needs and offers. I keep nothing else about you.",
    },
}
_ADD = {"haal": "need", "need": "need", "breng": "offer", "offer": "offer"}
_LIST = {"halen": "need", "needs": "need", "brengen": "offer", "offers": "offer", "pledges": None}
_SETTLE = {"intrekken": "withdrawn", "withdraw": "withdrawn", "afgerond": "fulfilled", "done": "fulfilled"}
_OTHER = {"need": "offer", "offer": "need"}


@dataclass(frozen=True)
class _Ask:
    """One pledge command: the request, where the pledges are, and the texts to answer in."""

    request: Request
    pledges: Pledges
    snapshot: Snapshot
    now: datetime

    @property
    def knowledge(self) -> Knowledge:
        return self.snapshot.knowledge

    @property
    def t(self) -> dict:
        return _T[self.request.lang]


async def handle(request: Request, context: Context) -> list[Reply]:
    if context.pledges is None:          # the console without a config: no store to keep them in
        return [simple(_T[request.lang]["no_store"])]
    command = _Ask(request, context.pledges, context.snapshot, context.clock())
    word = request.command
    if word in _ADD:
        return [await _add(command, _ADD[word])]
    if word in _LIST:
        return [await _list(command, _LIST[word])]
    if word in _SETTLE:
        return [await _settle(command, _SETTLE[word])]
    if word in ("mijn", "mine"):
        return [await _mine(command)]
    return [await _forget(command)]


async def _add(command: _Ask, kind: str) -> Reply:
    request, t = command.request, command.t
    text = request.args.strip()
    if not text:
        return simple(t["empty"].format(t["verb"][kind]), Code(t["example"][kind]))
    if len(text) > MAX_TEXT:
        return simple(t["too_long"].format(_WORD[kind][request.lang], MAX_TEXT, len(text)))
    sender = request.message.sender
    pledge, _ = await command.pledges.add(
        NewPledge(kind, text, sender, _organisation_of(sender, command.knowledge), request.message.room_id),
        event_id=request.message.event_id or None)
    others = await command.pledges.listed(kind=_OTHER[kind])
    candidates = tuple(Candidate.of(p) for p in others if p.by != sender)
    rivals = tuple(Candidate.of(p) for p in await command.pledges.listed(kind=kind))
    found = await asyncio.to_thread(fits, pledge.text, candidates, command.knowledge,    # off the loop, as ask
                                    rivals=rivals, semantic=default_semantic())
    reply = ReplyBuilder().para(t["noted"], Code(pledge.id), f" — {_cut(pledge.text)}")
    by_id = {p.id: p for p in others}
    if found:
        reply.para(Bold(t["fits"]))
        reply.items([[*_line(by_id[fit.id], command), [t["because"], _why(fit, request.lang)]] for fit in found])
        return reply.build(mentions=tuple(dict.fromkeys(by_id[f.id].by for f in found if by_id[f.id].by)))
    reply.para(t["none"])
    found_people = (await asyncio.to_thread(ask.lookup, text, command.snapshot.index, request.lang,
                                            near=False)).results
    people = [r for r in found_people if r.kind is Kind.CONTACT]
    if people:
        reply.para(t["people"], ", ".join(command.knowledge.contacts[r.id].name for r in people[:3]), " (",
                   Code(f"!{'vraag' if request.lang == 'nl' else 'ask'} …"), ")")
    return reply.build()


async def _list(command: _Ask, kind: str | None) -> Reply:
    t, term = command.t, command.request.args.strip()
    listed = await command.pledges.listed(kind=kind)
    if term:
        found = await asyncio.to_thread(fits, term, tuple(Candidate.of(p) for p in listed),
                                        command.knowledge, limit=len(listed))
        order = {fit.id: n for n, fit in enumerate(found)}
        listed = sorted((p for p in listed if p.id in order), key=lambda p: order[p.id])
    about = t["listed_for"].format(term[:80]) if term else ""
    if not listed:
        return simple(t["nothing"].format(about))
    reply = ReplyBuilder().para(Bold(t["listed"][kind] + about))
    reply.items([_line(p, command) for p in listed[:LISTED]])
    if len(listed) > LISTED:
        reply.para(t["more"].format(len(listed) - LISTED), Code(f"!{command.request.command} <woord>"))
    return reply.build()


async def _mine(command: _Ask) -> Reply:
    t = command.t
    mine = await command.pledges.listed(by=command.request.message.sender)
    if not mine:
        return simple(t["mine_none"])
    return ReplyBuilder().para(Bold(t["mine"])).items([_line(p, command) for p in mine[:LISTED]]).build()


async def _settle(command: _Ask, status: str) -> Reply:
    request, t = command.request, command.t
    short_id, _, reason = request.args.strip().partition(" ")
    if not short_id:
        return simple(t["which"], Code(f"!{request.command} b12"))
    pledge = await command.pledges.get(short_id)
    if pledge is None:
        return simple(t["unknown"], Code(short_id[:20]))
    if pledge.status != "open":
        return simple(t["closed"].format(pledge.id, t["status"][pledge.status]))
    own = pledge.by == request.message.sender
    if not own and request.role < Role.COORDINATOR:
        return simple(t["not_yours"].format(pledge.id))
    if not own and status == "withdrawn" and not reason.strip():
        return simple(t["reason"], Code(f"!{request.command} {pledge.id} …"))
    settled = await command.pledges.settle(pledge.id, status, reason.strip()[:MAX_TEXT] or None)
    if not own:
        audit.info("pledge settled for its author", extra={"actor": request.message.sender, "pledge": pledge.id,
                                                           "status": status, "author": pledge.by or ""})
    head = t["withdrawn"] if status == "withdrawn" else t["done"]
    why = t["why"].format(settled.reason) if settled.reason and not own else ""
    mentions = (pledge.by,) if pledge.by and not own else ()
    return ReplyBuilder().para(head, Code(pledge.id), f" — {_cut(pledge.text)}{why}").build(mentions=mentions)


async def _forget(command: _Ask) -> Reply:
    request, t = command.request, command.t
    sender = request.message.sender
    if request.args.split()[-1:] != [t["forget_word"]]:       # asked twice, so a slip deletes nothing
        count = len(await command.pledges.listed(by=sender, status=None))
        return simple(t["forget_ask"].format(count), Code(f"!{request.command} {t['me']} {t['forget_word']}"))
    forgotten = await command.pledges.forget(sender)
    audit.info("forget me", extra={"actor": sender, "pledges": forgotten})
    return simple(t["forgot"].format(forgotten))


def _line(pledge: Pledge, command: _Ask) -> list[list[Piece]]:
    t = command.t
    org = command.knowledge.organisations.get(pledge.organisation or "")
    who: list[Piece] = [t["by"], Link(pledge.by, f"https://matrix.to/#/{pledge.by}")] if pledge.by else []
    if org:
        who.append(f" ({org.name})" if who else org.name)
    return [[Code(pledge.id), f" {_WORD[pledge.kind][command.request.lang]} — {_cut(pledge.text)}"],
            [*who, (" · " if who else "") + _age(pledge.created, command.now, command.request.lang)]]


def _why(fit: Fit, lang: str) -> str:
    """Which words met, or that the two are close in meaning (a cosine says nothing to a member)."""
    if any(reason.field == MEANING for reason in fit.reasons):
        return _T[lang]["meaning"]
    return ", ".join(ask.word_met(reason, lang) for reason in fit.reasons[:3])


def _age(created: datetime, now: datetime, lang: str) -> str:
    t, days = _T[lang], (now - created).days
    if days < 1:
        return t["today"]
    if days < 2:
        return t["yesterday"]
    return t["days"].format(days) if days < 14 else t["weeks"].format(days // 7)


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT - 1].rstrip() + "…"


def _organisation_of(user_id: str, knowledge: Knowledge) -> str | None:
    """The organisation of the contact with this Matrix id, if the knowledge knows them."""
    return next((c.organisation for c in knowledge.contacts.values() if c.matrix_id == user_id), None)


async def export(request: Request, context: Context) -> list[Reply]:
    """!export (coordinators): the open list as the CSV of `pledges export`, uploaded to the room."""
    t = _T[request.lang]
    if context.pledges is None:
        return [simple(t["no_store"])]
    listed = sorted(await context.pledges.listed(), key=lambda p: p.number)
    data = io.BytesIO()
    write_csv(export_rows(listed), data)
    name = f"halen-brengen-{context.clock():%Y-%m-%d}.csv"
    audit.info("pledges exported", extra={"actor": request.message.sender, "room_id": request.message.room_id,
                                          "pledges": len(listed)})
    reply = simple(t["exported"].format(len(listed)), Code(name))
    return [replace(reply, attachment=Attachment(name, "text/csv", data.getvalue()))]


EXPORT = Route(
    name="export",
    handler=export,
    commands={"export": ""},
    min_role=Role.COORDINATOR,
    summary={"nl": "!export — de open vragen en het aanbod als CSV-bestand, voor Excel (coördinatoren)",
             "en": "!export — the open needs and offers as a CSV file, for Excel (coordinators)"},
)


ROUTE = Route(
    name="pledges",
    handler=handle,
    commands={"haal": "nl", "need": "en", "breng": "nl", "offer": "en", "halen": "nl", "brengen": "nl",
              "needs": "en", "offers": "en", "pledges": "en", "mijn": "nl", "mine": "en", "intrekken": "nl",
              "withdraw": "en", "afgerond": "nl", "done": "en", "vergeet": "nl", "forget": "en"},
    min_role=Role.MEMBER,
    summary={"nl": "!haal <vraag> / !breng <aanbod> — zet een vraag of aanbod op de lijst (halen en brengen); "
                   "!halen, !brengen [woord] — wat open staat; !mijn; !afgerond <id>; !intrekken <id>; !vergeet mij",
             "en": "!need <need> / !offer <offer> — put a need or an offer on the list; "
                   "!needs, !offers, !pledges [word] — what is open; !mine; !done <id>; !withdraw <id>; !forget me"},
)
