"""Corrections made to closed shifts count in central's report totals: in the shift's
day and shop and the corrected call's destination, whenever they arrived; on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from callshop_wire import ClosedShift, JournalHead, encode
from central import service
from central.auth import Principal
from central.web import views
from tests.callshop_wire.samples import head_hash, make_shift
from tests.central.client import ApiClient
from tests.central.support import Central

SOFIA = "sofia-1"
PLOVDIV = "plovdiv-2"
OWNER = Principal(kind="user", name="boss", role="owner")


def deliver(client: ApiClient, central: Central, shift: ClosedShift) -> None:
    r = client.put(
        f"/v1/shops/{shift.shop}/shifts/{shift.shift_uuid}",
        content=encode(shift),
        headers=central.till(shift.shop),
    )
    assert r.status_code == 201, r.text


def correct(
    client: ApiClient,
    central: Central,
    shift: ClosedShift,
    call: int,
    new_status: str,
    previous: JournalHead,
    seq: int,
) -> JournalHead:
    """Correct call number ``call`` of the shift to ``new_status``; its head."""
    record = shift.calls[call]
    price = record.price_minor or 0
    amount = (price if new_status == "paid" else 0) - (price if record.status == "paid" else 0)
    cid = uuid.uuid5(shift.shift_uuid, f"correction-{call}-{new_status}")
    head = JournalHead(seq=seq, hash=head_hash(seq))
    body = {
        "schema_version": 1,
        "shop": shift.shop,
        "shift_uuid": str(shift.shift_uuid),
        "correction": {
            "correction_uuid": str(cid),
            "till_id": 1,
            "call_uuid": str(record.call_uuid),
            "at": "2026-04-02T08:00:00Z",
            "admin": "admin",
            "old_status": record.status,
            "new_status": new_status,
            "amount_minor": amount,
            "reason": "found the receipt",
        },
        "anchor": {
            "head": head.model_dump(mode="json"),
            "previous_head": previous.model_dump(mode="json"),
        },
    }
    r = client.put(
        f"/v1/shops/{shift.shop}/corrections/{cid}",
        content=json.dumps(body).encode(),
        headers=central.till(shift.shop),
    )
    assert r.status_code == 201, r.text
    return head


def month(central: Central) -> views.Report:
    return views.report(
        central.db, central.clock, OWNER, "custom", "2026-03-01", "2026-04-30", None
    )


def test_corrections_to_closed_shifts_are_summed_into_the_report(
    client: ApiClient, central: Central
) -> None:
    sofia = make_shift(shop=SOFIA, seed=1, calls=12)
    plovdiv = make_shift(shop=PLOVDIV, seed=2, calls=12)
    deliver(client, central, sofia)
    deliver(client, central, plovdiv)
    before = month(central)
    assert before.total.takings_minor == sofia.cash_minor + plovdiv.cash_minor
    assert before.total.corrections_minor == 0

    unpaid = next(i for i, c in enumerate(sofia.calls) if c.answered and c.status == "unpaid")
    paid = next(i for i, c in enumerate(sofia.calls) if c.answered and c.status == "paid")
    gained = sofia.calls[unpaid].price_minor or 0
    lost = sofia.calls[paid].price_minor or 0
    assert gained and lost
    central.clock.advance(days=4)  # the corrections arrive days later, in another day
    head = correct(client, central, sofia, unpaid, "paid", sofia.anchor.head, 500)
    correct(client, central, sofia, paid, "unserved", head, 501)

    after = month(central)
    delta = gained - lost
    assert after.total.corrections_minor == delta
    assert after.total.takings_minor == sofia.cash_minor + plovdiv.cash_minor + delta
    (day,) = after.by_day  # counted on the shift's day, not the day they arrived
    assert day.key == "2026-03-29" and day.takings_minor == after.total.takings_minor
    shops = {r.key: r for r in after.by_shop}
    assert shops["Sofia, Vitosha 1"].takings_minor == sofia.cash_minor + delta
    assert shops["Sofia, Vitosha 1"].corrections_minor == delta
    assert shops["Plovdiv, Glavna 2"].takings_minor == plovdiv.cash_minor
    (dest_before,) = before.by_destination
    (dest_after,) = after.by_destination
    assert dest_after.takings_minor == dest_before.takings_minor + delta
    assert dest_after.corrections_minor == delta
    # the shifts themselves stay exactly as closed
    _, lines = views.sessions(
        central.db, central.clock, OWNER, "custom", "2026-03-01", "2026-04-30", SOFIA
    )
    assert [line.row.cash_minor for line in lines] == [sofia.cash_minor]


def test_a_call_corrected_twice_counts_its_whole_change_once(
    client: ApiClient, central: Central
) -> None:
    sofia = make_shift(shop=SOFIA, seed=1, calls=12)
    deliver(client, central, sofia)
    unpaid = next(i for i, c in enumerate(sofia.calls) if c.answered and c.status == "unpaid")
    price = sofia.calls[unpaid].price_minor or 0
    head = correct(client, central, sofia, unpaid, "paid", sofia.anchor.head, 500)
    report = month(central)
    assert report.total.corrections_minor == price
    # back to unpaid: the second correction carries -price (from paid)
    record = sofia.calls[unpaid].model_copy(update={"status": "paid"})
    back = sofia.model_copy(
        update={"calls": (*sofia.calls[:unpaid], record, *sofia.calls[unpaid + 1 :])}
    )
    correct(client, central, back, unpaid, "unpaid", head, 501)
    assert month(central).total.corrections_minor == 0
    assert month(central).total.takings_minor == sofia.cash_minor


def test_corrections_of_shifts_outside_the_period_do_not_count(
    client: ApiClient, central: Central
) -> None:
    early = make_shift(shop=SOFIA, seed=1, calls=12)
    deliver(client, central, early)
    unpaid = next(i for i, c in enumerate(early.calls) if c.answered and c.status == "unpaid")
    correct(client, central, early, unpaid, "paid", early.anchor.head, 500)
    april = views.report(
        central.db, central.clock, OWNER, "custom", "2026-04-01", "2026-04-30", None
    )
    assert april.total.corrections_minor == 0 and april.total.takings_minor == 0
    shop_id = views.shop_of(central.db, OWNER, SOFIA).id
    sums = service.corrections_in_period(
        central.db,
        shop_id,
        early.closed_at - timedelta(days=1),
        early.closed_at + timedelta(days=1),
    )
    assert [(s.shift_uuid, s.count) for s in sums] == [(str(early.shift_uuid), 1)]
