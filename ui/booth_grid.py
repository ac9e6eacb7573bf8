"""All booths as a grid of tiles that scales from 1 to 64 booths.

One ``QTimer`` ticks every talking tile (five times a second); a tile that is not
talking costs nothing per tick. The grid re-flows its columns to the available
width and switches the tiles to a compact look when they would not fit otherwise.
Typing a booth's number (digits) selects it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QWidget

from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.services.till.booth_dues import BoothDue
from ui.booth_tile import BoothTile, Meter, snapshot_price
from ui.formatting import Formatter

__all__ = ["TICK_MS", "BoothGrid"]

#: Live meters refresh every TICK_MS milliseconds (≥ 4 times a second).
TICK_MS = 200
_DIGIT_WINDOW_MS = 900


class BoothGrid(QScrollArea):
    """The booth tiles; :attr:`selected` carries the chosen booth's name."""

    selected = Signal(str)
    activated = Signal(str)
    action_requested = Signal(str, str)

    def __init__(self, formatter: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boothGrid")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fmt = formatter
        self._meter: Meter = snapshot_price
        self._tiles: dict[str, BoothTile] = {}
        self._dues: dict[str, BoothDue] = {}
        self._order: list[str] = []
        self._columns = 0
        self._current: str | None = None
        self._digits = ""

        self._canvas = QWidget()
        self._canvas.setObjectName("boothCanvas")
        self._layout = QGridLayout(self._canvas)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(8)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(self._canvas)

        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._on_tick)
        self._digit_timer = QTimer(self)
        self._digit_timer.setSingleShot(True)
        self._digit_timer.setInterval(_DIGIT_WINDOW_MS)
        self._digit_timer.timeout.connect(self._on_digits_done)

    # ---- data

    def set_meter(self, meter: Meter) -> None:
        self._meter = meter
        for tile in self._tiles.values():
            tile.set_meter(meter)

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        for tile in self._tiles.values():
            tile.set_formatter(formatter)

    def update_booth(self, snapshot: BoothSnapshot) -> None:
        """Show a booth's new state; a booth seen for the first time gets a tile."""
        tile = self._tiles.get(snapshot.booth)
        if tile is None:
            tile = BoothTile(snapshot, self._fmt, self._canvas)
            tile.set_meter(self._meter)
            tile.set_due(self._dues.get(snapshot.booth))
            tile.clicked.connect(self._on_tile_clicked)
            tile.activated.connect(self.activated)
            tile.action_requested.connect(self.action_requested)
            self._tiles[snapshot.booth] = tile
            self._order.append(snapshot.booth)
            self._order.sort(key=lambda b: (self._tiles[b].snapshot.position, b))
            self._relayout(force=True)
        else:
            tile.update_snapshot(snapshot)

    def show_dues(self, dues: Mapping[str, BoothDue]) -> None:
        """Each booth's amount due, from the core (a booth not in ``dues`` owes nothing)."""
        self._dues = dict(dues)
        for booth, tile in self._tiles.items():
            tile.set_due(self._dues.get(booth))

    def tile(self, booth: str) -> BoothTile:
        return self._tiles[booth]

    def booths(self) -> list[str]:
        return list(self._order)

    @property
    def current_booth(self) -> str | None:
        return self._current

    def select_booth(self, booth: str) -> None:
        if booth not in self._tiles:
            return
        if self._current != booth:
            if self._current in self._tiles:
                self._tiles[self._current].set_selected(False)
            self._current = booth
            self._tiles[booth].set_selected(True)
            self.selected.emit(booth)
        tile = self._tiles[booth]
        self.ensureWidgetVisible(tile)
        if not tile.hasFocus() and self.isVisible():
            tile.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_by_number(self, number: int) -> bool:
        """Pick the booth at 1-based position ``number`` in the grid order."""
        if 1 <= number <= len(self._order):
            self.select_booth(self._order[number - 1])
            return True
        return False

    def type_digit(self, digit: str) -> None:
        """Digits typed within a short window form one booth number (``1``,``2`` → 12)."""
        candidate = self._digits + digit
        if candidate and int(candidate) > len(self._order):
            candidate = digit
        self._digits = candidate
        self.select_by_number(int(candidate))
        # A longer number is still possible: wait a moment for the next digit.
        if int(candidate) * 10 <= len(self._order):
            self._digit_timer.start()
        else:
            self._digits = ""
            self._digit_timer.stop()

    def tick(self, now: float | None = None) -> None:
        """Refresh the meters of all talking booths (the ticker's work)."""
        now = time.monotonic() if now is None else now
        for tile in self._tiles.values():
            if tile.is_talking:
                tile.tick(now)

    # ---- Qt

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._ticker.start()

    def hideEvent(self, event: QHideEvent) -> None:
        # A hidden grid needs no ticking; this also leaves no timer running on close.
        self._ticker.stop()
        self._digit_timer.stop()
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._handle_key(event):
            super().keyPressEvent(event)

    # ---- internals

    def _handle_key(self, event: QKeyEvent) -> bool:
        text = event.text()
        if (
            len(text) == 1
            and text.isdigit()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.type_digit(text)
            return True
        moves = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -max(self._columns, 1),
            Qt.Key.Key_Down: max(self._columns, 1),
        }
        step = moves.get(Qt.Key(event.key()))
        if step is not None and self._order:
            index = self._order.index(self._current) if self._current in self._order else 0
            index = min(max(index + step, 0), len(self._order) - 1)
            self.select_booth(self._order[index])
            return True
        return False

    def _on_tile_clicked(self, booth: str) -> None:
        self.select_booth(booth)

    def _on_digits_done(self) -> None:
        self._digits = ""

    def _on_tick(self) -> None:
        self.tick()

    def _relayout(self, *, force: bool = False) -> None:
        count = len(self._order)
        if not count:
            return
        compact = count > 16
        min_width = 168 if compact else 220
        width = max(self.viewport().width() - 8, min_width)
        columns = max(1, min(count, width // (min_width + self._layout.spacing())))
        if columns == self._columns and not force:
            return
        self._columns = columns
        for index, booth in enumerate(self._order):
            tile = self._tiles[booth]
            tile.set_compact(compact)
            self._layout.addWidget(tile, index // columns, index % columns)
        for column in range(self._layout.columnCount()):
            self._layout.setColumnStretch(column, 1 if column < columns else 0)
        # Show up to two rows of tiles without scrolling; more rows scroll.
        rows = -(-count // columns)
        tile_height = 78 if compact else 96
        self.setMinimumHeight(min(rows, 2) * (tile_height + self._layout.spacing()) + 8)
