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

The whole file is validated before anything is returned: every bad row is
reported, with its line number in the file, in one :class:`PriceListError`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, bgn_to_eur, parse_decimal
from callshop_pos.textsafe import csv_writer, looks_like_formula

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "PriceEntry",
    "PriceListError",
    "parse_price_list",
    "write_price_list",
]

REQUIRED_COLUMNS = ("country", "code", "wholesale_usd", "retail")
OPTIONAL_COLUMNS = ("retail_offpeak", "initial", "increment", "connect_fee", "grace")
#: Every column, in the order :func:`write_price_list` writes them.
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

#: Longest dialling code (ITU E.164 numbers have at most 15 digits).
MAX_CODE_DIGITS = 15
#: Longest destination name (what the calls table keeps of it).
MAX_COUNTRY_LENGTH = 128
#: Most decimals accepted in a rate or fee (wholesale is kept in micro-dollars).
MAX_RATE_DECIMALS = 6
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


@dataclass(frozen=True)
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


def _country_problem(country: str) -> str | None:
    """What is wrong with a (stripped) destination name, if anything."""
    if len(country) > MAX_COUNTRY_LENGTH:
        return f"country is longer than {MAX_COUNTRY_LENGTH} characters"
    if looks_like_formula(country):
        return (f"country {country!r} must not start with =, +, -, @ (a spreadsheet would "
                "run it as a formula)")
    return None


def _entry_problems(entry: PriceEntry) -> list[str]:
    problems: list[str] = []
    if not entry.country.strip():
        problems.append("country is empty")
    elif (problem := _country_problem(entry.country.strip())) is not None:
        problems.append(problem)
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
    for name, least in (("initial", 1), ("increment", 1), ("grace", 0)):
        value = getattr(entry, name)
        if type(value) is not int or value < least:
            problems.append(f"{name} must be a whole number ≥ {least}, not {value!r}")
    if entry.retail is None and entry.retail_offpeak is not None:
        problems.append("retail_offpeak is set but retail is empty")
    return problems


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PriceListError([(1, f"the file is not UTF-8 text ({exc.reason})")]) from exc
    return data.removeprefix("\ufeff")


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


def parse_price_list(
    data: str | bytes,
    *,
    mapping: Mapping[str, str] | None = None,
    retail_in_bgn: bool = False,
    ignore_unknown_columns: bool = False,
) -> list[PriceEntry]:
    """Read a whole price list; return its rows or raise :class:`PriceListError`.

    ``mapping`` renames the file's headers to ours (``{"Prefix": "code", ...}``,
    matched case-insensitively) for carrier files with their own headers; a header
    mapped to ``""`` is ignored. Unknown columns are an error (a misspelt optional
    column must not be silently dropped) unless ``ignore_unknown_columns``.
    With ``retail_in_bgn`` the retail columns and the connect fee are in leva and are
    converted to euro (``money.bgn_to_eur``: divide by 1.95583, half-up, 2 decimals).
    Blank lines are skipped. Nothing is returned unless every row is valid.
    """
    text = _decode(data)
    rename = {_canonical(k): v for k, v in (mapping or {}).items()}
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise PriceListError([(1, "the file is empty (a header row is required)")])
    delimiter = _sniff_delimiter(lines[first], rename)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    errors: list[tuple[int, str]] = []
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except csv.Error as exc:
        raise PriceListError([(reader.line_num, f"unreadable CSV: {exc}")]) from exc
    header_line = reader.line_num
    positions = _header_positions(header, header_line, rename, ignore_unknown_columns, errors)
    if errors:
        raise PriceListError(errors)

    entries: list[PriceEntry] = []
    first_line: dict[str, int] = {}
    width = len(header)
    # Where each of our columns is in a row; a column the file lacks reads the
    # empty cell appended after the row's own cells.
    pick = itemgetter(*(positions.get(column, width) for column in COLUMNS))
    line = header_line
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append((start, f"unreadable CSV: {exc}"))
            break
        line = reader.line_num
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        problems: list[str] = []
        if len(cells) != width:
            if len(cells) > width and any(cells[width:]):
                problems.append(f"{len(cells)} fields but the header has {width}")
            cells = cells[:width] + [""] * (width - len(cells[:width]))
        cells.append("")
        entry = _parse_row(pick(cells), delimiter == ";", retail_in_bgn, problems)
        if problems:
            errors.extend((start, problem) for problem in problems)
            continue
        assert entry is not None  # no problems means an entry
        if entry.code in first_line:
            errors.append(
                (start, f"duplicate code {entry.code} (first on line {first_line[entry.code]})")
            )
            continue
        first_line[entry.code] = start
        entries.append(entry)
    if errors:
        raise PriceListError(errors)
    return entries


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


# A plain non-negative number with at most MAX_RATE_DECIMALS decimals: the common
# case, read straight into a Decimal. Anything else goes the long way, which
# explains what is wrong with it.
_PLAIN_RATE = re.compile(rf"[0-9]+(?:\.[0-9]{{1,{MAX_RATE_DECIMALS}}})?")
_PLAIN_RATE_COMMA = re.compile(rf"[0-9]+(?:[.,][0-9]{{1,{MAX_RATE_DECIMALS}}})?")


def _rate(text: str, column: str, comma: bool, problems: list[str]) -> Decimal | None:
    """A rate cell (already known non-empty), or None with the problem recorded."""
    if (_PLAIN_RATE_COMMA if comma else _PLAIN_RATE).fullmatch(text):
        return Decimal(text.replace(",", ".") if comma else text)
    try:
        value = parse_decimal(text, allow_comma=comma)
    except MoneyError:
        problems.append(f"{column} is not a number: {text!r}")
        return None
    if value < 0:
        problems.append(f"{column} must not be negative: {text!r}")
    elif _decimals(value) > MAX_RATE_DECIMALS:
        problems.append(f"{column} has more than {MAX_RATE_DECIMALS} decimals: {text!r}")
    else:
        return value
    return None


def _seconds(text: str, column: str, default: int, least: int, problems: list[str]) -> int:
    if not text:
        return default
    if not (text.isascii() and text.isdigit()):
        problems.append(f"{column} must be a whole number of seconds ≥ {least}: {text!r}")
        return default
    value = int(text)
    if value < least:
        problems.append(f"{column} must be ≥ {least}: {text!r}")
    return value


def _parse_row(
    cells: tuple[str, ...],
    comma: bool,
    retail_in_bgn: bool,
    problems: list[str],
) -> PriceEntry | None:
    """One row's entry, or ``None`` with every problem of the row added to ``problems``.

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
    elif (problem := _country_problem(country)) is not None:
        problems.append(problem)
    if not code:
        problems.append("code is missing")
    elif not (len(code) <= MAX_CODE_DIGITS and code.isascii() and code.isdigit()):
        problems.append(f"bad code {code!r} (must be 1–{MAX_CODE_DIGITS} digits)")
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
    # Every field was checked above by the same rules as PriceEntry.__post_init__;
    # skipping the second check keeps a 50,000-row import well under the target.
    entry: PriceEntry = object.__new__(PriceEntry)
    entry.__dict__.update(
        country=country,
        code=code,
        wholesale_usd=wholesale,
        retail=retail,
        retail_offpeak=offpeak,
        initial=initial,
        increment=increment,
        connect_fee=connect_fee,
        grace=grace,
    )
    return entry


def _plain(value: Decimal | None, decimal_comma: bool) -> str:
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
