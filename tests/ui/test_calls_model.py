from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLocale, Qt

from tests.ui.factories import call
from ui.calls_model import CallColumn, CallsModel, StatusFilter
from ui.formatting import Formatter


def _model(status: StatusFilter = StatusFilter.ALL) -> CallsModel:
    model = CallsModel(Formatter(QLocale("en_US")))
    model.set_status(status)
    return model


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = _model()
    model.set_calls([call(i, booth=f"Booth {i % 3 + 1}") for i in range(1, 30)])
    qtmodeltester.check(model)
    model.set_status(StatusFilter.UNSERVED)
    model.set_booth("Booth 2")
    qtmodeltester.check(model)


def test_new_call_goes_on_top_and_changes_update_in_place(qtbot) -> None:
    model = _model()
    model.set_calls([call(1), call(2)])
    assert model.call_at(0).id == 2
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert([call(3)])
    assert model.call_at(0).id == 3
    assert model.row_of(1) == 2
    with qtbot.waitSignal(model.dataChanged) as sig:
        model.upsert([replace(call(1), status="paid")])
    assert sig.args[0].row() == 2
    assert model.data(model.index(2, CallColumn.STATUS)) == "Paid"
    assert model.rowCount() == 3


def test_unanswered_attempts_are_not_listed() -> None:
    model = _model()
    model.upsert([call(1, answered_at=None, duration_s=0)])
    assert model.rowCount() == 0


def test_display_columns() -> None:
    model = _model()
    model.set_calls([call(1, price_minor=None, flags=("unrated",))])
    row = [model.data(model.index(0, c)) for c in CallColumn]
    assert row[CallColumn.BOOTH] == "Booth 1"
    assert row[CallColumn.DURATION] == "1:35"
    assert row[CallColumn.BILLED] == "2:00"
    assert row[CallColumn.PRICE] == "unrated"
    assert row[CallColumn.STATUS] == "Unserved ⚠"
    assert "no price" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_filter_by_status_and_booth(qtbot) -> None:
    model = _model(StatusFilter.UNSERVED)
    model.set_calls(
        [
            call(1, booth="Booth 1"),
            call(2, booth="Booth 2", status="paid"),
            call(3, booth="Booth 2"),
            call(4, booth="Booth 1", status="unpaid"),
        ]
    )
    assert model.rowCount() == 2  # unserved
    model.set_booth("Booth 2")
    assert model.rowCount() == 1
    model.set_status(StatusFilter.ALL)
    assert model.rowCount() == 2
    model.set_booth(None)
    model.set_status(StatusFilter.UNPAID)
    assert [c.id for c in model.shown_calls()] == [4]
    # A change of status moves a call into the view, in time order ...
    with qtbot.waitSignal(model.rowsInserted):
        model.upsert([replace(call(1, booth="Booth 1"), status="unpaid")])
    assert [c.id for c in model.shown_calls()] == [4, 1]
    # ... and out of it.
    with qtbot.waitSignal(model.rowsRemoved):
        model.upsert([replace(call(4, booth="Booth 1"), status="paid")])
    assert [c.id for c in model.shown_calls()] == [1]
    assert model.row_of(1) == 0
    # A new call of another status is kept, not shown.
    model.upsert([call(9)])
    assert model.rowCount() == 1 and model.find(9) is not None
    assert [c.id for c in model.calls()] == [9, 4, 3, 2, 1]
