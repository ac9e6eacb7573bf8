"""The current shift's calls: status chips, a booth filter and the multi-select table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.till.calls import CallView, calls_value
from ui.call_table import call_table
from ui.calls_model import CallColumn, CallsModel, StatusFilter
from ui.formatting import Formatter

__all__ = ["CallsPanel"]


class CallsPanel(QFrame):
    """Calls table with filters; :attr:`selection_changed` after every (de)selection."""

    selection_changed = Signal()
    activated = Signal()  # Enter / double-click on the table: pay the selection

    def __init__(self, formatter: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self._fmt = formatter
        self.model = CallsModel(formatter, self)

        title = QLabel(self.tr("Calls of this shift"), objectName="sectionTitle")
        self.status_group = QButtonGroup(self)
        self.status_group.setExclusive(True)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(title)
        chips.addSpacing(12)
        labels = {
            StatusFilter.UNSERVED: self.tr("&Unserved"),
            StatusFilter.PAID: self.tr("&Paid"),
            StatusFilter.UNPAID: self.tr("U&npaid"),
            StatusFilter.ALL: self.tr("&All"),
        }
        self.status_buttons: dict[StatusFilter, QPushButton] = {}
        for status, text in labels.items():
            button = QPushButton(text, objectName="filterButton")
            button.setCheckable(True)
            button.setAutoDefault(False)
            self.status_group.addButton(button, int(status))
            self.status_buttons[status] = button
            chips.addWidget(button)
        self.status_buttons[StatusFilter.UNSERVED].setChecked(True)
        self.status_group.idClicked.connect(self._on_status)
        chips.addStretch(1)
        booth_label = QLabel(self.tr("&Booth"))
        self.booth_combo = QComboBox()
        self.booth_combo.setMinimumContentsLength(10)
        self.booth_combo.addItem(self.tr("All booths"), None)
        self.booth_combo.currentIndexChanged.connect(self._on_booth)
        booth_label.setBuddy(self.booth_combo)
        chips.addWidget(booth_label)
        chips.addWidget(self.booth_combo)

        self.table = call_table(self.model, QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _i: self.activated.emit())
        self.table.installEventFilter(self)

        self.selection_label = QLabel(objectName="muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(chips)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selection_label)
        self._update_selection_label()

    # ---- data

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        self.model.set_formatter(formatter)
        self._update_selection_label()

    def set_calls(self, calls: list[CallView]) -> None:
        self.model.set_calls(calls)
        for call in calls:
            self._know_booth(call.booth)
        self._update_selection_label()

    def upsert(self, calls: list[CallView]) -> None:
        self.model.upsert(calls)
        for call in calls:
            self._know_booth(call.booth)
        self._update_selection_label()

    def add_booths(self, booths: list[str]) -> None:
        for booth in booths:
            self._know_booth(booth)

    def selected_calls(self) -> list[CallView]:
        rows = self.table.selectionModel().selectedRows()
        return sorted((self.model.call_at(index.row()) for index in rows), key=lambda c: c.id)

    def visible_calls(self) -> list[CallView]:
        return self.model.shown_calls()

    def select_calls(self, call_ids: list[int]) -> None:
        """Select exactly these calls (those visible under the current filter)."""
        wanted = set(call_ids)
        selection = QItemSelection()
        for row in range(self.model.rowCount()):
            call = self.model.call_at(row)
            if call.id in wanted:
                selection.select(
                    self.model.index(row, 0), self.model.index(row, len(CallColumn) - 1)
                )
        self.table.selectionModel().select(
            selection, self.table.selectionModel().SelectionFlag.ClearAndSelect
        )

    def show_status(self, status: StatusFilter) -> None:
        self.status_buttons[status].setChecked(True)
        self.model.set_status(status)

    def show_booth(self, booth: str | None) -> None:
        index = self.booth_combo.findData(booth)
        if index < 0 and booth is not None:
            self._know_booth(booth)
            index = self.booth_combo.findData(booth)
        self.booth_combo.setCurrentIndex(max(index, 0))

    # ---- internals

    def _know_booth(self, booth: str) -> None:
        if self.booth_combo.findData(booth) < 0:
            # Keep "All booths" first and the booths in natural order after it.
            names = [self.booth_combo.itemData(i) for i in range(1, self.booth_combo.count())]
            names.append(booth)
            names.sort(key=_natural)
            self.booth_combo.insertItem(names.index(booth) + 1, booth, booth)

    def _on_status(self, status_id: int) -> None:
        self.model.set_status(StatusFilter(status_id))
        self._update_selection_label()

    def _on_booth(self, index: int) -> None:
        self.model.set_booth(self.booth_combo.itemData(index))
        self._update_selection_label()

    def _on_selection(self, *_args: object) -> None:
        self._update_selection_label()
        self.selection_changed.emit()

    def _update_selection_label(self) -> None:
        selected = self.selected_calls()
        shown = self.model.rowCount()
        if selected:
            total = calls_value(selected)
            self.selection_label.setText(
                self.tr("{count} selected · {total}   ({shown} shown)").format(
                    count=len(selected), total=self._fmt.money(total), shown=shown
                )
            )
        else:
            self.selection_label.setText(
                self.tr("{shown} shown · Ctrl+click or Shift+arrows to select several").format(
                    shown=shown
                )
            )

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.activated.emit()
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]


def _natural(name: str) -> tuple[str, int]:
    head = name.rstrip("0123456789")
    tail = name[len(head) :]
    return (head, int(tail) if tail else -1)
