"""The link to central in the cashier window's status bar: shifts waiting to be sent,
the last success and the last error — read from the database periodically, on a
plain Python thread, so the window never waits for it (see design.md, devices)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from callshop_pos.services.context import Shop
from callshop_pos.sync.status import SyncStatus, sync_status

__all__ = ["SyncStatusLabel", "attach_sync_status", "describe"]

#: How often the state is read again.
REFRESH_MS = 10_000


def describe(st: SyncStatus, tz: ZoneInfo) -> tuple[str, str, bool]:
    """(short text, tooltip, is a problem) for a status."""

    def at(value: object) -> str:
        if not isinstance(value, datetime):
            return QCoreApplication.translate("SyncStatus", "never")
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    if not st.linked:
        if not st.pending:
            return "", "", False
        text = QCoreApplication.translate(
            "SyncStatus", "Central: not linked, {n} shift(s) waiting"
        ).format(n=st.pending)
        return (
            text,
            QCoreApplication.translate(
                "SyncStatus", "Link the till with: callshop-pos sync link URL …"
            ),
            False,
        )
    parts = [
        QCoreApplication.translate("SyncStatus", "Central: {n} waiting").format(n=st.pending)
        if st.pending
        else QCoreApplication.translate("SyncStatus", "Central: all sent")
    ]
    problem = False
    if st.parked:
        parts.append(QCoreApplication.translate("SyncStatus", "{n} refused").format(n=st.parked))
        problem = True
    if st.error_is_current:
        parts.append(
            QCoreApplication.translate("SyncStatus", "offline since {at}").format(
                at=at(st.last_error_at)
            )
        )
        problem = problem or st.pending > 0
    elif st.last_success_at is not None:
        parts.append(
            QCoreApplication.translate("SyncStatus", "last sent {at}").format(
                at=at(st.last_success_at)
            )
        )
    tip = [
        QCoreApplication.translate("SyncStatus", "Central: {url} (shop {shop})").format(
            url=st.url, shop=st.shop
        ),
        QCoreApplication.translate("SyncStatus", "Waiting: {n}; refused: {p}; sent: {d}").format(
            n=st.pending, p=st.parked, d=st.delivered
        ),
        QCoreApplication.translate("SyncStatus", "Last success: {at}").format(
            at=at(st.last_success_at)
        ),
    ]
    if st.last_error:
        tip.append(
            QCoreApplication.translate("SyncStatus", "Last error ({at}): {error}").format(
                at=at(st.last_error_at), error=st.last_error
            )
        )
    return " · ".join(parts), "\n".join(tip), problem


class SyncStatusLabel(QLabel):
    """Reads the status off the GUI thread every ``interval_ms`` and shows it."""

    _ready = Signal(object)

    def __init__(
        self,
        read: Callable[[], SyncStatus],
        tz: ZoneInfo,
        parent: QWidget | None = None,
        *,
        interval_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self._read = read
        self._tz = tz
        self._worker: threading.Thread | None = None
        self._closed = False
        self.status: SyncStatus | None = None
        self._ready.connect(self._show)
        # Runs while the label is shown (the window open), like the booth grid's ticker.
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
        """Start one read unless one is still running (a slow database never piles up)."""
        if self._closed or (self._worker is not None and self._worker.is_alive()):
            return
        self._worker = threading.Thread(target=self._work, name="sync-status", daemon=True)
        self._worker.start()

    def _work(self) -> None:
        try:
            result: object = self._read()
        except Exception as exc:  # the status bar must never break the till
            result = exc
        if not self._closed:
            self._ready.emit(result)

    def _show(self, result: object) -> None:
        if self._closed:
            return
        if isinstance(result, SyncStatus):
            self.status = result
            text, tip, problem = describe(result, self._tz)
        else:
            text, tip, problem = (
                QCoreApplication.translate("SyncStatus", "Central: status unknown"),
                str(result),
                False,
            )
        self.setText(text)  # empty when there is nothing to say (not linked, nothing queued)
        self.setToolTip(tip)
        self.setStyleSheet("color: #b00020;" if problem else "")

    def close_worker(self, timeout: float = 5.0) -> None:
        """Stop reading (the window goes); touches no Qt object, which may be gone."""
        self._closed = True
        worker = self._worker
        if worker is not None:
            worker.join(timeout)


def attach_sync_status(window: QMainWindow, shop: Shop) -> SyncStatusLabel:
    """Put the sync state in ``window``'s status bar (``shop``: the till's Shop)."""
    label = SyncStatusLabel(lambda: sync_status(shop), ZoneInfo(shop.settings.timezone), window)
    window.statusBar().addPermanentWidget(label)
    window.destroyed.connect(lambda _obj=None: label.close_worker())
    return label
