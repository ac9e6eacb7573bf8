"""Shift actions: open, current, calls of a shift, X report, close (Z), list, show.

Every function is one user action in one transaction; it checks the caller's role
itself and journals what it changed. Operators work only on their own open shift
(and see only their own shifts); administrators may do everything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.calls import Call, CallState, CallStatus
from callshop_pos.db.models.deposits import BoothDeposit, DepositStatus
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.payments import Payment, Refund
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.db.models.sync import OutboxKind
from callshop_pos.db.models.users import User
from callshop_pos.errors import InvalidInput, NotFound, PermissionDenied
from callshop_pos.services import outbox
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.backups import backup_after_close
from callshop_pos.services.cards.till_calls import is_till_call
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.cards import card_cash
from callshop_pos.services.reports.cells import sum_closed_shift
from callshop_pos.services.reports.summary import (
    PeriodTotals,
    ShiftReport,
    ShiftSummary,
    build_report,
    deposit_cash,
    expected_cash,
    period_totals,
    shift_call_rows,
    sum_of,
    summarize_shift,
)
from callshop_pos.services.till.calls import CallView, call_view

__all__ = [
    "HandOver",
    "NoOpenShift",
    "ShiftAlreadyOpen",
    "ShiftDetail",
    "ShiftList",
    "ShiftOpened",
    "ShiftOwner",
    "close_shift",
    "current_shift",
    "hand_over",
    "is_admin",
    "list_shifts",
    "open_shift",
    "open_shift_row",
    "operator_name",
    "pending_calls",
    "require_own_open_shift",
    "shift_calls",
    "shift_owner",
    "show_shift",
    "user_id",
    "visible_shift",
    "x_report",
]

_log = logging.getLogger(__name__)

#: Largest opening float / counted cash accepted (1,000,000.00): larger is a typo.
MAX_CASH_MINOR = 100_000_000


class ShiftAlreadyOpen(InvalidInput):
    """Another shift is open; it must be closed first."""


class NoOpenShift(InvalidInput):
    """The action needs an open shift and there is none."""


@dataclass(frozen=True, slots=True)
class ShiftOpened:
    shift: ShiftSummary
    adopted_call_ids: tuple[int, ...]  # calls finished while no shift was open


@dataclass(frozen=True, slots=True)
class ShiftList:
    shifts: tuple[ShiftSummary, ...]
    total: PeriodTotals


@dataclass(frozen=True, slots=True)
class ShiftDetail:
    summary: ShiftSummary
    calls: tuple[CallView, ...]  # answered calls, in time order
    attempts: tuple[CallView, ...]  # unanswered attempts (kept for reports, never payable)


# ------------------------------------------------------------------ helpers


def is_admin(actor: Actor) -> bool:
    return actor.role is Role.ADMIN


def user_id(actor: Actor) -> int:
    """The acting user's id (the line engine's SYSTEM actor is no till user)."""
    if actor.user_id is None:
        raise PermissionDenied(f"{actor.username} is not a user of the till")
    return actor.user_id


def operator_name(session: Session, uid: int) -> str:
    user = session.get(User, uid)
    return user.username if user is not None else f"#{uid}"


def open_shift_row(session: Session, *, lock: bool = False) -> Shift | None:
    stmt = select(Shift).where(Shift.status == ShiftStatus.OPEN.value)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def require_own_open_shift(session: Session, actor: Actor, *, lock: bool = True) -> Shift:
    """The open shift, if ``actor`` may work on it (its operator, or an administrator)."""
    shift = open_shift_row(session, lock=lock)
    if shift is None:
        raise NoOpenShift("no shift is open; open a shift first")
    if shift.operator_id != actor.user_id and not is_admin(actor):
        raise PermissionDenied(
            f"shift {shift.id} belongs to {operator_name(session, shift.operator_id)}; "
            "an operator works only on their own shift"
        )
    return shift


def visible_shift(session: Session, actor: Actor, shift_id: int) -> Shift:
    """A shift the actor may look at (own shifts for operators, any for administrators)."""
    shift = session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(f"no shift {shift_id}")
    if shift.operator_id != actor.user_id and not is_admin(actor):
        raise PermissionDenied(f"shift {shift_id} is another operator's")
    return shift


def _check_cash(amount: int, what: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"{what} must be an int of minor units")
    if amount < 0:
        raise InvalidInput(f"{what} cannot be negative")
    if amount > MAX_CASH_MINOR:
        raise InvalidInput(f"{what} is implausibly large")


# ------------------------------------------------------------------ actions


def open_shift(shop: Shop, actor: Actor, opening_float_minor: int) -> ShiftOpened:
    """Open a shift for ``actor`` with the cash float in the drawer.

    Only one shift is open at a time. Calls that finished while no shift was open
    join this one.
    """
    require_role(actor, Role.OPERATOR)
    _check_cash(opening_float_minor, "the opening float")
    try:
        with shop.db.write() as session:
            return _open_in(session, shop, actor, opening_float_minor)
    except IntegrityError as exc:
        # Two tills raced; the database's one-open-shift index decided.
        raise ShiftAlreadyOpen("another shift was opened at the same moment") from exc


def _open_in(session: Session, shop: Shop, actor: Actor, opening_float_minor: int) -> ShiftOpened:
    current = open_shift_row(session, lock=True)
    if current is not None:
        raise ShiftAlreadyOpen(
            f"shift {current.id} of {operator_name(session, current.operator_id)} "
            "is still open; close it first"
        )
    shift = Shift(
        operator_id=user_id(actor),
        status=ShiftStatus.OPEN.value,
        opened_at=shop.clock.now(),
        opening_float_minor=opening_float_minor,
    )
    session.add(shift)
    session.flush()
    waiting = list(
        session.scalars(
            select(Call)
            .where(Call.shift_id.is_(None), Call.state == CallState.FINISHED.value)
            .order_by(Call.id)
        )
    )
    for call in waiting:
        call.shift_id = shift.id
    journal.append(
        session,
        actor,
        "shift.open",
        subject=shift,
        payload={
            "opening_float_minor": opening_float_minor,
            "adopted_calls": [c.id for c in waiting],
        },
        rows=[shift, *waiting],
    )
    summary = summarize_shift(session, shift, actor.username)
    return ShiftOpened(shift=summary, adopted_call_ids=tuple(c.id for c in waiting))


def current_shift(shop: Shop, actor: Actor) -> ShiftSummary | None:
    """The open shift (None when none is open). Everyone at the till may see it."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        shift = open_shift_row(session)
        if shift is None:
            return None
        return summarize_shift(session, shift, operator_name(session, shift.operator_id))


