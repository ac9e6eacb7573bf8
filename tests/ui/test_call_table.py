"""The till's list tables look and behave alike: the shift's calls, the session list
and one session's calls (rows selected whole, no grid, 28-pixel rows, fixed call
column widths)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from callshop_pos.services.reports.summary import PeriodTotals, ShiftSummary
from callshop_pos.services.till.shifts import ShiftDetail, ShiftList
from tests.ui.factories import call
from ui.calls_model import CallColumn
from ui.calls_panel import CallsPanel
from ui.formatting import Formatter
from ui.sessions import SessionColumn, SessionsDialog, ShiftDetailDialog

FMT = Formatter(QLocale("en_US"))
_Mode = QAbstractItemView.SelectionMode
_Fixed = QHeaderView.ResizeMode.Interactive
_Stretch = QHeaderView.ResizeMode.Stretch
_Fit = QHeaderView.ResizeMode.ResizeToContents

#: The call columns' least widths at 1366×768; the destination takes the rest.
CALL_WIDTHS = {
    CallColumn.BOOTH: 72,
    CallColumn.NUMBER: 140,
    CallColumn.ANSWERED: 94,
    CallColumn.DURATION: 76,
    CallColumn.BILLED: 70,
    CallColumn.PRICE: 72,
    CallColumn.STATUS: 96,
}


def _summary() -> ShiftSummary:
    opened = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    return ShiftSummary(
        id=7,
        status="closed",
        operator="olga",
        operator_id=2,
        opened_at=opened,
        closed_at=opened.replace(hour=18),
        opening_float_minor=5000,
        call_count=2,
        attempts=0,
        talk_seconds=190,
        billable_seconds=240,
        payments_minor=120,
        refunds_minor=0,
        cash_minor=120,
        expected_minor=5120,
        counted_minor=5120,
        discrepancy_minor=0,
        paid=2,
        unserved=0,
        unpaid=0,
        unrated=0,
        corrections_minor=0,
    )


def _listing(_first: date | None, _last: date | None) -> ShiftList:
    total = PeriodTotals(
        shift_count=1,
        call_count=2,
        attempts=0,
        talk_seconds=190,
        billable_seconds=240,
        cash_minor=120,
        unserved=0,
        unpaid=0,
        discrepancy_minor=0,
    )
    return ShiftList(shifts=(_summary(),), total=total)


def _detail(_shift_id: int = 7) -> ShiftDetail:
    return ShiftDetail(_summary(), (call(1, status="paid"), call(2, status="paid")), ())


def _assert_list_look(table: QTableView, mode: QAbstractItemView.SelectionMode) -> None:
    assert table.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert table.selectionMode() == mode
    assert table.alternatingRowColors() and not table.showGrid()
    assert table.verticalHeader().isHidden()
    assert table.verticalHeader().defaultSectionSize() == 28
    assert not table.horizontalHeader().highlightSections()


def _assert_call_columns(table: QTableView) -> None:
    header = table.horizontalHeader()
    assert header.sectionResizeMode(CallColumn.DESTINATION) == _Stretch
    for column, width in CALL_WIDTHS.items():
        assert header.sectionResizeMode(column) == _Fixed
        # At least the width chosen for 1366×768; wider when its header needs it.
        assert header.sectionSize(column) >= width
        assert header.sectionSize(column) >= header.sectionSizeHint(column)


def test_the_shifts_calls(qtbot) -> None:
    panel = CallsPanel(FMT)
    qtbot.addWidget(panel)
    _assert_list_look(panel.table, _Mode.ExtendedSelection)
    assert not panel.table.wordWrap()
    _assert_call_columns(panel.table)


def test_the_session_list(qtbot) -> None:
    dialog = SessionsDialog(_listing, _detail, FMT, today=date(2026, 3, 2))
    qtbot.addWidget(dialog)
    _assert_list_look(dialog.table, _Mode.SingleSelection)
    assert dialog.table.wordWrap()
    header = dialog.table.horizontalHeader()
    for column in SessionColumn:
        assert header.sectionResizeMode(column) == _Fit
    assert header.stretchLastSection()


@pytest.mark.parametrize("rows", [0, 2])
def test_one_sessions_calls(qtbot, rows) -> None:
    detail = _detail()
    if not rows:
        detail = ShiftDetail(detail.summary, (), ())
    dialog = ShiftDetailDialog(detail, FMT)
    qtbot.addWidget(dialog)
    _assert_list_look(dialog.calls_table, _Mode.SingleSelection)
    assert dialog.calls_table.wordWrap()
    _assert_call_columns(dialog.calls_table)
    assert dialog.calls_model.rowCount() == rows
