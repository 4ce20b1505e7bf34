"""Each import kind's fields, read from its Table Schema in `rules/schemas/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from gu1lint.catalog import KINDS
from gu1lint.resources import load_json

#: free-form objects whose dotted sub-paths a mapping may target as they are
FREE_FORM_PREFIXES = ("metadata.", "attributes.", "entityData.", "originDetails.",
                      "destinationDetails.", "deviceDetails.", "locationDetails.")

#: mapping targets that fit each kind
TARGETS = {
    "transactions": ("transaction",),
    "entities": ("entity_person", "entity_company", "entity_mixed"),
    "user-events": ("user_event",),
}
TARGET_KIND = {t: kind for kind, targets in TARGETS.items() for t in targets}

_NORM = re.compile(r"[\s_\-]+")


def normalize_header(name: str) -> str:
    """Headers compare case-insensitively, camelCase and snake_case alike (`external_id`)."""
    return _NORM.sub("", name.lstrip("\ufeff").strip()).lower()


@dataclass(frozen=True)
class FieldSpec:
    """One gu1 field of an import kind with its Table Schema type and constraints."""

    name: str
    type: str
    required: bool
    constraints: dict[str, Any]
    aliases: tuple[str, ...]

    @property
    def snake(self) -> str:
        """The snake_case header of the field (the platform CSV spelling)."""
        return self.aliases[0] if self.aliases else self.name


@dataclass(frozen=True)
class KindSpec:
    """The fields of one import kind and how native headers resolve to them."""

    kind: str
    fields: dict[str, FieldSpec]
    by_header: dict[str, str]

    def field_for_header(self, header: str) -> str | None:
        """The gu1 field a native header names, if any."""
        return self.by_header.get(normalize_header(header))

    def field_for_path(self, path: str) -> str | None:
        """The gu1 field a mapping value names (exact or normalized), if any."""
        if path in self.fields:
            return path
        return self.by_header.get(normalize_header(path))


@cache
def kind_spec(kind: str) -> KindSpec:
    """The spec of one kind (`transactions`, `entities`, `user-events`)."""
    if kind not in KINDS:
        raise KeyError(kind)
    fields: dict[str, FieldSpec] = {}
    by_header: dict[str, str] = {}
    for d in schema_descriptor(kind)["fields"]:
        cons = d.get("constraints", {})
        spec = FieldSpec(name=d["name"], type=d["type"], required=bool(cons.get("required")),
                         constraints=cons, aliases=tuple(d.get("aliases", ())))
        fields[spec.name] = spec
        for alias in (spec.name, *spec.aliases):
            by_header[normalize_header(alias)] = spec.name
    return KindSpec(kind=kind, fields=fields, by_header=by_header)


def schema_descriptor(kind: str) -> dict[str, Any]:
    """The kind's Table Schema descriptor as stored in `rules/schemas/KIND.json`."""
    return load_json(f"schemas/{kind}.json")


def infer_kind(header: list[str]) -> str | None:
    """Guess the import kind from native headers; None when nothing fits."""
    names = {normalize_header(h) for h in header}
    if "eventtype" in names:
        return "user-events"
    if "taxid" in names and "type" in names and "amount" not in names:
        return "entities"
    if "externalid" in names and ("amount" in names or "currency" in names):
        return "transactions"
    return None
