"""How every administration page is put together: the navigation list, each page's
title, record table, date fields and tab order, in English and in Bulgarian."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDateEdit, QHeaderView, QLabel, QTableView

from tests.ui.widget_facts import bulgarian, tab_order
from ui.admin.price_list_page import VersionHistoryDialog
from ui.admin.window import AdminWindow
from ui.i18n import Languages

_SPIN = "QLineEdit:"  # the line edit inside a QDateEdit / QSpinBox
_Rows = QAbstractItemView.SelectionBehavior.SelectRows
_Items = QAbstractItemView.SelectionBehavior.SelectItems
_Single = QAbstractItemView.SelectionMode.SingleSelection
_Extended = QAbstractItemView.SelectionMode.ExtendedSelection
_Fit = QHeaderView.ResizeMode.ResizeToContents
_Interactive = QHeaderView.ResizeMode.Interactive

#: key → (navigation text, page title's context, page title)
PAGES = {
    "prices": ("Price list", "PriceListPage", "Price list"),
    "fx": ("USD rate", "UsdRate", "USD rate"),
    "account": ("Carrier account", "Account", "Carrier account"),
    "reports": ("Reports", "Reports", "Reports"),
    "users": ("Users", "Users", "Users"),
    "booths": ("Booths", "Booths", "Booths"),
    "cards": ("Prepaid cards", "Cards", "Prepaid cards"),
    "settings": ("Settings", "Settings", "Settings"),
    "audit": ("Audit journal", "Audit", "Audit journal"),
}

#: key → (selection behaviour, selection mode, alternating rows, resize mode of column 0,
#: stretch last section) of the page's record table, before any data is loaded.
#: (A table whose columns all stretch is sized by ui.header_fit: each column its header's
#: width and a share of the rest in proportion, so its sections become Interactive.)
TABLES = {
    "fx": (_Items, _Extended, False, _Interactive, False),
    "account": (_Items, _Extended, True, _Interactive, False),
    "reports": (_Items, _Extended, True, _Interactive, False),
    "users": (_Rows, _Single, False, _Interactive, False),
    "booths": (_Rows, _Single, False, _Interactive, False),
    "audit": (_Rows, _Single, True, _Fit, True),  # one entry, its details beside
}

DATE_FIELDS = {"fx": 1, "account": 3, "reports": 2, "audit": 2, "cards": 1}

TABS = {
    "prices": [
        "import_button",
        "export_button",
        "history_button",
        "save_button",
        # the review of a wholesale list from central (hidden while there is none)
        "QPushButton:Apply…",
        "QPushButton:Reject…",
        "QTableView:",
        "filter_edit",
        "markup_edit",
        "step_combo",
        "markup_button",
        "clear_button",
        "view",
    ],
    "fx": ["rate_edit", "date_edit", _SPIN, "set_button", "view"],
    "account": [
        "threshold_edit",
        "threshold_button",
        "amount_edit",
        "date_edit",
        _SPIN,
        "method_combo",
        "reference_edit",
        "add_button",
        "from_edit",
        _SPIN,
        "to_edit",
        _SPIN,
        "show_button",
        "view",
    ],
    "reports": [
        "first_edit",
        _SPIN,
        "last_edit",
        _SPIN,
        "group_combo",
        "run_button",
        "csv_button",
        "pdf_button",
        "view",
    ],
    "users": [
        "view",
        "role_button",
        "disable_button",
        "enable_button",
        "password_button",
        "unlock_button",
        "name_edit",
        "password_edit",
        "role_combo",
        "add_button",
    ],
    "booths": [
        "view",
        "name_edit",
        "position_spin",
        _SPIN,
        "driver_combo",
        "device_edit",
        "route_combo",
        "sip_user_edit",
        "sip_password_edit",
        "bind_edit",
        "billing_combo",
        "deposit_edit",
        "cap_edit",
        "duration_spin",
        _SPIN,
        "auto_lock_check",
        "add_button",
        "update_button",
        "remove_button",
        "blocked_edit",
        "blocked_button",
    ],
    "audit": [
        "verify_button",
        "user_edit",
        "action_edit",
        "from_edit",
        _SPIN,
        "to_edit",
        _SPIN,
        "filter_button",
        "view",
        "detail_table",
        "call_spin",
        _SPIN,
        "status_combo",
        "reason_edit",
        "correct_button",
    ],
    "cards": [
        "block_batch_button",
        "quantity_spin",
        _SPIN,
        "value_edit",
        "pin_spin",
        _SPIN,
        "rule_combo",
        "expiry_date",
        _SPIN,
        "days_spin",
        _SPIN,
        "note_edit",
        "folder_edit",
        "folder_button",
        "create_button",
        "batch_view",
        "serial_edit",
        "show_button",
        "block_card_button",
        "history_view",
    ],
    # then the settings' editors, each in its group, in the scroll area
    "settings": ["save_button", "QScrollArea:"],
}


@pytest.fixture
def window(qtbot, seeded) -> AdminWindow:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def languages(qapp) -> Iterator[Languages]:
    langs = Languages(qapp)
    yield langs
    langs.apply("en")


def _titles(page) -> list[str]:
    return [
        label.text() for label in page.findChildren(QLabel) if label.objectName() == "sectionTitle"
    ]


def test_navigation_lists_the_pages_in_order(window) -> None:
    shown = [
        (window.nav.item(row).data(Qt.ItemDataRole.UserRole), window.nav.item(row).text())
        for row in range(window.nav.count())
    ]
    assert shown == [(key, nav) for key, (nav, _c, _t) in PAGES.items()]


@pytest.mark.parametrize("key", PAGES)
def test_each_page_title_table_dates_and_tab_order(window, key) -> None:
    page = window.page(key)
    _nav, _context, title = PAGES[key]
    assert _titles(page) == [title]
    if key in TABLES:
        view = page.view
        details = getattr(page, "detail_table", None)  # the audit entry's details
        assert [t for t in page.findChildren(QTableView) if t is not details] == [view]
        behaviour, mode, alternating, resize, stretch_last = TABLES[key]
        assert view.model() is page.model
        assert view.verticalHeader().isHidden()
        assert (view.selectionBehavior(), view.selectionMode()) == (behaviour, mode)
        assert view.alternatingRowColors() is alternating
        assert view.horizontalHeader().sectionResizeMode(0) == resize
        assert view.horizontalHeader().stretchLastSection() is stretch_last
    dates = page.findChildren(QDateEdit)
    assert len(dates) == DATE_FIELDS.get(key, 0)
    for field in dates:
        assert field.calendarPopup() and field.displayFormat() == "yyyy-MM-dd"
    order = tab_order(page)
    if key == "settings":
        order = order[: len(TABS[key])]
    assert order == TABS[key]


def test_header_row_puts_the_title_first_and_buttons_after_a_stretch(window) -> None:
    audit = window.page("audit")
    head = audit.layout().itemAt(0).layout()
    assert head.itemAt(0).widget().text() == "Audit journal"
    assert head.itemAt(1).spacerItem() is not None
    assert head.itemAt(2).widget() is audit.verify_button
    prices = window.page("prices")
    head = prices.layout().itemAt(0).layout()
    assert head.itemAt(0).widget().text() == "Price list"
    assert head.itemAt(1).widget() is prices.rate_label
    assert head.itemAt(2).spacerItem() is not None
    assert head.itemAt(3).widget() is prices.import_button


@pytest.mark.parametrize("key", PAGES)
def test_navigation_and_titles_in_bulgarian(qtbot, seeded, languages, key) -> None:
    languages.apply("bg")
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    nav, context, title = PAGES[key]
    row = list(PAGES).index(key)
    assert window.nav.item(row).text() == bulgarian("admin", "AdminWindow", nav)
    assert _titles(window.page(key)) == [bulgarian("admin", context, title)]


def test_price_list_versions_table(qtbot) -> None:
    dialog = VersionHistoryDialog([], UTC, None)
    qtbot.addWidget(dialog)
    [view] = dialog.findChildren(QTableView)
    assert view.model() is dialog.model
    assert view.verticalHeader().isHidden()
    assert (view.selectionBehavior(), view.selectionMode()) == (_Items, _Extended)
    assert not view.alternatingRowColors()
    assert view.horizontalHeader().sectionResizeMode(0) == _Interactive
    assert view.horizontalHeader().stretchLastSection()
