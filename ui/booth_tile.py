"""One booth on the cashier's screen: state in colour *and* words, the live meter.

The tile never computes money itself: it shows what a :data:`Meter` returns for the
elapsed talk time (the grid's one ticking timer drives :meth:`BoothTile.tick`), and
it repaints only the labels whose text actually changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QMenu, QSizePolicy, QWidget

from callshop_pos.lines.snapshot import BillingMode, BoothSnapshot, BoothState
from callshop_pos.services.till.booth_dues import BoothDue
from ui.formatting import Formatter

__all__ = ["BoothTile", "Meter"]

#: Price of a call in progress after ``elapsed`` seconds of talk (None = unrated).
Meter = Callable[[BoothSnapshot, float], int | None]


def snapshot_price(snapshot: BoothSnapshot, elapsed: float) -> int | None:
    """The default meter: the price the engine last reported."""
    del elapsed
    return snapshot.price_minor


class _ElidedLabel(QLabel):
    """A one-line label that ends in "…" when the text does not fit (never clipped);
    its tooltip carries the whole text."""

    elides = True

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment().value), text)
        painter.end()


class BoothTile(QFrame):
    """A booth tile; emits :attr:`activated` (double-click/Enter) and action requests."""

    clicked = Signal(str)
    activated = Signal(str)
    action_requested = Signal(str, str)  # booth, action: lock/unlock/hang_up/deposit/calls

    def __init__(
        self, snapshot: BoothSnapshot, formatter: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("boothTile")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fmt = formatter
        self._meter: Meter = snapshot_price
        self._received = time.monotonic()
        self.snapshot = snapshot

        self._name = QLabel(objectName="tileName")
        self._state = QLabel(objectName="tileState")
        self._state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._number = _ElidedLabel(objectName="tileNumber")
        self._destination = _ElidedLabel(objectName="tileDestination")
        self._elapsed = QLabel(objectName="tileElapsed")
        self._price = QLabel(objectName="tilePrice")
        self._price.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._info = _ElidedLabel(objectName="tileInfo")
        self._driver = _ElidedLabel(objectName="tileDriver")
        self._driver.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # The number, the line's state and the money line (credit, calls to pay) are
        # shown whole; the destination and the driver's status give way (elided, with
        # the whole text as their tooltip). Only a tile too narrow even for the money
        # line elides it too (its minimum is not its text).
        for label in (self._destination, self._driver):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._info.setMinimumWidth(1)

        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(1)
        grid.addWidget(self._name, 0, 0)
        grid.addWidget(self._state, 0, 1)
        grid.addLayout(_line(self._number, self._destination), 1, 0, 1, 2)
        grid.addWidget(self._elapsed, 2, 0)
        grid.addWidget(self._price, 2, 1)
        grid.addLayout(_line(self._info, self._driver, give_way=self._driver), 3, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._shown_state = ""
        self._due: BoothDue | None = None  # the core's bill of its unserved calls
        self.update_snapshot(snapshot)

    # ---- data

    def set_meter(self, meter: Meter) -> None:
        self._meter = meter
        self.tick()

    def set_due(self, due: BoothDue | None) -> None:
        """What the booth owes now, from the core (``booth_dues``); None: nothing."""
        if due != self._due:
            self._due = due
            self.update_snapshot(self.snapshot, self._received)

    def _due_text(self) -> str:
        due = self._due
        if due is None or not due.calls:
            return ""
        return self.tr("To pay {amount} ({n} calls)").format(
            amount=self._fmt.money(due.total_minor), n=due.calls
        )

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        self.update_snapshot(self.snapshot)

    def update_snapshot(self, snapshot: BoothSnapshot, received: float | None = None) -> None:
        """Show a new engine snapshot (``received`` = local monotonic arrival time)."""
        self.snapshot = snapshot
        self._received = time.monotonic() if received is None else received
        self._set(self._name, snapshot.booth)
        state_key = (
            "locked"
            if snapshot.locked and snapshot.state in (BoothState.IDLE, BoothState.LOCKED)
            else snapshot.state.value
        )
        if state_key != self._shown_state:
            self._shown_state = state_key
            self.setProperty("state", state_key)
            # A dynamic property only restyles after an explicit re-polish — of the
            # tile and of the state label, whose colour the stylesheet derives from it.
            for widget in (self, self._state):
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        self._set(self._state, self._state_text(snapshot))
        busy = snapshot.state in (BoothState.DIALING, BoothState.RINGING, BoothState.TALKING)
        # A free line shows what the booth owes on the number's line (the whole width).
        self._set(self._number, (snapshot.number or "") if busy else self._due_text())
        self._set(self._destination, (snapshot.destination or "") if busy else "")
        self._set(self._info, self._info_text(snapshot))
        self._set(self._driver, self._driver_text(snapshot))
        self.setToolTip(self._tooltip(snapshot))
        self.tick()

    def live_elapsed(self, now: float | None = None) -> float:
        """Talk seconds now: the engine's figure plus the time since it arrived."""
        snap = self.snapshot
        if snap.state is not BoothState.TALKING:
            return 0.0
        now = time.monotonic() if now is None else now
        return snap.elapsed_s + max(now - self._received, 0.0)

    def tick(self, now: float | None = None) -> None:
        """Refresh the elapsed time and running price (called by the grid's timer)."""
        snap = self.snapshot
        if snap.state is BoothState.TALKING:
            elapsed = self.live_elapsed(now)
            self._set(self._elapsed, self._fmt.duration(elapsed))
            price = self._meter(snap, elapsed)
            self._set(self._price, self._fmt.money(price, unrated=self.tr("unrated")))
            if snap.card:  # the card's balance goes down with the meter
                self._set(self._info, self._info_text(snap, price))
        elif snap.state in (BoothState.DIALING, BoothState.RINGING):
            self._set(self._elapsed, "0:00")
            self._set(self._price, "")
        else:
            self._set(self._elapsed, "")
            self._set(self._price, "")

    @property
    def is_talking(self) -> bool:
        return self.snapshot.state is BoothState.TALKING

    def set_selected(self, selected: bool) -> None:
        if bool(self.property("selected")) != selected:
            self.setProperty("selected", selected)
            self.style().unpolish(self)
            self.style().polish(self)

    def set_compact(self, compact: bool) -> None:
        """Smaller type for a crowded grid (many booths on a small screen)."""
        if bool(self.property("compact")) != compact:
            self.setProperty("compact", compact)
            for child in self.findChildren(QLabel):
                child.setProperty("compact", compact)
                child.style().unpolish(child)
                child.style().polish(child)
            self.style().unpolish(self)
            self.style().polish(self)

    # ---- texts

    def _state_text(self, snap: BoothSnapshot) -> str:
        names = {
            BoothState.OFFLINE: self.tr("Offline"),
            BoothState.IDLE: self.tr("Free"),
            BoothState.OFF_HOOK: self.tr("Off hook"),
            BoothState.DIALING: self.tr("Dialling"),
            BoothState.RINGING: self.tr("Ringing"),
            BoothState.TALKING: self.tr("Talking"),
            BoothState.LOCKED: self.tr("Locked"),
        }
        text = names[snap.state]
        if snap.locked and snap.state not in (BoothState.LOCKED, BoothState.IDLE):
            text = self.tr("{state} · locked").format(state=text)
        elif snap.locked:
            text = self.tr("Locked")
        return text

    def _info_text(self, snap: BoothSnapshot, live_price: int | None = None) -> str:
        parts: list[str] = []
        if snap.card and snap.card_left_minor is not None:
            # A calling card pays this call: what is left on it, live.
            ran = max(0, (live_price or 0) - (snap.price_minor or 0))
            left = max(0, snap.card_left_minor - ran)
            parts.append(self.tr("Card {amount} left").format(amount=self._fmt.money(left)))
        elif snap.billing is BillingMode.PREPAID:
            if snap.credit_left_minor is not None:
                parts.append(
                    self.tr("Credit {amount}").format(
                        amount=self._fmt.money(snap.credit_left_minor)
                    )
                )
            else:
                parts.append(self.tr("Prepaid, no deposit"))
        due = self._due
        busy = snap.state in (BoothState.DIALING, BoothState.RINGING, BoothState.TALKING)
        if due is not None and due.calls:
            if busy:  # the number's line shows the call: the amount owed goes here
                parts.append(
                    self.tr("{n} to pay: {amount}").format(
                        n=due.calls, amount=self._fmt.money(due.total_minor)
                    )
                )
        elif snap.unpaid_calls:  # e.g. calls waiting for the next shift
            parts.append(self.tr("{n} to pay").format(n=snap.unpaid_calls))
        return "  ·  ".join(parts)

    def _driver_text(self, snap: BoothSnapshot) -> str:
        status = {
            "registered": self.tr("registered"),
            "offline": self.tr("offline"),
            "online": self.tr("online"),
            "ready": self.tr("ready"),
        }.get(snap.driver_status, snap.driver_status)
        driver = {"sip": "SIP", "quicknet": "Quicknet", "simulator": self.tr("sim")}.get(
            snap.driver, snap.driver
        )
        return f"{driver} {status}"

    def _tooltip(self, snap: BoothSnapshot) -> str:
        lines = [f"<b>{snap.booth}</b> — {self._state_text(snap)}"]
        if snap.number:
            lines.append(f"{snap.number} {snap.destination or ''}")
        if snap.rate_per_minute:
            lines.append(self.tr("Rate {rate} per minute").format(rate=snap.rate_per_minute))
        if snap.card_serial:
            lines.append(self.tr("Calling card {serial}").format(serial=snap.card_serial))
        if snap.lock_reason:
            lines.append(snap.lock_reason)
        return "<br>".join(lines)

    @staticmethod
    def _set(label: QLabel, text: str) -> None:
        # setText on an unchanged text still triggers a relayout; skip it.
        if label.text() != text:
            label.setText(text)
            if isinstance(label, _ElidedLabel):
                label.setToolTip(text)

    # ---- input

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.clicked.emit(self.snapshot.booth)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.activated.emit(self.snapshot.booth)
        super().mouseDoubleClickEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.clicked.emit(self.snapshot.booth)
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit(self.snapshot.booth)
            return
        if event.key() == Qt.Key.Key_Menu:
            self._show_menu(self.mapToGlobal(self.rect().center()))
            return
        # Digits and arrows are the grid's: an ignored key goes up to the parent.
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self._show_menu(event.globalPos())

    def build_menu(self, parent: QWidget | None = None) -> QMenu:
        """The tile's actions as a menu (also used by tests and the context key)."""
        menu = QMenu(parent or self)
        booth = self.snapshot.booth
        if self.snapshot.locked:
            menu.addAction(self.tr("Unlock"), lambda: self.action_requested.emit(booth, "unlock"))
        else:
            menu.addAction(self.tr("Lock"), lambda: self.action_requested.emit(booth, "lock"))
        hang = menu.addAction(
            self.tr("Hang up…"), lambda: self.action_requested.emit(booth, "hang_up")
        )
        hang.setEnabled(
            self.snapshot.state
            in (BoothState.DIALING, BoothState.RINGING, BoothState.TALKING, BoothState.OFF_HOOK)
        )
        dep = menu.addAction(
            self.tr("Take deposit…"), lambda: self.action_requested.emit(booth, "deposit")
        )
        dep.setEnabled(self.snapshot.billing is BillingMode.PREPAID)
        menu.addAction(
            self.tr("Pay this booth's calls"), lambda: self.action_requested.emit(booth, "pay")
        )
        menu.addAction(
            self.tr("Show this booth's calls"), lambda: self.action_requested.emit(booth, "calls")
        )
        return menu

    def _show_menu(self, pos: object) -> None:
        menu = self.build_menu()
        menu.exec(pos)
        menu.deleteLater()


def _line(left: QLabel, right: QLabel, *, give_way: QLabel | None = None) -> QHBoxLayout:
    """One tile line: one label at its natural width, the other (``give_way``, by
    default ``left``) takes what remains."""
    give_way = give_way or left
    line = QHBoxLayout()
    line.setSpacing(6)
    line.addWidget(left, 1 if give_way is left else 0)
    line.addWidget(right, 1 if give_way is right else 0)
    return line
