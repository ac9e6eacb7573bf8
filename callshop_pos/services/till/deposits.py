"""Prepaid booth deposits at the till: take (or top up), read the balance, settle.

A customer of a prepaid booth leaves cash before calling; the line engine lets the
booth's calls run only while :func:`deposit_balance` covers them. Every deposit is
money of the open shift: taking it is a cash-in row, settling it pays the calls it
covered (a payment with method ``deposit``, which moves no cash: the cash came in
with the deposit) and hands back the unused remainder (a cash-out row). Each action
is one transaction, checks the caller's role, journals every row it writes and
returns a frozen value. A shift cannot close while one of its deposits is open.

Balance = amount taken − prices of the booth's finished, answered, still unserved
calls answered since the deposit was taken (calls paid in cash meanwhile, or marked
unpaid by the cashier, no longer draw on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models.booths import BillingMode, Booth
from callshop_pos.db.models.calls import Call, CallState, CallStatus
from callshop_pos.db.models.deposits import (
    BoothDeposit,
    DepositMovement,
    DepositStatus,
    MovementKind,
)
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.money import format_minor, round_to_unit
from callshop_pos.services.auth import Actor, Role, require_role
from callshop_pos.services.cards.till_calls import is_till_call
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.summary import DEPOSIT_METHOD
from callshop_pos.services.till.payments import payable_bill, record_payment
from callshop_pos.services.till.shifts import MAX_CASH_MINOR, require_own_open_shift, user_id

__all__ = [
    "DepositBalance",
    "DepositSettled",
    "DepositTaken",
    "covered_calls",
    "deposit_balance",
    "open_deposit_balances",
    "settle_deposit",
    "take_deposit",
]


@dataclass(frozen=True, slots=True)
class DepositBalance:
    """The open deposit of a booth and what is left of it."""

    deposit_id: int
    booth: str
    shift_id: int
    taken_at: datetime
    amount_minor: int  # every amount taken, top-ups included
    used_minor: int  # prices of the calls it covers so far
    call_ids: tuple[int, ...]  # those calls, oldest first

    @property
    def balance_minor(self) -> int:
        """What is left (negative if the calls cost more than the deposit)."""
        return self.amount_minor - self.used_minor


@dataclass(frozen=True, slots=True)
class DepositTaken:
    deposit_id: int
    movement_id: int
    booth: str
    shift_id: int
    added_minor: int  # cash taken now
    amount_minor: int  # the deposit's amount after it
    top_up: bool


@dataclass(frozen=True, slots=True)
class DepositSettled:
    deposit_id: int
    booth: str
    shift_id: int
    amount_minor: int  # the deposit
    payment_id: int | None  # the ``deposit`` payment of the calls (None: no calls)
    paid_call_ids: tuple[int, ...]
    used_minor: int  # paid from the deposit
    returned_minor: int  # exact remainder
    rounding_minor: int  # to the cash unit
    returned_cash_minor: int  # cash handed back (remainder + rounding)
    movement_id: int  # the cash-out row (also written for a remainder of 0)
    left_unserved: tuple[int, ...]  # calls the deposit did not cover: pay them at the till


# ------------------------------------------------------------------ helpers


def _prepaid_booth(session: Session, name: str) -> Booth:
    booth = session.scalars(select(Booth).where(Booth.name == name)).one_or_none()
    if booth is None:
        raise NotFound(f"no booth named {name!r}")
    if not booth.active:
        raise InvalidInput(f"booth {name!r} is out of service")
    if booth.billing is not BillingMode.PREPAID:
        raise InvalidInput(f"{name} is a postpaid booth: it takes no deposit")
    return booth


def _open_deposit(session: Session, booth: str, *, lock: bool = False) -> BoothDeposit | None:
    stmt = select(BoothDeposit).where(
        BoothDeposit.booth == booth, BoothDeposit.status == DepositStatus.OPEN.value
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def covered_calls(session: Session, deposit: BoothDeposit, *, lock: bool = False) -> list[Call]:
    """The calls the open ``deposit`` pays for: its booth's finished, answered and
    still unserved calls of its shift, answered since it was taken, oldest first (a
    calling card's calls are paid by the card, never by the deposit)."""
    stmt = (
        select(Call)
        .where(
            Call.booth == deposit.booth,
            Call.shift_id == deposit.shift_id,
            Call.state == CallState.FINISHED.value,
            Call.status == CallStatus.UNSERVED.value,
            Call.answered_at.is_not(None),
            Call.answered_at >= deposit.taken_at,
            is_till_call(),
        )
        .order_by(Call.answered_at, Call.id)
    )
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def _balance(session: Session, deposit: BoothDeposit) -> DepositBalance:
    calls = covered_calls(session, deposit)
    return DepositBalance(
        deposit_id=deposit.id,
        booth=deposit.booth,
        shift_id=deposit.shift_id,
        taken_at=deposit.taken_at,
        amount_minor=deposit.amount_minor,
        used_minor=sum(c.price_minor or 0 for c in calls),
        call_ids=tuple(c.id for c in calls),
    )


def _check_amount(amount_minor: int) -> None:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError("amount_minor must be an int of minor units")
    if amount_minor <= 0:
        raise InvalidInput("a deposit must be above zero")
    if amount_minor > MAX_CASH_MINOR:
        raise InvalidInput("the deposit is implausibly large")


# ------------------------------------------------------------------ actions


def take_deposit(shop: Shop, actor: Actor, booth: str, amount_minor: int) -> DepositTaken:
    """Take ``amount_minor`` in cash as the deposit of prepaid ``booth`` in the open
    shift; if the booth already has an open deposit the amount tops it up."""
    require_role(actor, Role.OPERATOR)
    _check_amount(amount_minor)
    try:
        with shop.db.write() as session:
            shift = require_own_open_shift(session, actor)
            _prepaid_booth(session, booth)
            now = shop.clock.now()
            uid = user_id(actor)
            deposit = _open_deposit(session, booth, lock=True)
            top_up = deposit is not None
            if deposit is None:
                deposit = BoothDeposit(
                    booth=booth,
                    shift_id=shift.id,
                    operator_id=uid,
                    taken_at=now,
                    amount_minor=amount_minor,
                    status=DepositStatus.OPEN.value,
                )
                session.add(deposit)
            else:
                deposit.amount_minor += amount_minor
            session.flush()
            movement = DepositMovement(
                deposit_id=deposit.id,
                shift_id=shift.id,
                operator_id=uid,
                at=now,
                kind=MovementKind.TAKEN.value,
                amount_minor=amount_minor,
                rounding_minor=0,
                total_minor=amount_minor,
                note="top-up" if top_up else "",
            )
            session.add(movement)
            session.flush()
            journal.append(
                session,
                actor,
                "deposit.top_up" if top_up else "deposit.take",
                subject=deposit,
                payload={
                    "booth": booth,
                    "shift_id": shift.id,
                    "added_minor": amount_minor,
                    "amount_minor": deposit.amount_minor,
                },
                rows=[deposit, movement],
            )
            return DepositTaken(
                deposit_id=deposit.id,
                movement_id=movement.id,
                booth=booth,
                shift_id=shift.id,
                added_minor=amount_minor,
                amount_minor=deposit.amount_minor,
                top_up=top_up,
            )
    except IntegrityError as exc:
        # Two tills raced; the database's one-open-deposit-per-booth index decided.
        raise InvalidInput(f"{booth}: a deposit was taken at the same moment; try again") from exc


def deposit_balance(shop: Shop, booth: str) -> DepositBalance | None:
    """The open deposit of ``booth`` and what is left of it (None: no open deposit).

    Read by the line engine (its admission limit) and the till; changes nothing."""
    with shop.db.read() as session:
        deposit = _open_deposit(session, booth)
        return None if deposit is None else _balance(session, deposit)


def open_deposit_balances(shop: Shop) -> dict[str, DepositBalance]:
    """Every booth's open deposit, by booth name (one read for the engine's refresh)."""
    with shop.db.read() as session:
        deposits = session.scalars(
            select(BoothDeposit).where(BoothDeposit.status == DepositStatus.OPEN.value)
        )
        return {d.booth: _balance(session, d) for d in deposits}


def settle_deposit(shop: Shop, actor: Actor, booth: str) -> DepositSettled:
    """Close the open deposit of ``booth``: pay the calls it covers (oldest first, as
    long as it lasts) with a ``deposit`` payment and hand back the unused remainder
    in cash, rounded half-up to the cash unit. Refused while the booth is in a call.
    Calls it cannot cover stay unserved and are listed in ``left_unserved``."""
    require_role(actor, Role.OPERATOR)
    with shop.db.write() as session:
        shift = require_own_open_shift(session, actor)
        deposit = _open_deposit(session, booth, lock=True)
        if deposit is None:
            raise InvalidInput(f"{booth} has no open deposit")
        running = session.scalars(
            select(Call.id).where(Call.booth == booth, Call.state == CallState.IN_PROGRESS.value)
        ).first()
        if running is not None:
            raise InvalidInput(f"{booth} is in a call: settle its deposit once the call has ended")
        calls = covered_calls(session, deposit, lock=True)
        paid: list[Call] = []
        left: list[Call] = []
        used = 0
        for call in calls:
            price = call.price_minor
            if price is not None and used + price <= deposit.amount_minor and not left:
                paid.append(call)
                used += price
            else:
                left.append(call)
        now = shop.clock.now()
        uid = user_id(actor)
        written: list[Base] = []
        payment_id: int | None = None
        if paid:
            bill = payable_bill(paid, 1)  # a deposit is never rounded
            result, rows = record_payment(
                session,
                shop,
                actor,
                shift,
                paid,
                bill,
                bill.total_minor,
                f"paid from the deposit of {booth}",
                method=DEPOSIT_METHOD,
            )
            payment_id = result.payment_id
            written.extend(rows)
        remainder = deposit.amount_minor - used
        cash_back = round_to_unit(remainder, max(shop.settings.cash_rounding_unit, 1))
        movement = DepositMovement(
            deposit_id=deposit.id,
            shift_id=shift.id,
            operator_id=uid,
            at=now,
            kind=MovementKind.RETURNED.value,
            amount_minor=remainder,
            rounding_minor=cash_back - remainder,
            total_minor=cash_back,
            note="",
        )
        session.add(movement)
        deposit.status = DepositStatus.SETTLED.value
        deposit.settled_at = now
        deposit.settled_by_id = uid
        deposit.payment_id = payment_id
        deposit.used_minor = used
        deposit.returned_minor = cash_back
        session.flush()
        written += [movement, deposit]
        journal.append(
            session,
            actor,
            "deposit.settle",
            subject=deposit,
            payload={
                "booth": booth,
                "shift_id": shift.id,
                "amount_minor": deposit.amount_minor,
                "payment_id": payment_id,
                "calls": [c.id for c in paid],
                "used_minor": used,
                "returned_minor": remainder,
                "returned_cash_minor": cash_back,
                "left_unserved": [c.id for c in left],
            },
            rows=written,
        )
        return DepositSettled(
            deposit_id=deposit.id,
            booth=booth,
            shift_id=shift.id,
            amount_minor=deposit.amount_minor,
            payment_id=payment_id,
            paid_call_ids=tuple(c.id for c in paid),
            used_minor=used,
            returned_minor=remainder,
            rounding_minor=cash_back - remainder,
            returned_cash_minor=cash_back,
            movement_id=movement.id,
            left_unserved=tuple(c.id for c in left),
        )


def describe(balance: DepositBalance) -> str:
    """One line for messages: deposit, used and left."""
    return (
        f"{balance.booth}: deposit {format_minor(balance.amount_minor)}, used "
        f"{format_minor(balance.used_minor)}, left {format_minor(balance.balance_minor)}"
    )