def shift_calls(
    shop: Shop,
    actor: Actor,
    shift_id: int | None = None,
    status: CallStatus | str | None = None,
    booth: str | None = None,
    *,
    include_attempts: bool = False,
) -> list[CallView]:
    """Calls of a shift (default: the open one), optionally only one status or booth."""
    require_role(actor, Role.OPERATOR)
    status_value = _status_value(status) if status is not None else None
    with shop.db.read() as session:
        if shift_id is None:
            open_row = open_shift_row(session)
            if open_row is None:
                return []
            shift_id = open_row.id
        visible_shift(session, actor, shift_id)
        views = [call_view(c) for c in shift_call_rows(session, shift_id)]
    return [
        v
        for v in views
        if (include_attempts or v.answered)
        and (status_value is None or v.status == status_value)
        and (booth is None or v.booth == booth)
    ]


def _status_value(status: CallStatus | str) -> str:
    try:
        return CallStatus(status).value
    except ValueError:
        raise InvalidInput(f"unknown call status {status!r}") from None


def pending_calls(shop: Shop) -> list[CallView]:
    """Finished calls waiting for the next shift (no shift was open when they ended)."""
    with shop.db.read() as session:
        rows = session.scalars(
            select(Call)
            .where(Call.shift_id.is_(None), Call.state == CallState.FINISHED.value, is_till_call())
            .order_by(Call.id)
        )
        return [call_view(c) for c in rows]


def x_report(shop: Shop, actor: Actor, shift_id: int | None = None) -> ShiftReport:
    """The report of a shift as it stands (default: the open one); changes nothing.

    For an open shift this is the X report (journal head = the newest entry); for a
    closed one it is its Z report again, with the figures stored at close and the
    hash of the journal entry that closed it.
    """
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        if shift_id is None:
            open_row = open_shift_row(session)
            if open_row is None:
                raise NoOpenShift("no shift is open")
            shift_id = open_row.id
        shift = visible_shift(session, actor, shift_id)
        closed = shift.status == ShiftStatus.CLOSED.value
        return build_report(
            session,
            shift,
            operator_name(session, shift.operator_id),
            kind="Z" if closed else "X",
            generated_at=shop.clock.now(),
            journal_head=_close_hash(session, shift) if closed else journal.head(session)[1],
        )


def _close_hash(session: Session, shift: Shift) -> str | None:
    return session.scalars(
        select(JournalEntry.hash)
        .where(
            JournalEntry.action == "shift.close",
            JournalEntry.subject_type == Shift.__tablename__,
            JournalEntry.subject_id == str(shift.id),
        )
        .order_by(JournalEntry.seq.desc())
        .limit(1)
    ).first()


