"""A chain whose shifts are in several currencies: every total is per currency, a row
that would mix currencies is split, and a chain in one currency looks as it always did
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from callshop_wire import ClosedShift
from central.auth import Principal
from central.web import views
from central.web.i18n import Formatter
from tests.callshop_wire.samples import T0, make_shift
from tests.central.support import Central
from tests.central.web.pages import browser, correct_later
from tests.central.web.test_pages import PLOVDIV, SOFIA, deliver

EN, BG = Formatter("en"), Formatter("bg")
DESTINATION = "Bulgaria mobile"


def in_leva(shift: ClosedShift) -> ClosedShift:
    """The same shift, kept by a till whose currency is the Bulgarian lev."""
    return shift.model_copy(update={"currency": "BGN"})


def euro_and_leva(central: Central) -> tuple[ClosedShift, ClosedShift]:
    """Sofia in euro, Plovdiv in leva, one shift each today, different amounts."""
    euro = make_shift(shop=SOFIA, seed=1, calls=6, usd_rate=Decimal("0.92"))
    leva = in_leva(make_shift(shop=PLOVDIV, seed=2, calls=14, usd_rate=Decimal("1.8")))
    deliver(central, euro)
    deliver(central, leva)
    assert euro.cash_minor != leva.cash_minor
    return euro, leva


def cost(shift: ClosedShift) -> int:
    assert shift.fx is not None
    return shift.fx.wholesale_cost_minor


def footer(html: str) -> list[list[str]]:
    """The cells of each row of the sessions table's footer, tags stripped."""
    foot = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
        ]
        for row in re.findall(r"<tr[^>]*>.*?</tr>", foot, re.S)
    ]


