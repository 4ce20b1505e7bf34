"""`gu1lint rules`, `gu1lint explain` and `gu1lint schema`: the catalog and schemas as text."""

from __future__ import annotations

import copy
import json
import textwrap
from typing import Any

import click

from gu1lint.catalog import Catalog, Code, Rule, load_catalog
from gu1lint.fields import schema_descriptor


def list_rules(fmt: str) -> int:
    """Every code, then every rule with its code, severity and kinds."""
    catalog = load_catalog()
    if fmt == "json":
        data = {
            "codes": [vars(c) for c in catalog.codes.values()],
            "rules": [dict(vars(r), kinds=list(r.kinds)) for r in catalog.rules.values()],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    if fmt == "markdown":
        click.echo(rules_markdown(catalog), nl=False)
        return 0
    click.echo("Codes")
    for c in catalog.codes.values():
        click.echo(f"  {c.name:<30} {c.origin:<9} {c.layer:<7} {c.summary}")
    click.echo("\nRules")
    for r in catalog.rules.values():
        fix = f"  [{r.fix} fix]" if r.fix else ""
        click.echo(f"  {r.name:<36} {r.code:<30} {r.severity:<7} {', '.join(r.kinds)}{fix}")
    return 0


def rules_markdown(catalog: Catalog) -> str:
    """The README's rule table: one row per rule, in catalog order."""
    lines = ["| rule | code | severity | kinds | summary |", "|---|---|---|---|---|"]
    for r in catalog.rules.values():
        cells = [f"`{r.name}`", f"`{r.code}`", r.severity, ", ".join(r.kinds), r.summary]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


FIX_TEXT = {
    "safe": "safe: gu1lint fix repairs it without changing what the value means.",
    "unsafe": "unsafe: gu1lint fix --unsafe-fixes repairs it by reading a convention into the "
              "value (which separator is the decimal one, which number is the day, that zeros "
              "were lost); review the result with --diff first.",
}


def explain_entry(name: str) -> int:
    """What it flags, why gu1 rejects it, how to fix it."""
    catalog = load_catalog()
    entry = catalog.lookup(name)
    if isinstance(entry, Rule):
        code = catalog.codes[entry.code]
        click.echo(f"{entry.name} ({entry.code}, {entry.severity}; {', '.join(entry.kinds)})\n")
        _para("What it flags", entry.summary or entry.message.replace("{", "<").replace("}", ">"))
        _para(f"Why gu1 rejects it ({code.name}, {code.origin} code, {code.layer} level)",
              f"{code.summary} {code.help}")
        _para("How to fix it", entry.help)
        if entry.fix:
            _para("Automatic fix", FIX_TEXT[entry.fix])
        return 0
    assert isinstance(entry, Code)
    click.echo(f"{entry.name} ({entry.origin} code, {entry.layer} level)\n")
    _para("What it means", entry.summary)
    _para("Details", entry.help)
    rules = [r.name for r in catalog.rules.values() if r.code == entry.name]
    _para("Rules that report it", ", ".join(rules) or "none: only the server reports it")
    return 0


def _para(title: str, text: str) -> None:
    click.echo(f"{title}:")
    click.echo(textwrap.fill(text, width=88, initial_indent="  ", subsequent_indent="  "))
    click.echo()


def table_schema(kind: str, mapping: Any = None) -> dict[str, Any]:
    """The kind's Table Schema; with a mapping, fields renamed to the file's headers."""
    schema = copy.deepcopy(schema_descriptor(kind))
    if mapping is None:
        return schema
    from gu1lint.fields import kind_spec

    spec = kind_spec(kind)
    by_field = {}
    for header, value in mapping.column_mapping.items():
        name = spec.field_for_path(value) if isinstance(value, str) else None
        if name and name not in by_field:
            by_field[name] = header
    fields = []
    for field in schema["fields"]:
        if field["name"] in by_field:
            field = dict(field, name=by_field[field["name"]], aliases=[])
            fields.append(field)
    schema["fields"] = fields
    return schema


def print_schema(kind: str, mapping_path: str | None, mapping_id: str | None) -> int:
    """Print the Table Schema as JSON."""
    mapping = None
    if mapping_path:
        from gu1lint.mapping import load_mapping_file

        mapping = load_mapping_file(mapping_path, mapping_id)
    click.echo(json.dumps(table_schema(kind, mapping), indent=2, ensure_ascii=False))
    return 0
