"""The exact value types every payload is built from.

- money in integer minor units (``Minor``) or integer micro-units of the carrier's
  currency (``Micro``): JSON integers only — a float, a numeric string or a boolean is
  refused, never rounded;
- rates as decimal strings (``DecimalStr``: ``"0.0125"``), never JSON numbers;
- times as UTC ISO 8601 with ``Z`` (``UtcTime``: ``"2026-12-06T21:30:05Z"``, up to six
  fractional digits); an offset other than ``Z``, a naive time or a date alone is
  refused;
- journal hashes as 64 lowercase hex digits (``Hash``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import core_schema

__all__ = [
    "MAX_AMOUNT",
    "Count",
    "Decimal",
    "DecimalStr",
    "Hash",
    "LocalDate",
    "Micro",
    "Minor",
    "Name",
    "Seconds",
    "StrictBool",
    "Text",
    "UtcTime",
    "format_utc",
    "micro_usd_to_minor",
    "parse_utc",
    "usd_converter",
]

#: Largest absolute amount accepted (2**53 - 1: exact in every JSON reader, fits BIGINT).
MAX_AMOUNT = 2**53 - 1

_UTC_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL_RE = re.compile(r"-?(0|[1-9]\d{0,17})(\.\d{1,9})?")


def parse_utc(value: Any) -> datetime:
    """A wire time (``"…Z"``) or an aware datetime at UTC, as an aware UTC datetime."""
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is None:
            raise ValueError("a time must carry its time zone (UTC)")
        return value.astimezone(UTC)
    if not isinstance(value, str) or _UTC_RE.fullmatch(value) is None:
        raise ValueError(
            f"a time must be UTC ISO 8601 ending in Z (2026-12-06T21:30:05Z), not {value!r}"
        )
    try:
        return datetime.fromisoformat(value)  # the pattern admits only "…Z": aware, UTC
    except ValueError:
        raise ValueError(f"not a valid time: {value!r}") from None


def format_utc(value: datetime) -> str:
    """The wire form of an aware datetime: UTC, ``Z``, microseconds only when set."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text + "Z"


def _parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _DATE_RE.fullmatch(value) is None:
        raise ValueError(f"a local date must be YYYY-MM-DD, not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a valid date: {value!r}") from None


def usd_converter(local_per_usd: Decimal, digits: int) -> Callable[[int], int]:
    """Converts a carrier cost in micro-USD to the local currency's minor units at
    ``local_per_usd`` (local units for one USD): exact, then rounded half-up (half a
    cent away from zero), in integers only. Both sides convert each call this way and
    sum the rounded costs; make one per rate and call it for each call."""
    sign, figures, exponent = local_per_usd.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError("a rate must be a finite decimal")
    numerator = int("".join(map(str, figures)) or "0") * (-1 if sign else 1)
    shift = exponent + digits - 6  # cost = micro × numerator × 10**shift
    if shift >= 0:
        factor: int = numerator * 10**shift
        return lambda micro: micro * factor
    divisor: int = 10**-shift

    def convert(micro: int) -> int:
        product = micro * numerator
        whole, rest = divmod(abs(product), divisor)
        if 2 * rest >= divisor:
            whole += 1
        return whole if product >= 0 else -whole

    return convert


def micro_usd_to_minor(micro_usd: int, local_per_usd: Decimal, digits: int) -> int:
    """One cost converted (see :func:`usd_converter`)."""
    return usd_converter(local_per_usd, digits)(micro_usd)


def _parse_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a rate must be a finite decimal")
        return value
    if not isinstance(value, str) or _DECIMAL_RE.fullmatch(value) is None:
        raise ValueError(
            f'a rate must be a decimal string such as "0.0125" (never a JSON number), not {value!r}'
        )
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"not a decimal: {value!r}") from None


def _format_decimal(value: Decimal) -> str:
    return format(value, "f")


_UTC_MESSAGE = "a time must be UTC ISO 8601 ending in Z (2026-12-06T21:30:05Z)"


class _WireUtc:
    """How a ``UtcTime`` is read. From JSON natively, with no Python per value (a
    closed shift carries ~1,000 times): the ``…Z`` pattern on the string, then
    pydantic-core's own ISO 8601 parser (which refuses an impossible date or time).
    From Python (a payload built in code): :func:`parse_utc`, which takes an aware
    datetime at any offset and refuses a naive one. Either way the value is an aware
    datetime at UTC (offset 0).

    No serializer of our own: pydantic writes an aware UTC datetime exactly as
    :func:`format_utc` does ("…05Z", "…05.000600Z"), natively (a test pins the two
    together)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        from_json = core_schema.custom_error_schema(
            core_schema.chain_schema(
                [
                    core_schema.str_schema(strict=True, pattern="^" + _UTC_RE.pattern + "$"),
                    core_schema.datetime_schema(),
                ]
            ),
            custom_error_type="utc_time",
            custom_error_message=_UTC_MESSAGE,
        )
        return core_schema.json_or_python_schema(
            json_schema=from_json,
            python_schema=core_schema.no_info_plain_validator_function(parse_utc),
        )


UtcTime = Annotated[
    datetime,
    _WireUtc,
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": "^" + _UTC_RE.pattern + "$"}
    ),
]

#: A calendar date in the shop's own time zone (``"2026-12-06"``).
LocalDate = Annotated[
    date,
    BeforeValidator(_parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": "^" + _DATE_RE.pattern + "$"}),
]

DecimalStr = Annotated[
    Decimal,
    BeforeValidator(_parse_decimal),
    PlainSerializer(_format_decimal, return_type=str),
    WithJsonSchema({"type": "string", "pattern": "^" + _DECIMAL_RE.pattern + "$"}),
]

#: Signed amount in minor units of the shop's currency (cents).
Minor = Annotated[StrictInt, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
#: Signed amount in micro-units of the carrier account's currency (USD 1 = 1,000,000).
Micro = Annotated[StrictInt, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
#: A count of things (calls, payments …).
Count = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
#: Whole seconds.
Seconds = Annotated[StrictInt, Field(ge=0, le=MAX_AMOUNT)]
#: SHA-256 hex digest of a journal entry.
Hash = Annotated[StrictStr, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
#: A short name (booth, operator, status …).
Name = Annotated[StrictStr, StringConstraints(min_length=1, max_length=128)]
#: Free text (reasons, references).
Text = Annotated[StrictStr, StringConstraints(max_length=2000)]
