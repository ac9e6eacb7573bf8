"""``callshop-pos rate``: rate a file of calls against a price list, no database.

Input: CSV with a header and the columns ``number,answered_at,duration``
(``answered_at`` ISO 8601 local time — or with a UTC offset —, ``duration`` in
seconds, may be fractional). Output: the same calls with their rating, columns
``number,normalized,answered_at,duration,status,prefix,country,billable_seconds,price,wholesale_usd``.
The whole input is checked first; a bad row stops the command with its line number
and nothing is written.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.money import MoneyError, format_minor, parse_decimal
from callshop_pos.rating import (
    NumberPlan,
    OffPeakSchedule,
    PriceIndex,
    PriceListError,
    Rater,
    Rating,
    parse_price_list,
)
from callshop_pos.textsafe import csv_writer

__all__ = ["OUTPUT_COLUMNS", "CallFileError", "CallRow", "read_calls", "register", "write_ratings"]

INPUT_COLUMNS = ("number", "answered_at", "duration")
OUTPUT_COLUMNS = (
    "number",
    "normalized",
    "answered_at",
    "duration",
    "status",
    "prefix",
    "country",
    "billable_seconds",
    "price",
    "wholesale_usd",
)
_MESSAGE_LIMIT = 50
#: The longest call a call file may hold (a day; anything longer is a broken record).
MAX_DURATION_S = 86_400
_DESCRIPTION = """\
Rate a file of calls against a price list, without touching any database.

Input CSV columns: number,answered_at,duration (answered_at in ISO 8601 local
time, or with a UTC offset; duration in seconds, may be fractional).
Output CSV columns: number,normalized,answered_at,duration,status,prefix,
country,billable_seconds,price,wholesale_usd.

status is "rated" or "unrated". For an unrated call billable_seconds and price
are empty; prefix, country and wholesale_usd are still given when a prefix
matched but has no retail price (the carrier bills the call all the same).
The whole input is checked first: bad rows are reported with their line
numbers and nothing is written. A summary goes to standard error.
"""


class CallFileError(InvalidInput):
    """A call file could not be read; ``errors`` lists ``(line, message)`` for every problem."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = sorted(errors)
        shown = [f"  line {line}: {message}" for line, message in self.errors[:_MESSAGE_LIMIT]]
        if len(self.errors) > _MESSAGE_LIMIT:
            shown.append(f"  … and {len(self.errors) - _MESSAGE_LIMIT} more")
        super().__init__(
            f"call file not accepted, {len(self.errors)} problem(s):\n" + "\n".join(shown)
        )


@dataclass(frozen=True)
class CallRow:
    """One call of the input file, as written there plus its parsed values."""

    line: int
    number: str
    answered_at_text: str
    duration_text: str
    answered_at: datetime
    duration: Decimal


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 0
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CallFileError([(start, f"unreadable CSV: {exc}")]) from exc
        line = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row


def read_calls(data: str | bytes) -> list[CallRow]:
    """Read and check a whole call file; raise :class:`CallFileError` listing every bad row."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CallFileError([(1, f"the file is not UTF-8 text ({exc.reason})")]) from exc
    text = data.removeprefix("\ufeff")
    rows = _rows(text)
    first = next(rows, None)
    if first is None:
        raise CallFileError([(1, "the file is empty (a header row is required)")])
    header_line, header = first
    names = [name.strip().lower() for name in header]
    errors = [
        (header_line, f"missing column {column!r}")
        for column in INPUT_COLUMNS
        if column not in names
    ]
    if errors:
        raise CallFileError(errors)
    where = {column: names.index(column) for column in INPUT_COLUMNS}
    calls: list[CallRow] = []
    for line, row in rows:
        cells = {c: row[i].strip() if i < len(row) else "" for c, i in where.items()}
        problems: list[str] = []
        if not cells["number"]:
            problems.append("number is missing")
        answered_at: datetime | None = None
        try:
            answered_at = datetime.fromisoformat(cells["answered_at"])
        except ValueError:
            problems.append(f"answered_at is not an ISO 8601 time: {cells['answered_at']!r}")
        duration: Decimal | None = None
        try:
            duration = parse_decimal(cells["duration"], allow_comma=True)
        except MoneyError:
            problems.append(f"duration is not a number of seconds: {cells['duration']!r}")
        if duration is not None and duration < 0:
            problems.append(f"duration must not be negative: {cells['duration']!r}")
        elif duration is not None and duration > MAX_DURATION_S:
            problems.append(
                f"duration must be at most {MAX_DURATION_S} seconds (a day): "
                f"{_shorten(cells['duration'])!r}"
            )
        if problems:
            errors.extend((line, problem) for problem in problems)
            continue
        assert answered_at is not None and duration is not None
        calls.append(
            CallRow(
                line,
                cells["number"],
                cells["answered_at"],
                cells["duration"],
                answered_at,
                duration,
            )
        )
    if errors:
        raise CallFileError(errors)
    return calls


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _output_row(call: CallRow, rating: Rating, digits: int) -> list[str]:
    rated = rating.is_rated
    # An unrated call whose prefix matched (no retail price yet) still shows the
    # destination and the carrier's cost: the carrier bills it all the same.
    return [
        call.number,
        rating.normalized or "",
        call.answered_at_text,
        call.duration_text,
        rating.status,
        rating.prefix or "",
        rating.country or "",
        str(rating.billable_seconds) if rated else "",
        format_minor(rating.price_minor, digits)
        if rating.price_minor is not None and rated
        else "",
        format_minor(rating.wholesale_micro, 6) if rating.wholesale_micro is not None else "",
    ]


def write_ratings(calls: list[CallRow], ratings: list[Rating], digits: int = 2) -> str:
    """The output CSV (header and one row per call, in input order)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(OUTPUT_COLUMNS)
    for call, rating in zip(calls, ratings, strict=True):
        writer.writerow(_output_row(call, rating, digits))
    return out.getvalue()


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CallShopError(f"cannot read the {what} {path!r}: {exc.strerror or exc}") from exc


def _write_atomically(path: str, text: str) -> None:
    target = Path(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=".rate-", suffix=".csv", dir=target.parent or ".")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        raise CallShopError(f"cannot write {path!r}: {exc.strerror or exc}") from exc


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {name!r} (e.g. Europe/Sofia)") from exc


def run_rate(args: argparse.Namespace) -> int:
    """Rate the call file; print or write the result; a summary goes to stderr."""
    prefixes = tuple(p.strip() for p in args.intl_prefixes.split(",") if p.strip())
    plan = NumberPlan(args.country_code, args.national_prefix, prefixes)
    schedule = OffPeakSchedule.parse(args.offpeak) if args.offpeak else None
    tz = _zone(args.tz)
    try:
        entries = parse_price_list(_read(args.prices, "price list"))
    except PriceListError as exc:
        raise InvalidInput(f"{args.prices}: {exc}") from exc
    try:
        calls = read_calls(_read(args.cdrs, "call file"))
    except CallFileError as exc:
        raise InvalidInput(f"{args.cdrs}: {exc}") from exc
    rater = Rater(PriceIndex(entries), plan, schedule, tz)
    ratings = rater.rate_many((call.number, call.answered_at, call.duration) for call in calls)
    text = write_ratings(calls, ratings)
    if args.out:
        _write_atomically(args.out, text)
    else:
        sys.stdout.write(text)
    rated = [r for r in ratings if r.is_rated]
    total = sum(r.price_minor or 0 for r in rated)
    cost = sum(r.wholesale_micro or 0 for r in ratings)
    print(
        f"{len(ratings)} calls: {len(rated)} rated, {len(ratings) - len(rated)} unrated; "
        f"price total {format_minor(total)}, wholesale total USD {format_minor(cost, 6)}",
        file=sys.stderr,
    )
    return 0


def register(subparsers: Any) -> None:
    """Add ``rate`` to the command line."""
    parser = subparsers.add_parser(
        "rate",
        help="rate a call file against a price list (no database)",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--prices", required=True, metavar="PRICES.csv", help="price list CSV")
    parser.add_argument(
        "--country-code", default="359", metavar="C", help="home country code (359)"
    )
    parser.add_argument(
        "--national-prefix", default="0", metavar="P", help="national trunk prefix (0)"
    )
    parser.add_argument(
        "--intl-prefixes", default="00,+", metavar="LIST", help="international prefixes (00,+)"
    )
    parser.add_argument(
        "--offpeak",
        default="",
        metavar="SPEC",
        help="off-peak windows, e.g. 'Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00'",
    )
    parser.add_argument(
        "--tz", default="Europe/Sofia", metavar="ZONE", help="the shop's time zone (Europe/Sofia)"
    )
    parser.add_argument("--out", metavar="OUT.csv", help="write here instead of standard output")
    parser.add_argument("cdrs", metavar="CDRS.csv", help="calls: number,answered_at,duration")
    parser.set_defaults(func=run_rate)
