"""The customers' screen: every booth's live talk time and running price, large and calm.

A second monitor facing the waiting room. It is fed by the same
:class:`~ui.bridge.EngineBridge` stream of :class:`BoothSnapshot` values as the
cashier's booth grid and prices the running call with the same meter (the shop's
rater), so the customer sees exactly what the cashier sees and what the bill will
say. After PAY it shows the amount due, then the amount paid and the change, for a
little while. It opens full screen on the second screen when there is one, else as
an ordinary window the cashier can drag there.

Nothing here can change anything: it only shows.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QHideEvent,
    QResizeEvent,
    QScreen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.lines.snapshot import BoothSnapshot, BoothState
from ui.booth_tile import Meter, snapshot_price
from ui.bridge import EngineBridge
from ui.formatting import Formatter

__all__ = ["BoothCard", "CustomerScreen", "other_screen"]

#: The meters refresh this often while a booth is talking (4 times a second).
TICK_MS = 250
#: How long the amount due / change stays on the screen after a payment.
MESSAGE_MS = 20_000

_BUSY = (BoothState.DIALING, BoothState.RINGING, BoothState.TALKING)

_SHEET = """
#customerScreen {{ background: #101826; }}
#customerScreen QLabel {{ color: #e8edf5; background: transparent; }}
#customerScreen #csShopName {{ font-size: {title}px; font-weight: 700; color: #ffffff; }}
#customerScreen #csSubtitle {{ font-size: {small}px; color: #8c9ab0; }}
#customerScreen #csClock {{ font-size: {title}px; font-weight: 600; color: #c8d2e0; }}
#customerScreen #boothCard {{
    background: #1b2536; border: 2px solid #2a3850; border-radius: {radius}px; }}
#customerScreen #boothCard[state="talking"] {{ background: #12351f; border-color: #2fa85a; }}
#customerScreen #boothCard[state="dialing"], #customerScreen #boothCard[state="ringing"] {{
    background: #3a2c0c; border-color: #d49a1c; }}
#customerScreen #boothCard[state="locked"], #customerScreen #boothCard[state="offline"] {{
    background: #161b24; border-color: #222936; }}
