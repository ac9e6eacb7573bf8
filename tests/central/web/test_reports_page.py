"""The reports page and its CSV: takings, wholesale cost and profit by day, shop and
destination, exact, and "no USD rate" where a till sent none (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from central.web.i18n import Formatter
from tests.callshop_wire.samples import make_shift
from tests.central.support import Central
from tests.central.web.pages import browser
from tests.central.web.test_pages import PLOVDIV, SOFIA, deliver

EN = Formatter("en")


def csv_rows(text: str) -> dict[tuple[str, str], dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    return {(r["by"], r["key"]): r for r in rows}


def test_profit_by_day_shop_and_destination_with_the_tills_rate(central: Central) -> None:
    sofia = make_shift(shop=SOFIA, seed=1, usd_rate=Decimal("0.92"))
    deliver(central, sofia)
    # takings 0.50 (1.00 paid, 0.50 refunded); cost 0.11 (see the wire tests)
    assert sofia.cash_minor == 50 and sofia.fx is not None and sofia.fx.wholesale_cost_minor == 11
    with browser(central, "boss") as web:
        page = web.get(f"/reports?period=today&shop={SOFIA}")
        assert page.status_code == 200
        assert f"Profit <strong>{EN.money(39)}</strong>" in page.text
        assert "no USD rate" not in page.text.split("<figure")[0]
        assert 'class="bar-profit"' in page.text and "no-rate-mark" not in page.text
        # by destination the takings are the paid calls' prices: 1.00 − 0.11
        assert (
            f'<td class="num">{EN.money(11)}</td><td class="num">{EN.money(89)}</td>' in page.text
        )
        rows = csv_rows(web.get(f"/reports.csv?period=today&shop={SOFIA}").text)
    assert rows[("day", "2026-03-29")]["profit_minor"] == "39"
    assert rows[("shop", "Sofia, Vitosha 1")]["wholesale_cost_minor"] == "11"
    dest = rows[("destination", "Bulgaria mobile")]
    assert (dest["takings_minor"], dest["wholesale_cost_minor"], dest["profit_minor"]) == (
        "100",
        "11",
        "89",
    )
    assert rows[("total", "")]["usd_rate"] == "ok"


def test_a_shop_without_a_rate_shows_no_profit_never_a_guess(central: Central) -> None:
    deliver(central, make_shift(shop=SOFIA, seed=1, usd_rate=Decimal("0.92")))
    old = make_shift(shop=PLOVDIV, seed=2)  # a version-1 till: no rate at all
    deliver(central, old)
    micro = sum(c.wholesale_micro_usd or 0 for c in old.calls if c.answered)
    with browser(central, "boss") as web:
        page = web.get("/reports?period=today")
        assert page.status_code == 200
        assert "Some calls have no USD rate at the till" in page.text
        assert 'Profit <strong><span class="warn no-rate">no USD rate</span></strong>' in page.text
        assert f"{EN.micro_usd(micro)} without a USD rate" in page.text
        assert "no-rate-mark" in page.text  # the chart marks the day
        assert 'class="bar-profit"' not in page.text  # and draws no profit for it
        rows = csv_rows(web.get("/reports.csv?period=today").text)
        bg = web.get("/reports?period=today", headers={"Accept-Language": "bg"}).text
        assert "няма курс на долара" in bg and "Печалба" in bg
    assert rows[("shop", "Sofia, Vitosha 1")]["profit_minor"] == "39"
    plovdiv = rows[("shop", "Plovdiv, Glavna 2")]
    assert (plovdiv["profit_minor"], plovdiv["usd_rate"]) == ("", "missing")
    assert plovdiv["unconverted_micro_usd"] == str(micro)
    assert rows[("day", "2026-03-29")]["profit_minor"] == ""
    assert rows[("total", "")]["wholesale_cost_minor"] == "11"


def test_each_day_gets_its_own_rate_and_a_loss_shows_below_zero(central: Central) -> None:
    # closes 08:00 on the 29th; its calls ended on the 28th (no rate) and the 29th
    opened = datetime(2026, 3, 28, 21, 50, tzinfo=UTC)
    rates = {date(2026, 3, 28): None, date(2026, 3, 29): Decimal("1.1")}
    deliver(central, make_shift(shop=SOFIA, seed=1, opened_at=opened, usd_rate=rates))
    dear = make_shift(shop=PLOVDIV, seed=2, usd_rate=Decimal("900"))  # a loss
    deliver(central, dear)
    assert dear.fx is not None
    with browser(central, "boss") as web:
        rows = csv_rows(web.get("/reports.csv?period=custom&from=2026-03-29&to=2026-03-29").text)
        page = web.get(f"/reports?period=custom&from=2026-03-29&to=2026-03-29&shop={PLOVDIV}")
    sofia = rows[("shop", "Sofia, Vitosha 1")]
    assert (sofia["wholesale_cost_minor"], sofia["usd_rate"], sofia["profit_minor"]) == (
        "4",  # the one call after midnight: 3 minutes, 4.07385 cents
        "missing",
        "",
    )
    loss = dear.cash_minor - dear.fx.wholesale_cost_minor
    assert loss < 0 and rows[("shop", "Plovdiv, Glavna 2")]["profit_minor"] == str(loss)
    assert f'<span class="warn">{EN.money(loss)}</span>' in page.text
    assert 'class="bar-profit"' in page.text


def test_the_reports_csv_needs_a_login_and_hides_other_shops(central: Central) -> None:
    deliver(central, make_shift(shop=SOFIA, seed=1, usd_rate=Decimal("0.92")))
    with browser(central) as web:
        assert web.get("/reports.csv").status_code == 303
    with browser(central, "mira") as web:
        assert web.get(f"/reports.csv?shop={SOFIA}").status_code == 404
        rows = csv_rows(web.get("/reports.csv").text)
        assert all(key != "Sofia, Vitosha 1" for _, key in rows)
        assert web.get("/reports.csv?period=custom&from=x&to=y").status_code == 422


def test_the_session_view_names_the_rate_and_the_converted_cost(central: Central) -> None:
    rates = {date(2026, 3, 28): None, date(2026, 3, 29): Decimal("1.955830")}
    opened = datetime(2026, 3, 28, 21, 50, tzinfo=UTC)
    shift = make_shift(shop=SOFIA, seed=1, opened_at=opened, usd_rate=rates)
    old = make_shift(shop=SOFIA, seed=2)
    deliver(central, shift)
    deliver(central, old)
    with browser(central, "boss") as web:
        page = web.get(f"/shops/{SOFIA}/sessions/{shift.shift_uuid}").text
        bg = web.get(
            f"/shops/{SOFIA}/sessions/{shift.shift_uuid}", headers={"Accept-Language": "bg"}
        ).text
        older = web.get(f"/shops/{SOFIA}/sessions/{old.shift_uuid}").text
    assert '2026-03-28: <span class="warn">no USD rate</span><br>2026-03-29: 1.955830' in page
    assert "2026-03-29: 1,955830" in bg  # every decimal, the locale's separator
    assert "without a USD rate" in page
    assert "not sent by the till" in older
