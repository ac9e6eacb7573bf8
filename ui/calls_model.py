"""The current shift's calls as a Qt table: a model over the core's ``CallView`` rows.

The model holds plain ``CallView`` values, newest first, and knows each shown
call's row by id, so a finished call is one ``beginInsertRows`` and a status change
one ``dataChanged`` (or one row leaving the filtered view) — never a reset of
10,000 rows. Its filter shows one status (unserved / paid / unpaid) or all, and
optionally one booth.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from callshop_pos.services.till.calls import CallView
from ui.enum_table import EnumTableModel, cell_alignment
from ui.formatting import Formatter

__all__ = ["CALL_ROLE", "CallColumn", "CallsModel", "StatusFilter"]

CALL_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex
_STATUS_COLOURS = {"unserved": "#b86e00", "paid": "#17804a", "unpaid": "#c0352b"}
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)


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


_STATUS_NAMES = {
    StatusFilter.UNSERVED: "unserved",
    StatusFilter.PAID: "paid",
    StatusFilter.UNPAID: "unpaid",
}


class CallsModel(EnumTableModel):
    """Answered calls of one shift (or any list of calls), newest first, filtered.

    The filter (a status or all, and optionally one booth) lives in the model itself
    rather than in a proxy: the view then talks to one Python object, which halves
    the calls into Python on every repaint of a 10,000-call shift.
    """

    columns = CallColumn
    figures = frozenset(
        {CallColumn.ANSWERED, CallColumn.DURATION, CallColumn.BILLED, CallColumn.PRICE}
    )

    def __init__(self, formatter: Formatter, parent: Any = None) -> None:
        super().__init__(parent)
        self._fmt = formatter
        self._everything: dict[int, CallView] = {}  # id → call, oldest first
        self._calls: list[CallView] = []  # the rows shown, newest first
        self._row_of: dict[int, int] = {}  # shown id → position counted from the oldest
        self._texts: dict[int, tuple[str, ...]] = {}  # id → display texts, made on demand
        self._status = StatusFilter.UNSERVED
        self._booth: str | None = None

    # ---- filter

    @property
    def status(self) -> StatusFilter:
        return self._status

    @property
    def booth(self) -> str | None:
        return self._booth

    def set_status(self, status: StatusFilter) -> None:
        if status != self._status:
            self._status = status
            self._reshow()

    def set_booth(self, booth: str | None) -> None:
        if booth != self._booth:
            self._booth = booth
            self._reshow()

    def accepts(self, call: CallView) -> bool:
        if self._booth is not None and call.booth != self._booth:
            return False
        return self._status is StatusFilter.ALL or call.status == _STATUS_NAMES[self._status]

    def _reshow(self) -> None:
        self.beginResetModel()
        self._calls = [c for c in reversed(self._everything.values()) if self.accepts(c)]
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        total = len(self._calls)
        self._row_of = {c.id: total - 1 - row for row, c in enumerate(self._calls)}

    # ---- data in

    def set_calls(self, calls: Iterable[CallView]) -> None:
        """Replace everything (shift opened, session view); any order."""
        ordered = sorted((c for c in calls if c.answered), key=_order_key)
        self._everything = {c.id: c for c in ordered}
        self._texts.clear()
        self._reshow()

    def upsert(self, calls: Iterable[CallView]) -> None:
        """Add new calls at the top and refresh known ones (in place, or in/out of view)."""
        for call in calls:
            if not call.answered:
                continue  # attempts are kept by the core but are not calls to pay
            known = call.id in self._everything
            if known and self._everything[call.id] == call:
                continue
            self._everything[call.id] = call
            self._texts.pop(call.id, None)
            position = self._row_of.get(call.id)
            shown = self.accepts(call)
            if position is None and not shown:
                continue
            if position is None and not known:
                self.beginInsertRows(QModelIndex(), 0, 0)
                self._calls.insert(0, call)
                self._row_of[call.id] = len(self._calls) - 1
                self.endInsertRows()
            elif position is None:
                self._show_again(call)
            else:
                row = len(self._calls) - 1 - position
                if shown:
                    self._calls[row] = call
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(CallColumn) - 1))
                else:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._calls[row]
                    self._reindex()
                    self.endRemoveRows()

    def _show_again(self, call: CallView) -> None:
        """A known call now passes the filter: insert it where its time puts it."""
        key = _order_key(call)
        row = 0
        while row < len(self._calls) and _order_key(self._calls[row]) > key:
            row += 1
        self.beginInsertRows(QModelIndex(), row, row)
        self._calls.insert(row, call)
        self._reindex()
        self.endInsertRows()

    def set_formatter(self, formatter: Formatter) -> None:
        self._fmt = formatter
        self._texts.clear()
        if self._calls:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._calls) - 1, len(CallColumn) - 1)
            )

    # ---- data out

    def find(self, call_id: int) -> CallView | None:
        """A call of the list by id, shown or filtered out."""
        return self._everything.get(call_id)

    def call_at(self, row: int) -> CallView:
        return self._calls[row]

    def row_of(self, call_id: int) -> int | None:
        position = self._row_of.get(call_id)
        return None if position is None else len(self._calls) - 1 - position

    def calls(self) -> list[CallView]:
        """Every call of the list (shown or not), newest first."""
        return list(reversed(self._everything.values()))

    def shown_calls(self) -> list[CallView]:
        return list(self._calls)

    # ---- Qt model

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._calls)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks for several roles of every visible cell on each repaint:
        # plain-int role checks and per-call cached texts keep this cheap.
        row = index.row()
        if row < 0 or row >= len(self._calls):
            return None
        call = self._calls[row]
        column = index.column()
        if role == _DISPLAY:
            texts = self._texts.get(call.id)
            if texts is None:
                texts = self._texts[call.id] = tuple(self._display(call, c) for c in CallColumn)
            return texts[column]
        if role == _ALIGN:
            return _ALIGNMENTS[column]
        if role == _FOREGROUND:
            if column == CallColumn.STATUS:
                return _STATUS_QCOLOURS.get(call.status)
            if column == CallColumn.PRICE and call.price_minor is None:
                return _STATUS_QCOLOURS["unpaid"]
            return None
        if role == CALL_ROLE:
            return call
        if role == _TOOLTIP and call.flags:
            return ", ".join(self._flag_text(f) for f in call.flags)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # ---- texts

    def header_text(self, column: int) -> str:
        return {
            CallColumn.BOOTH: self.tr("Booth"),
            CallColumn.NUMBER: self.tr("Number"),
            CallColumn.DESTINATION: self.tr("Destination"),
            CallColumn.ANSWERED: self.tr("Answered"),
            CallColumn.DURATION: self.tr("Duration"),
            CallColumn.BILLED: self.tr("Billed"),
            CallColumn.PRICE: self.tr("Price"),
            CallColumn.STATUS: self.tr("Status"),
        }[CallColumn(column)]

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


_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_ALIGNMENTS = tuple(cell_alignment(c in CallsModel.figures) for c in CallColumn)
_STATUS_QCOLOURS = {status: QColor(colour) for status, colour in _STATUS_COLOURS.items()}
