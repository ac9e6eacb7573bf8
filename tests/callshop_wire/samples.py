"""Valid sample payloads for tests on both sides of the link (they add up)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from callshop_wire import (
    SCHEMA_VERSION,
    SHIFT_SCHEMA_VERSION,
    Anchor,
    BoothLive,
    BoothTotals,
    CallRecord,
    ClosedShift,
    DayRate,
    Heartbeat,
    JournalHead,
    OpenShiftLive,
    PaymentLine,
    PaymentRecord,
    RefundRecord,
    ShiftFx,
    StatusTotals,
    WholesaleEntry,
    WholesalePriceList,
    ZFigures,
    micro_usd_to_minor,
)

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the EU clocks go forward


def head_hash(n: int) -> str:
    return f"{n:064x}"


def make_shift(
    *,
    shop: str = "sofia-1",
    calls: int = 6,
    seed: int = 1,
    previous: JournalHead | None = None,
    head: JournalHead | None = None,
    opened_at: datetime = T0,
    counted_delta: int = -20,
    usd_rate: Decimal | dict[date, Decimal | None] | None = None,
    version: int | None = None,
) -> ClosedShift:
    """A closed shift of ``calls`` calls (every fifth an unanswered attempt): a third
    paid in one payment, one of those refunded, some unpaid, the rest unserved.

    With ``usd_rate`` (one rate for every day, or one per local day) it is a version-2
    shift with ``fx``; ``version=2`` alone gives one whose days have no rate."""
    ns = uuid.UUID(int=seed)
    records: list[CallRecord] = []
    for i in range(calls):
        answered = i % 5 != 4
        setup = opened_at + timedelta(minutes=2 * i + 1)
        duration = 61 + 17 * i if answered else 0
        billable = -(-duration // 60) * 60 if answered else 0
        status = "paid" if answered and i % 3 == 0 else "unpaid" if i % 7 == 1 else "unserved"
        records.append(
            CallRecord(
                call_uuid=uuid.uuid5(ns, f"call-{i}"),
                till_id=i + 1,
                call_ref=f"sim-{seed}-{i}",
                booth=f"K{i % 4 + 1}",
                number=f"00359888{i:06d}",
                normalized=f"359888{i:06d}",
                destination="Bulgaria mobile",
                prefix="35988",
                setup_at=setup,
                answered_at=setup + timedelta(seconds=5) if answered else None,
                ended_at=setup + timedelta(seconds=5 + duration),
                duration_s=duration,
                billable_s=billable,
                price_minor=(billable // 60) * 25 if answered else 0,
                wholesale_micro_usd=(billable // 60) * 12_345 if answered else None,
                end_reason="normal" if answered else "no_answer",
                end_side="booth",
                flags=("estimated_answer",) if i == 2 else (),
                status=status if answered else "unserved",
            )
        )
    paid = [c for c in records if c.answered and c.status == "paid"]
    payments: list[PaymentRecord] = []
    refunds: list[RefundRecord] = []
    if paid:
        subtotal = sum(c.price_minor or 0 for c in paid)
        rounding = -(subtotal % 5)
        lines = [
            PaymentLine(kind="call", call_uuid=c.call_uuid, amount_minor=c.price_minor or 0)
            for c in paid
        ]
        if rounding:
            lines.append(PaymentLine(kind="rounding", amount_minor=rounding))
        total = subtotal + rounding
        payment = PaymentRecord(
            payment_uuid=uuid.uuid5(ns, "payment-1"),
            till_id=1,
            at=opened_at + timedelta(hours=1),
            operator="olga",
            method="cash",
            subtotal_minor=subtotal,
            rounding_minor=rounding,
            total_minor=total,
            tendered_minor=total + 100,
            change_minor=100,
            lines=tuple(lines),
        )
        payments.append(payment)
        refunds.append(
            RefundRecord(
                refund_uuid=uuid.uuid5(ns, "refund-1"),
                till_id=1,
                at=opened_at + timedelta(hours=2),
                operator="olga",
                call_uuid=paid[0].call_uuid,
                payment_uuid=payment.payment_uuid,
                amount_minor=paid[0].price_minor or 0,
                rounding_minor=0,
                total_minor=paid[0].price_minor or 0,
                reason="line was bad",
            )
        )
    answered = [c for c in records if c.answered]
    pay_total = sum(p.total_minor for p in payments)
    ref_total = sum(r.total_minor for r in refunds)
    expected = 5000 + pay_total - ref_total
    by_status = tuple(
        StatusTotals(
            status=st,
            count=sum(1 for c in answered if c.status == st),
            amount_minor=sum(c.price_minor or 0 for c in answered if c.status == st),
        )
        for st in ("unserved", "paid", "unpaid")
    )
    booths = sorted({c.booth for c in answered})
    by_booth = tuple(
        BoothTotals(
            booth=b,
            calls=sum(1 for c in answered if c.booth == b),
            talk_seconds=sum(c.duration_s for c in answered if c.booth == b),
            billable_seconds=sum(c.billable_s for c in answered if c.booth == b),
            amount_minor=sum(c.price_minor or 0 for c in answered if c.booth == b),
            paid_minor=sum(
                c.price_minor or 0 for c in answered if c.booth == b and c.status == "paid"
            ),
            unserved=sum(1 for c in answered if c.booth == b and c.status == "unserved"),
            unpaid=sum(1 for c in answered if c.booth == b and c.status == "unpaid"),
        )
        for b in booths
    )
    fx = None
    if usd_rate is not None or version == SHIFT_SCHEMA_VERSION:
        zone = ZoneInfo("Europe/Sofia")
        days = sorted(
            {c.ended_at.astimezone(zone).date() for c in answered if c.wholesale_micro_usd}
        )
        by_day = usd_rate if isinstance(usd_rate, dict) else dict.fromkeys(days, usd_rate)
        cost = 0
        for c in answered:
            rate = by_day[c.ended_at.astimezone(zone).date()]
            if c.wholesale_micro_usd is not None and rate is not None:
                cost += micro_usd_to_minor(c.wholesale_micro_usd, rate, 2)
        fx = ShiftFx(
            minor_digits=2,
            rates=tuple(DayRate(day=d, local_per_usd=by_day[d]) for d in days),
            wholesale_cost_minor=cost,
        )
    return ClosedShift(
        schema_version=SCHEMA_VERSION if fx is None else SHIFT_SCHEMA_VERSION,
        fx=fx,
        shop=shop,
        shift_uuid=uuid.uuid5(ns, "shift"),
        till_id=seed,
        currency="EUR",
        timezone="Europe/Sofia",
        operator="olga",
        closed_by="olga",
        opened_at=opened_at,
        closed_at=opened_at + timedelta(hours=8),
        opening_float_minor=5000,
        call_count=len(answered),
        attempts=len(records) - len(answered),
        talk_seconds=sum(c.duration_s for c in answered),
        billable_seconds=sum(c.billable_s for c in answered),
        payments_minor=pay_total,
        refunds_minor=ref_total,
        cash_minor=pay_total - ref_total,
        expected_minor=expected,
        counted_minor=expected + counted_delta,
        discrepancy_minor=counted_delta,
        paid=sum(1 for c in answered if c.status == "paid"),
        unserved=sum(1 for c in answered if c.status == "unserved"),
        unpaid=sum(1 for c in answered if c.status == "unpaid"),
        unrated=0,
        calls=tuple(records),
        payments=tuple(payments),
        refunds=tuple(refunds),
        z=ZFigures(
            payment_count=len(payments),
            refund_count=len(refunds),
            rounding_minor=sum(p.rounding_minor for p in payments),
            by_status=by_status,
            by_booth=by_booth,
        ),
        anchor=Anchor(
            head=head or JournalHead(seq=100 * seed, hash=head_hash(100 * seed)),
            previous_head=previous,
        ),
    )


def make_heartbeat(shop: str = "sofia-1", at: datetime = T0) -> Heartbeat:
    return Heartbeat(
        schema_version=SCHEMA_VERSION,
        shop=shop,
        sent_at=at,
        open_shift=OpenShiftLive(
            till_id=7,
            operator="olga",
            opened_at=at - timedelta(hours=1),
            opening_float_minor=5000,
            call_count=3,
            talk_seconds=400,
            cash_minor=250,
            expected_minor=5250,
            unserved=1,
            unserved_minor=75,
            unpaid=0,
        ),
        booths=(
            BoothLive(
                booth="K1",
                state="talking",
                number="00359888123456",
                destination="Bulgaria mobile",
                talk_seconds=65,
                running_cost_minor=50,
            ),
            BoothLive(booth="K2", state="idle"),
        ),
    )


def make_price_list(version: int = 1, at: datetime = T0) -> WholesalePriceList:
    return WholesalePriceList(
        schema_version=SCHEMA_VERSION,
        version=version,
        published_at=at,
        entries=(
            WholesaleEntry(code="359", country="Bulgaria", wholesale_usd=Decimal("0.0123")),
            WholesaleEntry(
                code="35988", country="Bulgaria mobile", wholesale_usd=Decimal("0.045000")
            ),
        ),
    )
