"""The pages' content and who may see what: owner, manager, another shop's manager,
logged out (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from callshop_wire import ClosedShift, encode
from central import auth, service
from central.web.i18n import Formatter
from tests.callshop_wire.samples import make_heartbeat, make_shift
from tests.central.client import ApiClient
from tests.central.support import Central
from tests.central.web.pages import browser, correct_later

SOFIA, PLOVDIV = "sofia-1", "plovdiv-2"


def deliver(central: Central, shift: ClosedShift) -> None:
    shop = shift.shop
    with ApiClient(central.app()) as till:
        answer = till.put(
            f"/v1/shops/{shop}/shifts/{shift.shift_uuid}",
            content=encode(shift),
            headers=central.till(shop),
        )
        assert answer.status_code == 201, answer.text


def beat(central: Central, shop: str = SOFIA) -> None:
    with ApiClient(central.app()) as till:
        hb = make_heartbeat(shop, central.clock.now())
        answer = till.post(
            f"/v1/shops/{shop}/heartbeat", content=encode(hb), headers=central.till(shop)
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture
def two_shops(central: Central) -> Central:
    """One closed shift in each shop today (Sofia time), heartbeats from both."""
    deliver(central, make_shift(shop=SOFIA, seed=1))
    deliver(central, make_shift(shop=PLOVDIV, seed=2).model_copy(update={"operator": "petar"}))
    beat(central, SOFIA)
    beat(central, PLOVDIV)
    auth.add_user(central.db, central.clock, central.hasher, "ivo", "ivo-pass", "manager", [SOFIA])
    return central


def session_url(shop: str, seed: int) -> str:
    return f"/shops/{shop}/sessions/{make_shift(shop=shop, seed=seed).shift_uuid}"


# ------------------------------------------------------------------ now


def test_now_shows_every_shop_to_the_owner_and_only_theirs_to_a_manager(
    two_shops: Central,
) -> None:
    with browser(two_shops, "boss") as web:
        page = web.get("/now")
        assert page.status_code == 200
        assert "Sofia, Vitosha 1" in page.text and "Plovdiv, Glavna 2" in page.text
        assert "Online" in page.text
        assert "olga" in page.text  # the open shift's operator from the heartbeat
        assert page.headers["cache-control"] == "no-store"
    with browser(two_shops, "mira") as web:
        page = web.get("/now")
        assert "Plovdiv, Glavna 2" in page.text
        assert "Sofia" not in page.text


def test_now_shows_the_live_amounts_in_the_currency_the_till_names(central: Central) -> None:
    hb = make_heartbeat(SOFIA, central.clock.now())
    in_leva = {**json.loads(encode(hb)), "schema_version": 2, "currency": "BGN"}
    service.receive_heartbeat(central.db, central.clock, SOFIA, json.dumps(in_leva).encode())
    with browser(central, "boss") as web:
        page = web.get("/now").text
    leva = Formatter("en")
    assert leva.money(250, "BGN") in page and leva.money(5250, "BGN") in page  # cash, drawer
    assert leva.money(50, "BGN") in page  # a booth's running cost
    assert "€" not in page
    # an older till (version 1) names none: its amounts are read as euro, as before
    central.clock.advance(seconds=30)
    older = make_heartbeat(SOFIA, central.clock.now())
    service.receive_heartbeat(central.db, central.clock, SOFIA, encode(older))
    with browser(central, "boss") as web:
        assert leva.money(5250) in web.get("/now").text


def test_now_turns_offline_when_heartbeats_stop(two_shops: Central) -> None:
    with browser(two_shops, "boss") as web:
        two_shops.clock.advance(minutes=3)
        page = web.get("/now")
        assert "Offline since" in page.text
        assert "Online" not in page.text


def test_the_live_block_answers_304_until_something_changes(two_shops: Central) -> None:
    with browser(two_shops, "boss") as web:
        first = web.get("/now/live")
        assert first.status_code == 200
        etag = first.headers["etag"]
        again = web.get("/now/live", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        two_shops.clock.advance(seconds=61)
        beat(two_shops, SOFIA)  # a newer heartbeat: the block changes
        changed = web.get("/now/live", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        assert "<html" not in changed.text  # a fragment, not a page


# ------------------------------------------------------------------ sessions


def test_the_session_list_of_today_has_both_shops_and_a_total_row(two_shops: Central) -> None:
    one = make_shift(shop=SOFIA, seed=1)
    with browser(two_shops, "boss") as web:
        page = web.get("/sessions?period=today")
        assert page.status_code == 200
        assert "olga" in page.text and "petar" in page.text
        assert session_url(SOFIA, 1) in page.text
        assert "<tfoot>" in page.text
        assert f">{2 * one.call_count}<" in page.text  # both shifts' calls in the total
        filtered = web.get(f"/sessions?period=today&shop={PLOVDIV}")
        assert "petar" in filtered.text and "olga" not in filtered.text
        yesterday = web.get("/sessions?period=yesterday")
        assert "No session closed in this period." in yesterday.text


def test_periods_are_the_shops_local_days(two_shops: Central) -> None:
    with browser(two_shops, "boss") as web:
        assert "olga" in web.get("/sessions?period=week").text
    # 2026-03-29 is a Sunday: the next day starts a new week (Monday), not a new month
    two_shops.clock.advance(days=1)
    with browser(two_shops, "boss") as web:
        assert "olga" not in web.get("/sessions?period=today").text
        assert "olga" in web.get("/sessions?period=yesterday").text
        assert "olga" not in web.get("/sessions?period=week").text
        assert "olga" in web.get("/sessions?period=month").text
        custom = web.get("/sessions?period=custom&from=2026-03-29&to=2026-03-29")
        assert "olga" in custom.text
        assert "olga" not in web.get("/sessions?period=custom&from=2026-03-30&to=2026-03-31").text


def test_a_bad_period_gets_a_clear_error(two_shops: Central) -> None:
    with browser(two_shops, "boss") as web:
        answer = web.get("/sessions?period=custom&from=2026-03-30&to=2026-03-01")
        assert answer.status_code == 422
        assert "The period ends before it starts." in answer.text
        assert web.get("/sessions?period=fortnight").status_code == 422
        assert web.get("/sessions.csv?period=custom&from=x&to=y").status_code == 422


@pytest.mark.parametrize("page", ["/sessions", "/reports"])
def test_a_bad_period_is_told_in_the_page_language(two_shops: Central, page: str) -> None:
    with browser(two_shops, "boss", **{"Accept-Language": "bg-BG,bg;q=0.9"}) as web:
        cases = {
            "period=custom&from=2026-03-30&to=2026-03-01": "Периодът свършва, преди да е започнал.",
            "period=custom&from=x&to=y": "Периодът по избор иска две дати, ГГГГ-ММ-ДД.",
            "period=custom&from=2025-01-01&to=2026-03-01": "Периодът е най-много една година.",
            "period=fortnight": "Непознат период.",
        }
        for query, told in cases.items():
            answer = web.get(f"{page}?{query}")
            assert answer.status_code == 422
            assert told in answer.text, (query, answer.text[:2000])


def test_the_csv_has_every_session_a_total_and_no_formulas(central: Central) -> None:
    evil = make_shift(shop=SOFIA, seed=5).model_copy(update={"operator": "=HYPERLINK(1)"})
    deliver(central, evil)
    with browser(central, "boss") as web:
        answer = web.get("/sessions.csv?period=today")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(answer.text)))
        assert rows[0][:2] == ["shop", "shift_uuid"]
        assert rows[1][4] == "'=HYPERLINK(1)"
        assert rows[1][8] == str(evil.cash_minor)
        assert rows[1][13] == str(evil.discrepancy_minor)  # a negative number stays a number
        assert rows[-1][0] == "TOTAL"
        assert len(rows) == 3


# ------------------------------------------------------------------ one session


def test_the_session_view_shows_calls_payments_refunds_z_and_anchoring(
    two_shops: Central,
) -> None:
    shift = make_shift(shop=SOFIA, seed=1)
    with browser(two_shops, "boss") as web:
        page = web.get(session_url(SOFIA, 1))
        assert page.status_code == 200
        for call in shift.calls:
            assert call.number in page.text
        assert "Chain anchored" in page.text
        assert "Z report" in page.text
        assert "Refunds" in page.text and "Corrections" in page.text
        assert shift.refunds[0].reason in page.text
        assert "€" in page.text
        # times in the shop's zone: closed 08:30 UTC is 11:30 in Sofia (summer time)
        assert "11:30" in page.text


def test_the_session_view_lists_a_later_correction(two_shops: Central) -> None:
    shift = make_shift(shop=SOFIA, seed=1)
    unserved = next(c for c in shift.calls if c.status == "unserved")
    correct_later(two_shops, shift, str(unserved.call_uuid))
    with browser(two_shops, "boss") as web:
        assert "paid next morning" in web.get(session_url(SOFIA, 1)).text


# ------------------------------------------------------------------ permissions


@pytest.mark.parametrize(
    ("user", "sofia", "plovdiv"),
    [
        ("boss", 200, 200),  # the owner sees every shop
        ("mira", 404, 200),  # plovdiv's manager
        ("ivo", 200, 404),  # sofia's manager
    ],
)
def test_who_sees_which_session(two_shops: Central, user: str, sofia: int, plovdiv: int) -> None:
    password = {"ivo": "ivo-pass"}.get(user)
    with ApiClient(two_shops.app()) as web:
        from tests.central.web.pages import login

        assert login(web, user, password).status_code == 303
        assert web.get(session_url(SOFIA, 1)).status_code == sofia
        assert web.get(session_url(PLOVDIV, 2)).status_code == plovdiv
        # another shop's filter is 404 like an unknown shop, and lists nothing
        other = PLOVDIV if plovdiv == 404 else SOFIA if sofia == 404 else None
        if other:
            assert web.get(f"/sessions?period=today&shop={other}").status_code == 404
            assert web.get(f"/sessions.csv?period=today&shop={other}").status_code == 404
            assert web.get("/sessions?period=today&shop=nowhere").status_code == 404
            operator = "olga" if other == SOFIA else "petar"
            name = "Sofia" if other == SOFIA else "Plovdiv"
            listed = web.get("/sessions?period=today").text
            assert operator not in listed and name not in listed
            assert operator not in web.get("/sessions.csv?period=today").text
            assert name not in web.get("/now").text


def test_a_shift_id_under_the_wrong_shop_is_404(two_shops: Central) -> None:
    """Plovdiv's manager cannot reach a Sofia shift through Plovdiv's URL either."""
    sofia_shift = make_shift(shop=SOFIA, seed=1).shift_uuid
    with browser(two_shops, "mira") as web:
        assert web.get(f"/shops/{PLOVDIV}/sessions/{sofia_shift}").status_code == 404
        assert web.get(f"/shops/{PLOVDIV}/sessions/not-a-uuid").status_code == 404


def test_a_disabled_user_loses_their_session(two_shops: Central) -> None:
    from central.models import User

    with browser(two_shops, "mira") as web:
        with two_shops.db.write() as s:
            user = s.query(User).filter_by(username="mira").one()
            user.active = False
        assert web.get("/now").status_code == 303


def test_service_untouched_by_a_page_view(two_shops: Central) -> None:
    """Reading pages books nothing: the carrier balance is what the shifts made it."""
    before = service.balance(two_shops.db, two_shops.clock, SOFIA).balance_micro_usd
    with browser(two_shops, "boss") as web:
        web.get("/now")
        web.get("/sessions?period=month")
    assert service.balance(two_shops.db, two_shops.clock, SOFIA).balance_micro_usd == before
