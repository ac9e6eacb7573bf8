"""The administration's Prepaid cards page: create a batch (sheets in the chosen folder),
list batches, look a card up with its history, block a card and a batch; refusals shown
in plain words. Also renders docs/screenshots/admin-cards.png (offscreen, 1366x768)."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from callshop_pos.db.models.cards import ExpiryRule
from callshop_pos.engine_store.card_store import CardGrant, ShopCardStore
from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.till.shifts import open_shift
from ui.admin.cards_page import CardsPage
from ui.admin.common import to_qdate
from ui.admin.window import AdminWindow
from ui.app import load_stylesheet

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "admin-cards.png"


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.admin.common.QMessageBox.warning", lambda _p, _t, text: shown.append(text)
    )
    return shown


def _page(qtbot, seeded) -> tuple[AdminWindow, CardsPage]:  # type: ignore[no-untyped-def]
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("cards")
    assert isinstance(page, CardsPage)
    return window, page


def _create(page: CardsPage, folder: Path, count: int, value: str) -> list[dict[str, str]]:
    page.quantity_spin.setValue(count)
    page.value_edit.setText(value)
    page.folder_edit.setText(str(folder))
    assert page.create_batch()
    assert page.last_created is not None
    with page.last_created.csv.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_create_show_and_block(qtbot, seeded, tmp_path, warnings, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    _, page = _page(qtbot, seeded)
    page.ask_folder = lambda _p, _start: str(tmp_path)
    page.folder_button.click()
    assert page.folder_edit.text() == str(tmp_path)
    page.rule_combo.setCurrentIndex(page.rule_combo.findData(ExpiryRule.FIXED_DATE.value))
    assert page.expiry_date.isEnabled() and not page.days_spin.isEnabled()
    page.expiry_date.setDate(to_qdate(date(2027, 6, 30)))
    page.note_edit.setText("summer")
    rows = _create(page, tmp_path, 5, "10,00")
    assert len(rows) == 5 and "5 cards created" in page.result_label.text()
    assert page.batches.rowCount() == 1
    batch = page.batches.record(0)
    assert (batch.quantity, batch.face_value_minor, batch.expiry_date) == (
        5,
        1000,
        date(2027, 6, 30),
    )
    qtmodeltester.check(page.batches)
    # Sell one and call with it, then look it up.
    shop = seeded.shop
    open_shift(shop, seeded.operator, 0)
    sell_card(shop, seeded.operator, rows[0]["serial"])
    store = ShopCardStore(shop)
    grant = store.authorize(rows[0]["pin"], "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    store.debit(grant.card_id, "call-1", 230, booth="B1")
    page.serial_edit.setText(rows[0]["serial"])
    assert page.show_card()
    assert "balance 7.70 EUR of 10.00" in page.card_label.text()
    assert page.history.rowCount() == 2
    assert page.history.data(page.history.index(1, 1)) == "call"
    qtmodeltester.check(page.history)
    page.ask_reason = lambda _p, _title: "lost"
    assert page.block_card()
    assert "blocked" in page.card_label.text()
    assert "1 blocked, 4 not sold" in page.batches.data(page.batches.index(0, 6))
    page.select_batch(batch.id)
    assert page.block_selected_batch()
    assert page.batches.record(0).blocked
    assert warnings == []


def test_refusals_are_shown(qtbot, seeded, tmp_path, warnings) -> None:  # type: ignore[no-untyped-def]
    _, page = _page(qtbot, seeded)
    page.value_edit.setText("10.00")
    assert not page.create_batch()
    assert "folder" in warnings[-1]
    page.folder_edit.setText(str(tmp_path))
    page.value_edit.setText("ten")
    assert not page.create_batch()
    assert "Face value" in warnings[-1]
    assert not page.block_selected_batch()
    assert "Choose a batch" in warnings[-1]
    page.serial_edit.setText("12345")
    assert not page.show_card()
    assert "not a card serial" in warnings[-1]
    assert not page.block_card_button.isEnabled()
    assert page.batches.rowCount() == 0


def test_an_operator_is_refused_by_the_core(qtbot, seeded, warnings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        AdminWindow(seeded.shop, seeded.operator)
    page = CardsPage(seeded.shop, seeded.operator)
    qtbot.addWidget(page)
    page.refresh()  # the page alone: the service refuses
    assert len(warnings) == 1 and page.batches.rowCount() == 0


@pytest.mark.skipif(not os.environ.get("CALLSHOP_SCREENSHOTS"), reason="CALLSHOP_SCREENSHOTS=1")
def test_screenshot(qtbot, seeded, tmp_path, warnings) -> None:  # type: ignore[no-untyped-def]
    update_settings(seeded.shop, seeded.admin, shop_name="Витоша")
    load_stylesheet(QApplication.instance())  # as the till's window runs
    window, page = _page(qtbot, seeded)
    window.resize(1366, 768)
    window.show()
    page.folder_edit.setText(str(tmp_path))
    rows = _create(page, tmp_path, 50, "10.00")
    page.rule_combo.setCurrentIndex(page.rule_combo.findData(ExpiryRule.AFTER_FIRST_USE.value))
    page.days_spin.setValue(60)
    page.note_edit.setText("regulars")
    _create(page, tmp_path, 20, "5.00")
    shop = seeded.shop
    open_shift(shop, seeded.operator, 0)
    store = ShopCardStore(shop)
    for i, row in enumerate(rows[:6]):
        sell_card(shop, seeded.operator, row["serial"])
        grant = store.authorize(row["pin"], f"B{i % 3 + 1}", shop.clock.now())
        assert isinstance(grant, CardGrant)
        store.debit(grant.card_id, f"call-{i}", 120 + 95 * i, booth=f"B{i % 3 + 1}")
        shop.clock.advance(600)
    page.refresh()
    page.serial_edit.setText(rows[0]["serial"])
    page.show_card()
    page.folder_edit.setText("/home/shop/cards")
    page.result_label.setText(page.result_label.text().replace(str(tmp_path), "/home/shop/cards"))
    qtbot.waitUntil(page.isVisible)
    window.grab().save(str(SCREENSHOT))
    assert SCREENSHOT.exists()