def close_shift(shop: Shop, actor: Actor, counted_minor: int) -> ShiftReport:
    """Close the open shift with the cash counted in the drawer; returns the Z report.

    Expected cash = opening float + cash payments + deposits taken − deposit
    remainders handed back − refunds + prepaid cards sold and topped up; the
    discrepancy (counted − expected) is recorded. Refused while a prepaid deposit
    of the shift is open (settle it first). Nothing in the shift can change afterwards.
    """
    require_role(actor, Role.OPERATOR)
    _check_cash(counted_minor, "the counted cash")
    with shop.db.write() as session:
        report = _close_in(session, shop, actor, counted_minor)
    _after_close(shop, report.summary.id)
    return report


def _after_close(shop: Shop, shift_id: int) -> None:
    """What follows a committed close, outside its transaction (never undoes it)."""
    _sum_for_reports(shop, shift_id)
    # A verified copy of the database at every Z; never fails or undoes the close
    # (a failure is logged, journaled and shown by backups.backup_problem).
    backup_after_close(shop, shift_id)


def _close_in(session: Session, shop: Shop, actor: Actor, counted_minor: int) -> ShiftReport:
    shift = require_own_open_shift(session, actor)
    # Calls still running are not part of this shift: they join the shift open
    # when they end (or the next one), so closing never waits for a booth.
    payments = sum_of(session, Payment.total_minor, Payment.shift_id == shift.id)
    refunds = sum_of(session, Refund.total_minor, Refund.shift_id == shift.id)
    deposits = deposit_cash(session, shift.id)
    if deposits.open:
        booths = session.scalars(
            select(BoothDeposit.booth)
            .where(
                BoothDeposit.shift_id == shift.id,
                BoothDeposit.status == DepositStatus.OPEN.value,
            )
            .order_by(BoothDeposit.booth)
        )
        raise InvalidInput(
            f"prepaid deposit still open at {', '.join(booths)}: settle it "
            "(pay its calls, hand back the rest) before closing the shift"
        )
    cards = card_cash(session, shift.id)
    expected = expected_cash(shift.opening_float_minor, payments, refunds, deposits, cards)
    now = shop.clock.now()
    shift.status = ShiftStatus.CLOSED.value
    shift.closed_at = now
    shift.closed_by_id = user_id(actor)
    shift.payments_minor = payments
    shift.refunds_minor = refunds
    shift.expected_minor = expected
    shift.counted_minor = counted_minor
    shift.discrepancy_minor = counted_minor - expected
    session.flush()
    summary = summarize_shift(session, shift, operator_name(session, shift.operator_id))
    # The outbox row for central, in this very transaction (see callshop_pos.sync).
    item = outbox.add_item(session, kind=OutboxKind.SHIFT, key=shift.uuid, shift=shift, at=now)
    entry = journal.append(
        session,
        actor,
        "shift.close",
        subject=shift,
        payload={
            "expected_minor": expected,
            "counted_minor": counted_minor,
            "discrepancy_minor": counted_minor - expected,
            "payments_minor": payments,
            "refunds_minor": refunds,
            "deposits_taken_minor": deposits.taken,
            "deposits_returned_minor": deposits.returned,
            "deposit_payments_minor": deposits.paid,
            "card_sales_minor": cards.sales_minor,
            "card_top_ups_minor": cards.top_ups_minor,
            "card_debits_minor": cards.debits_minor,
            "calls": summary.call_count,
            "unserved": summary.unserved,
            "unpaid": summary.unpaid,
        },
        rows=[shift, item],
    )
    report = build_report(
        session,
        shift,
        summary.operator,
        kind="Z",
        generated_at=now,
        journal_head=entry.hash,
    )
    outbox.seal_shift(session, item, entry, shift, report, shop.settings)
    return report


@dataclass(frozen=True, slots=True)
class HandOver:
    """The outgoing operator's Z report and the next operator's new shift."""

    closed: ShiftReport
    opened: ShiftOpened


