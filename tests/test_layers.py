"""The house's one-way arrows, read from the code itself (ARCHITECTURE.md).

Every module's imports are read with `ast` (imports under `if TYPE_CHECKING:`
only name types and are left out); each rule says which layers may import
what. A planted violation shows each rule can fail.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Rule:
    """Modules under `where` (but not under `unless`) must not import anything under `banned`."""

    why: str
    where: tuple[str, ...]
    banned: tuple[str, ...]
    unless: tuple[str, ...] = ()

    def broken_by(self, module: str, imported: str) -> bool:
        return (_under(module, self.where) and not _under(module, self.unless)
                and _under(imported, self.banned))


RULES = [
    Rule("only the Matrix transport and the dev tools speak matrix-nio",
         where=("bot", "handlers"), banned=("nio",), unless=("bot.transport.matrix", "bot.dev")),
    Rule("handlers never see the transport, nio or the database",
         where=("handlers",), banned=("bot.transport", "bot.dev", "bot.app", "nio", "aiosqlite", "aiohttp")),
    Rule("knowledge and matching touch no store, transport, handler or network",
         where=("bot.knowledge", "bot.matching"),
         banned=("bot.store", "bot.transport", "bot.dev", "bot.app", "handlers", "nio", "aiosqlite", "aiohttp",
                 "socket", "urllib", "http")),
    Rule("knowledge does not depend on matching", where=("bot.knowledge",), banned=("bot.matching",)),
    Rule("core is shared by all and loads no engine, store or transport",
         where=("bot.core",), banned=("bot.matching", "bot.knowledge", "bot.store", "bot.transport", "bot.dev",
                                      "bot.app", "handlers", "nio", "aiosqlite")),
    Rule("only the store opens the database", where=("bot", "handlers"), banned=("aiosqlite",),
         unless=("bot.store",)),
    Rule("only the composition root names the handlers", where=("bot",), banned=("handlers",),
         unless=("bot.app",)),
    Rule("only the CLI reaches the dev tools", where=("bot",), banned=("bot.dev",),
         unless=("bot.dev", "bot.__main__")),
]


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str) -> set[str]:
    """Absolute names a module imports at run time (relative imports resolved)."""
    tree = ast.parse(source)
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                   for node in ast.walk(block)}
    found: set[str] = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def violations(modules: dict[str, str]) -> list[str]:
    return sorted({f"{module} imports {imported}: {rule.why}"
                   for module, source in modules.items() for imported in imports_of(source, module)
                   for rule in RULES if rule.broken_by(module, imported)})


def project_modules() -> dict[str, str]:
    paths = [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("handlers").rglob("*.py")]
    return {_module_name(path): path.read_text(encoding="utf-8") for path in paths}


def test_the_code_keeps_every_rule():
    assert violations(project_modules()) == []


def test_exactly_one_bot_module_names_the_handlers():
    modules = project_modules()
    naming = [m for m, source in modules.items() if m.startswith("bot")
              and any(_under(i, ("handlers",)) for i in imports_of(source, m))]
    assert naming == ["bot.app"]


@pytest.mark.parametrize("module, source", [
    ("handlers.ask", "from nio import AsyncClient"),
    ("handlers.ask", "import aiosqlite"),
    ("bot.matching.index", "from bot.store.sync_state import SyncState"),
    ("bot.knowledge.loader", "from bot.matching import index"),
    ("bot.core.dispatch", "from bot.matching.live import LiveKnowledge"),
    ("bot.config", "import handlers"),
    ("bot.transport.console", "from bot.dev.demo import main"),
    ("bot.matching.live", "from ..transport.matrix import bot"),
])
def test_a_planted_violation_is_caught(module: str, source: str):
    assert violations({module: source})


def test_imports_that_only_name_types_are_allowed():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.matching.live import LiveKnowledge\n"
    assert violations({"bot.core.dispatch": source}) == []
