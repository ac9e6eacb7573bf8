"""The current shift's calls as a Qt table: a model over the core's ``CallView`` rows.

The model holds plain ``CallView`` values in arrival order, newest first, and knows
each call's row by id, so a finished call is one ``beginInsertRows`` and a status
change is one ``dataChanged`` — never a reset of 10,000 rows. :class:`CallsFilter`
narrows it to a status (unserved / paid / unpaid / all) and a booth.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from callshop_pos.services.calls import CallView
from ui.formatting import Formatter

__all__ = ["CALL_ROLE", "SORT_ROLE", "CallColumn", "CallsFilter", "CallsModel", "StatusFilter"]

CALL_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_STATUS_COLOURS = {"unserved": "#b86e00", "paid": "#17804a", "unpaid": "#c0352b"}


class CallColumn(IntEnum):
    BOOTH = 0
    NUMBER = 1
    DESTINATION = 2
    ANSWERED = 3
    DURATION = 4
    BILLED = 5
    PRICE = 6
    STATUS = 7


class StatusFilter(IntEnum):
    UNSERVED = 0
    PAID = 1
    UNPAID = 2
    ALL = 3


class CallsModel(QAbstractTableModel):
    """Answered calls of one shift (or any list of calls), newest first."""

    def __init__(self, formatter: Formatter, parent: Any = None) -> None:
        super().__init__(parent)
        self._fmt = formatter
        self._calls: list[CallView] = []  # newest first
        self._row_of: dict[int, int] = {}  # id → position counted from the oldest

    # ---- data in

    def set_calls(self, calls: Iterable[CallView]) -> None:
        """Replace everything (shift opened, session view); oldest first or any order."""
        ordered = sorted(calls, key=_order_key, reverse=True)
        self.beginResetModel()
        self._calls = ordered
        total = len(ordered)
        self._row_of = {c.id: total - 1 - row for row, c in enumerate(ordered)}
        self.endResetModel()

    def upsert(self, calls: Iterable[CallView]) -> None:
        """Add new calls at the top and refresh the rows of known ones in place."""
        for call in calls:
            if not call.answered:
                continue  # attempts are kept by the core but are not calls to pay
            position = self._row_of.get(call.id)
            if position is None:
                self.beginInsertRows(QModelIndex(), 0, 0)
                self._calls.insert(0, call)
                self._row_of[call.id] = len(self._calls) - 1
                self.endInsertRows()
            else:
                row = len(self._calls) - 1 - position
                if self._calls[row] != call:
                    self._calls[row] = call
                    self.dataChanged.emit(
                        self.index(row, 0), self.index(row, len(CallColumn) - 1)
                    )

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        if self._calls:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._calls) - 1, len(CallColumn) - 1)
            )

    # ---- data out

    def call_at(self, row: int) -> CallView:
        return self._calls[row]

    def row_of(self, call_id: int) -> int | None:
        position = self._row_of.get(call_id)
        return None if position is None else len(self._calls) - 1 - position

    def calls(self) -> list[CallView]:
        return list(self._calls)

    # ---- Qt model

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._calls)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CallColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(CallColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers()[CallColumn(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_alignment(CallColumn(section)).value)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._calls):
            return None
        call = self._calls[index.row()]
        column = CallColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(call, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_alignment(column).value)
        if role == CALL_ROLE:
            return call
        if role == SORT_ROLE:
            return _sort_value(call, column)
        if role == Qt.ItemDataRole.ForegroundRole and column is CallColumn.STATUS:
            return QColor(_STATUS_COLOURS.get(call.status, "#1d2533"))
        if role == Qt.ItemDataRole.ForegroundRole and column is CallColumn.PRICE:
            return QColor("#c0352b") if call.price_minor is None else None
        if role == Qt.ItemDataRole.ToolTipRole and call.flags:
            return ", ".join(self._flag_text(f) for f in call.flags)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # ---- texts

    def _headers(self) -> dict[CallColumn, str]:
        return {
            CallColumn.BOOTH: self.tr("Booth"),
            CallColumn.NUMBER: self.tr("Number"),
            CallColumn.DESTINATION: self.tr("Destination"),
            CallColumn.ANSWERED: self.tr("Answered"),
            CallColumn.DURATION: self.tr("Duration"),
            CallColumn.BILLED: self.tr("Billed"),
            CallColumn.PRICE: self.tr("Price"),
            CallColumn.STATUS: self.tr("Status"),
        }

    def status_text(self, status: str) -> str:
        return {
            "unserved": self.tr("Unserved"),
            "paid": self.tr("Paid"),
            "unpaid": self.tr("Unpaid"),
        }.get(status, status)

    def _flag_text(self, flag: str) -> str:
        return {
            "interrupted": self.tr("interrupted (engine restart)"),
            "unrated": self.tr("no price for this destination"),
            "estimated_answer": self.tr("answer time estimated"),
            "manual_price": self.tr("priced by the administrator"),
            "corrected": self.tr("corrected after close"),
        }.get(flag, flag)

    def _display(self, call: CallView, column: CallColumn) -> str:
        if column is CallColumn.BOOTH:
            return call.booth
        if column is CallColumn.NUMBER:
            return call.number
        if column is CallColumn.DESTINATION:
            return call.destination or self.tr("unknown")
        if column is CallColumn.ANSWERED:
            return self._fmt.time(call.answered_at)
        if column is CallColumn.DURATION:
            return self._fmt.duration(call.duration_s)
        if column is CallColumn.BILLED:
            return self._fmt.duration(call.billable_s)
        if column is CallColumn.PRICE:
            return self._fmt.money(call.price_minor, unrated=self.tr("unrated"))
        text = self.status_text(call.status)
        if call.flags:
            text += " ⚠"
        return text


def _order_key(call: CallView) -> tuple[float, int]:
    when = call.ended_at or call.answered_at or call.setup_at
    return (when.timestamp(), call.id)


def _sort_value(call: CallView, column: CallColumn) -> Any:
    if column is CallColumn.BOOTH:
        return call.booth
    if column is CallColumn.NUMBER:
        return call.number
    if column is CallColumn.DESTINATION:
        return call.destination or ""
    if column is CallColumn.ANSWERED:
        return call.answered_at.timestamp() if call.answered_at else 0.0
    if column is CallColumn.DURATION:
        return call.duration_s
    if column is CallColumn.BILLED:
        return call.billable_s
    if column is CallColumn.PRICE:
        return -1 if call.price_minor is None else call.price_minor
    return call.status


def _alignment(column: CallColumn) -> Qt.AlignmentFlag:
    if column in (CallColumn.DURATION, CallColumn.BILLED, CallColumn.PRICE, CallColumn.ANSWERED):
        return _RIGHT
    return _LEFT


class CallsFilter(QSortFilterProxyModel):
    """Shows the calls of one status (or all) and, optionally, of one booth."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._status = StatusFilter.UNSERVED
        self._booth: str | None = None
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    @property
    def status(self) -> StatusFilter:
        return self._status

    @property
    def booth(self) -> str | None:
        return self._booth

    def set_status(self, status: StatusFilter) -> None:
        if status != self._status:
            self.beginFilterChange()
            self._status = status
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_booth(self, booth: str | None) -> None:
        if booth != self._booth:
            self.beginFilterChange()
            self._booth = booth
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, CallsModel):
            return True
        call = model.call_at(source_row)
        if self._booth is not None and call.booth != self._booth:
            return False
        if self._status is StatusFilter.ALL:
            return True
        return call.status == ("unserved", "paid", "unpaid")[self._status]
