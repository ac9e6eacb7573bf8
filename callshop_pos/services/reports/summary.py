"""Shift figures: the per-shift summary, the X/Z report and period totals.

Pure read-side computations on an open session; the actions that use them (and
check who may see what) live in :mod:`callshop_pos.services.till.shifts`.

Cash figures: *takings* = payments − refunds of the shift; *expected cash* =
opening float + cash payments + deposits taken − deposit remainders handed back −
refunds (a payment with method ``deposit`` is takings but moves no cash: its cash
came in with the deposit, see :mod:`callshop_pos.services.till.deposits`). A closed
shift's expected, counted and discrepancy are the values stored at close;
corrections made afterwards are listed beside them, never folded into them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import QueryableAttribute, Session

from callshop_pos.db.models.calls import Call, CallCorrection, CallState, CallStatus
from callshop_pos.db.models.deposits import (
    BoothDeposit,
    DepositMovement,
    DepositStatus,
    MovementKind,
)
from callshop_pos.db.models.payments import Payment, Refund
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.services.cards.till_calls import is_till_call
from callshop_pos.services.reports.cards import CardCash, card_cash
from callshop_pos.services.till.calls import CallView, call_view

__all__ = [
    "DEPOSIT_METHOD",
    "BoothTotals",
    "CorrectionView",
    "DepositCash",
    "DepositView",
    "PeriodTotals",
    "ShiftReport",
    "ShiftSummary",
    "StatusTotals",
    "build_report",
    "deposit_cash",
    "expected_cash",
    "period_totals",
    "shift_call_rows",
    "sum_of",
    "summarize_shift",
    "summarize_shifts",
]


#: ``Payment.method`` of calls paid from a prepaid deposit.
DEPOSIT_METHOD = "deposit"


@dataclass(frozen=True, slots=True)
class ShiftSummary:
    """One shift at a glance (the original's session list row and closed-session header).

    ``call_count`` counts answered calls only; unanswered attempts are ``attempts``.
    """

    id: int
    status: str
    operator: str
    operator_id: int
    opened_at: datetime
    closed_at: datetime | None
    opening_float_minor: int
    call_count: int
    attempts: int
    talk_seconds: int
    billable_seconds: int
    payments_minor: int
    refunds_minor: int
    cash_minor: int  # takings: payments − refunds
    expected_minor: int  # opening float + takings
    counted_minor: int | None
    discrepancy_minor: int | None  # counted − expected (negative = cash missing)
    paid: int
    unserved: int
    unpaid: int
    unrated: int
    corrections_minor: int  # sum of post-close corrections (not part of the Z figures)
    deposits_taken_minor: int = 0  # prepaid deposits taken (cash in), top-ups included
    deposits_returned_minor: int = 0  # unused remainders handed back (cash out)
    deposit_payments_minor: int = 0  # calls paid from deposits (takings, no cash)
    open_deposits: int = 0  # deposits not yet settled (the shift cannot close)
    # Prepaid cards (counted apart from the calls; see services.reports.cards)
    card_sales: int = 0  # cards sold
    card_sales_minor: int = 0  # their face values (cash in)
    card_top_ups: int = 0
    card_top_ups_minor: int = 0  # cash in
    card_calls: int = 0  # card calls debited in the shift
    card_debits_minor: int = 0  # taken from card balances (no cash)

    def difference_if_counted(self, counted_minor: int) -> int:
        """The discrepancy a close with ``counted_minor`` in the drawer would record:
        counted − expected (negative = cash missing)."""
        return counted_minor - self.expected_minor


@dataclass(frozen=True, slots=True)
class StatusTotals:
    status: str
    count: int
    amount_minor: int  # priced calls only


@dataclass(frozen=True, slots=True)
class BoothTotals:
    booth: str
    calls: int
    talk_seconds: int
    billable_seconds: int
    amount_minor: int  # priced value of its calls
    paid_minor: int
    unserved: int
    unpaid: int


@dataclass(frozen=True, slots=True)
class CorrectionView:
    id: int
    call_id: int
    at: datetime
    admin_id: int
    old_status: str
    new_status: str
    amount_minor: int
    reason: str


@dataclass(frozen=True, slots=True)
class DepositView:
    """One prepaid deposit of the shift, for the X/Z report."""

    id: int
    booth: str
    taken_at: datetime
    amount_minor: int  # taken, top-ups included
    status: str  # open / settled
    settled_at: datetime | None
    used_minor: int | None  # calls paid from it (when settled)
    returned_minor: int | None  # cash handed back (when settled)


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """An X report (shift still open, nothing changes) or a Z report (the close)."""

    kind: str  # "X" or "Z"
    generated_at: datetime
    summary: ShiftSummary
    payment_count: int
    refund_count: int
    rounding_minor: int  # net cash rounding over payments and refunds
    by_status: tuple[StatusTotals, ...]
    by_booth: tuple[BoothTotals, ...]
    unserved_calls: tuple[CallView, ...]
    unpaid_calls: tuple[CallView, ...]
    unrated_calls: tuple[CallView, ...]
    flagged_calls: tuple[CallView, ...]  # interrupted, estimated answer, manual price …
    corrections: tuple[CorrectionView, ...]
    journal_head: str | None
    deposits: tuple[DepositView, ...] = ()


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    shift_count: int
    call_count: int
    attempts: int
    talk_seconds: int
    billable_seconds: int
    cash_minor: int
    unserved: int
    unpaid: int
    discrepancy_minor: int


def sum_of(session: Session, column: QueryableAttribute[int], *where: ColumnElement[bool]) -> int:
    """``SUM(column)`` over the rows matching ``where`` (0 when there are none)."""
    stmt = select(func.coalesce(func.sum(column), 0)).where(*where)
    return int(session.scalar(stmt) or 0)


def shift_call_rows(session: Session, shift_id: int) -> list[Call]:
    """Every finished call and attempt filed in the shift, in time order (the till's:
    a calling card's calls are counted with the cards)."""
    return list(
        session.scalars(
            select(Call)
            .where(
                Call.shift_id == shift_id,
                Call.state == CallState.FINISHED.value,
                is_till_call(),
            )
            .order_by(Call.ended_at, Call.id)
        )
    )


@dataclass(frozen=True, slots=True)
class _Counts:
    calls: int  # answered
    attempts: int  # unanswered
    talk: int
    billable: int
    paid: int
    unserved: int
    unpaid: int
    unrated: int


def _counts_of_rows(calls: Sequence[Call]) -> _Counts:
    answered = [c for c in calls if c.answered_at is not None]
    return _Counts(
        calls=len(answered),
        attempts=len(calls) - len(answered),
        talk=sum(c.duration_s for c in answered),
        billable=sum(c.billable_s for c in answered),
        paid=sum(1 for c in answered if c.status == CallStatus.PAID.value),
        unserved=sum(1 for c in answered if c.status == CallStatus.UNSERVED.value),
        unpaid=sum(1 for c in answered if c.status == CallStatus.UNPAID.value),
        unrated=sum(1 for c in answered if c.price_minor is None),
    )


def _counts_in_sql(session: Session, shift_id: int) -> _Counts:
    """The same figures as :func:`_counts_of_rows`, aggregated by the database."""
    answered = Call.answered_at.is_not(None)

    def when(*conds: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(case((and_(answered, *conds), 1)))

    row = session.execute(
        select(
            func.count(Call.id),
            func.count(Call.answered_at),
            func.coalesce(func.sum(case((answered, Call.duration_s), else_=0)), 0),
            func.coalesce(func.sum(case((answered, Call.billable_s), else_=0)), 0),
            when(Call.status == CallStatus.PAID.value),
            when(Call.status == CallStatus.UNSERVED.value),
            when(Call.status == CallStatus.UNPAID.value),
            when(Call.price_minor.is_(None)),
        ).where(Call.shift_id == shift_id, Call.state == CallState.FINISHED.value, is_till_call())
    ).one()
    total, calls, talk, billable, paid, unserved, unpaid, unrated = (int(v or 0) for v in row)
    return _Counts(calls, total - calls, talk, billable, paid, unserved, unpaid, unrated)


@dataclass(frozen=True, slots=True)
class DepositCash:
    """A shift's prepaid-deposit money."""

    taken: int  # cash in
    returned: int  # cash out
    paid: int  # calls paid from deposits (no cash moves)
    open: int  # deposits still open


def deposit_cash(session: Session, shift_id: int) -> DepositCash:
    """Deposits taken and handed back in the shift, calls paid from them, open ones.

    One query for a shift without deposits (most shifts of a period list)."""
    is_open = BoothDeposit.status == DepositStatus.OPEN.value
    count, open_count = session.execute(
        select(func.count(BoothDeposit.id), func.count(case((is_open, 1)))).where(
            BoothDeposit.shift_id == shift_id
        )
    ).one()
    if not count:
        return DepositCash(taken=0, returned=0, paid=0, open=0)

    def total_of(kind: MovementKind) -> ColumnElement[int]:
        return func.coalesce(
            func.sum(
                case((DepositMovement.kind == kind.value, DepositMovement.total_minor), else_=0)
            ),
            0,
        )

    taken, returned = session.execute(
        select(total_of(MovementKind.TAKEN), total_of(MovementKind.RETURNED)).where(
            DepositMovement.shift_id == shift_id
        )
    ).one()
    return DepositCash(
        taken=int(taken or 0),
        returned=int(returned or 0),
        paid=sum_of(
            session,
            Payment.total_minor,
            Payment.shift_id == shift_id,
            Payment.method == DEPOSIT_METHOD,
        ),
        open=int(open_count or 0),
    )


def expected_cash(
    float_minor: int,
    payments: int,
    refunds: int,
    deposits: DepositCash,
    cards: CardCash | None = None,
) -> int:
    """Cash that should be in the drawer: float + cash payments + deposits taken −
    remainders handed back − refunds + prepaid cards sold and topped up (``payments``
    includes the deposit payments, which brought no cash of their own)."""
    card_cash_in = 0 if cards is None else cards.cash_in_minor
    return (
        float_minor
        + payments
        - deposits.paid
        + deposits.taken
        - deposits.returned
        - refunds
        + card_cash_in
    )


def summarize_shift(session: Session, shift: Shift, operator: str) -> ShiftSummary:
    """One shift's summary (aggregated in SQL: no call rows are loaded)."""
    return _summary(session, shift, operator, _counts_in_sql(session, shift.id))


def _summary(session: Session, shift: Shift, operator: str, counts: _Counts) -> ShiftSummary:
    closed = shift.status == ShiftStatus.CLOSED.value
    if closed and shift.payments_minor is not None and shift.refunds_minor is not None:
        payments, refunds = shift.payments_minor, shift.refunds_minor
    else:
        payments = sum_of(session, Payment.total_minor, Payment.shift_id == shift.id)
        refunds = sum_of(session, Refund.total_minor, Refund.shift_id == shift.id)
    takings = payments - refunds
    cash = deposit_cash(session, shift.id)
    cards = card_cash(session, shift.id)
    expected = (
        shift.expected_minor
        if closed and shift.expected_minor is not None
        else expected_cash(shift.opening_float_minor, payments, refunds, cash, cards)
    )
    return ShiftSummary(
        id=shift.id,
        status=shift.status,
        operator=operator,
        operator_id=shift.operator_id,
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        opening_float_minor=shift.opening_float_minor,
        call_count=counts.calls,
        attempts=counts.attempts,
        talk_seconds=counts.talk,
        billable_seconds=counts.billable,
        payments_minor=payments,
        refunds_minor=refunds,
        cash_minor=takings,
        expected_minor=expected,
        counted_minor=shift.counted_minor,
        discrepancy_minor=shift.discrepancy_minor,
        paid=counts.paid,
        unserved=counts.unserved,
        unpaid=counts.unpaid,
        unrated=counts.unrated,
        corrections_minor=sum_of(
            session, CallCorrection.amount_minor, CallCorrection.shift_id == shift.id
        ),
        deposits_taken_minor=cash.taken,
        deposits_returned_minor=cash.returned,
        deposit_payments_minor=cash.paid,
        open_deposits=cash.open,
        card_sales=cards.sales,
        card_sales_minor=cards.sales_minor,
        card_top_ups=cards.top_ups,
        card_top_ups_minor=cards.top_ups_minor,
        card_calls=cards.debits,
        card_debits_minor=cards.debits_minor,
    )


def summarize_shifts(
    session: Session, shifts: Iterable[Shift], operators: dict[int, str]
) -> list[ShiftSummary]:
    return [summarize_shift(session, s, operators.get(s.operator_id, "?")) for s in shifts]


def period_totals(summaries: Iterable[ShiftSummary]) -> PeriodTotals:
    rows = list(summaries)
    return PeriodTotals(
        shift_count=len(rows),
        call_count=sum(s.call_count for s in rows),
        attempts=sum(s.attempts for s in rows),
        talk_seconds=sum(s.talk_seconds for s in rows),
        billable_seconds=sum(s.billable_seconds for s in rows),
        cash_minor=sum(s.cash_minor for s in rows),
        unserved=sum(s.unserved for s in rows),
        unpaid=sum(s.unpaid for s in rows),
        discrepancy_minor=sum(s.discrepancy_minor or 0 for s in rows),
    )


_NOTABLE_FLAGS = frozenset({"interrupted", "estimated_answer", "manual_price"})


def build_report(
    session: Session,
    shift: Shift,
    operator: str,
    *,
    kind: str,
    generated_at: datetime,
    journal_head: str | None,
) -> ShiftReport:
    """The X (``kind="X"``) or Z (``kind="Z"``) report of ``shift`` as it stands."""
    calls = shift_call_rows(session, shift.id)
    summary = _summary(session, shift, operator, _counts_of_rows(calls))
    answered = [c for c in calls if c.answered_at is not None]
    by_status = tuple(
        StatusTotals(
            status=st.value,
            count=sum(1 for c in answered if c.status == st.value),
            amount_minor=sum(c.price_minor or 0 for c in answered if c.status == st.value),
        )
        for st in CallStatus
    )
    booths: dict[str, list[Call]] = {}
    for c in answered:
        booths.setdefault(c.booth, []).append(c)
    by_booth = tuple(
        BoothTotals(
            booth=name,
            calls=len(cs),
            talk_seconds=sum(c.duration_s for c in cs),
            billable_seconds=sum(c.billable_s for c in cs),
            amount_minor=sum(c.price_minor or 0 for c in cs),
            paid_minor=sum(c.price_minor or 0 for c in cs if c.status == CallStatus.PAID.value),
            unserved=sum(1 for c in cs if c.status == CallStatus.UNSERVED.value),
            unpaid=sum(1 for c in cs if c.status == CallStatus.UNPAID.value),
        )
        for name, cs in sorted(booths.items())
    )
    payment_rounding = sum_of(session, Payment.rounding_minor, Payment.shift_id == shift.id)
    refund_rounding = sum_of(session, Refund.rounding_minor, Refund.shift_id == shift.id)
    payment_count = int(
        session.scalar(select(func.count(Payment.id)).where(Payment.shift_id == shift.id)) or 0
    )
    refund_count = int(
        session.scalar(select(func.count(Refund.id)).where(Refund.shift_id == shift.id)) or 0
    )
    corrections = tuple(
        CorrectionView(
            id=k.id,
            call_id=k.call_id,
            at=k.at,
            admin_id=k.admin_id,
            old_status=k.old_status,
            new_status=k.new_status,
            amount_minor=k.amount_minor,
            reason=k.reason,
        )
        for k in session.scalars(
            select(CallCorrection)
            .where(CallCorrection.shift_id == shift.id)
            .order_by(CallCorrection.id)
        )
    )
    views = [call_view(c) for c in answered]
    deposits = tuple(
        DepositView(
            id=d.id,
            booth=d.booth,
            taken_at=d.taken_at,
            amount_minor=d.amount_minor,
            status=d.status,
            settled_at=d.settled_at,
            used_minor=d.used_minor,
            returned_minor=d.returned_minor,
        )
        for d in session.scalars(
            select(BoothDeposit).where(BoothDeposit.shift_id == shift.id).order_by(BoothDeposit.id)
        )
    )
    return ShiftReport(
        kind=kind,
        generated_at=generated_at,
        summary=summary,
        payment_count=payment_count,
        refund_count=refund_count,
        rounding_minor=payment_rounding - refund_rounding,
        by_status=by_status,
        by_booth=by_booth,
        unserved_calls=tuple(v for v in views if v.status == CallStatus.UNSERVED.value),
        unpaid_calls=tuple(v for v in views if v.status == CallStatus.UNPAID.value),
        unrated_calls=tuple(v for v in views if v.price_minor is None),
        flagged_calls=tuple(v for v in views if _NOTABLE_FLAGS.intersection(v.flags)),
        corrections=corrections,
        journal_head=journal_head,
        deposits=deposits,
    )
