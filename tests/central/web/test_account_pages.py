"""The incidents page and the carrier account page (top-ups by the owner only)."""

from __future__ import annotations

import pytest

from callshop_wire import encode
from central import service
from central.web.routes import usd_to_micro
from tests.callshop_wire.samples import make_heartbeat, make_shift
from tests.central.support import Central
from tests.central.web.pages import browser, csrf_of
from tests.central.web.test_pages import PLOVDIV, SOFIA, deliver


def test_incidents_lists_chain_breaks_and_silent_shops_of_visible_shops(
    central: Central,
) -> None:
    first = make_shift(shop=SOFIA, seed=1)
    deliver(central, first)
    deliver(central, make_shift(shop=SOFIA, seed=3, previous=first.anchor.head))
    deliver(central, make_shift(shop=SOFIA, seed=4, previous=first.anchor.head))  # a break
    with browser(central, "boss") as web:
        assert "Never seen" not in web.get("/incidents").text  # added just now
        central.clock.advance(minutes=16)
        page = web.get("/incidents")
        assert page.status_code == 200
        assert "chain_break" in page.text
        assert "Never seen" in page.text  # neither shop ever sent a heartbeat
        assert page.text.count("Never seen") == 2
        service.receive_heartbeat(
            central.db, central.clock, SOFIA, encode(make_heartbeat(at=central.clock.now()))
        )
        assert web.get("/incidents").text.count("Never seen") == 1  # Sofia was heard
        central.clock.advance(minutes=16)
        assert "No heartbeat since" in web.get("/incidents").text
    with browser(central, "mira") as web:
        page = web.get("/incidents")
        assert "chain_break" not in page.text and "Sofia" not in page.text
        assert "Plovdiv" in page.text


def topup(
    web: object,
    shop: str,
    amount: str,
    *,
    csrf: str | None = None,
    topup_uuid: str = "00000000-0000-0000-0000-0000000000aa",
) -> object:
    page = web.get("/carrier")  # type: ignore[attr-defined]
    return web.post(
        f"/shops/{shop}/carrier/topup",
        data={  # type: ignore[attr-defined]
            "csrf": csrf_of(page.text) if csrf is None else csrf,
            "amount": amount,
            "reference": "bank transfer",
            "topup_uuid": topup_uuid,
        },
    )


def test_the_owner_books_a_top_up_once_even_if_sent_twice(central: Central) -> None:
    with browser(central, "boss") as web:
        answer = topup(web, SOFIA, "50,25")
        assert answer.status_code == 303  # type: ignore[attr-defined]
        assert topup(web, SOFIA, "50,25").status_code == 303  # type: ignore[attr-defined]
        page = web.get("/carrier")
        assert "US$50.25" in page.text and "bank transfer" in page.text
    assert service.balance(central.db, central.clock, SOFIA).balance_micro_usd == 50_250_000


def test_a_top_up_needs_csrf_an_owner_and_a_good_amount(central: Central) -> None:
    with browser(central, "boss") as web:
        assert topup(web, SOFIA, "10", csrf="forged").status_code == 403  # type: ignore[attr-defined]
        bad = topup(web, SOFIA, "-3")
        assert bad.status_code == 422  # type: ignore[attr-defined]
        assert "Enter an amount in USD" in bad.text  # type: ignore[attr-defined]
        assert topup(web, SOFIA, "1.0000001").status_code == 422  # type: ignore[attr-defined]
    with browser(central, "mira") as web:
        assert "Book top-up" not in web.get("/carrier").text
        assert topup(web, PLOVDIV, "10").status_code == 403  # type: ignore[attr-defined]
        assert topup(web, SOFIA, "10").status_code == 404  # type: ignore[attr-defined]
        assert "Sofia" not in web.get("/carrier").text
    for shop in (SOFIA, PLOVDIV):
        assert service.balance(central.db, central.clock, shop).balance_micro_usd == 0


def test_logged_out_visitors_reach_neither_page(central: Central) -> None:
    with browser(central) as web:
        assert web.get("/incidents").status_code == 303
        assert web.get("/carrier").status_code == 303
        assert web.post(f"/shops/{SOFIA}/carrier/topup", data={"amount": "1"}).status_code == 303
    assert service.balance(central.db, central.clock, SOFIA).balance_micro_usd == 0


@pytest.mark.parametrize(
    ("text", "micro"),
    [
        ("50", 50_000_000),
        ("50.25", 50_250_000),
        ("0,000001", 1),
        (" 1 000.5 ", 1_000_500_000),
    ],
)
def test_usd_amounts(text: str, micro: int) -> None:
    assert usd_to_micro(text) == micro


@pytest.mark.parametrize("text", ["", "abc", "0", "-1", "NaN", "Infinity", "0.0000001"])
def test_bad_usd_amounts(text: str) -> None:
    with pytest.raises(ValueError):
        usd_to_micro(text)


def test_reports_sum_takings_and_wholesale_by_day_shop_and_destination(
    central: Central,
) -> None:
    sofia = make_shift(shop=SOFIA, seed=1)
    plovdiv = make_shift(shop=PLOVDIV, seed=2)
    deliver(central, sofia)
    deliver(central, plovdiv)
    from central.web.i18n import Formatter

    en = Formatter("en")
    paid = sum(c.price_minor or 0 for c in sofia.calls if c.status == "paid")
    with browser(central, "boss") as web:
        page = web.get("/reports")
        assert page.status_code == 200
        assert "<svg" in page.text and "2026-03-29" in page.text
        total = en.money(sofia.cash_minor + plovdiv.cash_minor)
        assert f"Takings <strong>{total}</strong>" in page.text
        assert "Bulgaria mobile" in page.text
        assert en.money(paid * 2) in page.text  # both shops' paid calls to the destination
    with browser(central, "mira") as web:
        page = web.get("/reports")
        assert f"Takings <strong>{en.money(plovdiv.cash_minor)}</strong>" in page.text
        assert "Sofia" not in page.text
        assert web.get(f"/reports?shop={SOFIA}").status_code == 404
    with browser(central) as web:
        assert web.get("/reports").status_code == 303
