"""The outbox: written in the transaction that closes a shift or corrects one, with the
payload as it stood then (the Z's own figures), chained by journal heads."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import func, select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.shifts import Shift
from callshop_pos.db.models.sync import OutboxStatus, SyncOutbox
from callshop_pos.errors import InvalidInput
from callshop_pos.services import outbox
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import for_shop
from callshop_pos.services.till.corrections import correct_closed_shift_call
from callshop_pos.services.till.deposits import take_deposit
from callshop_pos.services.till.shifts import close_shift, current_shift, open_shift, show_shift
from callshop_wire import ClosedShift, CorrectionPayload, decode
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import SeededShop
from tests.callshop_pos.sync.support import close_a_busy_shift


def rows(shop: Shop) -> list[SyncOutbox]:
    with shop.db.read() as s:
        return list(s.scalars(select(SyncOutbox).order_by(SyncOutbox.id)))


def test_closing_a_shift_queues_it_with_the_z_figures(
    shop: Shop, operator: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    fx = close_a_busy_shift(shop, operator)
    assert "does not match the schema" not in caplog.text
    [row] = rows(shop)
    with shop.db.read() as s:
        shift = s.get(Shift, fx.shift_id)
        assert shift is not None
        close_entry = s.scalars(
            select(JournalEntry).where(JournalEntry.action == "shift.close")
        ).one()
    assert (row.kind, row.key, row.shift_id, row.status) == (
        "shift",
        shift.uuid,
        fx.shift_id,
        "pending",
    )
    assert (row.journal_seq, row.journal_head) == (close_entry.seq, close_entry.hash)
    assert (row.prev_seq, row.prev_head) == (None, None)
    sent = decode(ClosedShift, for_shop(row.payload.encode(), "shop-1"))
    z = fx.report.summary
    assert sent.shop == "shop-1"
    assert str(sent.shift_uuid) == shift.uuid
    assert sent.anchor.head.hash == fx.report.journal_head == close_entry.hash
    assert sent.anchor.previous_head is None
    figures = {
        "call_count": 5,
        "attempts": 1,
        "paid": 1,
        "unpaid": 1,
        "unserved": 3,
        "unrated": 1,
        "payments_minor": z.payments_minor,
        "refunds_minor": z.refunds_minor,
        "cash_minor": z.cash_minor,
        "expected_minor": z.expected_minor,
        "counted_minor": z.counted_minor,
        "discrepancy_minor": z.discrepancy_minor,
        "talk_seconds": z.talk_seconds,
        "billable_seconds": z.billable_seconds,
        "opening_float_minor": 5000,
        "operator": "olga",
        "closed_by": "olga",
    }
    assert {k: getattr(sent, k) for k in figures} == figures
    assert z.cash_minor == 150 and z.expected_minor == 5150
    # every call of the closed-session view, with its status and exact price
    detail = show_shift(shop, operator, fx.shift_id)
    shown = {(c.call_ref, c.status, c.price_minor) for c in (*detail.calls, *detail.attempts)}
    assert {(c.call_ref, c.status, c.price_minor) for c in sent.calls} == shown
    assert [p.total_minor for p in sent.payments] == [150, 333]
    [refund] = sent.refunds
    assert refund.total_minor == 333 and refund.reason == "line was bad"
    assert sent.z.payment_count == 2 and sent.z.refund_count == 1
    assert {(b.booth, b.amount_minor) for b in sent.z.by_booth} == {
        (b.booth, b.amount_minor) for b in fx.report.by_booth
    }
    assert sent.closed_at == shop_closed_at(shop, fx.shift_id)
    assert sent.opened_at.utcoffset() is not None
    # UTC with Z on the wire, exact integers for money
    raw = json.loads(row.payload)
    assert raw["closed_at"].endswith("Z") and isinstance(raw["cash_minor"], int)
    assert "shop" not in raw  # added at send time, from the link


def shop_closed_at(shop: Shop, shift_id: int):  # type: ignore[no-untyped-def]
    with shop.db.read() as s:
        shift = s.get(Shift, shift_id)
        assert shift is not None
        return shift.closed_at


def test_items_chain_by_the_head_sent_before(shop: Shop, operator: Actor, admin: Actor) -> None:
    first = close_a_busy_shift(shop, operator)
    fix = correct_closed_shift_call(shop, admin, first.unserved, "paid", "money found")
    open_shift(shop, operator, 0)
    record_call(shop, 90)
    close_shift(shop, operator, 0)
    a, b, c = rows(shop)
    assert [r.kind for r in (a, b, c)] == ["shift", "correction", "shift"]
    assert (b.prev_seq, b.prev_head) == (a.journal_seq, a.journal_head)
    assert (c.prev_seq, c.prev_head) == (b.journal_seq, b.journal_head)
    assert a.journal_seq < b.journal_seq < c.journal_seq
    correction = decode(CorrectionPayload, for_shop(b.payload.encode(), "shop-1"))
    assert (
        correction.shift_uuid
        == decode(ClosedShift, for_shop(a.payload.encode(), "shop-1")).shift_uuid
    )
    assert str(correction.correction.correction_uuid) == b.key
    assert correction.correction.amount_minor == fix.amount_minor == 70
    assert correction.anchor.previous_head is not None
    assert correction.anchor.previous_head.hash == a.journal_head
    with shop.db.read() as s:
        close = s.scalars(select(JournalEntry).where(JournalEntry.seq == c.journal_seq)).one()
        later = s.scalars(select(JournalEntry.action).where(JournalEntry.seq > c.journal_seq)).all()
    # The head sent is the Z's own entry; only the Z's database copy is journaled after it.
    assert close.hash == c.journal_head and close.action == "shift.close"
    assert set(later) <= {"backup.made", "backup.failed"}


def test_a_failing_close_writes_nothing(
    shop: Shop, operator: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_shift(shop, operator, 0)
    record_call(shop, 100)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "seal_shift", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        close_shift(shop, operator, 100)
    assert rows(shop) == []
    current = current_shift(shop, operator)
    assert current is not None and current.status == "open"
    monkeypatch.undo()
    close_shift(shop, operator, 100)
    assert len(rows(shop)) == 1


def test_a_refused_close_queues_nothing(shop: Shop, operator: Actor, admin: Actor) -> None:
    from callshop_pos.services.admin.booths import add_booth

    add_booth(shop, admin, "P1", billing="prepaid", default_deposit_minor=500)
    open_shift(shop, operator, 0)
    take_deposit(shop, operator, "P1", 500)
    with pytest.raises(InvalidInput, match="deposit still open"):
        close_shift(shop, operator, 500)
    assert rows(shop) == []


def test_a_failing_correction_writes_nothing(
    shop: Shop, operator: Actor, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    fx = close_a_busy_shift(shop, operator)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(outbox, "seal_correction", broken)
    with pytest.raises(RuntimeError):
        correct_closed_shift_call(shop, admin, fx.unserved, "paid", "found")
    assert [r.kind for r in rows(shop)] == ["shift"]


def test_a_deleted_outbox_row_is_found_by_verify(shop: Shop, operator: Actor, db_url: str) -> None:
    close_a_busy_shift(shop, operator)
    assert verify(shop).ok
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as raw:
        raw.execute("DELETE FROM sync_outbox")
    report = verify(shop)
    assert not report.ok
    assert "sync_outbox" in report.describe()


def test_delivery_state_changes_are_not_tampering(shop: Shop, operator: Actor) -> None:
    close_a_busy_shift(shop, operator)
    [item] = outbox.items(shop)
    outbox.mark_failed(shop, item.id, "central unreachable")
    outbox.mark_delivered(shop, item.id, "{}")
    assert verify(shop).ok
    [done] = outbox.items(shop)
    assert done.status == OutboxStatus.DELIVERED.value and done.attempts == 2


def test_every_shift_call_and_payment_has_a_uuid(shop: Shop, operator: Actor) -> None:
    close_a_busy_shift(shop, operator)
    from callshop_pos.db.models.calls import Call
    from callshop_pos.db.models.payments import Payment

    with shop.db.read() as s:
        for model in (Shift, Call, Payment):
            values = list(s.scalars(select(model.uuid)))  # type: ignore[attr-defined]
            assert values and all(len(v) == 36 for v in values)
            assert len(set(values)) == len(values)
            assert s.scalar(select(func.count()).select_from(model)) == len(values)


@pytest.mark.postgres
def test_outbox_on_postgresql(pg_seeded: SeededShop) -> None:
    shop, admin, operator = pg_seeded.shop, pg_seeded.admin, pg_seeded.operator
    first = close_a_busy_shift(shop, operator)
    correct_closed_shift_call(shop, admin, first.unserved, "paid", "money found")
    a, b = rows(shop)
    assert (b.prev_seq, b.prev_head) == (a.journal_seq, a.journal_head)
    sent = decode(ClosedShift, for_shop(a.payload.encode(), "shop-1"))
    assert sent.cash_minor == first.report.summary.cash_minor
    decode(CorrectionPayload, for_shop(b.payload.encode(), "shop-1"))
    assert verify(shop).ok


def test_a_payload_the_schema_refuses_never_blocks_the_close(
    shop: Shop,
    operator: Actor,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The close is the cashier's money record: a payload central would refuse is
    logged and queued (central refuses it, it is parked, a person sees it)."""
    from pydantic import ValidationError

    from callshop_pos.services import outbox_payload as payload

    class Refusing:
        @staticmethod
        def model_validate(data: object) -> None:
            raise ValidationError.from_exception_data("ClosedShift", [])

    monkeypatch.setattr(payload, "ClosedShift", Refusing)
    open_shift(shop, operator, 0)
    record_call(shop, 100)
    close_shift(shop, operator, 0)
    assert len(rows(shop)) == 1
    assert "does not match the schema" in caplog.text
