"""`python -m bot` / `verbinder`: validate, ask, console, run, announce, events, pledges, schema."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, Iterator, NamedTuple, TextIO, TypeVar

from bot import app
from bot.config import Config, ConfigError, load_config
from bot.core.messages import Message, Role
from bot.core.roles import fixed_role, role_from_config
from bot.core.text import MAX_RAW
from bot.knowledge.loader import KnowledgeError, validate_knowledge
from bot.knowledge.schema import write_schemas
from bot.matching.live import LiveKnowledge
from bot.pledge_files import PledgeFileError, export_rows, read_pledges, write_csv, write_json_lines
from bot.store.database import Database, StoreError
from bot.store.pledges import STATUSES, Pledges

DEFAULT_KNOWLEDGE = Path("knowledge")
JSON_LIMIT = 5      # results of `ask --json` unless --limit says otherwise (docs/knowledge-format.md)
DEFAULT_SCHEMAS = Path("docs/schema")


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 8601 time like 2026-11-05T09:30:00+01:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} has no UTC offset; write it like 2026-11-05T09:30:00+01:00")
    return moment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="verbinder", description="Verbinder, the network's Matrix bot.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check the knowledge directory; print FILE:LINE: message per problem")
    p.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE, metavar="DIR")

    p = sub.add_parser("ask", help="answer a question as the bot would in chat, without any network")
    p.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE, metavar="DIR")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (one object a line with '-')")
    p.add_argument("--limit", type=_positive, metavar="N",
                   help="at most N results (default 5); as text, at most N of each kind (default: as in chat)")
    p.add_argument("question", help="the question, or - to read one question a line from standard input")

    p = sub.add_parser("console", help="chat with the bot in this terminal (reads piped lines too)")
    p.add_argument("--config", type=Path, metavar="FILE")
    p.add_argument("--knowledge", type=Path, metavar="DIR")
    p.add_argument("--as", dest="user", default="@jij:example.org", metavar="@user:server")

    p = sub.add_parser("run", help="run the bot on Matrix")
    p.add_argument("--config", type=Path, required=True, metavar="FILE")

    p = sub.add_parser("announce", help="what announcements are due at a moment (a dry run: nothing is sent)")
    p.add_argument("--now", type=_moment, required=True, metavar="ISO-TIME", help="e.g. 2026-11-05T09:30:00+01:00")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--config", type=Path, metavar="FILE", help="the bot's config (its store, rooms, lead times)")
    where.add_argument("--store", type=Path, metavar="PATH", help="the bot's store: what was already sent")
    p.add_argument("--knowledge", type=Path, metavar="DIR")
    p.add_argument("--dry-run", action="store_true", required=True, help="print, send nothing (required)")
    p.add_argument("--json", action="store_true", help="one JSON object a line")

    p = sub.add_parser("events", help="the knowledge's events")
    events = p.add_subparsers(dest="events_command", required=True, metavar="WHAT")
    q = events.add_parser("ics", help="write the events as an iCalendar file (RFC 5545) to standard output")
    q.add_argument("--knowledge", type=Path, default=DEFAULT_KNOWLEDGE, metavar="DIR")

    p = sub.add_parser("pledges", help="the needs and offers (halen en brengen) in the store")
    pledges = p.add_subparsers(dest="pledges_command", required=True, metavar="WHAT")
    q = pledges.add_parser("import", help="add the pledges of a YAML or CSV file (again: adds nothing)")
    q.add_argument("file", type=Path, metavar="FILE", help="a .yaml/.yml file or a .csv file")
    _store_options(q)
    q = pledges.add_parser("export", help="write the pledges to standard output as CSV or JSON Lines")
    _store_options(q)
    q.add_argument("--format", choices=("csv", "json"), required=True)
    q.add_argument("--status", choices=(*STATUSES, "all"), default="open", help="which pledges (default open)")
    q = pledges.add_parser("match", help="for every open pledge, the open pledges of the other kind that fit it")
    _store_options(q)
    q.add_argument("--knowledge", type=Path, metavar="DIR", help="its vocabulary (default: the config's)")
    q.add_argument("--json", action="store_true", help="one JSON object a line")
    q.add_argument("--limit", type=_positive, default=3, metavar="N", help="at most N matches a pledge (default 3)")

    p = sub.add_parser("schema", help="write the knowledge files' JSON Schemas, for editors (after a format change)")
    p.add_argument("--out", type=Path, default=DEFAULT_SCHEMAS, metavar="DIR", help="default docs/schema")

    p = sub.add_parser("demo", help="local Synapse + the bot + a chat prompt as a Matrix user (make demo)")
    p.add_argument("--state", type=Path, default=Path(".demo"), metavar="DIR", help="kept between runs (default .demo)")
    return parser


def _store_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--config", type=Path, metavar="FILE", help="the bot's config (its store)")
    where.add_argument("--store", type=Path, metavar="PATH", help="the bot's store")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args.knowledge)
    if args.command == "ask":
        return _ask(args)
    if args.command == "console":
        return _console(args)
    if args.command == "events":
        return _events_ics(args.knowledge)
    if args.command == "announce":
        return _announce_dry_run(args)
    if args.command == "pledges":
        return _pledges(args)
    if args.command == "schema":
        return _schema(args.out)
    if args.command == "demo":
        from bot.dev.demo import main as demo
        return demo(args.state)
    return app.run(args.config)


def _validate(directory: Path) -> int:
    knowledge, problems = validate_knowledge(directory)
    if knowledge is None:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{n} {kind}" for kind, n in knowledge.counts().items())
    print(f"{directory}: valid — {counts}")
    return 0


def _schema(directory: Path) -> int:
    for path in write_schemas(directory):
        print(path)
    return 0


def _events_ics(directory: Path) -> int:
    from bot.scheduler.ics import calendar

    state = _load(directory)
    if state is None:
        return 2
    sys.stdout.buffer.write(calendar(state.current.knowledge.events.values()))
    return 0


class _Setup(NamedTuple):
    config: Config
    knowledge: LiveKnowledge


def _config(args: argparse.Namespace) -> Config | None:
    """The --config's settings (defaults without one); None after printing what is wrong."""
    if not args.config:
        return Config()
    try:
        return load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return None


