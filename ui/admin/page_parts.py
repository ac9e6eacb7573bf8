"""Widgets every administration page builds alike: the page's header row (its title,
then the page's own buttons on the right), the read-only record table, and the
ISO date field.

Titles are passed in already translated, so each keeps its page's ``tr()`` context.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.admin.common import section_title, to_qdate
from ui.header_fit import keep_headers_whole

__all__ = ["date_edit", "page_header", "record_view"]


def page_header(
    page: QWidget, title: str, *beside_title: QWidget
) -> tuple[QVBoxLayout, QHBoxLayout]:
    """Give ``page`` its column layout, headed by a row with the section ``title``
    (and ``beside_title``, e.g. a status label) on the left and a stretch after it.

    Returns the page's layout and the header row; widgets added to the row later
    stand on the right, in the order (and tab order) they are added.
    """
    layout = QVBoxLayout(page)
    head = QHBoxLayout()
    head.addWidget(section_title(title))
    for widget in beside_title:
        head.addWidget(widget)
    head.addStretch(1)
    layout.addLayout(head)
    return layout, head


def record_view(
    model: QAbstractItemModel,
    *,
    pick_rows: bool = False,
    alternate: bool = False,
    stretch_last: bool = False,
    resize: QHeaderView.ResizeMode | None = QHeaderView.ResizeMode.Stretch,
) -> QTableView:
    """A table over ``model`` without row numbers.

    ``pick_rows``: one whole row is chosen at a time (the record a button acts on);
    ``alternate``: alternating row colours; ``stretch_last``: the last column takes
    the spare width; ``resize``: how every column is sized (``None`` leaves Qt's
    interactive default, for pages that size columns once data is in).
    """
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    if pick_rows:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(alternate)
    header = view.horizontalHeader()
    if stretch_last:
        header.setStretchLastSection(True)
    if resize is not None:
        header.setSectionResizeMode(resize)
    keep_headers_whole(view)
    return view


def date_edit(day: date) -> QDateEdit:
    """A date field showing ``day`` as ``yyyy-MM-dd``, with a calendar to pick from."""
    edit = QDateEdit(to_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit
