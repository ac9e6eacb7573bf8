"""Online since / offline since: the start of the current unbroken run of heartbeats,
kept in the database at every heartbeat (SQLite and PostgreSQL, two app instances)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from callshop_wire import encode
from central.auth import Principal
from central.models import HeartbeatRow
from central.presence import HEARTBEAT_INTERVAL, ONLINE_GAP, is_online
from central.web import views
from tests.callshop_wire.samples import make_heartbeat
from tests.central.client import ApiClient
from tests.central.support import START, Central
from tests.central.web.pages import browser
from tests.central.web.test_pages import SOFIA


def beat(central: Central, client: ApiClient, sent_at: datetime | None = None) -> None:
    hb = make_heartbeat(SOFIA, sent_at or central.clock.now())
    answer = client.post(
        f"/v1/shops/{SOFIA}/heartbeat", content=encode(hb), headers=central.till(SOFIA)
    )
    assert answer.status_code == 200, answer.text


def held(central: Central) -> tuple[datetime | None, datetime | None]:
    with central.db.read() as s:
        row = s.scalars(select(HeartbeatRow)).one()
        return row.online_since, row.heard_at


def test_online_since_is_the_start_of_the_unbroken_run(central: Central) -> None:
    # two app instances on one database stand for two workers: heartbeats alternate
    with ApiClient(central.app()) as one, ApiClient(central.app()) as two:
        for i in range(20):  # ten minutes of heartbeats
            beat(central, (one, two)[i % 2])
            central.clock.advance(seconds=HEARTBEAT_INTERVAL.total_seconds())
        last = central.clock.now() - HEARTBEAT_INTERVAL
        assert held(central) == (START, last)
        # a lost heartbeat or three (a gap of exactly ONLINE_GAP) does not break the run
        central.clock.advance(seconds=ONLINE_GAP.total_seconds() - 30)
        beat(central, two)
        assert held(central)[0] == START
        # a longer silence does: the next heartbeat starts a new run
        central.clock.advance(seconds=ONLINE_GAP.total_seconds() + 1)
        back = central.clock.now()
        beat(central, one)
        assert held(central) == (back, back)
        central.clock.advance(seconds=30)
        beat(central, two)
        assert held(central) == (back, back + HEARTBEAT_INTERVAL)


def test_an_out_of_order_heartbeat_still_counts_as_seen(central: Central) -> None:
    with ApiClient(central.app()) as till:
        beat(central, till)
        central.clock.advance(seconds=30)
        beat(central, till, sent_at=START)  # the till's clock says earlier: not applied
        assert held(central) == (START, central.clock.now())


def test_the_now_page_says_online_since_and_offline_since(central: Central) -> None:
    with ApiClient(central.app()) as till:
        for _ in range(4):
            beat(central, till)
            central.clock.advance(seconds=30)
    owner = Principal(kind="user", name="boss", role="owner")
    [shop] = [s for s in views.live(central.db, central.clock, owner) if s.shop.code == SOFIA]
    assert shop.online and shop.online_since == START
    with browser(central, "boss") as web:
        page = web.get("/now").text
        # 09:00 UTC on 2026-03-29 is 12:00 summer time in Sofia; the last beat 12:01:30
        assert 'Online since <span class="since">29/03/2026, 12:00</span>' in page
        assert "last heartbeat 12:01" in page
        central.clock.advance(seconds=ONLINE_GAP.total_seconds() + 1)
        page = web.get("/now").text
        assert 'Offline since <span class="since">29/03/2026, 12:01</span>' in page
        assert "Online since" not in page
    with browser(central, "boss", **{"Accept-Language": "bg"}) as web:
        assert "Извън линия от" in web.get("/now").text


def test_online_means_a_heartbeat_within_the_gap() -> None:
    assert not is_online(None, START)
    assert is_online(START, START + ONLINE_GAP)
    assert not is_online(START, START + ONLINE_GAP + HEARTBEAT_INTERVAL / 30)
