"""The line engine's state in the cashier window's status bar, live: running, stopped,
or not reachable (its process is alive but does not answer).

Connected through the bridge means running. While not connected, the engine's
address file in the data directory tells the other two apart (read every
``interval_ms``: a small file and a signal-0 probe, cheap enough for the GUI thread);
an engine that stopped cleanly removed the file, one that crashed left a dead pid.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from ui.bridge import EngineBridge

__all__ = ["EngineState", "EngineStatusLabel", "attach_engine_status"]

#: How often the state is checked again while the engine is not connected.
PROBE_MS = 2000


class EngineState(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"


class EngineStatusLabel(QLabel):
    """Shows :class:`EngineState`; ``probe()`` is the pid of a live engine process
    of this till's data directory, or None."""

    state_changed = Signal(str)

    def __init__(
        self,
        bridge: EngineBridge,
        probe: Callable[[], int | None],
        parent: QWidget | None = None,
        *,
        interval_ms: int = PROBE_MS,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._probe = probe
        self.state: EngineState | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        bridge.connection_changed.connect(self._on_connection)
        self.check()

    def _on_connection(self, connected: bool) -> None:
        self.check()

    def check(self) -> None:
        """Work the state out afresh and show it."""
        if self._bridge.connected:
            self._timer.stop()
            self._show(EngineState.RUNNING, None)
            return
        if not self._timer.isActive():
            self._timer.start()
        try:
            pid = self._probe()
        except OSError:
            pid = None
        self._show(EngineState.UNREACHABLE if pid else EngineState.STOPPED, pid)

    def _show(self, state: EngineState, pid: int | None) -> None:
        if state is EngineState.RUNNING:
            text = QCoreApplication.translate("EngineStatus", "● Line engine running")
            tip = QCoreApplication.translate(
                "EngineStatus",
                "The line engine meters the booths. It keeps running when the till is "
                "closed; stop it with “callshop-pos engine stop”.",
            )
        elif state is EngineState.STOPPED:
            text = QCoreApplication.translate("EngineStatus", "■ Line engine stopped")
            tip = QCoreApplication.translate(
                "EngineStatus",
                "No line engine runs: the booths are not metered. Start it with "
                "“callshop-pos engine”; the till connects by itself.",
            )
        else:
            text = QCoreApplication.translate(
                "EngineStatus", "Line engine not reachable — reconnecting…"
            )
            tip = QCoreApplication.translate(
                "EngineStatus",
                "The line engine (process {pid}) runs but does not answer; the till keeps trying.",
            ).format(pid=pid)
        self.setText(text)
        self.setToolTip(tip)
        name = f"engine_{state.value}"
        if self.objectName() != name:
            self.setObjectName(name)
            self.style().unpolish(self)
            self.style().polish(self)
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state.value)


def attach_engine_status(
    window: QMainWindow,
    bridge: EngineBridge,
    probe: Callable[[], int | None],
    *,
    interval_ms: int = PROBE_MS,
) -> EngineStatusLabel:
    """Put the engine's state in ``window``'s status bar (right, always shown)."""
    label = EngineStatusLabel(bridge, probe, window, interval_ms=interval_ms)
    window.statusBar().addPermanentWidget(label)
    return label
