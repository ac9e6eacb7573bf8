"""The Z page tells the cashier when the copy of the database made at the Z failed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLabel

from callshop_pos.clock import FakeClock
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import make_shop
from ui.close_shift import CloseShiftDialog
from ui.formatting import Formatter

FMT = Formatter(QLocale("en_US"))


@pytest.fixture(scope="module")
def report() -> Iterator[ShiftReport]:
    with tempfile.TemporaryDirectory() as folder:
        seeded = make_shop(f"sqlite:///{folder}/shop.db", FakeClock())
        try:
            shifts.open_shift(seeded.shop, seeded.operator, 1000)
            yield shifts.x_report(seeded.shop, seeded.operator)
        finally:
            seeded.shop.close()


def _z_page_warnings(qtbot, report: ShiftReport, problem: str | None) -> list[str]:
    dialog = CloseShiftDialog(report, FMT, lambda _counted: report, backup_problem=lambda: problem)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.counted_edit.setText("10.00")
    dialog.ok_button.click()
    page = dialog.pages.currentWidget()
    return [w.text() for w in page.findChildren(QLabel) if w.objectName() == "warningBox"]


def test_a_failed_backup_is_shown_on_the_z_page(qtbot, report) -> None:
    warnings = _z_page_warnings(qtbot, report, "the last backup failed: disk full")
    assert len(warnings) == 1 and "disk full" in warnings[0]


def test_no_warning_when_the_backup_worked(qtbot, report) -> None:
    assert _z_page_warnings(qtbot, report, None) == []
