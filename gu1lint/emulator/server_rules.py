"""The emulator's own reading of the documented row rules (kept apart from gu1lint.checks).

Where the docs give a rule, it is applied as plainly as written; where they are silent, the
emulator accepts the row, so that it never fails a row for a reason the docs do not give.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

TX_TYPES = {
    "PAYMENT",
    "TRANSFER",
    "WITHDRAWAL",
    "DEPOSIT",
    "REFUND",
    "CHARGEBACK",
    "REVERSAL",
    "FEE",
    "ADJUSTMENT",
    "OTHER",
}
TX_STATUSES = {
    "CREATED",
    "PROCESSING",
    "SUSPENDED",
    "SENT",
    "EXPIRED",
    "DECLINED",
    "REFUNDED",
    "SUCCESSFUL",
}
PAYMENT_METHODS = {
    "CARD",
    "ACH",
    "PIX",
    "TED",
    "BOLETO",
    "WALLET",
    "SWIFT",
    "IBAN",
    "CBU",
    "CVU",
    "DEBIN",
    "GENERIC_BANK_ACCOUNT",
    "MPESA",
    "UPI",
    "CHECK",
    "ECHECK",
    "QR_CODE",
    "ONLINE_PAYMENT",
    "WITHDRAWAL_ORDER",
}
ENTITY_TYPES = {"person", "company"}
ENTITY_STATUSES = {
    "active",
    "inactive",
    "blocked",
    "under_review",
    "suspended",
    "expired",
    "deleted",
    "rejected",
}
AUTOMATIC_COUNTRIES = {"AR", "BR", "CL"}

#: the fields of each kind (reference section 4), by canonical gu1 name
FIELDS = {
    "transactions": (
        "externalId",
        "type",
        "amount",
        "currency",
        "status",
        "paymentMethod",
        "description",
        "category",
        "transactedAt",
        "originEntityId",
        "originExternalId",
        "originName",
        "originCountry",
        "originTaxId",
        "destinationEntityId",
        "destinationExternalId",
        "destinationName",
        "destinationCountry",
        "destinationTaxId",
        "channel",
        "reason",
    ),
    "entities": (
        "taxId",
        "type",
        "suggestedName",
        "countryCode",
        "externalId",
        "email",
        "phone",
        "nationality",
        "registrationDate",
        "isClient",
        "status",
    ),
    "user-events": (
        "eventType",
        "entityId",
        "entityExternalId",
        "taxId",
        "userId",
        "timestamp",
        "eventDate",
        "deviceId",
        "ipAddress",
        "country",
        "isVpn",
        "isProxy",
        "isNewDevice",
        "failedAttemptsCount",
        "destinationAccountId",
        "destinationCuit",
        "previousValue",
        "userAgent",
    ),
}
REQUIRED = {
    "transactions": ("externalId", "type", "amount", "currency"),
    "entities": ("taxId", "type"),
    "user-events": ("eventType",),
}


def squash(name: str) -> str:
    """Header and path spelling the server treats alike: externalId = external_id = External ID."""
    return re.sub(r"[\s_\-]+", "", name.lstrip("\ufeff")).lower()


@cache
def field_names(kind: str) -> dict[str, str]:
    """squashed spelling -> canonical field name."""
    return {squash(name): name for name in FIELDS[kind]}


def normal_tax_id(value: str) -> str:
    """The tax-id formats page: . - / and spaces are stripped before checking."""
    return re.sub(r"[.\-/ ]", "", value.strip()).upper()


@cache
def countries() -> frozenset[str]:
    """The platform's ISO2 list (pycountry stands in for it)."""
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_date(value: str) -> bool:
    """ISO 8601 as Python's parser reads it (lenient: only clearly broken dates fail)."""
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_amount(value: str) -> bool:
    """A number, zero or positive."""
    try:
        number = float(value)
    except ValueError:
        return False
    return number == number and 0 <= number < float("inf")


def is_count(value: str) -> bool:
    """A whole number, zero or positive."""
    try:
        return int(value) >= 0
    except ValueError:
        return False


