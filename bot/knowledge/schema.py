"""JSON Schemas of the knowledge files, for editors (the YAML language server).

They let an editor complete fields and flag mistakes while an admin types; the validator
(bot.knowledge.loader) stays the authority. They are built from the loader's own tables, so a
change to the format changes them too: `python -m bot schema` writes them to docs/schema, and
tests/test_schemas.py fails while the written ones lag behind. Draft-07, the newest draft the YAML
language server supports.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from functools import partial
from pathlib import Path
from typing import Any, Callable

from bot.knowledge.fields import (
    EMAIL_RE,
    ID_RE,
    MATRIX_USER_RE,
    durations,
    email,
    ident,
    idents,
    moment,
    one_of,
    text,
    texts,
    url,
    user_id,
    year,
    yes_no,
)
from bot.knowledge.leads import LEAD_RE
from bot.knowledge.loader import _CONTACT_DETAILS, _FILES, _KINDS, _SYNONYMS, _Field

Schema = dict[str, Any]

DRAFT = "http://json-schema.org/draft-07/schema#"
# Patterns the converters check in code rather than by a named regex: the url() check, and what
# moment() reads in practice (a date, or a date-time with UTC offset; seconds and fraction optional).
URL_PATTERN = r"^https?://\S+$"
MOMENT_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}){1,2}(\.\d+)? ?(Z|[+-]\d{2}(:?\d{2})?))?$"
MOMENT_EXAMPLE = "2026-11-12T10:00:00+01:00"


def _string(pattern: str, mistake: str) -> Schema:
    """A string matching `pattern`; the editor shows `mistake` (in the validator's words) when it does not."""
    return {"type": "string", "pattern": pattern, "patternErrorMessage": mistake}


def _list(item: Schema) -> Schema:
    return {"type": "array", "items": item}


_TEXT = _string(r"\S", "must not be empty")
_ID = _string(ID_RE.pattern, "not a valid id: lowercase letters, digits and '-', e.g. 'topaz-addendum'")
_LEAD = _string(LEAD_RE.pattern, "not a lead time; use a number and w, d, h or m, e.g. 7d or 2h")

# converter -> the JSON values it accepts, as the language server sees them (a YAML date is a string)
_CONVERTERS: dict[Callable[..., Any], Schema] = {
    ident: _ID,
    text: _TEXT,
    texts: _list(_TEXT),
    idents: _list(_ID),
    year: {"type": "integer", "minimum": 1900, "maximum": 2100, "description": "A year like 2019."},
    url: {**_string(URL_PATTERN, "not a web address (http:// or https://)"),
          "description": "A web address starting with http:// or https://."},
    moment: {**_string(MOMENT_PATTERN, f"not a date or an ISO 8601 time with UTC offset like {MOMENT_EXAMPLE}"),
             "description": f"ISO 8601 time with UTC offset, like {MOMENT_EXAMPLE} (+01:00 winter time, "
                            "+02:00 summer time), or a date alone (2026-11-12) for an all-day event."},
    durations: {**_list(_LEAD), "description": "Lead times: a whole number and w, d, h or m, like [7d, 1d, 2h]."},
    yes_no: {"type": "boolean"},
    user_id: _string(MATRIX_USER_RE.pattern, "not a Matrix user id like @eva:example.org"),
    email: _string(EMAIL_RE.pattern, "not an e-mail address"),
}
_ONE_OF = one_of().__code__      # every one_of(...) check shares this code; its `allowed` differs

# Hover texts, by field or by kind.field (which wins); fields without one get their reference's or type's.
_ABOUT = {
    "id": "Unique among the {kind}: lowercase letters, digits and '-', like topaz-addendum.",
    "aliases": "Other names or words for it, Dutch or English.",
    "organisations.kind": "What kind of organisation it is.",
    "contacts.role": "The person's role, as an answer shows it.",
    "contacts.matrix_id": 'Matrix user id like "@eva:example.org"; quote it (a plain value cannot start with @).',
    "contacts.email": "E-mail address.",
    "contacts.expertise": "What the person knows about: free terms, Dutch or English.",
    "contacts.share": "How far the details may be shown: network (the default: contact details to network "
                      "members only), public (to anyone) or private (name and organisation only).",
    "examples.summary": "Plain Dutch text, a few sentences to a paragraph (a folded block: summary: >).",
    "examples.keywords": "Terms a question may use to find this example.",
    "examples.contacts": "Contact ids from contacts.yaml: the people to ask about this example.",
    "examples.year": "The year the example played or was described, like 2019.",
    "teams.room": 'The team\'s Matrix room: an alias ("#kernteam:example.org") or a room id; quote it.',
    "events.end": f"Like start ({MOMENT_EXAMPLE}, or a date alone); not before start.",
    "events.teams": "Team ids from teams.yaml, or [all]: the rooms the event is announced in.",
    "events.announce": "Lead times before start, like [7d, 1d, 2h]: w and d are calendar days at the same "
                       "clock time, h and m elapsed time. Without it, the config's events.announce.",
    "events.cancelled": "true when the event is called off: it is announced as cancelled to the rooms "
                        "that had heard of it.",
}
_SYNONYM_GROUP = {**_list(_TEXT), "minItems": 2}    # the loader's "a synonym group needs at least two terms"


def _value(convert: Callable[..., Any]) -> Schema:
    """The schema of what `convert` accepts; an unknown converter is an error, never a silent `{}`."""
    check = convert.func if isinstance(convert, partial) else convert
    if getattr(check, "__code__", None) is _ONE_OF:
        allowed = inspect.getclosurevars(check).nonlocals["allowed"]
        return {"enum": list(allowed), "description": f"One of: {', '.join(allowed)}."}
    try:
        return dict(_CONVERTERS[check])
    except KeyError:
        raise ValueError(f"no JSON Schema for the converter {check!r}: add it to bot/knowledge/schema.py") from None


def _field(kind: str, key: str, spec: _Field, default: Any) -> Schema:
    schema = _value(_CONTACT_DETAILS[key]) if kind == "contacts" and key in _CONTACT_DETAILS else _value(spec.convert)
    about = _ABOUT.get(f"{kind}.{key}") or _ABOUT.get(key)
    if about is None and spec.ref:
        listed = schema.get("type") == "array"
        what = f"{spec.ref[:-1].capitalize()} ids" if listed else f"The {spec.ref[:-1]} id"
        about = f"{what} from {_KINDS[spec.ref].file}."
    if about:
        schema["description"] = about.format(kind=kind)
    if default not in (None, (), dataclasses.MISSING):
        schema["default"] = list(default) if isinstance(default, tuple) else default
    return schema


def _entry(kind: str) -> Schema:
    """One entry of `kind`: its fields, the required ones, and no others (the validator refuses unknown fields)."""
    table = _KINDS[kind]
    defaults = {f.name: f.default for f in dataclasses.fields(table.model)}
    return {
        "type": "object",
        "properties": {key: _field(kind, key, spec, defaults.get(key)) for key, spec in table.fields.items()},
        "required": [key for key, spec in table.fields.items() if spec.required],
        "additionalProperties": False,
    }


def _top_level(key: str) -> Schema:
    if key == _SYNONYMS:
        return {**_list(_SYNONYM_GROUP), "description": "Groups of terms that mean the same for matching, "
                                                        "like [zorgkantoor, zorgkantoren, care office]."}
    return {**_list(_entry(key)), "description": f"The {key}, one entry (a mapping of fields) each."}


def schemas() -> dict[str, Schema]:
    """One schema per knowledge file, by the file's name; a file holds only its own top-level keys."""
    return {filename: {
        "$schema": DRAFT,
        "$comment": "Generated by `python -m bot schema` from bot/knowledge/loader.py; do not edit. "
                    "`python -m bot validate` stays the authority.",
        "title": f"Verbinder knowledge: {filename}",
        "type": "object",
        "properties": {key: _top_level(key) for key in keys},
        "additionalProperties": False,
    } for filename, keys in _FILES.items()}


def schema_name(filename: str) -> str:
    """organisations.yaml -> organisations.schema.json."""
    return re.sub(r"\.ya?ml$", ".schema.json", filename)


def render(schema: Schema) -> str:
    """The file's text: stable, so a regenerated file differs only where the format did."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every knowledge file's schema into `directory`; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, schema in schemas().items():
        path = directory / schema_name(filename)
        path.write_text(render(schema), encoding="utf-8", newline="\n")
        written.append(path)
    return written