def _setup(args: argparse.Namespace) -> _Setup | None:
    """The optional --config (defaults without one) and the knowledge it, or --knowledge, names;
    None after printing what is wrong."""
    if (config := _config(args)) is None:
        return None
    state = _load(args.knowledge or (config.knowledge if args.config else DEFAULT_KNOWLEDGE))
    return _Setup(config, state) if state else None


def _announce_dry_run(args: argparse.Namespace) -> int:
    if (setup := _setup(args)) is None:
        return 2
    config, state = setup
    store = args.store or (config.store if args.config else None)
    try:
        due = asyncio.run(app.due_announcements(config, state, store, args.now))
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    for item in due:
        print(json.dumps(item.as_json(), ensure_ascii=False) if args.json
              else f"{item.at.isoformat()}  {item.room}  {item.event}  {item.lead}")
    return 0


def _pledges(args: argparse.Namespace) -> int:
    """`pledges import|export|match`: 2 for bad arguments, config, knowledge or store; 1 for a file that
    cannot be imported."""
    if args.pledges_command == "match":
        return _match_pledges(args)
    if (config := _config(args)) is None or (store := _store_of(args, config)) is None:
        return 2
    if args.pledges_command == "import":
        return _import_pledges(args.file, store)
    return _export_pledges(store, args.format, None if args.status == "all" else args.status)


def _store_of(args: argparse.Namespace, config: Config) -> Path | None:
    """--store, else the --config's store; None after saying that one is needed."""
    store = args.store or (config.store if args.config else None)
    if store is None:
        print("give --store or --config", file=sys.stderr)
    return store


