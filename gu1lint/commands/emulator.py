"""`gu1lint emulator`: serve the local emulator of the batch-import API."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from gu1lint.errors import UsageError


def run_emulator(host: str, port: int, tokens: tuple[str, ...], plan: str, fail_first: int,
                 step_delay: float, mapping_files: tuple[str, ...] = ()) -> int:
    """Serve until interrupted; tokens and plan as given on the command line."""
    try:
        from gu1lint.emulator.serve import parse_tokens, serve
        from gu1lint.emulator.state import EmulatorState
    except ImportError as exc:
        raise UsageError("the emulator needs its extra: pip install 'gu1lint[emulator]' "
                         f"({exc.name} is missing)") from exc
    from gu1lint.upload.client import is_loopback

    caps = {"entities": _env_int("BULK_AUTOMATIC_ENTITY_MAX_ITEMS"),
            "user-events": _env_int("USER_EVENT_BATCH_IMPORT_MAX_ROWS")}
    state = EmulatorState(parse_tokens(list(tokens)), plan=plan, step_delay=step_delay,
                          fail_first=fail_first, caps=caps)
    orgs = sorted({org for org, _ in state.tokens.values()})
    for mapping in load_mappings(mapping_files):
        for org in orgs:
            state.org(org).mappings[mapping["id"]] = dict(mapping)
    if not is_loopback(host):
        print(f"gu1lint: warning: serving plain http on {host}, beyond this machine",
              file=sys.stderr)
    count = len(state.tokens)
    print(f"gu1lint emulator: http://{host}:{port} ({count} token{'s' * (count != 1)}, "
          f"organizations {', '.join(orgs)}; plan {plan}). Try: GU1_API_URL=http://{host}:{port} "
          "gu1lint upload FILE", file=sys.stderr)
    serve(state, host, port)
    return 0


def load_mappings(paths: tuple[str, ...]) -> list[dict[str, Any]]:
    """Mapping objects with an id from mapping files in any of the API's three shapes."""
    found = []
    for path in paths:
        try:
            with open(path, encoding="utf-8-sig") as fh:
                body = json.load(fh)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read mappings from {path}: {exc}") from exc
        items = body.get("mappings") if isinstance(body, dict) else None
        if not isinstance(items, list):
            items = [body.get("mapping", body) if isinstance(body, dict) else None]
        good = [m for m in items if isinstance(m, dict) and m.get("id")]
        if not good:
            raise UsageError(f"{path} holds no mapping with an id")
        found.extend(good)
    return found


def _env_int(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if raw and not raw.isdigit():
        raise UsageError(f"environment variable {name}={raw!r} is not a row count")
    return int(raw) if raw else None
