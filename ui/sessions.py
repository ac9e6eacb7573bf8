"""Sessions (shifts): the list for a date range with a total row, and one shift's view.

:class:`SessionsModel` is a table over the core's ``ShiftSummary`` rows plus one
total row from ``PeriodTotals``; :class:`ShiftDetailDialog` is the original's
closed-session view (created/closed, calls, minutes, cash, unserved, unpaid and
every call).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.reports.summary import PeriodTotals, ShiftSummary
from callshop_pos.services.till.shifts import ShiftDetail, ShiftList
from ui.action_errors import plain_words
from ui.call_table import call_table, list_table
from ui.calls_model import CallsModel, StatusFilter
from ui.dialog_parts import show_error
from ui.enum_table import EnumTableModel
from ui.formatting import Formatter

__all__ = ["SessionColumn", "SessionsDialog", "SessionsModel", "ShiftDetailDialog"]

_Index = QModelIndex | QPersistentModelIndex
SHIFT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class SessionColumn(IntEnum):
    ID = 0
    STATUS = 1
    OPENED = 2
    CLOSED = 3
    OPERATOR = 4
    CALLS = 5
    MINUTES = 6
    CASH = 7
    UNSERVED = 8
    UNPAID = 9


class SessionsModel(EnumTableModel):
    """Shifts of a period, newest first, then a bold total row."""

    columns = SessionColumn
    figures = frozenset({SessionColumn.ID, *(c for c in SessionColumn if c >= SessionColumn.CALLS)})

    def __init__(self, formatter: Formatter, parent: Any = None) -> None:
        super().__init__(parent)
        self._fmt = formatter
        self._shifts: tuple[ShiftSummary, ...] = ()
        self._total: PeriodTotals | None = None

    def set_list(self, listing: ShiftList) -> None:
        self.beginResetModel()
        self._shifts = listing.shifts
        self._total = listing.total
        self.endResetModel()

    def shift_at(self, row: int) -> ShiftSummary | None:
        return self._shifts[row] if 0 <= row < len(self._shifts) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._shifts) + (1 if self._total is not None else 0)

    def header_text(self, column: int) -> str:
        return (
            self.tr("No."),
            self.tr("Status"),
            self.tr("Opened"),
            self.tr("Closed"),
            self.tr("Operator"),
            self.tr("Calls"),
            self.tr("Talk time"),
            self.tr("Cash"),
            self.tr("Unserved"),
            self.tr("Unpaid"),
        )[column]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        column = SessionColumn(index.column())
        shift = self.shift_at(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(column)
        if role == Qt.ItemDataRole.FontRole and shift is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and shift is None:
            return QColor("#eef1f5")
        if role == Qt.ItemDataRole.ForegroundRole and shift is not None:
            if column is SessionColumn.STATUS and shift.status == "open":
                return QColor("#1f5fbf")
            if column is SessionColumn.UNSERVED and shift.unserved:
                return QColor("#b86e00")
            return None
        if role == SHIFT_ID_ROLE:
            return None if shift is None else shift.id
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if shift is None:
            return self._total_cell(column)
        return self._cell(shift, column)

    def _cell(self, s: ShiftSummary, column: SessionColumn) -> str:
        status = self.tr("open") if s.status == "open" else self.tr("closed")
        values = {
            SessionColumn.ID: str(s.id),
            SessionColumn.STATUS: status,
            SessionColumn.OPENED: self._fmt.date_time(s.opened_at),
            SessionColumn.CLOSED: self._fmt.date_time(s.closed_at),
            SessionColumn.OPERATOR: s.operator,
            SessionColumn.CALLS: str(s.call_count),
            SessionColumn.MINUTES: self._fmt.duration(s.talk_seconds),
            SessionColumn.CASH: self._fmt.money(s.cash_minor),
            SessionColumn.UNSERVED: str(s.unserved),
            SessionColumn.UNPAID: str(s.unpaid),
        }
        return values[column]

    def _total_cell(self, column: SessionColumn) -> str:
        t = self._total
        assert t is not None
        values = {
            SessionColumn.ID: "",
            SessionColumn.STATUS: self.tr("Total"),
            SessionColumn.OPENED: self.tr("{n} shift(s)").format(n=t.shift_count),
            SessionColumn.CLOSED: "",
            SessionColumn.OPERATOR: "",
            SessionColumn.CALLS: str(t.call_count),
            SessionColumn.MINUTES: self._fmt.duration(t.talk_seconds),
            SessionColumn.CASH: self._fmt.money(t.cash_minor),
            SessionColumn.UNSERVED: str(t.unserved),
            SessionColumn.UNPAID: str(t.unpaid),
        }
        return values[column]


class SessionsDialog(QDialog):
    """All shifts of a date range; Enter or double-click opens one."""

    def __init__(
        self,
        list_shifts: Callable[[date | None, date | None], ShiftList],
        show_shift: Callable[[int], ShiftDetail],
        formatter: Formatter,
        *,
        today: date | None = None,
        parent: QWidget | None = None,
        reprint_receipt: Callable[[int], object] | None = None,
        reprint_report: Callable[[int], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._reprint_receipt = reprint_receipt
        self._reprint_report = reprint_report
        self._list = list_shifts
        self._show = show_shift
        self._fmt = formatter
        self.setWindowTitle(self.tr("Sessions"))
        self.resize(1000, 560)
        today = today or datetime.now().astimezone().date()
        self.from_edit = QDateEdit(QDate(today - timedelta(days=6)))
        self.to_edit = QDateEdit(QDate(today))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(
                formatter.locale.dateFormat(formatter.locale.FormatType.ShortFormat)
            )
            edit.dateChanged.connect(self.reload)
        self.model = SessionsModel(formatter, self)
        self.table = list_table(self.model, QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Every column as wide as its header and figures; the last takes the spare width.
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.error_label = QLabel(objectName="errorText")
        self.error_label.hide()

        title = QLabel(self.tr("Sessions"), objectName="sectionTitle")
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        from_label = QLabel(self.tr("&From"))
        from_label.setBuddy(self.from_edit)
        to_label = QLabel(self.tr("&To"))
        to_label.setBuddy(self.to_edit)
        bar.addWidget(from_label)
        bar.addWidget(self.from_edit)
        bar.addSpacing(12)
        bar.addWidget(to_label)
        bar.addWidget(self.to_edit)
        open_button = QPushButton(self.tr("&Open session"))
        open_button.setAutoDefault(False)
        open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(
            QLabel(self.tr("Enter or double-click opens a session."), objectName="hint")
        )
        bottom.addStretch(1)
        bottom.addWidget(open_button)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)
        self.reload()
        self.table.setFocus()

    def period(self) -> tuple[date, date]:
        return self.from_edit.date().toPython(), self.to_edit.date().toPython()  # type: ignore[return-value]

    def set_period(self, start: date, end: date) -> None:
        self.from_edit.blockSignals(True)
        self.from_edit.setDate(QDate(start))
        self.from_edit.blockSignals(False)
        self.to_edit.setDate(QDate(end))
        self.reload()

    def reload(self) -> None:
        start, end = self.period()
        try:
            listing = self._list(start, end)
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "list sessions"))
            return
        self.error_label.hide()
        self.model.set_list(listing)
        if listing.shifts:
            self.table.selectRow(0)

    def open_row(self, row: int) -> ShiftDetailDialog | None:
        shift = self.model.shift_at(row)
        if shift is None:
            return None
        detail = ShiftDetailDialog(
            self._show(shift.id),
            self._fmt,
            self,
            reprint_receipt=self._reprint_receipt,
            reprint_report=self._reprint_report,
        )
        detail.open()
        return detail

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_row(self.table.currentIndex().row())
            return
        super().keyPressEvent(event)


class ShiftDetailDialog(QDialog):
    """One session: its figures and every call."""

    def __init__(
        self,
        detail: ShiftDetail,
        formatter: Formatter,
        parent: QWidget | None = None,
        *,
        reprint_receipt: Callable[[int], object] | None = None,
        reprint_report: Callable[[int], object] | None = None,
    ):
        super().__init__(parent)
        s = detail.summary
        self.setWindowTitle(self.tr("Session {id}").format(id=s.id))
        self.resize(940, 560)
        title = QLabel(
            self.tr("Session {id} — {operator} — {status}").format(
                id=s.id,
                operator=s.operator,
                status=self.tr("open") if s.status == "open" else self.tr("closed"),
            ),
            objectName="sectionTitle",
        )
        figures = QGridLayout()
        items = [
            (self.tr("Created"), formatter.date_time(s.opened_at)),
            (self.tr("Closed"), formatter.date_time(s.closed_at) or "—"),
            (self.tr("Calls"), str(s.call_count)),
            (self.tr("Total minutes"), formatter.duration(s.talk_seconds)),
            (self.tr("Cash taken"), formatter.money(s.cash_minor)),
            (self.tr("Unserved"), str(s.unserved)),
            (self.tr("Unpaid"), str(s.unpaid)),
        ]
        if s.discrepancy_minor is not None:
            items.append((self.tr("Cash difference"), formatter.money(s.discrepancy_minor)))
        self.figure_labels: dict[str, QLabel] = {}
        for column, (caption, value) in enumerate(items):
            figures.addWidget(QLabel(caption, objectName="figureLabel"), 0, column)
            short = caption == self.tr("Cash difference") and (s.discrepancy_minor or 0) < 0
            label = QLabel(value, objectName="detailValueShort" if short else "detailValue")
            figures.addWidget(label, 1, column)
            self.figure_labels[caption] = label
        self.calls_model = CallsModel(formatter, self)
        self.calls_model.set_status(StatusFilter.ALL)
        self.calls_model.set_calls(detail.calls)
        self.calls_table = call_table(
            self.calls_model, QAbstractItemView.SelectionMode.SingleSelection
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Reprints of a session (marked COPY, journaled), when the till has devices.
        self.reprint_button = QPushButton(self.tr("Reprint a receipt…"))
        self.report_button = QPushButton(
            self.tr("Print Z report (copy)") if s.status != "open" else self.tr("Print X report")
        )
        shift_id = s.id
        for button, hook in (
            (self.reprint_button, reprint_receipt),
            (self.report_button, reprint_report),
        ):
            button.setAutoDefault(False)
            button.setVisible(hook is not None)
            if hook is not None:
                button.clicked.connect(lambda _c=False, h=hook: h(shift_id))
        bottom = QHBoxLayout()
        bottom.addWidget(self.reprint_button)
        bottom.addWidget(self.report_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(title)
        layout.addLayout(figures)
        layout.addWidget(self.calls_table, 1)
        layout.addLayout(bottom)
