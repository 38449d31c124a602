"""The bot's config file: loaded, checked, and reported as FILE:LINE on mistakes.

Secrets are never stored in the Config's repr and are best given through an
environment variable named in the file (`password_env`), so the file itself can
be shared.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from bot.knowledge.fields import (
    Invalid,
    cut,
    did_you_mean,
    durations,
    homeserver,
    kind_of,
    lead,
    log_level,
    one_of,
    shown,
    text,
    texts,
    user_id,
    user_ids,
    yes_no,
)
from bot.knowledge.leads import Lead
from bot.knowledge.yaml_lines import LinedDict, Problem, ProblemsError, YamlError, load_yaml


#: Whose devices the bot shares an encrypted room's keys with. "members": a device of a network member is
#: trusted the first time the bot sees it, and everyone else's devices get nothing (their owners read the
#: bot's answers in unencrypted rooms only); "all": every device in the room, verified or not.
TRUST_LEVELS = ("members", "all")


class ConfigError(ProblemsError):
    """The config file is invalid."""


@dataclass(frozen=True)
class Config:
    homeserver: str = ""
    user_id: str = ""
    password: str = field(default="", repr=False)
    device_name: str = "Verbinder"
    encryption: bool = True                  # read and answer in end-to-end encrypted rooms and DMs
    encryption_trust: str = "members"        # whose devices get the room keys: "members" (trusted on first use) or "all"
    store: Path = Path("verbinder.sqlite3")
    knowledge: Path = Path("knowledge")
    admins: tuple[str, ...] = ()
    coordinators: tuple[str, ...] = ()
    allowed_servers: tuple[str, ...] = ()
    network_rooms: tuple[str, ...] = ()
    ignored_users: tuple[str, ...] = ()
    admin_room: str = ""                     # where reloads and their problems are reported ("" = nowhere)
    announce: tuple[Lead, ...] = (Lead(7, "d"), Lead(1, "d"))
    english_rooms: tuple[str, ...] = ()      # rooms (ids or aliases) whose announcements are in English
    ask_open_after: Lead = Lead(8, "w")      # an open pledge this old: its author is asked whether it still stands
    keep_unanswered: timedelta = timedelta(weeks=26)   # unanswered questions (knowledge gaps) are kept this long
    gaps_digest: bool = False                # on the first of each month, last month's gaps to the admin room
    log_level: str = "INFO"


def _env_secret(value: Any) -> str:
    name = text(value)
    secret = os.environ.get(name, "")
    if not secret:
        raise Invalid(f"environment variable {cut(name)} is not set (it should hold the bot's password)")
    return secret


# section -> key -> (Config attribute, converter); "" is the top level
_SCHEMA: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "": {
        "homeserver": ("homeserver", homeserver),
        "user_id": ("user_id", user_id),
        "password": ("password", text),
        "password_env": ("password", _env_secret),
        "device_name": ("device_name", text),
        "encryption": ("encryption", yes_no),
        "encryption_trust": ("encryption_trust", one_of(*TRUST_LEVELS)),
        "store": ("store", lambda v: Path(text(v))),
        "log_level": ("log_level", log_level),
    },
    "knowledge": {"path": ("knowledge", lambda v: Path(text(v)))},
    "network": {
        "admins": ("admins", user_ids),
        "coordinators": ("coordinators", user_ids),
        "allowed_servers": ("allowed_servers", texts),
        "rooms": ("network_rooms", texts),
        "ignored_users": ("ignored_users", user_ids),
        "admin_room": ("admin_room", text),
    },
    "events": {"announce": ("announce", durations), "english_rooms": ("english_rooms", texts)},
    "pledges": {"ask_open_after": ("ask_open_after", lead)},
    "gaps": {"keep": ("keep_unanswered", lambda value: lead(value).length), "digest": ("gaps_digest", yes_no)},
}
_REQUIRED_FOR_MATRIX = ("homeserver", "user_id", "password")


def load_config(path: Path, *, for_matrix: bool = False) -> Config:
    """Read and check the config; relative paths are taken from the file's folder."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise ConfigError([Problem(str(path), 0, "config file not found (copy config.example.yaml to start)")])
    try:
        data = load_yaml(path, name)
    except YamlError as exc:
        raise ConfigError([exc.problem]) from None
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    if data is None:
        data = LinedDict()
        data.line, data.lines = 1, {}
    if not isinstance(data, LinedDict):
        raise ConfigError([Problem(name, getattr(data, "line", 1), "expected a mapping of settings at the top")])
    sections = [("", data)]
    for key in list(data):
        if key in _SCHEMA and key:
            section = data[key]
            if section is None:
                continue
            if not isinstance(section, LinedDict):
                problems.append(Problem(name, data.line_of(key), f"{key!r} must be a mapping of settings, got {kind_of(section)}"))
                continue
            sections.append((key, section))
    for section_name, section in sections:
        schema = _SCHEMA[section_name]
        for key, raw in section.items():
            label = f"{section_name}.{key}" if section_name else key
            if section_name == "" and key in _SCHEMA:
                continue
            if key not in schema:
                options = list(schema) + ([] if section_name else [s for s in _SCHEMA if s])
                problems.append(Problem(name, section.line_of(key), f"unknown setting {shown(label)}{did_you_mean(key, options)}"))
                continue
            attribute, convert = schema[key]
            try:
                values[attribute] = convert(raw)
            except Invalid as exc:
                problems.append(Problem(name, section.line_of(key), f"{label}: {exc}"))
    if for_matrix:
        for attribute in _REQUIRED_FOR_MATRIX:
            if attribute not in values and not any(p.message.startswith(attribute) for p in problems):
                hint = "password_env (or password)" if attribute == "password" else attribute
                problems.append(Problem(name, data.line, f"missing setting {hint!r}: the bot needs it to log in"))
    if problems:
        raise ConfigError(problems)
    for attribute in ("store", "knowledge"):
        if attribute in values and not values[attribute].is_absolute():
            values[attribute] = path.parent / values[attribute]
    return Config(**values)
