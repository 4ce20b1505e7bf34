"""Deterministic, realistic import files for the benchmark (entities and transactions)."""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from stdnum.ar import cuit
from stdnum.br import cnpj, cpf
from stdnum.cl import rut

#: bump when the generated content changes, so cached files are rebuilt
VERSION = "2"
SEED = 20250314

ENTITY_HEADER = ["tax_id", "type", "suggested_name", "country_code", "external_id", "email",
                 "phone", "nationality", "registration_date", "is_client"]
TRANSACTION_HEADER = ["external_id", "type", "amount", "currency", "status", "payment_method",
                      "description", "transacted_at", "origin_external_id", "origin_name",
                      "origin_country", "origin_tax_id", "destination_external_id",
                      "destination_name", "destination_country", "destination_tax_id",
                      "channel"]

FIRST = ["José", "María", "João", "Ana", "Sebastián", "Lucía", "Martín", "Conceição", "Renée",
         "Íñigo", "Matías", "Joaquín", "Valentina", "Gonçalo", "Inês", "Camila", "Tomás"]
LAST = ["Muñoz", "González", "Peña", "Araújo", "Gómez", "Fernández", "Conceição", "Ibáñez",
        "Pérez", "Gutiérrez", "Brandão", "Rodríguez", "Núñez", "Álvarez", "Lóón"]
COMPANY = ["Construções {} Ltda.", "Distribuidora {}, S.A.", "{} & Hijos S.R.L.",
           "Agropecuária {}, S/A", "Transportes {} SpA", "Logística {} EIRELI"]
DESCRIPTIONS = ["Pago factura 0001-000{}", "Transferência, ref {}", "Cuota {} de 12, préstamo",
                "Devolución compra #{}", "Depósito \"efectivo\" {}"]
TX_TYPES = ["PAYMENT", "TRANSFER", "WITHDRAWAL", "DEPOSIT", "REFUND"]
TX_STATUS = ["SUCCESSFUL", "CREATED", "PROCESSING", "SENT"]
METHODS = ["PIX", "CARD", "TED", "CBU", "CVU", "DEBIN", "BOLETO", "WALLET"]
CURRENCY = {"AR": "ARS", "BR": "BRL", "CL": "CLP", "MX": "MXN", "CO": "COP"}
ZERO_DECIMAL = {"CLP"}  # ISO 4217 minor unit 0 among CURRENCY's values
CHANNELS = ["web", "mobile", "branch", "api"]
MX_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _cpf_digits(base: str) -> str:
    calc = getattr(cpf, "_calc_check_digits", None)
    if calc is not None:
        return str(calc(base))
    return next(d for d in (f"{i:02d}" for i in range(100)) if cpf.is_valid(base + d))


def tax_id(country: str, kind: str, n: int, rng: random.Random) -> str:
    """A valid tax id for a country and entity type, unique for each n below 10**7."""
    body = f"{(n * 7919 + 104729) % 10**7:07d}"
    if country == "AR":
        prefix = rng.choice(("20", "23", "27")) if kind == "person" else rng.choice(("30", "33"))
        base = prefix + "1" + body
        number = base + cuit.calc_check_digit(base)
        return number if rng.random() < 0.7 else f"{number[:2]}-{number[2:10]}-{number[10]}"
    if country == "BR" and kind == "person":
        base = "1" + body + "4"
        number = base + _cpf_digits(base)
        return number if rng.random() < 0.6 else (
            f"{number[:3]}.{number[3:6]}.{number[6:9]}-{number[9:]}")
    if country == "BR":
        base = "1" + body + "0001"
        number = base + cnpj.calc_check_digits(base)
        return number if rng.random() < 0.6 else (
            f"{number[:2]}.{number[2:5]}.{number[5:8]}/{number[8:12]}-{number[12:]}")
    if country == "CL":
        base = "1" + body
        number = base + rut.calc_check_digit(base)
        return number if rng.random() < 0.5 else f"{base[:2]}.{base[2:5]}.{base[5:]}-{number[-1]}"
    if country == "MX":
        letters = "".join(rng.choice(MX_LETTERS) for _ in range(4 if kind == "person" else 3))
        born = f"{rng.randrange(60, 99):02d}0{rng.randrange(1, 10)}1{rng.randrange(1, 10)}"
        return letters + born + "".join(rng.choice("ABC123") for _ in range(3))
    return f"{(n * 37 + 1000003) % 10**10:010d}"  # CO cédula, no check digit


def person_name(rng: random.Random) -> str:
    """'Apellido, Nombre' half of the time: a quoted comma in the CSV."""
    first, last = rng.choice(FIRST), f"{rng.choice(LAST)} {rng.choice(LAST)}"
    return f"{last}, {first}" if rng.random() < 0.5 else f"{first} {last}"


def company_name(rng: random.Random) -> str:
    """A company name with accents and often a comma."""
    return rng.choice(COMPANY).format(rng.choice(LAST))


def country(rng: random.Random) -> str:
    """Mostly the automatic-mode countries, some others."""
    r = rng.random()
    return ("AR" if r < 0.4 else "BR" if r < 0.75 else "CL" if r < 0.92
            else "MX" if r < 0.96 else "CO")