#customerScreen #csBooth {{ font-size: {name}px; font-weight: 700; color: #ffffff; }}
#customerScreen #csState {{ font-size: {small}px; font-weight: 700; color: #9fb0c8; }}
#customerScreen #boothCard[state="talking"] #csState {{ color: #6fe39a; }}
#customerScreen #boothCard[state="dialing"] #csState,
#customerScreen #boothCard[state="ringing"] #csState {{ color: #ffc34d; }}
#customerScreen #boothCard[state="locked"] #csBooth,
#customerScreen #boothCard[state="offline"] #csBooth {{ color: #6b778a; }}
#customerScreen #csDestination {{ font-size: {small}px; color: #c8d2e0; }}
#customerScreen #csElapsed {{ font-size: {mid}px; font-weight: 600; color: #d7e0ec; }}
#customerScreen #csPrice {{ font-size: {big}px; font-weight: 700; color: #ffffff; }}
#customerScreen #boothCard[state="talking"] #csPrice {{ color: #8ff0b1; }}
#customerScreen #csNote {{ font-size: {small}px; font-weight: 600; color: #ffc34d; }}
#customerScreen #csMessage {{ background: #1f5fbf; border-radius: {radius}px; }}
#customerScreen #csMessage QLabel {{ font-size: {message}px; font-weight: 700; color: #ffffff; }}
#customerScreen #csEmpty {{ font-size: {name}px; color: #8c9ab0; }}
"""


def other_screen(current: QScreen | None) -> QScreen | None:
    """A screen other than ``current`` (the cashier's; None = not known yet, taken to be
    the primary one), or None when there is only one monitor."""
    screens = QGuiApplication.screens()
    if len(screens) < 2:
        return None  # one monitor: the till's own, never to be covered
    till = current if current is not None else QGuiApplication.primaryScreen()
    for screen in screens:
        if screen is not till:
            return screen
    return None


class BoothCard(QFrame):
    """One booth as the customers see it: name, state, time and price."""

    def __init__(
        self, snapshot: BoothSnapshot, formatter: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("boothCard")
        self._fmt = formatter
        self._received = time.monotonic()
        self.snapshot = snapshot
        self.booth_label = QLabel(objectName="csBooth")
        self.state_label = QLabel(objectName="csState")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.destination_label = QLabel(objectName="csDestination")
        self.elapsed_label = QLabel(objectName="csElapsed")
        self.price_label = QLabel(objectName="csPrice")
        self.price_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note_label = QLabel(objectName="csNote")
        self.note_label.setWordWrap(True)
        for label in (
            self.booth_label,
            self.state_label,
            self.destination_label,
            self.elapsed_label,
            self.price_label,
            self.note_label,
        ):
            # Cards share the width equally whatever their text.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.price_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        grid = QGridLayout(self)
        grid.setContentsMargins(18, 12, 18, 12)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.booth_label, 0, 0)
        grid.addWidget(self.state_label, 0, 1)
        grid.addWidget(self.destination_label, 1, 0, 1, 2)
        grid.addWidget(self.price_label, 2, 0, 1, 2)
        grid.addWidget(self.elapsed_label, 3, 0, 1, 2)
        grid.addWidget(self.note_label, 4, 0, 1, 2)
        grid.setRowStretch(5, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self._state_key = ""
        self.update_snapshot(snapshot)

    @property
    def is_talking(self) -> bool:
        return self.snapshot.state is BoothState.TALKING

    def update_snapshot(self, snapshot: BoothSnapshot, meter: Meter = snapshot_price) -> None:
        self.snapshot = snapshot
        self._received = time.monotonic()
        key = (
            "locked"
            if snapshot.locked and snapshot.state is BoothState.IDLE
            else snapshot.state.value
        )
        if key != self._state_key:
            self._state_key = key
            self.setProperty("state", key)
            self.style().unpolish(self)
            self.style().polish(self)
            for child in self.findChildren(QLabel):
                self.style().unpolish(child)
                self.style().polish(child)
        self.booth_label.setText(snapshot.booth)
        self.state_label.setText(self._state_text(snapshot))
        busy = snapshot.state in _BUSY
        # The customers see where the call goes, never the dialled number itself.
        self.destination_label.setText((snapshot.destination or "") if busy else "")
        if snapshot.unpaid_calls and not busy:
            self.note_label.setText(self.tr("Please pay at the counter"))
        else:
            self.note_label.setText("")
        # Empty lines take no room, so a note sits right under the booth's name.
        for label in (self.destination_label, self.note_label):
            label.setVisible(bool(label.text()))
        for label in (self.elapsed_label, self.price_label):
            label.setVisible(self.is_talking)
        self.tick(meter)

    def live_elapsed(self, now: float | None = None) -> float:
        if not self.is_talking:
            return 0.0
        now = time.monotonic() if now is None else now
        return self.snapshot.elapsed_s + max(now - self._received, 0.0)

    def tick(self, meter: Meter = snapshot_price, now: float | None = None) -> None:
        """Show the talk time and the running price now."""
        if not self.is_talking:
            self.elapsed_label.setText("")
            self.price_label.setText("")
            return
        elapsed = self.live_elapsed(now)
        text = self.tr("Time {elapsed}").format(elapsed=self._fmt.duration(elapsed))
        if self.elapsed_label.text() != text:
            self.elapsed_label.setText(text)
        price = self._fmt.money(meter(self.snapshot, elapsed), unrated="…")
        if self.price_label.text() != price:
            self.price_label.setText(price)

    def _state_text(self, snap: BoothSnapshot) -> str:
        if snap.locked and snap.state in (BoothState.IDLE, BoothState.LOCKED):
            return self.tr("Closed")
        return {
            BoothState.OFFLINE: self.tr("Out of order"),
            BoothState.IDLE: self.tr("Free"),
            BoothState.OFF_HOOK: self.tr("In use"),
            BoothState.DIALING: self.tr("Dialling"),
            BoothState.RINGING: self.tr("Ringing"),
            BoothState.TALKING: self.tr("Talking"),
            BoothState.LOCKED: self.tr("Closed"),
        }[snap.state]


class CustomerScreen(QWidget):
    """The window facing the customers (see the module docstring)."""

    def __init__(
        self,
        bridge: EngineBridge,
        formatter: Formatter,
        *,
        shop_name: str = "",
        meter: Meter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("customerScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # Closing the cashier's window quits the till even while this one is showing.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setWindowTitle(self.tr("CallShop — customer screen"))
        self._bridge = bridge
        self._fmt = formatter
        self._meter: Meter = meter or snapshot_price
        self._cards: dict[str, BoothCard] = {}
        self._scale = 0.0

        self.shop_label = QLabel(shop_name or self.tr("Call shop"), objectName="csShopName")
        self.subtitle_label = QLabel(
            self.tr("Talk time and price of every booth, live"), objectName="csSubtitle"
        )
        self.clock_label = QLabel(objectName="csClock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.shop_label)
        titles.addWidget(self.subtitle_label)
        head.addLayout(titles, 1)
        head.addWidget(self.clock_label)

        self.grid = QGridLayout()
        self.grid.setSpacing(14)
        self.empty_label = QLabel(self.tr("Booths will appear here"), objectName="csEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.message_box = QFrame()
        self.message_box.setObjectName("csMessage")
        message_layout = QHBoxLayout(self.message_box)
        message_layout.setContentsMargins(24, 10, 24, 10)
        self.message_label = QLabel()
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message_layout.addWidget(self.message_label)
        self.message_box.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(16)
        layout.addLayout(head)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.message_box)

        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.clear_message)

        self._apply_sheet()
        bridge.booth_updated.connect(self.update_booth)
        for snapshot in bridge.booths():
            self.update_booth(snapshot)

    # ---- content

    def set_meter(self, meter: Meter) -> None:
        self._meter = meter
        self.tick()

    def set_shop_name(self, name: str) -> None:
        self.shop_label.setText(name or self.tr("Call shop"))

    def card(self, booth: str) -> BoothCard:
        return self._cards[booth]

    def booths(self) -> list[str]:
        return list(self._cards)

    def update_booth(self, snapshot: BoothSnapshot) -> None:
        """A new snapshot from the engine (the bridge's ``booth_updated``)."""
        card = self._cards.get(snapshot.booth)
        if card is None:
            card = BoothCard(snapshot, self._fmt, self)
            self._cards[snapshot.booth] = card
            self._relayout()
        card.update_snapshot(snapshot, self._meter)

    def tick(self) -> None:
        now = time.monotonic()
        for card in self._cards.values():
            if card.is_talking:
                card.tick(self._meter, now)
        self.clock_label.setText(QDateTime.currentDateTime().toString("HH:mm"))

    def show_due(self, total_minor: int) -> None:
        """The amount the customer is asked to pay (PAY dialog open)."""
        self._message(self.tr("To pay: {amount}").format(amount=self._fmt.money(total_minor)))

    def show_change(self, tendered_minor: int, change_minor: int) -> None:
        """After the payment: what was paid and the change."""
        self._message(
            self.tr("Paid {paid}   ·   Your change {change}   ·   Thank you!").format(
                paid=self._fmt.money(tendered_minor), change=self._fmt.money(change_minor)
            )
        )

    def clear_message(self) -> None:
        self._message_timer.stop()
        self.message_box.hide()
        self.message_label.setText("")

    def message(self) -> str:
        return self.message_label.text() if self.message_box.isVisible() else ""

    def _message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_box.setVisible(True)
        if self.isVisible():
            self._message_timer.start(MESSAGE_MS)

    # ---- placing

    def show_on_customer_side(self, cashier_screen: QScreen | None) -> None:
        """Full screen on a second screen if there is one; on the till's only monitor a
        movable window of at most a quarter of it, in its top right corner."""
        screen = other_screen(cashier_screen)
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            monitor = cashier_screen or QGuiApplication.primaryScreen()
            area = monitor.availableGeometry()
            self.showNormal()
            self.resize(area.width() // 2, area.height() // 2)
            self.move(area.right() - self.width() + 1, area.top())

    # ---- layout

    def _relayout(self) -> None:
        cards = sorted(self._cards.values(), key=lambda c: (c.snapshot.position, c.snapshot.booth))
        for card in cards:
            self.grid.removeWidget(card)
        count = len(cards)
        columns = max(1, min(4 if count <= 16 else 8, math.ceil(math.sqrt(count * 1.6))))
        for index, card in enumerate(cards):
            self.grid.addWidget(card, index // columns, index % columns)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 1)
        self.empty_label.setVisible(count == 0)
        self._apply_sheet(force=True)

    def _apply_sheet(self, *, force: bool = False) -> None:
        # Type grows with the window and shrinks with the number of booth rows, so a
        # 1 m wide screen across the room stays readable with 4 or with 32 booths.
        rows = max(1, math.ceil(len(self._cards) / max(1, self.grid.columnCount())))
        scale = max(0.6, min(self.width() / 1280, self.height() / 720 * 3 / max(rows, 2)))
        scale = round(scale, 2)
        if not force and abs(scale - self._scale) < 0.05:
            return
        self._scale = scale

        def px(size: float) -> int:
            return max(10, int(size * scale))

        self.setStyleSheet(
            _SHEET.format(
                title=px(40),
                small=px(20),
                name=px(30),
                mid=px(32),
                big=px(64),
                message=px(36),
                radius=px(14),
            )
        )

    # ---- Qt

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_sheet()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.tick()
        self._ticker.start()
        if self.message_box.isVisible():
            self._message_timer.start(MESSAGE_MS)

    def hideEvent(self, event: QHideEvent) -> None:
        # Hidden = nobody looks: no ticking, and no timer is left running on close.
        self._ticker.stop()
        self._message_timer.stop()
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._ticker.stop()
        self._message_timer.stop()
        super().closeEvent(event)
