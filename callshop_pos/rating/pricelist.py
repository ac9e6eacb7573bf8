"""The price list: one row per dialling code, read from and written to CSV.

File format (UTF-8, a byte-order mark is allowed, header row, columns in any order,
delimiter ``,`` or ``;`` — with ``;`` decimals may also be written with a comma):

=================  ========  ===============================================
column             required  meaning
=================  ========  ===============================================
``country``        yes       destination name shown to the cashier
``code``           yes       dialling code, 1–15 digits (``359``, ``35988``)
``wholesale_usd``  yes       carrier price per minute, USD, ≤ 6 decimals
``retail``         yes       shop price per minute (local currency); an
                             empty cell means "no retail price set yet"
``retail_offpeak`` no        shop price per minute in the off-peak band
``initial``        no        initial billing block in seconds (default 60)
``increment``      no        billing increment in seconds (default 60)
``connect_fee``    no        charged once per billed call (default 0)
``grace``          no        calls shorter than this are free (default 0)
=================  ========  ===============================================

Bounds (every value at the edge is checked; a bad row names its line):

- ``country``: at most :data:`MAX_COUNTRY_CHARS` characters, no control characters,
  not starting like a spreadsheet formula (``=``, ``+``, ``-``, ``@``);
- ``code``: 1–:data:`MAX_CODE_DIGITS` ASCII digits;
- rates and the connect fee: plain non-negative numbers below :data:`RATE_LIMIT`
  with at most :data:`MAX_RATE_DECIMALS` decimals;
- ``initial`` and ``increment``: 1–:data:`MAX_BLOCK_SECONDS` s, ``grace`` 0–that;
- the file: at most :data:`MAX_ROWS` rows, lines of at most :data:`MAX_LINE_BYTES`
  bytes, UTF-8.

The whole file is validated before anything is returned: every bad row is
reported, with its line number in the file, in one :class:`PriceListError`. The file
is read as a stream (bytes, ``str`` or a binary file object), row by row.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, BinaryIO

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, bgn_to_eur, parse_decimal
from callshop_pos.textsafe import csv_writer, looks_like_formula

__all__ = [
    "COLUMNS",
    "MAX_BLOCK_SECONDS",
    "MAX_CODE_DIGITS",
    "MAX_COUNTRY_CHARS",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "RATE_LIMIT",
    "REQUIRED_COLUMNS",
    "PriceEntry",
    "PriceListError",
    "PriceListSource",
    "entries_from_lines",
    "entry_line",
    "has_duplicate_codes",
    "parse_price_list",
    "price_list_lines",
    "write_price_list",
]

REQUIRED_COLUMNS = ("country", "code", "wholesale_usd", "retail")
OPTIONAL_COLUMNS = ("retail_offpeak", "initial", "increment", "connect_fee", "grace")
#: Every column, in the order :func:`write_price_list` writes them.
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

#: Longest dialling code (ITU E.164 numbers have at most 15 digits).
MAX_CODE_DIGITS = 15
#: Most decimals accepted in a rate or fee (wholesale is kept in micro-dollars).
MAX_RATE_DECIMALS = 6
#: Rates and connect fees are below this (per minute, in USD or the shop's currency):
#: far above any real tariff, far below what would overflow a call's price.
RATE_LIMIT = Decimal(100_000)
#: Longest initial block, billing increment and grace period, in seconds (one hour).
MAX_BLOCK_SECONDS = 3600
#: Longest destination name (the width of its database column).
MAX_COUNTRY_CHARS = 100
#: Most rows a price list may have (real carrier decks have up to ~100,000).
MAX_ROWS = 1_000_000
#: Longest line of a price-list file, in bytes.
MAX_LINE_BYTES = 64 * 1024
#: What a price list is read from: its text, its bytes, or a binary file.
PriceListSource = str | bytes | BinaryIO
#: At most this many problems are spelled out in the error message (all are in ``errors``).
_MESSAGE_LIMIT = 50


class PriceListError(InvalidInput):
    """A price list could not be read; ``errors`` lists ``(line, message)`` for every problem.

    Line numbers are physical lines of the file (the header is line 1); a problem with
    the file as a whole (e.g. a missing column) is reported on line 1.
    """

    def __init__(self, errors: Iterable[tuple[int, str]]) -> None:
        self.errors: list[tuple[int, str]] = sorted(errors)
        lines = [f"  line {line}: {message}" for line, message in self.errors[:_MESSAGE_LIMIT]]
        if len(self.errors) > _MESSAGE_LIMIT:
            lines.append(f"  … and {len(self.errors) - _MESSAGE_LIMIT} more")
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"price list not accepted, {count} {noun}:\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class PriceEntry:
    """One destination of a price list (rates are exact; amounts per minute)."""

    country: str
    code: str
    wholesale_usd: Decimal
    retail: Decimal | None
    retail_offpeak: Decimal | None = None
    initial: int = 60
    increment: int = 60
    connect_fee: Decimal = Decimal(0)
    grace: int = 0

    def __post_init__(self) -> None:
        # Entries are also built in code (admin screen, tests): the same rules as the file.
        problems = _entry_problems(self)
        if problems:
            raise InvalidInput(f"price entry {self.code!r}: " + "; ".join(problems))


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _entry_problems(entry: PriceEntry) -> list[str]:
    problems: list[str] = []
    if not isinstance(entry.country, str) or not entry.country.strip():
        return [f"country must be a name, not {entry.country!r}"]
    problems.extend(_country_problems(entry.country))
    if not (
        1 <= len(entry.code) <= MAX_CODE_DIGITS and entry.code.isascii() and entry.code.isdigit()
    ):
        problems.append(f"code must be 1–{MAX_CODE_DIGITS} digits, not {entry.code!r}")
    for name in ("wholesale_usd", "retail", "retail_offpeak", "connect_fee"):
        value = getattr(entry, name)
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite():
            problems.append(f"{name} must be an exact decimal, not {value!r}")
        elif value < 0:
            problems.append(f"{name} must not be negative")
        elif _decimals(value) > MAX_RATE_DECIMALS:
            problems.append(f"{name} has more than {MAX_RATE_DECIMALS} decimals")
        elif value >= RATE_LIMIT:
            problems.append(f"{name} must be below {RATE_LIMIT:,}")
    for name, least in (("initial", 1), ("increment", 1), ("grace", 0)):
        value = getattr(entry, name)
        if type(value) is not int or not least <= value <= MAX_BLOCK_SECONDS:
            problems.append(
                f"{name} must be a whole number {least}–{MAX_BLOCK_SECONDS}, not {value!r}"
            )
    if entry.retail is None and entry.retail_offpeak is not None:
        problems.append("retail_offpeak is set but retail is empty")
    return problems


def _physical_lines(data: PriceListSource) -> Iterator[str]:
    """The file's lines, decoded, with their line endings (what ``csv.reader`` wants).

    Bytes and binary files are read and decoded line by line, so a large file is never
    held twice and a decoding error names its own line. A byte-order mark is dropped.
    """
    if isinstance(data, str):
        yield from io.StringIO(data.removeprefix("\ufeff"), newline="")
        return
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    number = 0
    readline = stream.readline
    while True:
        raw = readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise PriceListError([(number, f"line longer than {MAX_LINE_BYTES:,} bytes")])
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PriceListError(
                [(number, f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line)")]
            ) from None
        if "\r" in text[:-2]:  # old Mac line ends: lines of their own
            yield from text.splitlines(keepends=True)
        else:
            yield text


def _sniff_delimiter(header_line: str, mapping: Mapping[str, str]) -> str:
    """``,`` or ``;``: whichever splits the header into known column names."""
    best = ","
    best_hits = -1
    for delimiter in (",", ";"):
        names = [_canonical(name) for name in next(csv.reader([header_line], delimiter=delimiter))]
        hits = sum(1 for name in names if mapping.get(name, name) in COLUMNS)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    return best


def _canonical(name: str) -> str:
    return name.strip().lower()


def _rows(
    data: PriceListSource,
    mapping: Mapping[str, str] | None,
    retail_in_bgn: bool,
    ignore_unknown_columns: bool,
) -> Iterator[tuple[int, str]]:
    """Every valid row as ``(line, stored form)``, in file order (duplicates included).

    Streams: rows are validated as they are read. When the file is exhausted, every
    problem found is raised as one :class:`PriceListError` (so a consumer must read
    to the end before trusting what it got).
    """
    reader, delimiter, width, positions = _open_csv(data, mapping, ignore_unknown_columns)
    header_line = reader.line_num
    errors: list[tuple[int, str]] = []
    # Where each of our columns is in a row; a column the file lacks reads the
    # empty cell appended after the row's own cells.
    pick = itemgetter(*(positions.get(column, width) for column in COLUMNS))
    comma = delimiter == ";"
    fast = None if retail_in_bgn else (_FAST_ROW_COMMA if comma else _FAST_ROW).fullmatch
    line = header_line
    rows = 0
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append((start, f"unreadable CSV: {exc}"))
            break
        except PriceListError as exc:  # a line that could not be read at all
            errors.extend(exc.errors)
            break
        line = reader.line_num
        if fast is not None and len(row) == width:
            # The common row, as it is (the expression refuses surrounding spaces).
            row.append("")
            found = fast("\t".join(pick(row)))
            if found is not None and (found[4] or not found[5]):
                rows += 1
                if rows > MAX_ROWS:
                    errors.append((start, _too_many_rows()))
                    break
                yield start, _fast_stored(found, comma)
                continue
            row.pop()
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            errors.append((start, _too_many_rows()))
            break
        problems: list[str] = []
        if len(cells) != width:
            if len(cells) > width and any(cells[width:]):
                problems.append(f"{len(cells)} fields but the header has {width}")
            cells = cells[:width] + [""] * (width - len(cells[:width]))
        cells.append("")
        picked: tuple[str, ...] = pick(cells)
        stored = _checked_row(picked, comma, retail_in_bgn, problems)
        if problems or stored is None:
            errors.extend((start, problem) for problem in problems)
            if len(errors) >= _ERROR_LIMIT:
                errors.append((start, f"reading stopped after {_ERROR_LIMIT:,} problems"))
                break
            continue
        yield start, stored
    if errors:
        raise PriceListError(errors)


def _open_csv(
    data: PriceListSource, mapping: Mapping[str, str] | None, ignore_unknown_columns: bool
) -> tuple[Any, str, int, dict[str, int]]:
    """A CSV reader past the header row: ``(reader, delimiter, header width, where each
    of our columns is)``; a file without a usable header raises :class:`PriceListError`."""
    rename = {_canonical(k): v for k, v in (mapping or {}).items()}
    lines = _physical_lines(data)
    seen: list[str] = []
    for text in lines:
        seen.append(text)
        if text.strip():
            break
    else:
        raise PriceListError([(1, "the file is empty (a header row is required)")])
    delimiter = _sniff_delimiter(seen[-1].rstrip("\r\n"), rename)
    reader = csv.reader(itertools.chain(seen, lines), delimiter=delimiter, strict=True)
    errors: list[tuple[int, str]] = []
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except csv.Error as exc:
        raise PriceListError([(reader.line_num, f"unreadable CSV: {exc}")]) from exc
    positions = _header_positions(header, reader.line_num, rename, ignore_unknown_columns, errors)
    if errors:
        raise PriceListError(errors)
    return reader, delimiter, len(header), positions


def _fast_stored(found: re.Match[str], comma: bool) -> str:
    """The stored form of a row matched by the common-row expression."""
    country, code, whole, retail, offpeak, initial, increment, fee, grace = found.groups("")
    if comma:
        whole, retail, offpeak, fee = (v.replace(",", ".") for v in (whole, retail, offpeak, fee))
    return (
        f"{code}\t{country}\t{whole}\t{retail}\t{offpeak}\t{initial or '60'}\t"
        f"{increment or '60'}\t{fee or '0'}\t{grace or '0'}"
    )


def _too_many_rows() -> str:
    return f"more than {MAX_ROWS:,} rows (the most a price list may have)"


def _code_of(stored: str) -> str:
    return stored[: stored.index("\t")]


def parse_price_list(
    data: PriceListSource,
    *,
    mapping: Mapping[str, str] | None = None,
    retail_in_bgn: bool = False,
    ignore_unknown_columns: bool = False,
) -> list[PriceEntry]:
    """Read a whole price list; return its rows (file order) or raise :class:`PriceListError`.

    ``mapping`` renames the file's headers to ours (``{"Prefix": "code", ...}``,
    matched case-insensitively) for carrier files with their own headers; a header
    mapped to ``""`` is ignored. Unknown columns are an error (a misspelt optional
    column must not be silently dropped) unless ``ignore_unknown_columns``.
    With ``retail_in_bgn`` the retail columns and the connect fee are in leva and are
    converted to euro (``money.bgn_to_eur``: divide by 1.95583, half-up, 2 decimals).
    Blank lines are skipped. Nothing is returned unless every row is valid.
    """
    kept: list[str] = []
    first_line: dict[str, int] = {}
    duplicates: list[tuple[int, str]] = []
    try:
        for line, stored in _rows(data, mapping, retail_in_bgn, ignore_unknown_columns):
            code = _code_of(stored)
            if code in first_line:
                first = first_line[code]
                duplicates.append((line, f"duplicate code {code} (first on line {first})"))
                continue
            first_line[code] = line
            kept.append(stored)
    except PriceListError as exc:
        raise PriceListError([*exc.errors, *duplicates]) from None
    if duplicates:
        raise PriceListError(duplicates)
    return list(entries_from_lines(kept))


def price_list_lines(
    data: PriceListSource,
    *,
    mapping: Mapping[str, str] | None = None,
    retail_in_bgn: bool = False,
    ignore_unknown_columns: bool = False,
) -> list[str]:
    """Validate a whole price list as :func:`parse_price_list` does and return its
    entries in their stored form (see :func:`entry_line`), sorted by code.

    The rows are validated while the file streams in and kept only as one short
    string each, so a 1,000,000-row list takes about a tenth of the memory and time
    of building its :class:`PriceEntry` objects. A binary file object is read once,
    twice only when two rows share a code (to name their lines).
    """
    stored: list[str] = []
    failure: PriceListError | None = None
    try:
        rows = _rows(data, mapping, retail_in_bgn, ignore_unknown_columns)
        stored.extend(text for _, text in rows)
    except PriceListError as exc:
        failure = exc
    stored.sort()  # by code: "\t" sorts before every digit
    if not has_duplicate_codes(stored):
        if failure is not None:
            raise failure
        return stored
    # Read again to name the lines of the duplicates (and any other problem).
    del stored
    if not isinstance(data, str | bytes | bytearray):
        data.seek(0)
    parse_price_list(
        data,
        mapping=mapping,
        retail_in_bgn=retail_in_bgn,
        ignore_unknown_columns=ignore_unknown_columns,
    )
    raise AssertionError("parse_price_list accepted what price_list_lines refused")


def has_duplicate_codes(stored: Sequence[str]) -> bool:
    """Whether two of these stored entries, sorted, share a code."""
    previous = "\n"  # no code starts with it
    for text in stored:
        if text.startswith(previous):
            return True
        previous = text[: text.index("\t") + 1]
    return False


def _header_positions(
    header: list[str],
    line: int,
    rename: Mapping[str, str],
    ignore_unknown: bool,
    errors: list[tuple[int, str]],
) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _canonical(raw)
        column = rename.get(name, name)
        if column == "":
            continue
        if column not in COLUMNS:
            if not ignore_unknown:
                errors.append(
                    (line, f"unknown column {raw.strip()!r} (known: {', '.join(COLUMNS)})")
                )
            continue
        if column in positions:
            errors.append((line, f"column {column!r} appears twice"))
            continue
        positions[column] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            errors.append((line, f"missing column {column!r}"))
    return positions


# The common row, checked by one regular expression over its cells joined by tabs: a
# name without control characters, a code of digits, plain non-negative numbers below
# RATE_LIMIT with at most MAX_RATE_DECIMALS decimals and no leading zero, whole seconds
# within their bounds. Anything else goes the long way, which explains what is wrong.
_INTEGER_DIGITS = len(str(int(RATE_LIMIT))) - 1  # 99999 for 100000
_RATE_RE = rf"(?:0|[1-9][0-9]{{0,{_INTEGER_DIGITS - 1}}})(?:\.[0-9]{{1,{MAX_RATE_DECIMALS}}})?"
_SECONDS_RE = r"(?:[1-9][0-9]{0,2}|[12][0-9]{3}|3[0-5][0-9]{2}|3600)"  # 1–3600
# A name: no control character, no space at either end (the cells are not stripped),
# not starting like a formula (=, +, -, @: such a name goes the long way, where
# looks_like_formula decides).
_NAME_RE = (
    rf"[^\s\x00-\x1f\x7f-\x9f=+\-@](?:[^\x00-\x1f\x7f-\x9f]{{0,{MAX_COUNTRY_CHARS - 2}}}"
    r"[^\s\x00-\x1f\x7f-\x9f])?"
)


def _fast_row(rate: str) -> re.Pattern[str]:
    return re.compile(
        rf"({_NAME_RE})\t([0-9]{{1,{MAX_CODE_DIGITS}}})\t({rate})\t({rate})?\t({rate})?\t"
        rf"({_SECONDS_RE})?\t({_SECONDS_RE})?\t({rate})?\t(0|{_SECONDS_RE})?"
    )


_FAST_ROW = _fast_row(_RATE_RE)
_FAST_ROW_COMMA = _fast_row(_RATE_RE.replace(r"\.", "[.,]"))
assert MAX_BLOCK_SECONDS == 3600  # _SECONDS_RE spells it out
_ERROR_LIMIT = 10_000


def _rate(text: str, column: str, comma: bool, problems: list[str]) -> Decimal | None:
    """A rate cell (already known non-empty), or None with the problem recorded."""
    try:
        if not text.isascii():
            raise MoneyError(text)
        value = parse_decimal(text, allow_comma=comma)
    except MoneyError:
        problems.append(f"{column} is not a number: {text!r}")
        return None
    if value < 0:
        problems.append(f"{column} must not be negative: {text!r}")
    elif _decimals(value) > MAX_RATE_DECIMALS:
        problems.append(f"{column} has more than {MAX_RATE_DECIMALS} decimals: {text!r}")
    elif value >= RATE_LIMIT:
        problems.append(f"{column} must be below {RATE_LIMIT:,}: {text!r}")
    else:
        return value
    return None


def _seconds(text: str, column: str, default: int, least: int, problems: list[str]) -> int:
    if not text:
        return default
    if not (text.isascii() and text.isdigit()):
        problems.append(f"{column} must be a whole number of seconds ≥ {least}: {text!r}")
        return default
    value = int(text) if len(text) <= 12 else MAX_BLOCK_SECONDS + 1
    if value < least:
        problems.append(f"{column} must be ≥ {least}: {text!r}")
    elif value > MAX_BLOCK_SECONDS:
        problems.append(f"{column} must be at most {MAX_BLOCK_SECONDS} seconds: {text!r}")
    return value


def _country_problems(country: str) -> list[str]:
    problems = []
    if len(country) > MAX_COUNTRY_CHARS:
        problems.append(f"country is longer than {MAX_COUNTRY_CHARS} characters ({len(country)})")
    if any(unicodedata.category(c) == "Cc" for c in country):
        problems.append("country contains a control character (tab, line break, …)")
    if looks_like_formula(country.strip()):
        problems.append(
            f"country {country!r} must not start with =, +, -, @ (a spreadsheet would "
            "run it as a formula)"
        )
    return problems


def _checked_row(
    cells: tuple[str, ...],
    comma: bool,
    retail_in_bgn: bool,
    problems: list[str],
) -> str | None:
    """One row's stored form, or ``None`` with every problem of the row added to ``problems``.

    ``cells`` are the row's stripped cells for :data:`COLUMNS`, in that order.
    """
    (
        country,
        code,
        wholesale_text,
        retail_text,
        offpeak_text,
        initial_text,
        increment_text,
        fee_text,
        grace_text,
    ) = cells
    if not country:
        problems.append("country is missing")
    problems.extend(_country_problems(country))
    if not code:
        problems.append("code is missing")
    elif not (len(code) <= MAX_CODE_DIGITS and code.isascii() and code.isdigit()):
        problems.append(f"bad code {code[:40]!r} (must be 1–{MAX_CODE_DIGITS} digits)")
    wholesale = _rate(wholesale_text, "wholesale_usd", comma, problems) if wholesale_text else None
    if not wholesale_text:
        problems.append("wholesale_usd is missing")
    retail = _rate(retail_text, "retail", comma, problems) if retail_text else None
    offpeak = _rate(offpeak_text, "retail_offpeak", comma, problems) if offpeak_text else None
    if offpeak_text and not retail_text:
        problems.append("retail_offpeak is set but retail is empty")
    connect_fee = _rate(fee_text, "connect_fee", comma, problems) if fee_text else Decimal(0)
    initial = _seconds(initial_text, "initial", 60, 1, problems)
    increment = _seconds(increment_text, "increment", 60, 1, problems)
    grace = _seconds(grace_text, "grace", 0, 0, problems)
    if problems:
        return None
    assert wholesale is not None and connect_fee is not None  # reported above otherwise
    if retail_in_bgn:
        retail = None if retail is None else bgn_to_eur(retail)
        offpeak = None if offpeak is None else bgn_to_eur(offpeak)
        connect_fee = bgn_to_eur(connect_fee)
    return (
        f"{code}\t{country}\t{_plain(wholesale)}\t{_plain(retail)}\t{_plain(offpeak)}\t"
        f"{initial}\t{increment}\t{_plain(connect_fee)}\t{grace}"
    )


def entry_line(entry: PriceEntry) -> str:
    """The stored form of an entry: its fields joined by tabs, code first (so stored
    lines sort by code), numbers in plain notation as given, an empty field for
    "no price". Names cannot hold a tab or line break (:class:`PriceEntry` refuses
    control characters)."""
    return (
        f"{entry.code}\t{entry.country}\t{_plain(entry.wholesale_usd)}\t{_plain(entry.retail)}\t"
        f"{_plain(entry.retail_offpeak)}\t{entry.initial}\t{entry.increment}\t"
        f"{_plain(entry.connect_fee)}\t{entry.grace}"
    )


_MISSING: Any = object()
#: Whole seconds as text → the int (every value a block or grace may have).
_SECONDS = {str(i): i for i in range(MAX_BLOCK_SECONDS + 1)}


def _slot_setters() -> tuple[Any, ...]:
    # The slots' own descriptors: PriceEntry is frozen, so its __setattr__ refuses.
    return tuple(
        getattr(PriceEntry, name).__set__
        for name in (
            "country",
            "code",
            "wholesale_usd",
            "retail",
            "retail_offpeak",
            "initial",
            "increment",
            "connect_fee",
            "grace",
        )
    )


def entries_from_lines(stored: Iterable[str]) -> Iterator[PriceEntry]:
    """Entries from their stored form (see :func:`entry_line`).

    Equal numbers and names become one object each (a real price list repeats its
    rates and country names many times: a million entries take hundreds of megabytes
    less). The lines were checked when stored (the rules of ``PriceEntry.__post_init__``);
    skipping a second check keeps loading a version fast.
    """
    numbers: dict[str, Decimal | None] = {"": None}
    names: dict[str, str] = {}
    seconds = _SECONDS
    new = object.__new__
    (
        set_country,
        set_code,
        set_wholesale,
        set_retail,
        set_offpeak,
        set_initial,
        set_increment,
        set_fee,
        set_grace,
    ) = _slot_setters()

    def number(text: str) -> Decimal | None:
        if len(numbers) > 200_000:  # mostly distinct: stop sharing what is not shared
            numbers.clear()
            numbers[""] = None
        value = numbers[text] = Decimal(text)
        return value

    for text in stored:
        code, country, whole, retail, offpeak, initial, increment, fee, grace = text.split("\t")
        entry = new(PriceEntry)
        set_country(entry, names.setdefault(country, country))
        set_code(entry, code)
        value = numbers.get(whole, _MISSING)
        set_wholesale(entry, number(whole) if value is _MISSING else value)
        value = numbers.get(retail, _MISSING)
        set_retail(entry, number(retail) if value is _MISSING else value)
        value = numbers.get(offpeak, _MISSING)
        set_offpeak(entry, number(offpeak) if value is _MISSING else value)
        value = numbers.get(fee, _MISSING)
        set_fee(entry, number(fee) if value is _MISSING else value)
        whole_seconds = seconds.get(initial)
        set_initial(entry, int(initial) if whole_seconds is None else whole_seconds)
        whole_seconds = seconds.get(increment)
        set_increment(entry, int(increment) if whole_seconds is None else whole_seconds)
        whole_seconds = seconds.get(grace)
        set_grace(entry, int(grace) if whole_seconds is None else whole_seconds)
        yield entry


def _plain(value: Decimal | None, decimal_comma: bool = False) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.replace(".", ",") if decimal_comma else text


def write_price_list(entries: Iterable[PriceEntry], *, delimiter: str = ",") -> str:
    """Write entries in the format :func:`parse_price_list` reads (all columns, header first).

    Values are written exactly as held, so ``parse_price_list(write_price_list(e)) == e``.
    With ``delimiter=";"`` decimals are written with a comma (the continental habit).
    """
    if delimiter not in (",", ";"):
        raise ValueError("delimiter must be ',' or ';'")
    comma = delimiter == ";"
    out = io.StringIO()
    writer = csv_writer(out, delimiter=delimiter)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(
            [
                e.country,
                e.code,
                _plain(e.wholesale_usd, comma),
                _plain(e.retail, comma),
                _plain(e.retail_offpeak, comma),
                e.initial,
                e.increment,
                _plain(e.connect_fee, comma),
                e.grace,
            ]
        )
    return out.getvalue()