def csv_dicts(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------------ sessions


def test_the_session_list_totals_each_currency_apart(central: Central) -> None:
    euro, leva = euro_and_leva(central)
    with browser(central, "boss") as web:
        page = web.get("/sessions?period=today").text
        bg = web.get("/sessions?period=today", headers={"Accept-Language": "bg"}).text
    rows = footer(page)
    assert [r[0] for r in rows] == ["Total (BGN)", "Total (EUR)", "All currencies"]
    by_label = {r[0]: r for r in rows}
    for label, shift, currency in (("Total (BGN)", leva, "BGN"), ("Total (EUR)", euro, "EUR")):
        cells = by_label[label]
        assert cells[1] == str(shift.call_count)
        assert cells[2] == EN.minutes(shift.talk_seconds)
        assert cells[3] == EN.money(shift.cash_minor, currency)
        assert cells[6] == EN.money(shift.counted_minor, currency)
        assert cells[7] == EN.money(shift.expected_minor, currency)
        assert cells[8] == EN.money(shift.discrepancy_minor, currency)
    # counts add up across currencies; amounts never do
    every = by_label["All currencies"]
    assert every[1] == str(euro.call_count + leva.call_count)
    assert every[4] == str(euro.unserved + leva.unserved)
    assert every[3] == every[6] == every[7] == every[8] == "—"
    mixed = euro.cash_minor + leva.cash_minor
    assert EN.money(mixed) not in page and EN.money(mixed, "BGN") not in page
    assert "never added together" in page
    assert [r[0] for r in footer(bg)] == ["Общо (BGN)", "Общо (EUR)", "Всички валути"]
    assert BG.money(leva.cash_minor, "BGN") in footer(bg)[0][3]


def test_the_sessions_csv_has_a_total_row_per_currency(central: Central) -> None:
    euro, leva = euro_and_leva(central)
    with browser(central, "boss") as web:
        rows = csv_dicts(web.get("/sessions.csv?period=today").text)
    totals = [r for r in rows if r["shop"] == "TOTAL"]
    assert [(t["currency"], t["cash_minor"], t["calls"]) for t in totals] == [
        ("BGN", str(leva.cash_minor), str(leva.call_count)),
        ("EUR", str(euro.cash_minor), str(euro.call_count)),
    ]
    assert all(r["currency"] in ("BGN", "EUR") for r in rows)  # every money row says it


def test_one_currency_keeps_one_total_row(central: Central) -> None:
    one, two = make_shift(shop=SOFIA, seed=1), make_shift(shop=PLOVDIV, seed=2, calls=9)
    deliver(central, one)
    deliver(central, two)
    with browser(central, "boss") as web:
        page = web.get("/sessions?period=today").text
        rows = csv_dicts(web.get("/sessions.csv?period=today").text)
    assert [r[0] for r in footer(page)] == ["Total"]
    assert footer(page)[0][3] == EN.money(one.cash_minor + two.cash_minor)
    assert "never added together" not in page
    totals = [r for r in rows if r["shop"] == "TOTAL"]
    assert [(t["currency"], t["cash_minor"]) for t in totals] == [
        ("EUR", str(one.cash_minor + two.cash_minor))
    ]


# ------------------------------------------------------------------ reports


def section(html: str, currency: str) -> str:
    """The part of the reports page about one currency."""
    found = re.search(
        rf'<section class="currency" id="currency-{currency}".*?</section>', html, re.S
    )
    assert found, f"no section for {currency}"
    return found.group(0)


def test_the_report_page_has_a_report_per_currency(central: Central) -> None:
    euro, leva = euro_and_leva(central)
    with browser(central, "boss") as web:
        page = web.get("/reports?period=today").text
        bg = web.get("/reports?period=today", headers={"Accept-Language": "bg"}).text
    assert page.count('<section class="currency"') == 2
    assert page.index('id="currency-BGN"') < page.index('id="currency-EUR"')
    lev, eur = section(page, "BGN"), section(page, "EUR")
    assert "Bulgarian Lev (BGN)</h2>" in lev and "Euro (EUR)</h2>" in eur
    for part, shift, currency in ((lev, leva, "BGN"), (eur, euro, "EUR")):
        profit = shift.cash_minor - cost(shift)
        assert f"Takings <strong>{EN.money(shift.cash_minor, currency)}</strong>" in part
        assert f"Profit <strong>{EN.money(profit, currency)}</strong>" in part
        # each currency's chart, its own day, shop and destination rows
        assert part.count('<svg viewBox="0 0') == 1
        assert part.count('<th scope="row" class="when">2026-03-29</th>') == 1
        assert part.count(f'<th scope="row" class="">{DESTINATION}</th>') == 1
    assert "Plovdiv" in lev and "Plovdiv" not in eur and "Sofia" in eur and "Sofia" not in lev
    mixed = euro.cash_minor + leva.cash_minor
    summaries = " ".join(re.findall(r'<p class="summary">.*?</p>', page))
    assert summaries.count("Takings <strong>") == 2
    assert EN.money(mixed) not in summaries and EN.money(mixed, "BGN") not in summaries
    # what does add up: shifts, calls, minutes and the carrier's USD
    head = page.split('<section class="currency"', 1)[0]
    assert f"Calls <strong>{euro.call_count + leva.call_count}</strong>" in head
    assert "Sessions <strong>2</strong>" in head
    assert "never added together" in head
    assert "Български лев (BGN)</h2>" in bg and "Всички валути" in bg
    assert BG.money(leva.cash_minor, "BGN") in section(bg, "BGN")


def test_the_report_csv_has_a_currency_on_every_row_and_a_total_per_currency(
    central: Central,
) -> None:
    euro, leva = euro_and_leva(central)
    with browser(central, "boss") as web:
        rows = csv_dicts(web.get("/reports.csv?period=today").text)
    assert all(r["currency"] in ("BGN", "EUR") for r in rows)
    keyed = {(r["by"], r["key"], r["currency"]): r for r in rows}
    assert len(keyed) == len(rows)  # a day or a destination is one row per currency
    for shift, currency in ((leva, "BGN"), (euro, "EUR")):
        for by, key in (("day", "2026-03-29"), ("total", "")):
            row = keyed[(by, key, currency)]
            assert row["takings_minor"] == str(shift.cash_minor)
            assert row["wholesale_cost_minor"] == str(cost(shift))
            assert row["profit_minor"] == str(shift.cash_minor - cost(shift))
            assert row["calls"] == str(shift.call_count)
        paid = sum(c.price_minor or 0 for c in shift.calls if c.answered and c.status == "paid")
        assert keyed[("destination", DESTINATION, currency)]["takings_minor"] == str(paid)
    assert [r["currency"] for r in rows if r["by"] == "total"] == ["BGN", "EUR"]
    assert rows[0]["currency"] == "BGN"  # each currency's block whole, the codes in order


def test_a_shop_that_changes_currency_has_a_row_in_each(central: Central) -> None:
    """Bulgaria's euro changeover: the same shop closed shifts in leva, then in euro."""
    before = in_leva(make_shift(shop=SOFIA, seed=1, calls=9, opened_at=T0 - timedelta(days=1)))
    after = make_shift(shop=SOFIA, seed=2, calls=6)
    deliver(central, before)
    deliver(central, after)
    with browser(central, "boss") as web:
        rows = csv_dicts(web.get(f"/reports.csv?period=month&shop={SOFIA}").text)
        page = web.get(f"/reports?period=month&shop={SOFIA}").text
    shops = {r["currency"]: r for r in rows if r["by"] == "shop"}
    assert shops["BGN"]["takings_minor"] == str(before.cash_minor)
    assert shops["EUR"]["takings_minor"] == str(after.cash_minor)
    assert shops["BGN"]["key"] == shops["EUR"]["key"] == "Sofia, Vitosha 1"
    assert EN.money(before.cash_minor, "BGN") in section(page, "BGN")
    assert EN.money(after.cash_minor, "EUR") in section(page, "EUR")


def test_a_correction_counts_in_its_shifts_currency(central: Central) -> None:
    euro, leva = euro_and_leva(central)
    call = next(c for c in leva.calls if c.answered and c.status == "unserved")
    correct_later(central, leva, str(call.call_uuid))
    with browser(central, "boss") as web:
        rows = csv_dicts(web.get("/reports.csv?period=today").text)
    keyed = {(r["by"], r["key"], r["currency"]): r for r in rows}
    assert keyed[("total", "", "BGN")]["takings_minor"] == str(leva.cash_minor + 50)
    assert keyed[("total", "", "EUR")]["takings_minor"] == str(euro.cash_minor)
    lev_dest = keyed[("destination", DESTINATION, "BGN")]
    eur_dest = keyed[("destination", DESTINATION, "EUR")]
    paid = {
        s.currency: sum(c.price_minor or 0 for c in s.calls if c.answered and c.status == "paid")
        for s in (euro, leva)
    }
    assert lev_dest["takings_minor"] == str(paid["BGN"] + 50)
    assert eur_dest["takings_minor"] == str(paid["EUR"])


def test_a_chain_in_another_single_currency_is_shown_in_it(central: Central) -> None:
    leva = in_leva(make_shift(shop=SOFIA, seed=1, usd_rate=Decimal("1.8")))
    deliver(central, leva)
    with browser(central, "boss") as web:
        page = web.get("/reports?period=today").text
        listed = web.get("/sessions?period=today").text
    assert '<section class="currency"' not in page  # one currency: the page as it was
    assert f"Takings <strong>{EN.money(leva.cash_minor, 'BGN')}</strong>" in page
    assert "€" not in page
    assert [r[0] for r in footer(listed)] == ["Total"]
    assert footer(listed)[0][3] == EN.money(leva.cash_minor, "BGN")


def test_one_currency_report_has_no_currency_sections(central: Central) -> None:
    deliver(central, make_shift(shop=SOFIA, seed=1, usd_rate=Decimal("0.92")))
    deliver(central, make_shift(shop=PLOVDIV, seed=2, usd_rate=Decimal("0.92")))
    with browser(central, "boss") as web:
        page = web.get("/reports?period=today").text
        rows = csv_dicts(web.get("/reports.csv?period=today").text)
    assert '<section class="currency"' not in page and "All currencies" not in page
    assert page.count('<svg viewBox="0 0') == 1
    assert [r["key"] for r in rows if r["by"] == "day"] == ["2026-03-29"]
    assert {r["currency"] for r in rows} == {"EUR"}


def test_a_report_in_several_currencies_has_no_single_total(central: Central) -> None:
    euro, leva = euro_and_leva(central)
    owner = Principal(kind="user", name="boss", role="owner")
    rep = views.report(central.db, central.clock, owner, "today", None, None, None)
    assert rep.mixed and [p.currency for p in rep.by_currency] == ["BGN", "EUR"]
    with pytest.raises(ValueError, match="several currencies"):
        rep.total  # noqa: B018
    with pytest.raises(ValueError, match="several currencies"):
        rep.by_day  # noqa: B018
    assert rep.counts.calls == euro.call_count + leva.call_count
    one = views.report(central.db, central.clock, owner, "today", None, None, SOFIA)
    assert not one.mixed and one.total.takings_minor == euro.cash_minor
