"""Languages (bg, en), money and times for the pages.

The English text is the message id; Bulgarian comes from ``locale/bg/LC_MESSAGES``
(the ``.po`` is the source, the committed ``.mo`` is checked against it by the tests).
The language is the ``lang`` cookie when set (the switch), else the browser's
``Accept-Language``, else English."""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Callable
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    DateTimePattern,
    format_time,
    get_date_format,
    get_datetime_format,
    get_time_format,
    parse_pattern,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_name

__all__ = [
    "DYNAMIC_MESSAGES",
    "LANGUAGES",
    "LOCALE_DIR",
    "Formatter",
    "compile_catalogues",
    "compiled",
    "negotiate",
    "translations",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "bg")
_BABEL = {"en": "en_GB", "bg": "bg_BG"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("messages", localedir=str(LOCALE_DIR), languages=[lang])


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return str(cookie)
    best, best_q = "en", -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang in LANGUAGES and q > best_q:
            best, best_q = lang, q
    return best


class Formatter:
    """Money and times in one language (times in the shop's time zone)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.locale = _BABEL[lang]

    def money(self, minor: int | None, currency: str = "EUR") -> str:
        """Exactly babel's ``format_currency`` for two-decimal currencies, without its
        per-call pattern work (a month's session list formats thousands of amounts)."""
        if minor is None:
            return "—"
        shape = _money_shape(self.locale, currency)
        if shape is None:
            return format_currency(Decimal(minor).scaleb(-2), currency, locale=self.locale)
        prefix, group, decimal, suffix = shape
        units, cents = divmod(abs(minor), 100)
        digits = f"{units:,}".replace(",", group) if units >= 1000 else str(units)
        sign = "-" if minor < 0 else ""
        return f"{sign}{prefix}{digits}{decimal}{cents:02d}{suffix}"

    def currency_name(self, code: str) -> str:
        """The currency's name in the language (``BGN`` → "Bulgarian Lev", "Български лев")."""
        return get_currency_name(code, locale=self.locale)

    def micro_usd(self, micro: int) -> str:
        return format_currency(
            Decimal(micro).scaleb(-6), "USD", locale=self.locale, format_type="standard"
        )

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def rate(self, value: Decimal) -> str:
        """An exchange rate exactly as given (every decimal kept), locale's separator."""
        return format(value, "f").replace(".", _number_symbols(self.locale)[1])

    def minutes(self, seconds: int) -> str:
        """Minutes with one decimal (rounded half-even like babel), locale separators."""
        tenths = int((Decimal(seconds) / 6).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        group, decimal = _number_symbols(self.locale)
        whole, tenth = divmod(abs(tenths), 10)
        digits = f"{whole:,}".replace(",", group) if whole >= 1000 else str(whole)
        return f"{'-' if tenths < 0 else ''}{digits}{decimal}{tenth}"

    def duration(self, seconds: int) -> str:
        return f"{seconds // 60}:{seconds % 60:02d}"

    def when(self, moment: datetime | None, tz: str) -> str:
        if moment is None:
            return "—"
        local = moment.astimezone(_zone(tz))
        compiled = _when_template(self.locale)
        if compiled is not None:
            template, fields = compiled
            return template % {key: field(local) for key, field in fields}
        combined, date_pattern, time_pattern, locale = _datetime_shape(self.locale)
        return combined.replace("{1}", _apply(date_pattern, local, locale)).replace(
            "{0}", _apply(time_pattern, local, locale)
        )

    def clock(self, moment: datetime | None, tz: str) -> str:
        if moment is None:
            return "—"
        return format_time(moment, "short", tzinfo=ZoneInfo(tz), locale=self.locale)


@cache
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


@cache
def _money_shape(locale: str, currency: str) -> tuple[str, str, str, str] | None:
    """(prefix, group separator, decimal separator, suffix) read off babel's own
    rendering of 1234.56; None when the rendering is not of that simple shape."""
    sample = format_currency(Decimal("1234.56"), currency, locale=locale)
    match = re.fullmatch(r"(\D*)1(\D?)234(\D)56(\D*)", sample)
    if match is None:
        return None
    prefix, group, decimal, suffix = match.groups()
    return prefix, group, decimal, suffix


_FIELDS: dict[str, Callable[[datetime], str]] = {
    "d": lambda t: str(t.day),
    "dd": lambda t: f"{t.day:02d}",
    "M": lambda t: str(t.month),
    "MM": lambda t: f"{t.month:02d}",
    "y": lambda t: str(t.year),
    "yyyy": lambda t: f"{t.year:04d}",
    "yy": lambda t: f"{t.year % 100:02d}",
    "H": lambda t: str(t.hour),
    "HH": lambda t: f"{t.hour:02d}",
    "mm": lambda t: f"{t.minute:02d}",
}


def _apply(pattern: DateTimePattern, moment: datetime, locale: Locale) -> str:
    """babel's ``pattern.apply`` for the numeric fields of the short formats, directly;
    any other field goes through babel."""
    template = str(pattern.format)
    keys = re.findall(r"%\((\w+)\)s", template)
    if not all(k in _FIELDS for k in keys):
        return pattern.apply(moment, locale)
    return template % {k: _FIELDS[k](moment) for k in keys}


@cache
def _when_template(
    locale: str,
) -> tuple[str, tuple[tuple[str, Callable[[datetime], str]], ...]] | None:
    """The short date-time of ``locale`` as one ``%``-template and its numeric fields,
    worked out once (None when a field is not a plain number: then babel does it)."""
    combined, date_pattern, time_pattern, _ = _datetime_shape(locale)
    if "%" in combined:
        return None
    parts = (str(date_pattern.format), str(time_pattern.format))
    keys = [k for part in parts for k in re.findall(r"%\((\w+)\)s", part)]
    if not all(k in _FIELDS for k in keys):
        return None
    template = combined.replace("{1}", parts[0]).replace("{0}", parts[1])
    return template, tuple((k, _FIELDS[k]) for k in dict.fromkeys(keys))


@cache
def _number_symbols(locale: str) -> tuple[str, str]:
    loc = Locale.parse(locale)
    return loc.number_symbols["latn"]["group"], loc.number_symbols["latn"]["decimal"]


@cache
def _datetime_shape(locale: str) -> tuple[str, DateTimePattern, DateTimePattern, Locale]:
    loc = Locale.parse(locale)
    return (
        str(get_datetime_format("short", locale=loc)),
        parse_pattern(get_date_format("short", locale=loc).pattern),
        parse_pattern(get_time_format("short", locale=loc).pattern),
        loc,
    )


#: messages the templates translate from a variable (the tests check the catalogue has them)
DYNAMIC_MESSAGES = (
    "The form expired. Please try again.",
    "Too many wrong passwords: the account is locked for a few minutes.",
    "Wrong user name or password.",
    "offline",
    "idle",
    "off_hook",
    "dialing",
    "ringing",
    "talking",
    "locked",
    "paid",
    "unpaid",
    "unserved",
    "today",
    "yesterday",
    "week",
    "month",
    "custom",
    "chain_break",
    "conflicting_resend",
    "silent",
    "topup",
    "call_cost",
    "adjustment",
    "Enter an amount in USD, like 50.00.",
    "takings",
    "cost",
    "profit",
    # central.web.views.PERIOD_ERRORS
    "A custom period needs two dates, YYYY-MM-DD.",
    "The period ends before it starts.",
    "A period is at most a year.",
    "Unknown period.",
)


def compile_catalogues() -> list[Path]:
    """Write each ``messages.mo`` from its ``messages.po`` (run after editing a .po:
    ``python -m central.web.i18n``); the tests check the committed .mo files match."""
    written = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po")):
        written.append(po.with_suffix(".mo"))
        written[-1].write_bytes(compiled(po))
    return written


def compiled(po: Path) -> bytes:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


if __name__ == "__main__":
    for path in compile_catalogues():
        print(f"wrote {path}")
