"""qtmodeltester on the PAY dialog's bill lines and the session list (with its total row)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QLocale, Qt

from callshop_pos.services.reports.summary import PeriodTotals, ShiftSummary
from callshop_pos.services.till.payments import Bill, BillLine
from callshop_pos.services.till.shifts import ShiftList
from tests.ui.widget_facts import bulgarian
from ui.calls_model import CallColumn, CallsModel
from ui.formatting import Formatter
from ui.i18n import Languages
from ui.pay_dialog import BillColumn, BillLinesModel
from ui.sessions import SessionColumn, SessionsModel

FMT = Formatter(QLocale("en_US"))


def _bill() -> Bill:
    lines = tuple(
        BillLine(i, f"Booth {i}", "0049301", "Germany", 95, 120, 60 + i) for i in range(1, 6)
    )
    subtotal = sum(line.amount_minor for line in lines)
    return Bill(lines, subtotal, 0, subtotal, 1)


def _summary(shift_id: int, status: str = "closed") -> ShiftSummary:
    opened = datetime(2026, 3, shift_id, 8, 0, tzinfo=UTC)
    return ShiftSummary(
        id=shift_id,
        status=status,
        operator="olga",
        operator_id=2,
        opened_at=opened,
        closed_at=None if status == "open" else opened.replace(hour=18),
        opening_float_minor=5000,
        call_count=10 * shift_id,
        attempts=1,
        talk_seconds=600 * shift_id,
        billable_seconds=660 * shift_id,
        payments_minor=1000,
        refunds_minor=0,
        cash_minor=1000,
        expected_minor=6000,
        counted_minor=None,
        discrepancy_minor=None,
        paid=8,
        unserved=shift_id - 1,
        unpaid=1,
        unrated=0,
        corrections_minor=0,
    )


def test_bill_lines_model(qtmodeltester) -> None:
    model = BillLinesModel(_bill(), FMT)
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert model.data(model.index(0, BillColumn.AMOUNT)) == "€0.61"
    assert model.data(model.index(0, BillColumn.BILLED)) == "2:00"


def test_sessions_model_with_total_row(qtmodeltester) -> None:
    model = SessionsModel(FMT)
    qtmodeltester.check(model)  # empty
    shifts = (_summary(3, "open"), _summary(2), _summary(1))
    total = PeriodTotals(
        shift_count=3,
        call_count=60,
        attempts=3,
        talk_seconds=3600,
        billable_seconds=3960,
        cash_minor=3000,
        unserved=3,
        unpaid=3,
        discrepancy_minor=0,
    )
    model.set_list(ShiftList(shifts=shifts, total=total))
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    assert model.data(model.index(0, SessionColumn.STATUS)) == "open"
    assert model.data(model.index(3, SessionColumn.STATUS)) == "Total"
    assert model.data(model.index(3, SessionColumn.CALLS)) == "60"
    assert model.data(model.index(3, SessionColumn.MINUTES)) == "1:00:00"
    assert model.data(model.index(3, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.shift_at(3) is None and model.shift_at(0).id == 3


_H = Qt.Orientation.Horizontal
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_R = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_L = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)

#: Each model: its columns, header texts and header alignments, left to right.
HEADERS = {
    "BillLinesModel": (
        lambda: BillLinesModel(_bill(), FMT),
        BillColumn,
        ["Booth", "Number", "Destination", "Duration", "Billed", "Amount"],
        [_L, _L, _L, _R, _R, _R],
    ),
    "SessionsModel": (
        lambda: SessionsModel(FMT),
        SessionColumn,
        [
            "No.",
            "Status",
            "Opened",
            "Closed",
            "Operator",
            "Calls",
            "Talk time",
            "Cash",
            "Unserved",
            "Unpaid",
        ],
        [_R, _L, _L, _L, _L, _R, _R, _R, _R, _R],
    ),
    "CallsModel": (
        lambda: CallsModel(FMT),
        CallColumn,
        ["Booth", "Number", "Destination", "Answered", "Duration", "Billed", "Price", "Status"],
        [_L, _L, _L, _R, _R, _R, _R, _L],
    ),
}


@pytest.mark.parametrize("context", HEADERS)
def test_header_texts_and_alignment(context) -> None:
    build, columns, texts, alignments = HEADERS[context]
    model = build()
    assert model.columnCount() == len(columns) == len(texts)
    assert [model.headerData(c, _H) for c in columns] == texts
    assert [model.headerData(c, _H, _ALIGN) for c in columns] == alignments
    # Nothing beside the columns, nothing vertical, no other role.
    assert model.headerData(len(columns), _H) is None
    assert model.headerData(-1, _H) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(0, _H, Qt.ItemDataRole.ToolTipRole) is None


@pytest.mark.parametrize("context", HEADERS)
def test_header_texts_in_bulgarian(qapp, context) -> None:
    build, columns, texts, _alignments = HEADERS[context]
    languages = Languages(qapp)
    languages.apply("bg")
    try:
        shown = [build().headerData(c, _H) for c in columns]
    finally:
        languages.apply("en")
    assert shown == [bulgarian("callshop", context, text) for text in texts]
