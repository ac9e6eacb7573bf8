"""What the command line reads and prints: amounts, dates, money and the output.

Every command parses its arguments and writes its result through these, so a bad
amount or date reads the same everywhere and fails before a password is asked.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, format_minor, parse_minor

__all__ = [
    "amount_argument",
    "money_or_dash",
    "money_or_none",
    "parse_amount",
    "parse_date",
    "write",
    "write_result",
]


def parse_amount(text: str, what: str) -> int:
    """``"12.50"`` → 1250 minor units; a bad amount is refused naming ``what``."""
    try:
        return parse_minor(text)
    except MoneyError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def amount_argument(text: str) -> int:
    """An amount as an argparse ``type=`` (argparse reports the error)."""
    try:
        return parse_minor(text)
    except MoneyError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_date(text: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` → a date (None stays None); anything else is refused naming ``what``."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} must be a date YYYY-MM-DD, not {text!r}") from None


def money_or_none(minor: int | None) -> str | None:
    """An amount for JSON and tables (None when there is none, e.g. unrated)."""
    return None if minor is None else format_minor(minor)


def money_or_dash(minor: int | None) -> str:
    """An amount for a fixed-width listing ("-" when there is none)."""
    return "-" if minor is None else format_minor(minor)


def write(text: str) -> None:
    """Print ``text`` ending in exactly the newline it needs."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write_result(args: argparse.Namespace, data: Any, text: str) -> None:
    """Print ``data`` as JSON with ``--format json``, else the human ``text``."""
    write(json.dumps(data, ensure_ascii=False, indent=2) if args.format == "json" else text)
