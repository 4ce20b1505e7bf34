"""Entity references of transactions and user events, checked against --entities files."""

from __future__ import annotations

from dataclasses import dataclass

from gu1lint.checks.base import Check
from gu1lint.checks.taxid import normalize_tax_id
from gu1lint.errors import ReadError
from gu1lint.mapping import resolve_columns
from gu1lint.readers import open_table


@dataclass(frozen=True)
class KnownEntities:
    """externalIds and normalized taxIds of the entities a call knows about."""

    external_ids: frozenset[str]
    tax_ids: frozenset[str]


def load_known_entities(paths: tuple[str, ...]) -> KnownEntities:
    """Collect the ids of entity files (native headers); unreadable files are skipped."""
    ext: set[str] = set()
    tax: set[str] = set()
    for path in paths:
        try:
            table = open_table(path)
            plan = resolve_columns("entities", table.header, None)
            ext_at, tax_at = plan.index.get("externalId"), plan.index.get("taxId")
            for _, _, cells in table.rows:
                if ext_at is not None and ext_at < len(cells) and cells[ext_at].strip():
                    ext.add(cells[ext_at].strip())
                if tax_at is not None and tax_at < len(cells) and cells[tax_at].strip():
                    tax.add(normalize_tax_id(cells[tax_at]))
        except ReadError:
            continue
    return KnownEntities(frozenset(ext), frozenset(tax))


def known_entities(ctx: object) -> KnownEntities:
    """The known entities of the file's --entities paths, read once per call."""
    paths = ctx.options.entities  # type: ignore[attr-defined]
    cache = ctx.state.references  # type: ignore[attr-defined]
    if paths not in cache:
        cache[paths] = load_known_entities(paths)
    return cache[paths]  # type: ignore[no-any-return]


class EntityReferences(Check):
    """With validateExistingEntity, one unresolved reference fails the whole transaction job."""

    kinds = ("transactions",)
    rules = ("entity-reference-unknown",)
    BY_EXTERNAL_ID = ("originExternalId", "destinationExternalId")
    BY_TAX_ID = ("originTaxId", "destinationTaxId")

    def start(self) -> bool:
        ctx = self.ctx
        if not ctx.options.validate_existing_entity:
            return False
        if not ctx.options.entities:
            ctx.note("entity references not checked: --validate-existing-entity needs "
                     "--entities files to know which entities exist")
            return False
        if ctx.col("originEntityId") is not None or ctx.col("destinationEntityId") is not None:
            ctx.note("originEntityId / destinationEntityId are gu1 ids that no local file holds: "
                     "not checked against --entities")
        known = known_entities(ctx)
        self.targets = [(p, n, known.external_ids, False) for n in self.BY_EXTERNAL_ID
                        if (p := ctx.col(n)) is not None]
        self.targets += [(p, n, known.tax_ids, True) for n in self.BY_TAX_ID
                         if (p := ctx.col(n)) is not None]
        return bool(self.targets)

    def row(self, row: int, line: int, cells: list[str]) -> None:
        for position, name, known, is_tax in self.targets:
            value = cells[position].strip()
            if value and (normalize_tax_id(value) if is_tax else value) not in known:
                self.ctx.emit("entity-reference-unknown", row, line, self.ctx.label(position),
                              cells[position], cells, field=name)


class EventEntities(Check):
    """Every user event names an entity; with --entities, the names it uses must exist."""

    kinds = ("user-events",)
    rules = ("event-entity-reference-missing", "event-entity-not-found")

    def start(self) -> bool:
        ctx = self.ctx
        self.any_of = [p for n in ("entityId", "entityExternalId", "taxId")
                       if (p := ctx.col(n)) is not None]
        self.ext_at = ctx.col("entityExternalId")
        self.known = known_entities(ctx).external_ids if ctx.options.entities else None
        return True

    def row(self, row: int, line: int, cells: list[str]) -> None:
        if not any(cells[p].strip() for p in self.any_of):
            label = "entityId/entityExternalId/taxId"
            self.ctx.emit("event-entity-reference-missing", row, line, label, "", cells)
            return
        if self.known is not None and self.ext_at is not None:
            value = cells[self.ext_at].strip()
            if value and value not in self.known:
                self.ctx.emit("event-entity-not-found", row, line, self.ctx.label(self.ext_at),
                              cells[self.ext_at], cells, field="entityExternalId")
