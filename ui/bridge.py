"""The one bridge between the line engine's client thread and the GUI thread.

``EngineClient`` calls its callbacks from its own network thread. Qt widgets may
only be touched on the GUI thread, so every callback here is re-emitted as a Qt
signal that is delivered on the thread the bridge lives in (after Electrum's
``QtEventListener`` and qutebrowser's ``message`` bridge). Events that arrive
before the window has connected its slots are buffered, in order, and handed over
by :meth:`EngineBridge.attach`, so nothing the engine said at start-up is lost.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from callshop_pos.lines.snapshot import BoothSnapshot

__all__ = ["EngineBridge"]

_SNAPSHOT = 0
_CALL_FINISHED = 1
_CONNECTION = 2


class EngineBridge(QObject):
    """Re-emits engine callbacks (any thread) as signals on the GUI thread.

    Pass :meth:`on_snapshot`, :meth:`on_call_finished` and :meth:`on_connection` to
    the engine client as its callbacks; connect widgets to :attr:`booth_updated`,
    :attr:`call_finished` and :attr:`connection_changed`, then call :meth:`attach`.
    """

    booth_updated = Signal(object)  # BoothSnapshot
    call_finished = Signal(object)  # the engine's call-finished event
    connection_changed = Signal(bool)

    # Internal hop from the client's thread into this object's thread.
    _arrived = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._attached = False
        self._pending: deque[tuple[int, Any]] = deque()
        self.connected = False
        self._latest: dict[str, BoothSnapshot] = {}
        self._arrived.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    # ---- callbacks for the engine client (safe from any thread)

    def on_snapshot(self, snapshot: BoothSnapshot) -> None:
        self._arrived.emit(_SNAPSHOT, snapshot)

    def on_call_finished(self, event: object) -> None:
        self._arrived.emit(_CALL_FINISHED, event)

    def on_connection(self, connected: bool) -> None:
        self._arrived.emit(_CONNECTION, connected)

    # ---- GUI side

    def attach(self) -> None:
        """Start delivering: flush what was buffered, in arrival order."""
        self._attached = True
        while self._pending:
            kind, payload = self._pending.popleft()
            self._emit(kind, payload)

    def detach(self) -> None:
        """Buffer again (e.g. while the main window is rebuilt for a new language)."""
        self._attached = False

    def booths(self) -> list[BoothSnapshot]:
        """The newest snapshot of every booth seen so far, by position."""
        return sorted(self._latest.values(), key=lambda s: (s.position, s.booth))

    @Slot(int, object)
    def _deliver(self, kind: int, payload: Any) -> None:
        if kind == _SNAPSHOT:
            old = self._latest.get(payload.booth)
            if old is not None and payload.seq and old.seq > payload.seq:
                return  # a stale update overtaken by a newer one
            self._latest[payload.booth] = payload
        elif kind == _CONNECTION:
            self.connected = bool(payload)
        if self._attached:
            self._emit(kind, payload)
        else:
            self._pending.append((kind, payload))

    def _emit(self, kind: int, payload: Any) -> None:
        if kind == _SNAPSHOT:
            self.booth_updated.emit(payload)
        elif kind == _CALL_FINISHED:
            self.call_finished.emit(payload)
        else:
            self.connection_changed.emit(bool(payload))
