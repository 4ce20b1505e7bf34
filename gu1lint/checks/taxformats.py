"""Tax-id formats per country and type (rules/tax-ids.toml) and their check digits (stdnum)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from gu1lint.checks.checkdigits import cnpj_ok, cpf_ok, cuit_ok, rut_ok
from gu1lint.resources import load_toml

#: a problem: the rule that reports it and the fields of its message
Problem = tuple[str, dict[str, str]]


def normalize_tax_id(value: str) -> str:
    """Strip . - / and spaces and upper-case, as the server does before checking the length."""
    # str.replace is twice as fast as str.translate with a deletion table on short strings
    return value.replace(".", "").replace("-", "").replace("/", "").replace(" ", "").upper()


def normalize_tax_ids(values: tuple[str, ...] | list[str]) -> list[str]:
    """`normalize_tax_id` of every value: one pass of str.replace over the values joined."""
    joined = "\n".join(values)
    if joined.count("\n") != len(values) - 1 or not values:  # a value holds a line break
        return [normalize_tax_id(v) for v in values]
    return normalize_tax_id(joined).split("\n")


#: check-digit algorithms by the name the table uses; each takes the full-length id
#: (python-stdnum's algorithms, computed faster: see checkdigits.py)
CHECKS: dict[str, Callable[[str], bool]] = {
    "cuit": cuit_ok, "cpf": cpf_ok, "cnpj": cnpj_ok, "rut": rut_ok,
}


def all_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern that matches ids joined by line breaks when every one matches `pattern`."""
    return re.compile(f"(?:{pattern})(?:\n(?:{pattern}))*", re.ASCII)


def any_pattern(pattern: str) -> re.Pattern[str]:
    """A pattern that finds an id matching `pattern` among ids joined by line breaks."""
    return re.compile(f"^(?:{pattern})$", re.ASCII | re.MULTILINE)


@dataclass(frozen=True)
class Document:
    """One document an entity's tax id may be, from rules/tax-ids.toml."""

    name: str
    pattern: re.Pattern[str]
    shape: str
    check: str | None = None
    full_length: int | None = None
    structure: str | None = None
    prefixes: tuple[str, ...] = ()
    #: `pattern` over ids joined by line breaks (a block's ids of one country, type and length):
    #: every one matches, some one matches
    all_pattern: re.Pattern[str] = re.compile("(?!)")
    any_pattern: re.Pattern[str] = re.compile("(?!)")


@cache
def documents() -> dict[tuple[str, str], tuple[Document, ...]]:
    """The documents of each (country, type) that the formats page lists."""
    table: dict[tuple[str, str], tuple[Document, ...]] = {}
    for country, types in load_toml("tax-ids.toml").items():
        if country.isupper() and len(country) == 2:
            for kind, docs in types.items():
                table[(country, kind)] = tuple(_document(d) for d in docs)
    return table


def _document(d: dict[str, Any]) -> Document:
    # ASCII: \d must not match the digits of other scripts
    return Document(name=d["document"], pattern=re.compile(d["pattern"], re.ASCII),
                    shape=d["shape"], all_pattern=all_pattern(d["pattern"]),
                    any_pattern=any_pattern(d["pattern"]),
                    check=d.get("check"), full_length=d.get("full-length"),
                    structure=d.get("structure"), prefixes=tuple(d.get("prefixes", ())))


def check_tax_id(country: str, kind: str, number: str) -> Problem | None:
    """None when a normalized tax id is good for its country and type, else the problem."""
    docs = documents().get((country, kind))
    if not docs or not number:
        return None
    return check_documents(docs, kind, number)


def check_documents(docs: tuple[Document, ...], kind: str, number: str) -> Problem | None:
    """check_tax_id once the (country, type) documents are known and the id is not empty."""
    for doc in docs:
        if doc.pattern.fullmatch(number):
            return check_digit_problem(doc, kind, number)
    got = f"{len(number)} digits" if number.isdigit() else f"{len(number)} characters"
    return "tax-id-invalid", {"expected": " or ".join(d.shape for d in docs), "got": got}


def check_digit_problem(doc: Document, kind: str, number: str) -> Problem | None:
    """The problem of an id of a known document: structure, check digit, zeros lost, prefix."""
    if doc.structure == "rfc":
        return rfc_structure_problem(number)
    if doc.check is None:
        return None
    full = number.zfill(doc.full_length) if doc.full_length else number
    if not CHECKS[doc.check](full):
        return "tax-id-check-digit-invalid", {"document": doc.name}
    if full != number:
        # the server accepts the short form; a spreadsheet that read the id as a number drops zeros
        return "tax-id-leading-zeros-lost", {"document": doc.name, "length": str(len(number)),
                                             "full_length": str(doc.full_length), "padded": full}
    if doc.prefixes and number[:2] not in doc.prefixes:
        return "cuit-prefix-type-mismatch", {"document": doc.name, "prefix": number[:2],
                                             "expected": ", ".join(doc.prefixes)}
    return None


def rfc_structure_problem(number: str) -> Problem | None:
    """An RFC is name letters (4 person, 3 company), a real date YYMMDD and a 3-char homoclave."""
    words = load_toml("tax-ids.toml")["rfc"]
    letters = len(number) - 9
    parts = (("name", number[:letters]), ("date", number[letters:letters + 6]),
             ("homoclave", number[letters + 6:]))
    for part, value in parts:
        if not _RFC_PART_OK[part](value):
            return "rfc-structure-invalid", {"part": words[part], "part_value": value,
                                             "expected": words[f"{part}-expected"]}
    return None


def _real_date(yymmdd: str) -> bool:
    """A real calendar date; 2000+YY is a leap year exactly when 1900+YY is, except 00 (stdnum)."""
    if not yymmdd.isdigit():
        return False
    try:
        dt.date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return False
    return True


_RFC_PART_OK: dict[str, Callable[[str], bool]] = {
    "name": re.compile(r"[A-ZÑ&]+").fullmatch,  # type: ignore[dict-item]
    "date": _real_date,
    "homoclave": re.compile(r"[0-9A-Z]{3}").fullmatch,  # type: ignore[dict-item]
}

#: party tax ids (transactions, user events) have no type: only unambiguous documents, by
#: country: (lengths, pattern, document, check); the length test spares most regex calls
_PARTY = {
    "AR": (((11,), re.compile(r"[0-9]{11}"), "CUIT/CUIL", "cuit"),),
    "BR": (((11,), re.compile(r"[0-9]{11}"), "CPF", "cpf"),
           ((14,), re.compile(r"[0-9A-Z]{12}[0-9]{2}"), "CNPJ", "cnpj")),
    "CL": (((8, 9, 10), re.compile(r"[0-9]{7,9}[0-9K]"), "RUT", "rut"),),
}


#: (document, check, pattern, pattern over ids joined by line breaks)
PartyDocument = tuple[str, str, "re.Pattern[str]", "re.Pattern[str]"]


@cache
def party_document(country: str, length: int) -> PartyDocument | None:
    """The one document a party id of a country and length may be, if any."""
    for lengths, pattern, name, check in _PARTY.get(country, ()):
        if length in lengths:  # a country's documents have distinct lengths
            return name, check, pattern, all_pattern(pattern.pattern)
    return None


def party_check_digit_problem(country: str, number: str) -> str | None:
    """The document whose check digit is wrong, for a party tax id of a known country."""
    for lengths, pattern, name, check in _PARTY.get(country, ()):
        if len(number) in lengths and pattern.fullmatch(number):
            return None if CHECKS[check](number) else name
    return None
