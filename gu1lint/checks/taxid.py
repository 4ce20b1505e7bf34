"""Tax ids: entity tax ids by country and type, and the party tax ids of transactions and events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import add, itemgetter
from typing import Any

from gu1lint.checks.base import Check
from gu1lint.checks.batchdigits import bad_check_digits
from gu1lint.checks.entities import row_country
from gu1lint.checks.taxformats import (
    Document,
    PartyDocument,
    Problem,
    check_digit_problem,
    check_documents,
    check_tax_id,
    documents,
    normalize_tax_id,
    party_check_digit_problem,
    party_document,
)

__all__ = ["TaxIdRules", "PartyTaxIds", "check_tax_id", "normalize_tax_id"]


class TaxIdRules(Check):
    """Length and characters per country and type, then structure, check digit and prefix."""

    kinds = ("entities",)
    rules = ("tax-id-invalid", "tax-id-check-digit-invalid", "rfc-structure-invalid",
             "tax-id-leading-zeros-lost", "cuit-prefix-type-mismatch")

    def start(self) -> bool:
        ctx = self.ctx
        self.tax_at = ctx.col("taxId")
        self.type_at = ctx.col("type")
        self.country_at = ctx.col("countryCode")
        self.batch = (ctx.options.country or "").strip() or None
        self.digit_severity = "error" if ctx.options.mode == "automatic" else "warning"
        return self.tax_at is not None and self.type_at is not None

    def row(self, row: int, line: int, cells: list[str]) -> None:
        raw = cells[self.tax_at]  # type: ignore[index]
        if not raw.strip():
            return
        country = row_country(cells, self.country_at, self.batch)
        kind = cells[self.type_at].strip()  # type: ignore[index]
        problem = check_tax_id(country, kind, normalize_tax_id(raw))
        if problem is None:
            return
        self._emit(problem, row, line, cells, raw, country, kind)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # row() for a block: the ids are grouped by country, type and length, each group's
        # shape is tested with one match over its ids joined and their check digits at once;
        # only a group that is not all of one document is looked at id by id
        ctx = self.ctx
        raws = ctx.columns(rows)[self.tax_at]  # type: ignore[index]
        numbers = ctx.tax_ids(rows, self.tax_at)  # type: ignore[arg-type]
        kinds = ctx.stripped(rows, self.type_at)  # type: ignore[arg-type]
        batch = self.batch or ""
        if self.country_at is None:
            countries: Any = repeat(batch)
        else:
            countries = ctx.stripped(rows, self.country_at)
            if batch and "" in countries:
                countries = [c or batch for c in countries]
        groups = positions_by_key(zip(countries, kinds, map(len, numbers), strict=False))
        table = documents()
        found: list[tuple[int, tuple[str, dict[str, str]], str, str]] = []
        for (country, kind, length), group in groups.items():
            docs = table.get((country, kind))
            if not docs or not length:
                continue
            ids = [numbers[i] for i in group]
            for position, _, problem in _group_problems(docs, kind, length, ids):
                i = group[position]
                if problem is not None and raws[i].strip():
                    found.append((i, problem, country, kind))
        found.sort(key=itemgetter(0))
        for i, problem, country, kind in found:
            row, line, cells = rows[i]
            self._emit(problem, row, line, cells, raws[i], country, kind)

    def _emit(self, problem: Problem, row: int, line: int, cells: list[str],
              raw: str, country: str, kind: str) -> None:
        rule, fields = problem
        severity = self.digit_severity if rule == "tax-id-check-digit-invalid" else None
        self.ctx.emit(rule, row, line, self.ctx.label(self.tax_at), raw,  # type: ignore[arg-type]
                      cells, severity=severity, country=country, type=kind, **fields)


#: party tax id field -> the field holding its country; None: the field is Argentine (CUIT)
PARTY_FIELDS = {
    "transactions": {"originTaxId": "originCountry", "destinationTaxId": "destinationCountry"},
    "user-events": {"destinationCuit": None},
}


class PartyTaxIds(Check):
    """Check digits of party tax ids whose document is unambiguous without the entity type.

    Transactions carry the party's country beside its tax id, but not its type: an AR id of 11
    digits is a CUIT or CUIL, a BR id of 11 digits a CPF and of 14 a CNPJ, a CL id a RUT. The
    user-event destinationCuit is a CUIT by name. The user-event taxId has no country at all
    (the event's country is where it happened) and is not checked.
    """

    kinds = ("transactions", "user-events")
    rules = ("party-tax-id-check-digit-invalid",)

    def start(self) -> bool:
        ctx = self.ctx
        self.pairs: list[tuple[int, str, int | None]] = []
        for name, country_field in PARTY_FIELDS.get(ctx.kind, {}).items():
            position = ctx.col(name)
            if position is not None:
                country_at = ctx.col(country_field) if country_field else None
                if country_field is None or country_at is not None:
                    self.pairs.append((position, name, country_at))
        return bool(self.pairs)

    def row(self, row: int, line: int, cells: list[str]) -> None:
        for position, name, country_at in self.pairs:
            raw = cells[position]
            if not raw:
                continue
            country = cells[country_at].strip() if country_at is not None else "AR"
            document = party_check_digit_problem(country, normalize_tax_id(raw))
            if document is not None:
                self._emit(row, line, cells, position, name, raw, country, document)

    def block(self, rows: list[tuple[int, int, list[str]]]) -> None:
        # row() for a block: per pair of columns the ids are grouped by country and length
        # and each group's check digits are computed at once
        ctx = self.ctx
        found: list[tuple[int, int, str, str, str]] = []
        for position, name, country_at in self.pairs:
            numbers = ctx.tax_ids(rows, position)
            countries: Any = (ctx.stripped(rows, country_at) if country_at is not None
                              else repeat("AR"))
            groups = positions_by_key(zip(countries, map(len, numbers), strict=False))
            for (country, length), group in groups.items():
                document = party_document(country, length)
                if document is None:
                    continue
                ids = [numbers[i] for i in group]
                for i in _bad_party_ids(document, ids):
                    found.append((group[i], position, name, country, document[0]))
        found.sort(key=itemgetter(0))  # by row, then the order of the pairs
        for i, position, name, country, document in found:
            row, line, cells = rows[i]
            self._emit(row, line, cells, position, name, cells[position], country, document)

    def _emit(self, row: int, line: int, cells: list[str], position: int, name: str, raw: str,
              country: str, document: str) -> None:
        self.ctx.emit("party-tax-id-check-digit-invalid", row, line, self.ctx.label(position),
                      raw, cells, field=name, country=country, document=document)



def positions_by_key(keys: Iterable[Any]) -> dict[Any, list[int]]:
    """The positions of each distinct key, in order (a plain loop: `map(list.append, ...)`
    costs more instructions)."""
    groups: dict[Any, list[int]] = {}
    for i, key in enumerate(keys):
        group = groups.get(key)
        if group is None:
            groups[key] = [i]
        else:
            group.append(i)
    return groups


def _group_problems(docs: tuple[Document, ...], kind: str, length: int,
                    ids: list[str]) -> Iterator[tuple[int, str, Problem | None]]:
    """(position, id, problem) of the ids of one (country, type) and length that have a problem.

    When every id is of the first document that fits them all, the check digits of the group are
    computed at once (`bad_check_digits`) and only the ids whose digit is right are looked at for
    the type's prefixes; any other group is checked id by id, as `check_documents` does.
    """
    joined = "\n".join(ids)
    doc = None
    if joined.count("\n") == len(ids) - 1:  # no id holds a line break
        for d in docs:
            if d.all_pattern.fullmatch(joined):
                doc = d  # every id is of d: no earlier document fits any of them
                break
            if d.any_pattern.search(joined):
                break  # some ids are of d, others not
    if doc is None:
        for position, number in enumerate(ids):
            problem = check_documents(docs, kind, number)
            if problem is not None:
                yield position, number, problem
        return
    if doc.check is None and doc.structure is None:
        return  # a document with neither a check digit nor a structure: its shape is all
    if doc.check is None or doc.structure is not None or (doc.full_length or length) != length:
        for position, number in enumerate(ids):
            problem = check_digit_problem(doc, kind, number)
            if problem is not None:
                yield position, number, problem
        return
    bad = set(bad_check_digits(doc.check, ids))
    for position in sorted(bad):
        yield position, ids[position], ("tax-id-check-digit-invalid", {"document": doc.name})
    # the first two characters of every id: slices of the joined ids, one id a line apart
    stride = length + 1
    if doc.prefixes and not set(map(add, joined[::stride], joined[1::stride])) <= set(
            doc.prefixes):
        for position, number in enumerate(ids):
            if position not in bad and number[:2] not in doc.prefixes:
                yield position, number, check_digit_problem(doc, kind, number)


def _bad_party_ids(document: PartyDocument, ids: list[str]) -> list[int]:
    """Positions of the party ids of one country and length that fit the document and whose
    check digit is wrong (ids that do not fit it are not checked)."""
    _, check, pattern, every = document
    joined = "\n".join(ids)
    if joined.count("\n") == len(ids) - 1 and every.fullmatch(joined):
        return bad_check_digits(check, ids)
    fits = [i for i, n in enumerate(ids) if pattern.fullmatch(n)]
    bad = bad_check_digits(check, [ids[i] for i in fits])
    return [fits[i] for i in bad]
