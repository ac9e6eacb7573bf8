"""Languages, the catalogues, money and times; the CSV rule; the sessions table's migration."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po

from central.models import Base
from central.web.csvsafe import safe_cell, to_csv
from central.web.i18n import (
    DYNAMIC_MESSAGES,
    LOCALE_DIR,
    Formatter,
    compiled,
    negotiate,
    translations,
)
from tests.central.support import Central
from tests.central.web.pages import browser

TEMPLATES = Path(__file__).resolve().parents[3] / "central" / "web" / "templates"
BG_PO = LOCALE_DIR / "bg" / "LC_MESSAGES" / "messages.po"


def template_messages() -> set[str]:
    found: set[str] = set()
    for page in TEMPLATES.glob("*.html"):
        found |= set(re.findall(r'_\("([^"]+)"\)', page.read_text("utf-8")))
    return found


def test_every_message_has_a_bulgarian_translation() -> None:
    with BG_PO.open("rb") as handle:
        catalog = read_po(handle)
    held = {m.id: m.string for m in catalog if m.id}
    needed = template_messages() | set(DYNAMIC_MESSAGES)
    assert len(needed) > 50
    missing = sorted(m for m in needed if not held.get(m))
    assert missing == []


def test_the_committed_mo_matches_its_po() -> None:
    assert BG_PO.with_suffix(".mo").read_bytes() == compiled(BG_PO)


@pytest.mark.parametrize(
    ("cookie", "header", "lang"),
    [
        (None, None, "en"),
        (None, "bg-BG,bg;q=0.9,en;q=0.8", "bg"),
        (None, "en-US,en;q=0.9,bg;q=0.8", "en"),
        (None, "de-DE,de;q=0.9,bg;q=0.5", "bg"),
        (None, "fr", "en"),
        ("en", "bg", "en"),
        ("bg", "en", "bg"),
        ("xx", "bg", "bg"),
    ],
)
def test_the_language_is_the_switch_else_the_browser(
    cookie: str | None, header: str | None, lang: str
) -> None:
    assert negotiate(cookie, header) == lang


def test_money_and_times_per_locale() -> None:
    en, bg = Formatter("en"), Formatter("bg")
    assert en.money(123456) == "€1,234.56"
    assert bg.money(123456).replace("\xa0", " ").replace("\u202f", " ") == "1 234,56 €"
    assert en.money(-20) == "-€0.20"
    assert en.micro_usd(12_345_678) == "US$12.35"
    moment = datetime(2026, 3, 29, 8, 30, tzinfo=UTC)  # 11:30 summer time in Sofia
    assert "11:30" in bg.when(moment, "Europe/Sofia")
    assert "09:30" in en.when(datetime(2026, 3, 28, 7, 30, tzinfo=UTC), "Europe/Sofia")
    assert translations("bg").gettext("Sessions") == "Смени"


def test_pages_follow_the_browser_and_the_switch(central: Central) -> None:
    with browser(central, "boss", **{"Accept-Language": "bg-BG,bg;q=0.9"}) as web:
        page = web.get("/now")
        assert '<html lang="bg">' in page.text
        assert "Смени" in page.text
        switch = web.get("/lang/en?next=/sessions")
        assert switch.status_code == 303
        assert switch.headers["location"] == "/sessions"
        page = web.get("/sessions")
        assert '<html lang="en">' in page.text and "Sessions" in page.text
        assert web.get("/lang/en?next=https://evil.example").headers["location"] == "/now"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("olga", "olga"),
        (-20, "-20"),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_csv_quotes_separators() -> None:
    assert to_csv(["a"], [['x,"y"']]) == 'a\r\n"x,""y"""\r\n'


def test_the_migrations_build_exactly_the_models(central: Central) -> None:
    with central.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_login_errors_are_translated(central: Central) -> None:
    from tests.central.web.pages import login

    with browser(central, **{"Accept-Language": "bg"}) as web:
        answer = login(web, "boss", "wrong")
        assert answer.status_code == 401
        assert "Грешен потребител или парола." in answer.text
        web.get("/login")
        forged = web.post("/login", data={"csrf": "x", "username": "boss", "password": "y"})
        assert "Формулярът изтече." in forged.text


@pytest.mark.parametrize("lang", ["en", "bg"])
@pytest.mark.parametrize("currency", ["EUR", "BGN", "USD"])
def test_fast_money_is_exactly_babels(lang: str, currency: str) -> None:
    from decimal import Decimal

    from babel.numbers import format_currency

    fmt = Formatter(lang)
    for minor in (0, 5, -5, 99, 100, -20, 123456, -123456, 100000000, 999999, 1000):
        assert fmt.money(minor, currency) == format_currency(
            Decimal(minor).scaleb(-2), currency, locale=fmt.locale
        ), minor


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_fast_times_are_exactly_babels(lang: str) -> None:
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    fmt = Formatter(lang)
    for moment in (
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 23, 59, tzinfo=UTC),
    ):
        for tz in ("Europe/Sofia", "UTC", "America/New_York"):
            assert fmt.when(moment, tz) == format_datetime(
                moment, "short", tzinfo=ZoneInfo(tz), locale=fmt.locale
            )


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_fast_minutes_are_exactly_babels(lang: str) -> None:
    from decimal import Decimal

    from babel.numbers import format_decimal

    fmt = Formatter(lang)
    for seconds in (0, 1, 3, 9, 30, 59, 60, 89, 90, 3599, 30_000, 59_997, 6_000_003, 60_000_000):
        assert fmt.minutes(seconds) == format_decimal(
            Decimal(seconds) / 60, format="#,##0.0", locale=fmt.locale
        ), seconds
