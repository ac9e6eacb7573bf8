"""The sender against a fake central: order, back-off, parking, restarts, no loss."""

from __future__ import annotations

import json

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.sync import OutboxStatus
from callshop_pos.services import outbox
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.corrections import correct_closed_shift_call
from callshop_pos.services.till.shifts import close_shift, open_shift
from callshop_pos.sync.backoff import Backoff
from callshop_pos.sync.sender import Sender, classify
from callshop_pos.sync.status import sync_status
from callshop_pos.sync.transport import LinkDown
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.sync.fake_central import FakeCentral
from tests.callshop_pos.sync.support import close_a_busy_shift


def link(shop: Shop, admin: Actor, token: str = "tok") -> None:
    update_settings(
        shop, admin, central_url="http://central.test", central_shop="shop-1", central_token=token
    )


def close_simple_shift(shop: Shop, operator: Actor, price: int = 100) -> None:
    open_shift(shop, operator, 0)
    record_call(shop, price)
    close_shift(shop, operator, 0)


def keys(shop: Shop) -> list[str]:
    return [i.key for i in outbox.items(shop)]


def sender(shop: Shop, central: FakeCentral, **kw: object) -> Sender:
    return Sender(shop, central.transport, backoff=Backoff(uniform=lambda lo, hi: hi), **kw)  # type: ignore[arg-type]


