"""Text at the edges: names people type, and cells of the CSV files we write.

**CSV injection.** A spreadsheet opening a CSV runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, in some, one starting with a tab or a line break) as a
formula: ``=HYPERLINK(...)`` leaks data, ``=cmd|' /C calc'!A0`` starts programs.
Every CSV the application writes goes through :func:`csv_writer`, which neutralises
such a cell the way OWASP recommends: a single quote in front (``'=1+2``), which a
spreadsheet shows as text. The one exception is a **plain number** — an optional
sign, ASCII digits, spaces between digit groups and one decimal point or comma —
written as it is: it can hold no formula (no letters, references or calls), and so
negative amounts (``-0.05``) stay machine-readable and telephone numbers
(``+359888123456``, ``+44 20 7946 0000``) stay as dialled.

**Names.** Booth and user names, price-list countries and names, ledger references
are refused when they start like a formula (:func:`check_name`), so what we export
round-trips through the importers unchanged; names also have a length bound and no
control characters.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

from callshop_pos.errors import InvalidInput

__all__ = [
    "FORMULA_STARTS",
    "SafeCsvWriter",
    "check_name",
    "csv_writer",
    "looks_like_formula",
    "safe_cell",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP, plus LF).
FORMULA_STARTS = frozenset("=+-@\t\r\n")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?: [0-9]+)*(?:[.,][0-9]+)?")


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet could take ``text`` for a formula (and it is no plain number)."""
    return bool(text) and text[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell no spreadsheet runs: ``None`` is empty, a formula-like
    text gets a single quote in front."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


class SafeCsvWriter:
    """A ``csv.writer`` whose every cell passes through :func:`safe_cell`."""

    def __init__(self, out: IO[str], *, delimiter: str = ",") -> None:
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], *, delimiter: str = ",") -> SafeCsvWriter:
    """The CSV writer of the application (``\\n`` line ends; see the module docstring)."""
    return SafeCsvWriter(out, delimiter=delimiter)


def check_name(value: object, what: str, *, max_length: int, strip: bool = True) -> str:
    """``value`` as a name: text of 1 to ``max_length`` characters, no control
    characters, not starting like a spreadsheet formula. Raises :class:`InvalidInput`
    naming ``what`` otherwise; returns it stripped (unless ``strip`` is false)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text, not {value!r}")
    text = value.strip() if strip else value
    if not text or len(text) > max_length:
        raise InvalidInput(f"{what} needs 1 to {max_length} characters")
    if not text.isprintable():
        raise InvalidInput(f"{what} {text!r} must not contain control characters")
    if looks_like_formula(text):
        raise InvalidInput(
            f"{what} {text!r} must not start with =, +, -, @ (a spreadsheet would run it "
            "as a formula)"
        )
    return text
