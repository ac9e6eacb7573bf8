"""#13 point 14: amounts in the shop's currency and USD instead of "minor units" and
"micro-USD", errors in words, forms instead of JSON (driver settings, devices), and
the audit journal's details as names and values."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from callshop_pos.services.admin import booths
from callshop_pos.services.admin import settings as settings_service
from callshop_pos.services.till.shifts import close_shift, open_shift
from ui.admin.devices_form import DevicesForm
from ui.admin.window import AdminWindow


def _window(qtbot: Any, seeded: Any) -> AdminWindow:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _warnings(monkeypatch: Any) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(
        "ui.admin.common.QMessageBox.warning", lambda _p, _t, text: seen.append(text)
    )
    return seen


def test_settings_amounts_in_eur_and_usd(qtbot, seeded, monkeypatch) -> None:
    window = _window(qtbot, seeded)
    page = window.show_page("settings")
    texts = " ".join(label.text() for label in page.findChildren(QLabel))
    assert "minor units" not in texts and "micro-USD" not in texts
    assert page.currency_labels["cash_rounding_unit"].text() == "EUR"
    assert page.currency_labels["low_balance_threshold_micro_usd"].text() == "USD"
    assert page.editors["cash_rounding_unit"].text() == "0.01"
    assert page.editors["low_balance_threshold_micro_usd"].text() == "10.00"
    page.editors["cash_rounding_unit"].setText("0,05")
    page.editors["low_balance_threshold_micro_usd"].setText("25.50")
    assert page.save()
    now = settings_service.get_settings(seeded.shop)
    assert now.cash_rounding_unit == 5 and now.low_balance_threshold_micro_usd == 25_500_000
    warnings = _warnings(monkeypatch)
    page.editors["low_balance_threshold_micro_usd"].setText("-5")
    assert not page.save()
    assert "cannot be negative, not USD -5.00" in warnings[-1]
    assert settings_service.get_settings(seeded.shop).low_balance_threshold_micro_usd == 25_500_000


def test_devices_are_a_form_not_json(qtbot, seeded, monkeypatch) -> None:
    window = _window(qtbot, seeded)
    page = window.show_page("settings")
    form = page.editors["devices"]
    assert isinstance(form, DevicesForm)
    form.fields[("printer", "connection")].setText("tcp:192.168.1.50")
    form.fields[("printer", "paper_mm")].setText("58")
    form.fields[("display", "port")].setText("/dev/ttyUSB1")
    assert page.save()
    assert settings_service.get_settings(seeded.shop).devices == {
        "printer": {"connection": "tcp:192.168.1.50", "paper_mm": 58},
        "display": {"port": "/dev/ttyUSB1"},
    }
    page.refresh()
    assert not page.unsaved()
    assert form.fields[("printer", "paper_mm")].text() == "58"
    warnings = _warnings(monkeypatch)
    form.fields[("printer", "paper_mm")].setText("wide")
    assert not page.save()
    assert "paper_mm must be a whole number" in warnings[-1]
    form.fields[("printer", "paper_mm")].setText("")
    form.fields[("printer", "connection")].setText("")
    assert page.save()  # emptied: no printer entry
    assert "printer" not in settings_service.get_settings(seeded.shop).devices


def test_booth_driver_fields_and_cost_cap_in_words(qtbot, seeded, monkeypatch) -> None:
    window = _window(qtbot, seeded)
    page = window.show_page("booths")
    warnings = _warnings(monkeypatch)
    page.name_edit.setText("Booth 7")
    page.cap_edit.setText("-5")
    assert not page.add_booth()
    assert "the cost cap must be above 0.00 EUR (empty: no cap), not -5.00 EUR" in warnings[-1]
    page.cap_edit.setText("5")
    page.driver_combo.setCurrentIndex(page.driver_combo.findData("quicknet"))
    assert page.device_edit.isVisibleTo(page) and not page.bind_edit.isVisibleTo(page)
    assert page.route_combo.isVisibleTo(page)
    page.device_edit.setText("/dev/phone3")
    page.route_combo.setCurrentIndex(page.route_combo.findData("voip"))
    assert page.add_booth()
    booth = booths.get_booth(seeded.shop, "Booth 7")
    assert booth.driver_settings == {"device": "/dev/phone3", "route": "voip"}
    assert booth.cost_cap_minor == 500
    row = next(i for i, b in enumerate(page.model.rows()) if b.name == "Booth 7")
    column = next(
        c
        for c in range(page.model.columnCount())
        if page.model.headerData(c, Qt.Orientation.Horizontal) == "Settings"
    )
    assert page.model.index(row, column).data() == "device: /dev/phone3, route: voip"
    page.driver_combo.setCurrentIndex(page.driver_combo.findData("sip"))
    assert page.bind_edit.isVisibleTo(page) and not page.device_edit.isVisibleTo(page)
    assert not page.route_combo.isVisibleTo(page)


def test_audit_details_as_names_and_values(qtbot, seeded) -> None:
    shop, _admin, olga = seeded
    open_shift(shop, olga, 5000)
    close_shift(shop, olga, 4990)
    window = _window(qtbot, seeded)
    page = window.show_page("audit")
    page.action_edit.setText("shift.close")
    page.refresh()
    assert page.model.rowCount() == 1
    details = page.model.index(0, page.model.columnCount() - 1).data()
    assert "{" not in details and "expected: 50.00 EUR" in details
    page.view.selectRow(0)
    shown = {
        page.detail_table.item(r, 0).text(): page.detail_table.item(r, 1).text()
        for r in range(page.detail_table.rowCount())
    }
    assert shown["counted"] == "49.90 EUR" and shown["discrepancy"] == "-0.10 EUR"
