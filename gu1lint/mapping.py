"""Saved mappings (as the API returns them) and the resolution of a file's columns to gu1 fields."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gu1lint.errors import ConfigError
from gu1lint.fields import FREE_FORM_PREFIXES, TARGETS, kind_spec, normalize_header

#: targets that fix the entity type of every row
FIXED_TYPE = {"entity_person": "person", "entity_company": "company"}


@dataclass(frozen=True)
class SavedMapping:
    """A mapping object: `{id, name, target, columnMapping, defaultFields, headersSnapshot}`."""

    column_mapping: dict[str, Any]
    target: str | None = None
    id: str | None = None
    name: str | None = None
    default_fields: dict[str, Any] = field(default_factory=dict)
    headers_snapshot: tuple[str, ...] | None = None
    inline: bool = False


def load_mapping_file(path: str | Path, mapping_id: str | None = None) -> SavedMapping:
    """Read a mapping object, `{"mapping": {...}}`, or `{"mappings": [...]}` (with mapping_id)."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read mapping file {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"mapping file {path} is not valid JSON: {exc}") from exc
    return mapping_from_json(data, str(path), mapping_id)


def mapping_from_json(data: Any, source: str, mapping_id: str | None = None) -> SavedMapping:
    """Pick the mapping out of any of the three shapes the API returns."""
    if isinstance(data, dict) and isinstance(data.get("mappings"), list):
        candidates = [m for m in data["mappings"] if isinstance(m, dict)]
        if mapping_id:
            chosen = [m for m in candidates if m.get("id") == mapping_id]
            if not chosen:
                raise ConfigError(f"mapping id {mapping_id} is not in {source}")
            data = chosen[0]
        elif len(candidates) == 1:
            data = candidates[0]
        else:
            raise ConfigError(f"{source} holds {len(candidates)} mappings: "
                              "choose one with --mapping-id")
    elif isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        data = data["mapping"]
    if not isinstance(data, dict) or not isinstance(data.get("columnMapping"), dict):
        raise ConfigError(f"{source} holds no mapping object with a columnMapping")
    if mapping_id and data.get("id") not in (None, mapping_id):
        raise ConfigError(f"the mapping in {source} has id {data.get('id')}, not {mapping_id}")
    snapshot = data.get("headersSnapshot")
    defaults = data.get("defaultFields") or {}
    if not isinstance(defaults, dict):
        raise ConfigError(f"defaultFields in {source} is not an object")
    return SavedMapping(
        column_mapping=data["columnMapping"],
        target=data.get("target"),
        id=data.get("id"),
        name=data.get("name"),
        default_fields=defaults,
        headers_snapshot=tuple(str(h) for h in snapshot) if isinstance(snapshot, list) else None,
    )


def parse_column_mapping(text: str) -> SavedMapping:
    """An inline `columnMapping` JSON string, as the upload form field takes it."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"--column-mapping is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("--column-mapping must be a JSON object of header -> gu1 field")
    if isinstance(data.get("columnMapping"), dict):
        return mapping_from_json(data, "--column-mapping")
    return SavedMapping(column_mapping=data, inline=True)


@dataclass
class ColumnPlan:
    """Where each gu1 field of a file is: a column position, or a constant appended to every row."""

    width: int
    index: dict[str, int] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    fill_empty: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add_constant(self, name: str, value: str, label: str) -> None:
        """Make field `name` a constant column after the file's own."""
        self.index[name] = self.width + len(self.extra)
        self.extra.append(value)
        self.labels.append(label)


