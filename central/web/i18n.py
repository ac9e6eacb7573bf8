"""Languages (bg, en), money and times for the pages.

The English text is the message id; Bulgarian comes from ``locale/bg/LC_MESSAGES``
(the ``.po`` is the source, the committed ``.mo`` is checked against it by the tests).
The language is the ``lang`` cookie when set (the switch), else the browser's
``Accept-Language``, else English."""

from __future__ import annotations

import gettext
import io
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

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
        if minor is None:
            return "—"
        return format_currency(Decimal(minor).scaleb(-2), currency, locale=self.locale)

    def micro_usd(self, micro: int) -> str:
        return format_currency(Decimal(micro).scaleb(-6), "USD", locale=self.locale,
                               format_type="standard")

    def number(self, value: int | Decimal) -> str:
        return format_decimal(value, locale=self.locale)

    def minutes(self, seconds: int) -> str:
        return format_decimal(Decimal(seconds) / 60, format="#,##0.0", locale=self.locale)

    def duration(self, seconds: int) -> str:
        return f"{seconds // 60}:{seconds % 60:02d}"

    def when(self, moment: datetime | None, tz: str) -> str:
        if moment is None:
            return "—"
        return format_datetime(moment, "short", tzinfo=ZoneInfo(tz), locale=self.locale)

    def clock(self, moment: datetime | None, tz: str) -> str:
        if moment is None:
            return "—"
        return format_time(moment, "short", tzinfo=ZoneInfo(tz), locale=self.locale)


#: messages the templates translate from a variable (the tests check the catalogue has them)
DYNAMIC_MESSAGES = (
    "The form expired. Please try again.",
    "Too many wrong passwords: the account is locked for a few minutes.",
    "Wrong user name or password.",
    "offline", "idle", "off_hook", "dialing", "ringing", "talking", "locked",
    "paid", "unpaid", "unserved",
    "today", "yesterday", "week", "month", "custom",
    "chain_break", "conflicting_resend", "silent", "topup", "call_cost", "adjustment",
    "Enter an amount in USD, like 50.00.",
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
