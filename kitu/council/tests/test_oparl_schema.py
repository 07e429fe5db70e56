"""Every object the OParl endpoints emit, of every type, embedded objects included, is valid against
the OParl 1.1 schema (vendored in oparl_schema/, see its README) and carries no property the schema
does not name (vendor extensions aside, which the spec allows with a prefix)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

from .oparl_client import API, SCHEMA, W, get, walk_all

SCHEMA_DIR = Path(__file__).parent / "oparl_schema"
TYPES = [
    "AgendaItem",
    "Body",
    "Consultation",
    "File",
    "LegislativeTerm",
    "Location",
    "Meeting",
    "Membership",
    "Organization",
    "Paper",
    "Person",
    "System",
]
DATE_TIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}\Z")  # chapter 2.4, exactly
DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
VENDOR = "kitu:"

SCHEMAS = {name: json.loads((SCHEMA_DIR / f"{name}.json").read_text()) for name in TYPES}
REGISTRY: Registry = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)
CHECKER = FormatChecker(formats=())
CHECKER.checks("date-time")(lambda value: not isinstance(value, str) or bool(DATE_TIME.match(value)))
CHECKER.checks("date")(lambda value: not isinstance(value, str) or bool(DATE.match(value)))
CHECKER.checks("uri")(lambda value: not isinstance(value, str) or value.startswith(("http://", "https://")))
VALIDATORS = {
    name: Draft7Validator(schema, registry=REGISTRY, format_checker=CHECKER) for name, schema in SCHEMAS.items()
}


def check(obj: dict[str, Any]) -> str:
    """Validate one object (and, through $ref, what it embeds); also every nested OParl object's keys
    against its own schema. Returns the type name."""
    name = obj["type"].removeprefix(SCHEMA)
    assert name in VALIDATORS, obj["type"]
    errors = sorted(VALIDATORS[name].iter_errors(obj), key=lambda e: list(e.path))
    assert not errors, f"{obj['id']}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors)
    _known_keys(obj)
    return name


def _known_keys(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _known_keys(item)
    elif isinstance(node, dict):
        if isinstance(node.get("type"), str) and node["type"].startswith(SCHEMA):
            allowed = set(SCHEMAS[node["type"].removeprefix(SCHEMA)]["properties"])
            unknown = {key for key in node if key not in allowed and not key.startswith(VENDOR)}
            assert not unknown, f"{node.get('id')}: not in the schema: {unknown}"
        for key, value in node.items():
            if key != "geojson":
                _known_keys(value)


def test_the_vendored_schemas_are_valid_draft7_without_placeholders() -> None:
    for name, schema in SCHEMAS.items():
        Draft7Validator.check_schema(schema)
        text = json.dumps(schema)
        assert "{{" not in text and '"references"' not in text and '"format": "url"' not in text, name
    assert (SCHEMA_DIR / "README.md").read_text().count("CC BY-SA 4.0") == 1


def test_the_validator_refuses_what_the_schema_refuses() -> None:
    good = {"id": "https://x.example/f/1", "type": SCHEMA + "File", "accessUrl": "https://x.example/f/1/a"}
    VALIDATORS["File"].validate(good)
    for bad in (
        {**good, "accessUrl": None},
        {k: v for k, v in good.items() if k != "accessUrl"},
        {**good, "type": SCHEMA + "Paper"},
        {**good, "size": "12"},
        {**good, "created": "2026-01-01T00:00:00"},  # no offset
        {**good, "date": "01.02.2026"},
    ):
        assert list(VALIDATORS["File"].iter_errors(bad)), bad
    meeting = {"id": "https://x.example/m/1", "type": SCHEMA + "Meeting", "invitation": {"id": "https://x.example/f/1"}}
    assert list(VALIDATORS["Meeting"].iter_errors(meeting))  # an embedded file is validated too


@pytest.mark.django_db
@pytest.mark.usefixtures("rich_world")
@pytest.mark.parametrize("query", ["", "?omit_internal=true"])
def test_every_emitted_object_is_valid(client: Client, query: str) -> None:
    seen = {check(get(client, f"{API}/system"))}
    for body in get(client, f"{API}/body{query}")["data"]:
        seen.add(check(body))
        assert check(get(client, body["id"].removeprefix("http://testserver") + query)) == "Body"
    for slug in ("wernigerode", "zeitz"):
        for kind, objects in walk_all(client, slug, query).items():
            assert objects or slug == "zeitz", kind
            for obj in objects:
                seen.add(check(obj))
                check(get(client, obj["id"].removeprefix("http://testserver") + query))
    assert seen == set(TYPES)


@pytest.mark.django_db
@pytest.mark.usefixtures("rich_world")
def test_tombstones_keep_what_chapter_2_8_requires(client: Client) -> None:
    lists = walk_all(client, query="?modified_since=2000-01-01T00%3A00%3A00Z")
    tombstones = [obj for objects in lists.values() for obj in objects if obj.get("deleted")]
    assert len(tombstones) >= 10
    for tomb in tombstones:
        assert set(tomb) == {"id", "type", "created", "modified", "deleted"}
        assert DATE_TIME.match(tomb["created"]) and DATE_TIME.match(tomb["modified"])
        # valid against its type's schema but for the properties a schema makes obligatory beyond id
        # and type (File.accessUrl): chapter 2.8 allows a deleted object to drop them
        name = tomb["type"].removeprefix(SCHEMA)
        errors = [e for e in VALIDATORS[name].iter_errors(tomb) if e.validator != "required"]
        assert not errors, tomb


@pytest.mark.django_db
@pytest.mark.usefixtures("rich_world")
def test_error_objects_have_the_shape_of_chapter_2_9(client: Client) -> None:
    for url, status in ((f"{W}/paper/999999", 404), (f"{W}/paper?limit=0", 400), (f"{API}/nothing", 404)):
        response = client.get(url)
        assert response.status_code == status
        data = response.json()
        assert set(data) <= {"type", "message", "debug"} and data["type"] == SCHEMA + "Error"
        assert isinstance(data["message"], str) and data["message"]