FORMATS = {
    "status": lambda v, kind: v in (TX_STATUSES if kind == "transactions" else ENTITY_STATUSES),
    "type": lambda v, kind: v in (TX_TYPES if kind == "transactions" else ENTITY_TYPES),
    "paymentMethod": lambda v, kind: v in PAYMENT_METHODS,
    "amount": lambda v, kind: is_amount(v),
    "currency": lambda v, kind: 3 <= len(v) <= 4,
    "failedAttemptsCount": lambda v, kind: is_count(v),
}
for _name in ("transactedAt", "registrationDate", "timestamp", "eventDate"):
    FORMATS[_name] = lambda v, kind: is_date(v)
for _name in ("originCountry", "destinationCountry", "nationality", "country", "countryCode"):
    FORMATS[_name] = lambda v, kind: v in countries()
for _name in ("isClient", "isVpn", "isProxy", "isNewDevice"):
    FORMATS[_name] = lambda v, kind: v.lower() in ("true", "false")


def field_problem(kind: str, item: dict[str, str]) -> str | None:
    """The first documented field rule the item breaks, as a failure message; None when valid."""
    for name in REQUIRED[kind]:
        if not item.get(name, "").strip():
            return f"Required field empty: {name}"
    for name, value in item.items():
        value = value.strip()
        check = FORMATS.get(name)
        if value and check is not None and not check(value, kind):
            return f"Invalid value for {name}: {value!r}"
    return None


def _digits(n: str, *sizes: int) -> bool:
    return n.isdecimal() and len(n) in sizes


def _rut(n: str, low: int, high: int) -> bool:
    body, check = n[:-1], n[-1:]
    return _digits(body, *range(low, high + 1)) and (check.isdecimal() or check == "K")


def _alnum(n: str, size: int) -> bool:
    return len(n) == size and n.isalnum()


#: accepted tax-id lengths per (country, type), tax-id formats page; other pairs are not checked
TAX_ID_LENGTHS = {
    ("AR", "person"): lambda n: _digits(n, 8, 11),
    ("AR", "company"): lambda n: _digits(n, 11),
    ("BR", "person"): lambda n: _digits(n, 9, 10, 11),
    ("BR", "company"): lambda n: _alnum(n, 13) or _alnum(n, 14),
    ("CL", "person"): lambda n: _rut(n, 7, 8),
    ("CL", "company"): lambda n: _rut(n, 7, 9),
    # RFC: only the length is documented (its letters may include Ñ and &)
    ("MX", "person"): lambda n: len(n) == 13,
    ("MX", "company"): lambda n: len(n) == 12,
    ("CO", "person"): lambda n: _digits(n, 6, 7, 8, 9, 10),
}


def entity_problem(item: dict[str, str], mode: str, batch_country: str | None) -> str | None:
    """The import-mode rules of the entity import page, then the tax-id length."""
    problem = field_problem("entities", item)
    if problem:
        return problem
    country = item.get("countryCode", "").strip() or (batch_country or "").strip()
    if mode == "manual" and not item.get("suggestedName", "").strip():
        return "suggested_name is required in manual mode"
    if not country:
        return "Country is required for every row"
    if country not in countries():
        return f"Invalid country {country!r}"
    if mode == "automatic" and country not in AUTOMATIC_COUNTRIES:
        return f"Automatic import supports AR, BR and CL only, not {country}"
    accepted = TAX_ID_LENGTHS.get((country, item["type"].strip()))
    if accepted is not None and not accepted(normal_tax_id(item["taxId"])):
        return f"Invalid tax id for {country} {item['type'].strip()}"
    return None


def event_problem(item: dict[str, str]) -> str | None:
    """The user-event fields, and at least one of entityId, entityExternalId, taxId."""
    problem = field_problem("user-events", item)
    if problem:
        return problem
    if not any(item.get(n, "").strip() for n in ("entityId", "entityExternalId", "taxId")):
        return "One of entityId, entityExternalId or taxId is required"
    return None