def test_delivers_in_order_with_the_idempotency_key(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    link(shop, admin)
    fx = close_a_busy_shift(shop, operator)
    correct_closed_shift_call(shop, admin, fx.unserved, "paid", "found")
    close_simple_shift(shop, operator)
    central = FakeCentral()
    report = sender(shop, central).deliver()
    assert report.delivered == keys(shop) == central.order
    paths = [p for _, p in central.requests]
    assert paths[0].startswith("/v1/shops/shop-1/shifts/")
    assert paths[1].startswith("/v1/shops/shop-1/corrections/")
    assert paths[2].startswith("/v1/shops/shop-1/shifts/")
    body = json.loads(central.stored[keys(shop)[0]])
    assert body["shop"] == "shop-1"
    assert all(i.status == "delivered" for i in outbox.items(shop))
    status = sync_status(shop)
    assert status.pending == 0 and status.last_success_at == shop.clock.now()


def test_nothing_is_sent_until_linked(shop: Shop, operator: Actor, admin: Actor) -> None:
    close_simple_shift(shop, operator)
    central = FakeCentral()
    report = sender(shop, central).deliver()
    assert not report.linked and central.requests == []
    assert sync_status(shop).pending == 1
    link(shop, admin)
    assert len(sender(shop, central).deliver().delivered) == 1


@pytest.mark.parametrize("failure", [LinkDown("refused"), 500, 503, 408, 429, 401, 403, 404])
def test_transient_failures_keep_the_item_and_stop_the_pass(
    shop: Shop, operator: Actor, admin: Actor, failure: object
) -> None:
    link(shop, admin)
    close_simple_shift(shop, operator)
    close_simple_shift(shop, operator)
    central = FakeCentral(script=[failure])
    report = sender(shop, central).deliver()
    assert report.failed and report.delivered == [] and report.parked == []
    assert len(central.requests) == 1  # the second item waits behind the first
    first, second = outbox.items(shop)
    assert first.status == second.status == "pending"
    assert first.attempts == 1 and first.last_error
    if failure == 429:
        assert report.retry_after_s == 7
    # next pass: both go, in order
    assert sender(shop, central).deliver().delivered == keys(shop)


@pytest.mark.parametrize("status", [400, 409, 413, 422])
def test_a_permanent_refusal_parks_the_item_and_the_rest_go_on(
    shop: Shop, operator: Actor, admin: Actor, status: int
) -> None:
    link(shop, admin)
    close_simple_shift(shop, operator)
    close_simple_shift(shop, operator)
    first, second = keys(shop)
    central = FakeCentral(refuse={first: status})
    report = sender(shop, central).deliver()
    assert report.parked == [first] and report.delivered == [second]
    assert not report.failed
    items = {i.key: i for i in outbox.items(shop)}
    assert items[first].status == OutboxStatus.PARKED.value
    assert f"{status}" in (items[first].last_error or "")
    state = sync_status(shop)
    assert state.parked == 1 and state.pending == 0
    assert [p.key for p in state.parked_items] == [first]
    # a person fixes the cause and puts it back
    del central.refuse[first]
    assert outbox.requeue(shop, [items[first].id]) == 1
    assert sender(shop, central).deliver().delivered == [first]


def test_lost_answer_is_resent_and_answered_the_same(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    """Central stored it but the till never heard (killed between send and ack)."""
    link(shop, admin)
    close_simple_shift(shop, operator)
    central = FakeCentral(script=["lose-answer"])
    assert sender(shop, central).deliver().failed
    assert len(central.stored) == 1
    # a new sender (the engine restarted) sends the same content again
    report = sender(shop, central).deliver()
    assert report.delivered == keys(shop)
    assert len(central.stored) == 1 and central.order == keys(shop)


def test_the_same_content_is_sent_on_every_retry(shop: Shop, operator: Actor, admin: Actor) -> None:
    link(shop, admin)
    close_a_busy_shift(shop, operator)
    central = FakeCentral(script=[503, LinkDown("timeout"), "lose-answer"])
    bodies: list[bytes] = []
    real = central.handle

    def spy(method, path, body, headers):  # type: ignore[no-untyped-def]
        bodies.append(body)
        return real(method, path, body, headers)

    central.handle = spy  # type: ignore[method-assign]
    s = sender(shop, central)
    for _ in range(4):
        s.deliver()
    assert len(bodies) == 4 and len(set(bodies)) == 1
    assert sync_status(shop).pending == 0


def test_back_off_grows_with_full_jitter_is_capped_and_resets() -> None:
    draws: list[tuple[float, float]] = []

    def uniform(lo: float, hi: float) -> float:
        draws.append((lo, hi))
        return hi / 2

    b = Backoff(base_s=1, cap_s=60, uniform=uniform)
    delays = [b.next_delay() for _ in range(9)]
    assert [hi for _, hi in draws] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert all(lo == 0 for lo, _ in draws)
    assert delays == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert b.next_delay(at_least_s=45) == 45  # Retry-After honoured …
    assert b.next_delay(at_least_s=86400) == 60  # … up to the cap
    b.reset()
    b.next_delay()
    assert draws[-1] == (0, 1)
    for _ in range(200):  # no overflow however long the outage
        b.next_delay()
    assert b.ceiling() == 60


def test_run_loop_backs_off_while_down_and_catches_up(
    shop: Shop, operator: Actor, admin: Actor, clock: FakeClock
) -> None:
    """Weeks offline: shifts pile up; the loop backs off (capped) and, once central
    answers, delivers every one in order and resets the back-off."""
    link(shop, admin)
    for day in range(21):
        close_simple_shift(shop, operator, price=100 + day)
        clock.advance(86400)
    central = FakeCentral(script=[LinkDown("no route")] * 12)
    sleeps: list[float] = []

    def sleep(seconds: float) -> bool:
        sleeps.append(seconds)
        clock.advance(seconds)
        return len(sleeps) >= 15

    s = Sender(
        shop,
        central.transport,
        sleep=sleep,
        backoff=Backoff(base_s=1, cap_s=300, uniform=lambda lo, hi: hi),
        poll_s=5,
    )
    s.run()
    assert sleeps[:12] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert sleeps[12:] == [5, 5, 5]  # back to polling: reset on success
    assert central.order == keys(shop) and len(central.order) == 21
    assert central.closed >= 1  # the transport is closed when the loop ends
    assert sync_status(shop).pending == 0


def test_a_changed_token_gets_a_new_transport(shop: Shop, operator: Actor, admin: Actor) -> None:
    link(shop, admin, token="old")
    close_simple_shift(shop, operator)
    central = FakeCentral(token="new")
    s = sender(shop, central)
    assert s.deliver().error == "central answered 401: bad token"
    link(shop, admin, token="new")
    assert len(s.deliver().delivered) == 1


def test_classification() -> None:
    assert [classify(s) for s in (200, 201, 204)] == ["delivered"] * 3
    assert [classify(s) for s in (408, 429, 500, 502, 503, 504, 401, 403, 404, 301)] == [
        "retry"
    ] * 10
    assert [classify(s) for s in (400, 409, 410, 413, 415, 422)] == ["park"] * 6


def test_two_senders_at_once_deliver_each_item_once(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    """The engine's sender and ``sync push`` racing: central is idempotent and the
    till marks an item delivered only once."""
    link(shop, admin)
    close_simple_shift(shop, operator)
    central = FakeCentral()
    a, b = sender(shop, central), sender(shop, central)
    item = outbox.next_pending(shop)
    assert item is not None
    # both send the same item before either marks it
    reply_a = a.request(
        a.link(),
        "PUT",
        f"/v1/shops/shop-1/shifts/{item.key}",  # type: ignore[arg-type]
        body=b"{}",
        headers={"Idempotency-Key": item.key},
    )
    assert reply_a.status == 200
    assert outbox.mark_delivered(shop, item.id, "a") is True
    assert outbox.mark_delivered(shop, item.id, "b") is False
    assert b.deliver().delivered == []
    [done] = outbox.items(shop)
    assert done.status == "delivered" and done.attempts == 1


def test_heartbeat_every_30_s_while_online_and_pulls_every_5_min(
    shop: Shop, operator: Actor, admin: Actor, clock: FakeClock
) -> None:
    link(shop, admin)
    central = FakeCentral()
    beats: list[float] = []
    pulls: list[float] = []
    down = {"now": False}

    def heartbeat(s: Sender, lk: object) -> None:
        beats.append(clock.monotonic())

    def pull(s: Sender, lk: object) -> None:
        pulls.append(clock.monotonic())

    s = Sender(
        shop,
        central.transport,
        clock=clock,
        heartbeat=heartbeat,
        pull=pull,
        backoff=Backoff(base_s=1, cap_s=8, uniform=lambda lo, hi: hi),
        poll_s=5,
    )
    start = clock.monotonic()
    for _ in range(130):  # ten minutes and more of rounds
        if down["now"]:
            close_simple_shift(shop, operator)  # something to send while central is down
            central.script.append(LinkDown("no route"))
        delay = s.step()
        clock.advance(delay)
        down["now"] = 200 <= clock.monotonic() - start < 260
    offsets = [round(b - start) for b in beats]
    assert offsets[:7] == [0, 30, 60, 90, 120, 150, 180]
    # while central was down (200-260 s) no heartbeat went out; then they resumed
    assert not [o for o in offsets if 200 < o < 260]
    assert any(o >= 260 for o in offsets)
    first, second = (round(p - start) for p in pulls[:2])
    assert first == 0 and 300 <= second < 310  # the first round once 300 s have passed


def test_an_error_in_a_periodic_job_does_not_stop_deliveries(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    link(shop, admin)

    def broken(s: Sender, lk: object) -> None:
        raise ValueError("bug")

    central = FakeCentral()
    s = Sender(shop, central.transport, heartbeat=broken, pull=broken)
    assert s.step() == s.poll_s
    close_simple_shift(shop, operator)
    s.step()
    assert sync_status(shop).pending == 0


def test_a_damaged_stored_payload_is_parked_not_retried_for_ever(
    shop: Shop, operator: Actor, admin: Actor
) -> None:
    from callshop_pos.db.models.sync import SyncOutbox

    link(shop, admin)
    close_simple_shift(shop, operator)
    close_simple_shift(shop, operator)
    first, second = keys(shop)
    with shop.db.write() as s:
        row = s.get(SyncOutbox, outbox.items(shop)[0].id)
        assert row is not None
        row.payload = row.payload[:40]  # cut off
    report = sender(shop, FakeCentral()).deliver()
    assert report.parked == [first] and report.delivered == [second]
    assert "not valid JSON" in (sync_status(shop).parked_items[0].last_error or "")