def hand_over(
    shop: Shop,
    outgoing: Actor,
    incoming: Actor,
    counted_minor: int,
    *,
    opening_float_minor: int | None = None,
) -> HandOver:
    """Close the open shift with the counted cash and open the next operator's shift,
    in one transaction: both happen or neither does, so the till is never left with
    no shift half-way through a hand-over.

    ``outgoing`` closes (the shift's operator, or an administrator); ``incoming`` is
    the next operator, who has logged in; the new shift is theirs. The new shift's
    float is the counted cash unless ``opening_float_minor`` says otherwise (cash
    taken to the safe). Journaled as ``shift.close``, ``shift.open`` and
    ``shift.handover``.
    """
    require_role(outgoing, Role.OPERATOR)
    require_role(incoming, Role.OPERATOR)
    user_id(incoming)
    if incoming.user_id == outgoing.user_id:
        raise InvalidInput("a hand-over is to another user; to go on, keep the same shift")
    _check_cash(counted_minor, "the counted cash")
    float_minor = counted_minor if opening_float_minor is None else opening_float_minor
    _check_cash(float_minor, "the opening float")
    try:
        with shop.db.write() as session:
            closed = _close_in(session, shop, outgoing, counted_minor)
            opened = _open_in(session, shop, incoming, float_minor)
            row = session.get(Shift, opened.shift.id)
            assert row is not None
            journal.append(
                session,
                outgoing,
                "shift.handover",
                subject=row,
                payload={
                    "from_shift": closed.summary.id,
                    "from_operator": closed.summary.operator,
                    "to_operator": incoming.username,
                    "counted_minor": counted_minor,
                    "opening_float_minor": float_minor,
                },
            )
    except IntegrityError as exc:
        raise ShiftAlreadyOpen("another shift was opened at the same moment") from exc
    _after_close(shop, closed.summary.id)
    return HandOver(closed, opened)


@dataclass(frozen=True, slots=True)
class ShiftOwner:
    """Whose shift is open: the login screen tells a user who is not its operator."""

    shift_id: int
    operator: str
    opened_at: datetime
    is_yours: bool


def shift_owner(shop: Shop, actor: Actor) -> ShiftOwner | None:
    """The open shift's operator (None when no shift is open)."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        shift = open_shift_row(session)
        if shift is None:
            return None
        return ShiftOwner(
            shift.id,
            operator_name(session, shift.operator_id),
            shift.opened_at,
            shift.operator_id == actor.user_id,
        )


def _sum_for_reports(shop: Shop, shift_id: int) -> None:
    """Sum the closed shift into the owner's report cells now, so the first report
    needs no catch-up over every closed shift.

    Deliberately after the close's own transaction, not in it: the close is the
    cashier's money record and must never fail, nor hold the write lock (which the line
    engine waits on) longer, because of report bookkeeping. If summing fails the shift
    simply has no cells yet, and the next report sums it (``refresh_cells``) — the
    cells are derived data, so nothing is lost.
    """
    try:
        sum_closed_shift(shop, shift_id)
    except SQLAlchemyError:
        _log.warning(
            "shift %s closed, but summing it for reports failed; the next report will sum it",
            shift_id,
            exc_info=True,
        )


def list_shifts(
    shop: Shop,
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    status: ShiftStatus | str | None = None,
) -> ShiftList:
    """Shifts opened in ``[date_from, date_to]`` (shop-local dates, both included), newest
    first, each summarised, with the total over the period. Operators see their own."""
    require_role(actor, Role.OPERATOR)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise InvalidInput("the period ends before it starts")
    stmt = select(Shift)
    if status is not None:
        try:
            stmt = stmt.where(Shift.status == ShiftStatus(status).value)
        except ValueError:
            raise InvalidInput(f"unknown shift status {status!r}") from None
    tz = ZoneInfo(shop.settings.timezone)
    if date_from is not None:
        stmt = stmt.where(Shift.opened_at >= datetime.combine(date_from, time(0), tzinfo=tz))
    if date_to is not None:
        end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz)
        stmt = stmt.where(Shift.opened_at < end)
    if not is_admin(actor):
        stmt = stmt.where(Shift.operator_id == actor.user_id)
    with shop.db.read() as session:
        shifts = list(session.scalars(stmt.order_by(Shift.opened_at.desc(), Shift.id.desc())))
        names: dict[int, str] = {}
        summaries = []
        for s in shifts:
            if s.operator_id not in names:
                names[s.operator_id] = operator_name(session, s.operator_id)
            summaries.append(summarize_shift(session, s, names[s.operator_id]))
    return ShiftList(shifts=tuple(summaries), total=period_totals(summaries))


def show_shift(shop: Shop, actor: Actor, shift_id: int) -> ShiftDetail:
    """One shift with every call (the original's closed-session view)."""
    require_role(actor, Role.OPERATOR)
    with shop.db.read() as session:
        shift = visible_shift(session, actor, shift_id)
        views = [call_view(c) for c in shift_call_rows(session, shift.id)]
        summary = summarize_shift(session, shift, operator_name(session, shift.operator_id))
    return ShiftDetail(
        summary=summary,
        calls=tuple(v for v in views if v.answered),
        attempts=tuple(v for v in views if not v.answered),
    )
