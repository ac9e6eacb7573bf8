"""CSV cells a spreadsheet will not run as formulas (OWASP "CSV injection"): a text cell
starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe.

Numbers the pages write themselves (money, counts) are passed as ``int``/``Decimal`` and
left alone, so a negative discrepancy stays a number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ["safe_cell", "to_csv"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    if text.startswith(_TRIGGERS):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
