"""The editors' JSON Schemas: written as the loader's tables say, accepting the sample knowledge,
and refusing the mistakes the validator refuses (which stays the authority)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.knowledge.loader import _KINDS, validate_knowledge
from bot.knowledge.schema import _ABOUT, render, schema_name, schemas
from tests.conftest import ROOT, SAMPLE

SCHEMA_DIR = ROOT / "docs" / "schema"
REGENERATE = "docs/schema lags behind the knowledge format: run `python -m bot schema` and commit the result"


def as_the_editor_sees(value: Any) -> Any:
    """`value` with the dates PyYAML makes into ISO strings: to the YAML language server (YAML 1.2) a date is text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_the_editor_sees(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_the_editor_sees(item) for item in value]
    return value


def schema_errors(filename: str, text: str) -> list[jsonschema.ValidationError]:
    validator = jsonschema.Draft7Validator(schemas()[filename])
    return list(validator.iter_errors(as_the_editor_sees(yaml.safe_load(text))))


def test_the_written_schemas_are_the_generated_ones():
    built = {schema_name(filename): render(schema) for filename, schema in schemas().items()}
    written = {path.name: path.read_text(encoding="utf-8") for path in SCHEMA_DIR.glob("*.json")}
    assert written == built, REGENERATE


def test_every_schema_is_a_valid_draft_07_schema():
    for schema in schemas().values():
        jsonschema.Draft7Validator.check_schema(schema)


def test_every_hover_text_names_a_field():
    fields = {name for kind, table in _KINDS.items() for key in table.fields for name in (key, f"{kind}.{key}")}
    assert set(_ABOUT) <= fields


def test_each_knowledge_file_names_its_schema_on_the_first_line():
    for path in sorted(SAMPLE.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../docs/schema/{schema_name(path.name)}"
        assert (SCHEMA_DIR / schema_name(path.name)).is_file()


@pytest.mark.parametrize("filename", list(schemas()))
def test_the_schema_accepts_the_sample_knowledge(filename: str):
    errors = schema_errors(filename, (SAMPLE / filename).read_text(encoding="utf-8"))
    assert [f"{e.json_path}: {e.message}" for e in errors] == []


ORGANISATIONS = "organisations:\n  - id: topaz\n    name: Topaz\n    kind: zorgaanbieder\n"
MISTAKES = {   # name: (file, text with one mistake, what the validator says, the schema keyword that refuses it)
    "unknown field": ("organisations.yaml", ORGANISATIONS + "    regoin: Leiden\n",
                      "unknown field 'regoin' in organisation", "additionalProperties"),
    "missing required field": ("organisations.yaml", "organisations:\n  - id: topaz\n    name: Topaz\n",
                               "organisation is missing required field 'kind'", "required"),
    "bad id": ("organisations.yaml", ORGANISATIONS.replace("id: topaz", "id: Topaz Two"),
               "'Topaz Two' is not a valid id", "pattern"),
    "bad share": ("contacts.yaml", "contacts:\n  - id: eva\n    name: Eva\n    organisation: topaz\n    share: everyone\n",
                  "'everyone' is not one of: public, network, private", "enum"),
    "bad year": ("examples.yaml", "examples:\n  - id: x\n    title: X\n    organisation: topaz\n    summary: Iets.\n"
                                  "    year: 1850\n", "expected a year like 2019", "minimum"),
    "bad lead time": ("events.yaml", "events:\n  - id: dag\n    title: Dag\n    start: 2027-01-10\n"
                                     "    announce: [7 days]\n", "'7 days' is not a lead time", "pattern"),
    "time without offset": ("events.yaml", "events:\n  - id: dag\n    title: Dag\n    start: 2027-01-10T10:00:00\n",
                            "has no UTC offset", "pattern"),
    "bad matrix id": ("contacts.yaml", "contacts:\n  - id: eva\n    name: Eva\n    organisation: topaz\n"
                                       "    matrix_id: eva@example.org\n", "is not a Matrix user id", "pattern"),
    "synonym group of one": ("vocabulary.yaml", "synonyms:\n  - [zorgkantoor]\n",
                             "a synonym group needs at least two terms", "minItems"),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_mistake_the_validator_refuses_the_schema_refuses(tmp_path: Path, mistake: str):
    filename, text, validator_says, keyword = MISTAKES[mistake]
    (tmp_path / "organisations.yaml").write_text(ORGANISATIONS, encoding="utf-8")    # what contacts and examples refer to
    (tmp_path / filename).write_text(text, encoding="utf-8")
    knowledge, problems = validate_knowledge(tmp_path)
    assert knowledge is None and len(problems) == 1 and validator_says in str(problems[0]), problems
    assert [e.validator for e in schema_errors(filename, text)] == [keyword]