def _target_path(value: Any) -> str | None:
    """A columnMapping value: a field path, or a v2 spec object naming one (shape undocumented)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("field", "path", "target", "to"):
            if isinstance(value.get(key), str):
                return value[key]
    return None


def resolve_columns(kind: str, header: list[str], mapping: SavedMapping | None,
                    required_extra: tuple[str, ...] = ()) -> ColumnPlan:
    """Resolve gu1 fields to positions once per file; mapping problems become plan problems."""
    plan = ColumnPlan(width=len(header), labels=list(header))
    spec = kind_spec(kind)
    required = [f.name for f in spec.fields.values() if f.required] + list(required_extra)
    if mapping is None:
        _resolve_native(plan, header, spec)
        for name in required:
            if name not in plan.index:
                plan.problems.append(("required-column-missing",
                                      {"field": spec.fields[name].snake, "column": None}))
        return plan
    _resolve_mapped(plan, kind, header, mapping)
    for name in required:
        if name not in plan.index:
            plan.problems.append(("mapping-required-field-unmapped",
                                  {"field": name, "column": None}))
    return plan


def _resolve_native(plan: ColumnPlan, header: list[str], spec: Any) -> None:
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        if not name:
            continue
        seen.setdefault(normalize_header(name), []).append(position)
        found = spec.field_for_header(name)
        if found and found not in plan.index:
            plan.index[found] = position
    for positions in seen.values():
        if len(positions) > 1:
            plan.problems.append(("duplicate-header", {
                "column": header[positions[0]],
                "positions": ", ".join(str(p + 1) for p in positions)}))


def _resolve_mapped(plan: ColumnPlan, kind: str, header: list[str], mapping: SavedMapping) -> None:
    spec = kind_spec(kind)
    if mapping.target is not None and mapping.target not in TARGETS[kind]:
        plan.problems.append(("mapping-target-mismatch", {
            "target": mapping.target, "kind": kind, "expected": " or ".join(TARGETS[kind]),
            "column": None}))
    exact = {h: i for i, h in reversed(list(enumerate(header)))}
    loose = {normalize_header(h): i for i, h in reversed(list(enumerate(header)))}
    for column, value in mapping.column_mapping.items():
        path = _target_path(value)
        position = exact.get(column, loose.get(normalize_header(column)))
        if position is None:
            plan.problems.append(("mapping-column-missing", {"column": column, "field": path}))
            continue
        if path is None or path.startswith(FREE_FORM_PREFIXES):
            continue
        name = spec.field_for_path(path)
        if name is None:
            plan.problems.append(("mapping-field-unknown", {"column": column, "field": path,
                                                            "kind": kind}))
        elif name not in plan.index:
            plan.index[name] = position
    _apply_defaults(plan, kind, mapping)
    _compare_snapshot(plan, header, mapping)


def _apply_defaults(plan: ColumnPlan, kind: str, mapping: SavedMapping) -> None:
    spec = kind_spec(kind)
    fixed = FIXED_TYPE.get(mapping.target or "") if kind == "entities" else None
    if fixed:
        plan.add_constant("type", fixed, f"mapping target {mapping.target}")
    for path, raw in mapping.default_fields.items():
        name = spec.field_for_path(path)
        if name is None:
            if not path.startswith(FREE_FORM_PREFIXES):
                plan.problems.append(("mapping-field-unknown", {
                    "column": "defaultFields", "field": path, "kind": kind}))
            continue
        if name == "type" and fixed:
            continue
        value = raw if isinstance(raw, str) else json.dumps(raw)
        if isinstance(raw, bool):
            value = "true" if raw else "false"
        if name in plan.index:
            plan.fill_empty.append((plan.index[name], value))
        else:
            plan.add_constant(name, value, f"defaultFields.{path}")


def _compare_snapshot(plan: ColumnPlan, header: list[str], mapping: SavedMapping) -> None:
    snapshot = mapping.headers_snapshot
    if snapshot is None or list(snapshot) == header:
        return
    missing = [h for h in snapshot if h not in header]
    added = [h for h in header if h not in snapshot]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if added:
        parts.append("new " + ", ".join(added))
    plan.problems.append(("mapping-headers-snapshot-differs", {
        "detail": "; ".join(parts) or "same headers in another order", "column": None}))
