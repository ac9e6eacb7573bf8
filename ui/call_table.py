"""The till's list tables: the shift's calls, the session list and one session's calls
share one look (whole rows selected, alternating colours, no grid, no row numbers,
28-pixel rows), and every call list the same column widths."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.calls_model import CallColumn
from ui.header_fit import keep_headers_whole

__all__ = ["call_table", "list_table"]

_CALL_WIDTHS = {
    CallColumn.BOOTH: 72,
    CallColumn.NUMBER: 140,
    CallColumn.ANSWERED: 94,
    CallColumn.DURATION: 76,
    CallColumn.BILLED: 70,
    CallColumn.PRICE: 72,
    CallColumn.STATUS: 96,
}


def list_table(model: QAbstractItemModel, selection: QAbstractItemView.SelectionMode) -> QTableView:
    """A table over ``model`` in the till's list look; ``selection`` says how many rows
    may be chosen (one session, or several calls to pay together)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(28)
    table.horizontalHeader().setHighlightSections(False)
    return table


def call_table(model: QAbstractItemModel, selection: QAbstractItemView.SelectionMode) -> QTableView:
    """A :func:`list_table` of calls (a ``CallsModel``) with column widths that fit a
    call row at 1366×768; the destination takes the rest."""
    table = list_table(model, selection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(CallColumn.DESTINATION, QHeaderView.ResizeMode.Stretch)
    for column, width in _CALL_WIDTHS.items():
        header.resizeSection(column, width)
    keep_headers_whole(table, cells=True)
    return table
