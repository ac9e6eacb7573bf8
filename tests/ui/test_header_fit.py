"""ui.header_fit: headers kept whole without one long header widening every column."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView

from ui.header_fit import _shared, keep_headers_whole

HEADERS = ["No.", "Booth", "A header much longer than all the others", "Cap", "Auto"]


def _view(qtbot) -> QTableView:
    model = QStandardItemModel(2, len(HEADERS))
    model.setHorizontalHeaderLabels(HEADERS)
    view = QTableView()
    view.setModel(model)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    qtbot.addWidget(view)
    keep_headers_whole(view)
    return view


def test_stretched_columns_ask_for_their_own_headers_not_the_widest_times_n(qtbot) -> None:
    view = _view(qtbot)
    header = view.horizontalHeader()
    hints = [header.sectionSizeHint(i) for i in range(len(HEADERS))]
    assert view.minimumWidth() < max(hints) * len(HEADERS)  # equal shares would need that
    assert view.minimumWidth() >= sum(hints)
    view.resize(view.minimumWidth(), 200)
    view.show()
    qtbot.waitExposed(view)
    widths = [header.sectionSize(i) for i in range(len(HEADERS))]
    assert all(w >= h for w, h in zip(widths, hints, strict=True))  # every header whole


def test_a_wider_view_shares_its_room_in_proportion_and_fills_it(qtbot) -> None:
    view = _view(qtbot)
    view.resize(view.minimumWidth() + 400, 200)
    view.show()
    qtbot.waitExposed(view)
    header = view.horizontalHeader()
    widths = [header.sectionSize(i) for i in range(len(HEADERS))]
    assert sum(widths) == view.viewport().width()
    assert widths[2] == max(widths)


def test_sharing_is_exact_and_bounded_by_the_wishes() -> None:
    assert _shared([10, 20], 30, [1, 2]) == [20, 40]
    assert _shared([10, 20], 5, [0, 0]) == [10, 20]
    assert _shared([10, 20], 3, [10, 10]) == [12, 21]  # the rounding to the first
    assert _shared([10, 20], 4, [1, 10]) == [11, 23]  # never more than a wish asks
