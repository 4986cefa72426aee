"""Checks of an exported EIDO: the project's schema, and that references resolve.

Kept apart from the builder (:mod:`dispatch.exports.eido`) because what an
EIDO must look like is the receiving agency's question, not how this centre
assembles one: a test, a CLI export and an outside document are checked the
same way.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def eido_schema() -> dict[str, Any]:
    """The project's JSON Schema for exported EIDOs."""
    text = (
        resources.files("dispatch.exports")
        .joinpath("eido.schema.json")
        .read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_eido(eido: dict[str, Any]) -> list[str]:
    """Problems found by the schema (empty when the EIDO is valid)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(
        eido_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(eido), key=lambda e: list(e.path))
    ]


def check_references(eido: dict[str, Any]) -> list[str]:
    """Every ``$ref`` points at a component ``$id`` and every ``$id`` is unique."""
    ids: list[str] = [eido["$id"]]
    for key, value in eido.items():
        if key.endswith("Component") and isinstance(value, list):
            ids.extend(c["$id"] for c in value)
        elif key == "incidentComponent":
            ids.append(value["$id"])
    problems = [f"duplicate $id {i}" for i in {i for i in ids if ids.count(i) > 1}]
    known = set(ids)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and len(node) == 1 and target not in known:
                problems.append(f"dangling $ref {target}")
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(eido)
    return problems