def entity_row(i: int, rng: random.Random) -> list[str]:
    """One valid entity row; `i` makes the tax id and the externalId unique."""
    cc = country(rng)
    kind = "person" if rng.random() < 0.7 and cc != "CO" or cc == "CO" else "company"
    name = person_name(rng) if kind == "person" else company_name(rng)
    user = unicodedata.normalize("NFKD", name.split(",")[0].split()[0].lower())
    user = f"{user.encode('ascii', 'ignore').decode()}.{i}"
    return [tax_id(cc, kind, i, rng), kind, name, cc, f"ENT-{i:08d}",
            f"{user}@example.com", f"+{rng.randrange(10**11, 10**12)}", cc,
            f"20{rng.randrange(10, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            rng.choice(("true", "false"))]


def transaction_row(i: int, rng: random.Random, prefix: str) -> list[str]:
    """One valid transaction row between two entities."""
    oc, dc = country(rng), country(rng)
    amount = f"{rng.randrange(1, 10**7)}.{rng.randrange(100):02d}"
    if CURRENCY[oc] in ZERO_DECIMAL:
        amount = amount.split(".")[0]
    return [f"{prefix}-{i:08d}", rng.choice(TX_TYPES), amount,
            CURRENCY[oc], rng.choice(TX_STATUS), rng.choice(METHODS),
            rng.choice(DESCRIPTIONS).format(rng.randrange(10**5)),
            f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T"
            f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z",
            f"ENT-{rng.randrange(10**6):08d}", person_name(rng), oc, tax_id(oc, "person", i, rng),
            f"ENT-{rng.randrange(10**6):08d}", company_name(rng), dc,
            tax_id(dc, "company", i + 1, rng), rng.choice(CHANNELS)]


def damage_entity(row: list[str], what: int, earlier: list[str]) -> list[str]:
    """Turn a good entity row into one of the mistakes people make (`earlier`: a previous row)."""
    if what == 0:
        last = row[0][-1]
        row[0] = row[0][:-1] + ("0" if last != "0" else "1")  # check digit
    elif what == 1:
        row[2] = ""  # suggested_name missing
    elif what == 2:
        row[3] = "Brasil"
    elif what == 3:
        row[8] = "31/12/2020"
    elif what == 4:
        row[4] = earlier[4]  # externalId of an earlier row
    elif what == 5:
        row[0], row[1], row[3] = earlier[0], earlier[1], earlier[3]  # same tax id and type
    elif what == 6:
        row[1] = "Person"
    else:
        row[2] = '=HYPERLINK("http://example.com","x")'
    return row


def entity_rows(n: int, bad_every: int = 0) -> Iterator[list[str]]:
    """n entity rows; every `bad_every`-th one damaged (0: none)."""
    rng = random.Random(SEED)
    earlier: list[str] = []
    for i in range(n):
        row = entity_row(i, rng)
        if bad_every and i % bad_every == bad_every // 2:
            row = damage_entity(row, (i // bad_every) % 8, earlier)
        elif i % 1000 == 7:
            earlier = list(row)
        yield row


def transaction_rows(n: int, prefix: str = "TX") -> Iterator[list[str]]:
    """n transaction rows with externalIds unique under `prefix`."""
    rng = random.Random(f"{SEED}-{prefix}")
    for i in range(n):
        yield transaction_row(i, rng, prefix)


def write_csv(path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
    """Write a UTF-8 CSV with minimal quoting (commas and quotes get quoted)."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(path)


def write_xlsx(path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
    """Write a one-sheet workbook (amounts as numbers, the rest as text)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("transactions")
    sheet.append(header)
    amount = header.index("amount")
    for row in rows:
        row[amount] = float(row[amount])  # type: ignore[call-overload]
        sheet.append(row)
    tmp = path.with_suffix(".tmp")
    book.save(tmp)
    tmp.replace(path)


def datasets(quick: bool) -> dict[str, Callable[[Path], None]]:
    """File name -> function that writes it; the quick run skips the million-row files."""
    big = 200_000 if quick else 1_000_000
    sets: dict[str, Callable[[Path], None]] = {
        "entities-10.csv": lambda p: write_csv(p, ENTITY_HEADER, entity_rows(10)),
        "entities-100k.csv": lambda p: write_csv(p, ENTITY_HEADER, entity_rows(100_000)),
        "entities-100k-bad.csv": lambda p: write_csv(p, ENTITY_HEADER,
                                                     entity_rows(100_000, bad_every=100)),
        "transactions-100k.csv": lambda p: write_csv(p, TRANSACTION_HEADER,
                                                     transaction_rows(100_000)),
        "transactions-100k.xlsx": lambda p: write_xlsx(p, TRANSACTION_HEADER,
                                                       transaction_rows(100_000, "XL")),
        f"entities-{big // 1000}k.csv": lambda p: write_csv(p, ENTITY_HEADER, entity_rows(big)),
        f"transactions-{big // 1000}k.csv": lambda p: write_csv(p, TRANSACTION_HEADER,
                                                                transaction_rows(big)),
    }
    for k in range(1, 6):
        sets[f"batch/transactions-{k}.csv"] = (
            lambda p, k=k: write_csv(p, TRANSACTION_HEADER, transaction_rows(100_000, f"B{k}")))
    return sets


def generate(data: Path, quick: bool) -> dict[str, Path]:
    """Write every missing file of the run under `data`; returns name -> path."""
    stamp = data / "VERSION"
    if stamp.is_file() and stamp.read_text().strip() != VERSION:
        for old in data.rglob("*.*"):
            if old.is_file():
                old.unlink()
    (data / "batch").mkdir(parents=True, exist_ok=True)
    stamp.write_text(VERSION + "\n")
    paths = {}
    for name, write in datasets(quick).items():
        path = data / name
        if not path.is_file():
            print(f"generating {name}", flush=True)
            write(path)
        paths[name] = path
    return paths
