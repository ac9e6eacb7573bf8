"""The carrier-balance warning in the cashier window's status bar.

When the prepaid carrier account falls below the ``low_balance_threshold_micro_usd``
setting, calls may soon stop going through: the cashier is told to have it topped
up. The core decides (``carrier_account.low_balance``, one cheap ``SUM``); operators
get only the flag, administrators see the amounts in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from callshop_pos.services.admin.carrier_account import LowBalance, low_balance
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.admin.common import micro_usd_text

__all__ = ["CarrierWarning", "attach_carrier_warning"]

#: How often the balance is read again.
REFRESH_MS = 60_000


class CarrierWarning(QLabel):
    """Empty while the balance is fine; a red sentence while it is low."""

    def __init__(
        self,
        shop: Shop,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        interval_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("carrierWarning")
        self.shop, self.actor = shop, actor
        self.status: LowBalance | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()
        self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def refresh(self) -> None:
        try:
            self.shop.refresh()  # the administrator may have changed the threshold
            status = low_balance(self.shop, self.actor)
        except Exception:  # the status bar must never break the till; try again later
            return
        self.status = status
        if not status.low:
            self.setText("")
            self.setToolTip("")
            self.setStyleSheet("")
            return
        self.setText(self.tr("Carrier account low: ask for a top-up"))
        tip = self.tr("Calls stop going through when the carrier account runs out.")
        if status.balance_micro_usd is not None and status.threshold_micro_usd is not None:
            tip += "\n" + self.tr("Balance USD {balance}, warning below USD {threshold}.").format(
                balance=micro_usd_text(status.balance_micro_usd),
                threshold=micro_usd_text(status.threshold_micro_usd),
            )
        self.setToolTip(tip)
        self.setStyleSheet("color: #b00020; font-weight: bold;")


def attach_carrier_warning(window: QMainWindow, shop: Shop, actor: Actor) -> CarrierWarning:
    """Put the carrier-balance warning in ``window``'s status bar."""
    label = CarrierWarning(shop, actor, window)
    window.statusBar().addPermanentWidget(label)
    return label
