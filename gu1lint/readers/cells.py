"""The one function that turns a spreadsheet or JSON value into the text a CSV would hold."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def cell_to_text(value: Any) -> str:
    """Text of a cell as a CSV export would write it, so values compare as they do in CSV.

    - empty (None) -> "";
    - booleans -> "true" / "false" (the gu1 literals);
    - integers, and floats with no fractional part below 2**53 -> digits ("20123456789");
    - other floats -> Python's shortest repr ("1234.56", "2.0123456789e+25"): an id that a
      spreadsheet stored as a float keeps its scientific notation and is flagged, never crashes;
    - datetimes -> ISO 8601 ("2025-12-31T10:00:00", with the offset when the value has one);
      dates -> "2025-12-31"; times -> "10:00:00";
    - dicts and lists (JSON) -> compact JSON; anything else -> str().
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