def _import_pledges(file: Path, store: Path) -> int:
    try:
        new = read_pledges(file)
    except PledgeFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if (added := _on_store(_on_pledges(store, lambda pledges: pledges.import_all(new)))) is None:
        return 2
    print(f"imported {len(added)} pledge(s), {len(new) - len(added)} already there")
    return 0


def _export_pledges(store: Path, form: str, status: str | None) -> int:
    """Oldest first, as the list grew; a store not there yet holds no pledges, and looking does not create it."""
    listed = _on_store(_on_pledges(store, lambda pledges: pledges.listed(status=status))) if store.exists() else []
    if listed is None:
        return 2
    (write_csv if form == "csv" else write_json_lines)(export_rows(reversed(listed)), sys.stdout.buffer)
    return 0


def _match_pledges(args: argparse.Namespace) -> int:
    if (setup := _setup(args)) is None or (store := _store_of(args, setup.config)) is None:
        return 2
    if (matches := _on_store(app.pledge_matches(setup.knowledge, store, args.limit))) is None:
        return 2
    for pledge in matches:
        if args.json:
            print(json.dumps(pledge, ensure_ascii=False))
            continue
        print(f"{_label(pledge)}  {pledge['kind']}  {pledge['text']}")
        for match in pledge["matches"]:
            print(f"    → {_label(match)}  score {match['score']:.0f}: {'; '.join(match['why'])}")
    return 0


def _label(pledge: dict) -> str:
    """The short id, and the id it had in an imported file."""
    return f"{pledge['id']} ({pledge['ref']})" if pledge.get("ref") else pledge["id"]


_T = TypeVar("_T")


def _on_store(work: Coroutine[Any, Any, _T]) -> _T | None:
    """What `work` gives; None after printing the StoreError's one line (it says which file and what to do)."""
    try:
        return asyncio.run(work)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return None


async def _on_pledges(store: Path, use: Callable[[Pledges], Awaitable[_T]]) -> _T:
    """What `use` does with the store's pledges; the store is closed after (its thread would keep the process alive)."""
    database = await Database.open(store)
    try:
        return await use(Pledges(database.connection))
    finally:
        await database.close()


def _load(directory: Path) -> LiveKnowledge | None:
    try:
        return LiveKnowledge.load(directory)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None


def _ask(args: argparse.Namespace) -> int:
    state = _load(args.knowledge)
    if state is None:
        return 2
    # from standard input a blank line is skipped; one blank question given is answered, as chat answers one
    questions = ((line.strip() for line in _bounded_lines(sys.stdin) if line.strip()) if args.question == "-"
                 else iter([args.question.strip()]))
    dispatcher = app.dispatcher(Config(), state, fixed_role(Role.MEMBER), shown=args.limit)
    app.prepare_meaning(state.current, wait=True)
    for text in questions:
        if args.json:
            print(json.dumps(app.ask_json(state, text, args.limit or JSON_LIMIT), ensure_ascii=False))
        else:
            message = Message(sender="@cli:localhost", room_id="!cli", text=text, addressed=True)
            for reply in asyncio.run(dispatcher.dispatch(message)):
                print(reply.text + "\n")
        sys.stdout.flush()
    return 0


def _bounded_lines(stream: TextIO) -> Iterator[str]:
    """Lines of at most MAX_RAW characters; the rest of a longer line is skipped, not kept."""
    while line := stream.readline(MAX_RAW):
        if not line.endswith("\n"):
            while (rest := stream.readline(MAX_RAW)) and not rest.endswith("\n"):
                pass
        yield line


def _console(args: argparse.Namespace) -> int:
    from bot.transport.console import chat

    if (setup := _setup(args)) is None:
        return 2
    config, state = setup
    role = role_from_config(config, args.user) if args.config else Role.MEMBER
    dispatcher = app.dispatcher(config, state, fixed_role(role))
    try:
        asyncio.run(chat(dispatcher, args.user))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
