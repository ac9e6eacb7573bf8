"""The cashier's actions as operations (after Anki's ``CollectionOp``).

Each method runs one service-layer function as the logged-in user and then emits
:attr:`Till.changed` with the value the service returned (what changed), so the
main window refreshes exactly that in one handler. Known errors
(:class:`~callshop_pos.errors.CallShopError`) propagate to the caller, which shows
them; nothing has changed in that case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from callshop_pos.services import backups
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards import till as card_till
from callshop_pos.services.cards.common import CardView
from callshop_pos.services.cards.till import CardSale, CardSaleQuote
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.summary import ShiftReport, ShiftSummary
from callshop_pos.services.till import booth_dues, call_status, deposits, payments, shifts
from callshop_pos.services.till.booth_dues import BoothDue
from callshop_pos.services.till.call_status import StatusChange
from callshop_pos.services.till.calls import CallView
from callshop_pos.services.till.deposits import DepositBalance, DepositSettled, DepositTaken
from callshop_pos.services.till.payments import Bill, PaymentResult
from callshop_pos.services.till.shifts import (
    HandOver,
    ShiftDetail,
    ShiftList,
    ShiftOpened,
    ShiftOwner,
)

if TYPE_CHECKING:
    from callshop_pos.services.till.fiscal import FiscalGate

__all__ = ["Till", "TillChange"]

#: Runs a blocking service call and returns its result (e.g. off the GUI thread).
PayRunner = Callable[[Callable[[], Any]], Any]

#: What a till operation changed (the value its service returned). Handlers
#: dispatch on it with ``match`` and ``assert_never``, so a new kind of change
#: is a type error until every handler knows it.
TillChange = (
    ShiftOpened
    | PaymentResult
    | StatusChange
    | ShiftReport
    | DepositTaken
    | DepositSettled
    | CardSale
)
_Change = TypeVar(
    "_Change",
    ShiftOpened,
    PaymentResult,
    StatusChange,
    ShiftReport,
    DepositTaken,
    DepositSettled,
    CardSale,
)


class Till(QObject):
    """One logged-in user's till: operations that return what changed."""

    changed = Signal(object)  # TillChange

    def __init__(self, shop: Shop, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shop = shop
        self.actor = actor
        # Devices (ui.receipt_actions.install_devices): the fiscal hook of PAY, and how
        # a payment that waits for the fiscal device runs without freezing the window.
        self.fiscal: FiscalGate | None = None
        self.pay_runner: PayRunner | None = None

    # ---- reads (change nothing)

    def current_shift(self) -> ShiftSummary | None:
        """The open shift this user works in: None when none is open, or when it is
        another operator's (an operator never works in someone else's shift; see
        :func:`ui.handover.settle_shift_owner`). Administrators may work in any."""
        summary = shifts.current_shift(self.shop, self.actor)
        if (
            summary is not None
            and summary.operator_id != self.actor.user_id
            and not self.actor.is_admin
        ):
            return None
        return summary

    def shift_calls(self, shift_id: int | None = None) -> list[CallView]:
        return shifts.shift_calls(self.shop, self.actor, shift_id)

    def shift_owner(self) -> ShiftOwner | None:
        """Whose shift is open (None when none is)."""
        return shifts.shift_owner(self.shop, self.actor)

    def booth_dues(self) -> dict[str, BoothDue]:
        """What each booth owes now (the core's bill of its unserved calls)."""
        return booth_dues.booth_dues(self.shop, self.actor)

    def quote_payment(self, call_ids: Sequence[int]) -> Bill:
        return payments.quote_payment(self.shop, self.actor, call_ids)

    def quote_refund(self, call_ids: Sequence[int]) -> int:
        """What marking these calls unpaid or unserved would refund (changes nothing)."""
        return call_status.quote_refund(self.shop, self.actor, call_ids)

    def x_report(self) -> ShiftReport:
        return shifts.x_report(self.shop, self.actor)

    def list_shifts(self, date_from: date | None, date_to: date | None) -> ShiftList:
        return shifts.list_shifts(self.shop, self.actor, date_from, date_to)

    def show_shift(self, shift_id: int) -> ShiftDetail:
        return shifts.show_shift(self.shop, self.actor, shift_id)

    @property
    def cash_unit_minor(self) -> int:
        return int(self.shop.settings.cash_rounding_unit)

    @property
    def auto_lock_after_pay(self) -> bool:
        return bool(self.shop.settings.auto_lock_after_pay)

    def deposit_balance(self, booth: str) -> DepositBalance | None:
        return deposits.deposit_balance(self.shop, booth)

    # ---- operations (each emits what changed)

    def take_deposit(self, booth: str, amount_minor: int) -> DepositTaken:
        return self._done(deposits.take_deposit(self.shop, self.actor, booth, amount_minor))

    def settle_deposit(self, booth: str) -> DepositSettled:
        return self._done(deposits.settle_deposit(self.shop, self.actor, booth))

    def card_balance(self, serial: str) -> CardView:
        """A card's status and balance by serial (changes nothing)."""
        return card_till.card_balance(self.shop, self.actor, serial)

    def quote_card_sale(self, serial: str) -> CardSaleQuote:
        """What selling the card with ``serial`` costs (refused for a card that cannot
        be sold); changes nothing."""
        return card_till.quote_card_sale(self.shop, self.actor, serial)

    def sell_card(self, quote: CardSaleQuote, tendered_minor: int) -> CardSale:
        """Sell the card the cashier was shown; with a fiscal device the sale is
        registered on it first (off the GUI thread, like PAY)."""
        fiscal = self.fiscal

        def sell() -> CardSale:
            return card_till.sell_card(self.shop, self.actor, quote, tendered_minor, fiscal=fiscal)

        result: CardSale = self.pay_runner(sell) if self.pay_runner is not None else sell()
        return self._done(result)

    def quote_top_up(self, serial: str, amount_minor: int) -> CardSaleQuote:
        """What topping up the card with ``serial`` by ``amount_minor`` takes (refused
        while the setting is off or for a card that cannot take it); changes nothing."""
        return card_till.quote_top_up(self.shop, self.actor, serial, amount_minor)

    def top_up_card(self, quote: CardSaleQuote, tendered_minor: int) -> CardSale:
        """Top up the card the cashier was shown (fiscal registration as a sale's)."""
        fiscal = self.fiscal

        def top_up() -> CardSale:
            return card_till.top_up_card(
                self.shop, self.actor, quote, tendered_minor, fiscal=fiscal
            )

        result: CardSale = self.pay_runner(top_up) if self.pay_runner is not None else top_up()
        return self._done(result)

    def open_shift(self, opening_float_minor: int) -> ShiftOpened:
        return self._done(shifts.open_shift(self.shop, self.actor, opening_float_minor))

    def pay(self, bill: Bill | Sequence[int], tendered_minor: int) -> PaymentResult:
        """Pay the bill the cashier was shown (refused if it changed meanwhile)."""
        fiscal = self.fiscal

        def pay() -> PaymentResult:
            return payments.pay_calls(self.shop, self.actor, bill, tendered_minor, fiscal=fiscal)

        result: PaymentResult = self.pay_runner(pay) if self.pay_runner is not None else pay()
        return self._done(result)

    def mark_unpaid(self, call_ids: Sequence[int], reason: str) -> StatusChange:
        return self._done(call_status.mark_unpaid(self.shop, self.actor, call_ids, reason))

    def back_to_unserved(self, call_ids: Sequence[int], reason: str) -> StatusChange:
        """All the calls back to unserved in one transaction (or none)."""
        return self._done(call_status.back_to_unserved(self.shop, self.actor, call_ids, reason))

    def set_status(
        self, call_id: int, status: str, reason: str = "", tendered_minor: int | None = None
    ) -> StatusChange:
        return self._done(
            call_status.set_call_status(
                self.shop, self.actor, call_id, status, reason, tendered_minor
            )
        )

    def close_shift(self, counted_minor: int) -> ShiftReport:
        return self._done(shifts.close_shift(self.shop, self.actor, counted_minor))

    def hand_over(
        self,
        outgoing: Actor,
        incoming: Actor,
        counted_minor: int,
        opening_float_minor: int | None = None,
    ) -> HandOver:
        """Close the open shift and open ``incoming``'s, in one step (the core's
        transaction); emits the Z report, then the new shift."""
        done = shifts.hand_over(
            self.shop,
            outgoing,
            incoming,
            counted_minor,
            opening_float_minor=opening_float_minor,
        )
        self._done(done.closed)
        self._done(done.opened)
        return done

    def backup_problem(self) -> str | None:
        """Why the newest database copy (made at each Z) failed, if it did."""
        return backups.backup_problem(self.shop)

    def _done(self, change: _Change) -> _Change:
        self.changed.emit(change)
        return change
