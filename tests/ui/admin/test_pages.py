"""Every administration screen on a real shop: window, USD rate, account, users,
booths, settings, reports (with charts), audit viewer (reports a tampered row)."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import fx, ledger, users
from callshop_pos.services.reports.period import GroupBy
from tests.callshop_pos.services.admin_data import (
    T0,
    CallSpec,
    add_shift,
    insert_calls,
    random_calls,
)
from ui.admin.common import from_qdate, to_qdate
from ui.admin.window import AdminWindow, open_admin_window


def test_window_refuses_an_operator_and_opens_every_page(qtbot, seeded) -> None:
    with pytest.raises(PermissionDenied):
        AdminWindow(seeded.shop, seeded.operator)
    window = open_admin_window(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    keys = ("prices", "fx", "account", "reports", "users", "booths", "cards", "settings", "audit")
    for key in keys:
        assert window.show_page(key) is window.stack.currentWidget()
    assert window.nav.count() == len(keys)


def test_usd_rate_page_sets_and_lists_rates(qtbot, seeded, qtmodeltester) -> None:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("fx")
    page.rate_edit.setText("0,9123")
    page.date_edit.setDate(to_qdate(date(2026, 1, 1)))
    assert page.set_rate()
    assert page.model.rowCount() == 1 and page.model.record(0).set_by == "admin"
    assert "0.9123" in page.current_label.text()
    qtmodeltester.check(page.model)


def test_account_page_adds_topups_and_sums_a_period(qtbot, seeded, qtmodeltester) -> None:
    shop, admin = seeded.shop, seeded.admin
    ledger.add_topup(shop, admin, 100_000000, date(2025, 12, 1), "bank", "old")
    window = AdminWindow(shop, admin)
    qtbot.addWidget(window)
    page = window.show_page("account")
    page.from_edit.setDate(to_qdate(date(2026, 1, 1)))
    page.to_edit.setDate(to_qdate(date(2026, 1, 31)))
    for amount, day in (("250.50", date(2026, 1, 4)), ("49.50", date(2026, 1, 5))):
        page.amount_edit.setText(amount)
        page.date_edit.setDate(to_qdate(day))
        page.reference_edit.setText("bank transfer")
        assert page.add_topup()
    assert page.listing is not None and page.listing.total_micro_usd == 300_000000
    assert "300.00" in page.sum_label.text()
    assert "400.00" in page.balance_label.text()
    page.threshold_edit.setText("500")
    assert page.set_threshold()
    assert page.warning_label.text()
    qtmodeltester.check(page.model)


def test_users_page_add_disable_reset_unlock(qtbot, seeded, qtmodeltester) -> None:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("users")
    page.name_edit.setText("petya")
    page.password_edit.setText("secret-1")
    assert page.add_user()
    page.select_user("petya")
    assert page._on_selected(users.disable)
    assert not next(u for u in page.model.rows() if u.username == "petya").active
    page.select_user("petya")
    page.ask_password = lambda *_a: "another-1"
    assert page.reset_password()
    page.select_user("petya")
    assert page._on_selected(users.unlock)
    page.select_user("petya")
    assert page.switch_role()
    assert next(u for u in page.model.rows() if u.username == "petya").role.value == "admin"
    page.select_user("petya")
    assert page._on_selected(users.enable)
    qtmodeltester.check(page.model)


def test_booths_page_add_edit_remove_and_blocked_prefixes(qtbot, seeded, qtmodeltester) -> None:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("booths")
    page.name_edit.setText("Booth 9")
    page.billing_combo.setCurrentIndex(page.billing_combo.findData("prepaid"))
    page.deposit_edit.setText("5.00")
    page.cap_edit.setText("20")
    page.duration_spin.setValue(1800)
    assert page.add_booth()
    row = next(i for i, b in enumerate(page.model.rows()) if b.name == "Booth 9")
    page.view.selectRow(row)
    assert page.name_edit.text() == "Booth 9" and page.deposit_edit.text() == "5.00"
    page.auto_lock_check.setChecked(True)
    assert page.update_booth()
    assert next(b for b in page.model.rows() if b.name == "Booth 9").auto_lock
    page.view.selectRow(row)
    assert page.remove_booth()
    assert all(b.name != "Booth 9" for b in page.model.rows())
    # a SIP booth needs its SIP user and password (kept only as a digest)
    page.name_edit.setText("Booth 10")
    page.driver_combo.setCurrentIndex(page.driver_combo.findData("sip"))
    page.billing_combo.setCurrentIndex(page.billing_combo.findData("postpaid"))
    page.sip_user_edit.setText("booth10")
    page.sip_password_edit.setText("s3cret-pw")
    assert page.add_booth()
    assert next(b for b in page.model.rows() if b.name == "Booth 10").sip_user == "booth10"
    qtmodeltester.check(page.model)
    page.blocked_edit.setText("900, 1900")
    assert page.save_blocked()
    assert seeded.shop.settings.blocked_prefixes == ("900", "1900")


def test_settings_page_saves_validated_values(qtbot, seeded, monkeypatch) -> None:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("settings")
    page.editors["shop_name"].setText("Телефони Център")
    page.editors["cash_rounding_unit"].setText("5")
    assert page.save()
    assert seeded.shop.settings.shop_name == "Телефони Център"
    assert seeded.shop.settings.cash_rounding_unit == 5
    warnings: list[str] = []
    monkeypatch.setattr(
        "ui.admin.common.QMessageBox.warning", lambda _p, _t, text: warnings.append(text)
    )
    page.editors["cash_rounding_unit"].setText("five")
    assert not page.save()
    assert warnings and seeded.shop.settings.cash_rounding_unit == 5


def test_reports_page_shows_table_charts_and_exports(
    qtbot, seeded, tmp_path: Path, qtmodeltester
) -> None:
    shop, admin = seeded.shop, seeded.admin
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    shift = add_shift(shop, seeded.operator.user_id, T0, closed=True)
    insert_calls(shop, random_calls(random.Random(5), 200, T0, 7, [shift]))
    window = AdminWindow(shop, admin)
    qtbot.addWidget(window)
    page = window.show_page("reports")
    page.set_period(date(2026, 3, 1), date(2026, 3, 7), GroupBy.DAY)
    report = page.run()
    assert report is not None and page.model.rowCount() == 8  # 7 days + total
    assert page.charts_layout.count() == 2
    assert "calls" in page.summary.text()
    qtmodeltester.check(page.model)
    page.export_csv(tmp_path / "r.csv")
    page.export_pdf(tmp_path / "r.pdf")
    assert (tmp_path / "r.csv").read_text().startswith("day,")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    page.set_period(date(2026, 3, 1), date(2026, 3, 7), GroupBy.OPERATOR)
    report = page.run()
    assert report is not None and [r.key for r in report.rows] == ["olga"]
    assert from_qdate(page.last_edit.date()) - from_qdate(page.first_edit.date()) == timedelta(6)


def test_audit_viewer_filters_corrects_and_reports_a_tampered_row(
    qtbot, seeded, db_url: str, qtmodeltester
) -> None:
    shop, admin = seeded.shop, seeded.admin
    ledger.add_topup(shop, admin, 10_000000, date(2026, 1, 5), "cash", "till")
    window = AdminWindow(shop, admin)
    qtbot.addWidget(window)
    page = window.show_page("audit")
    assert page.status is not None and page.status.intact
    assert "Intact" in page.chain_label.text()
    page.action_edit.setText("ledger")
    page.from_edit.setDate(to_qdate(date(2026, 1, 1)))
    page.refresh()
    assert [line.action for line in page.model.rows()] == ["ledger.topup"]
    qtmodeltester.check(page.model)
    # a closed shift's call corrected: a new entry with the reason, the call untouched
    shift = add_shift(shop, seeded.operator.user_id, T0, closed=True)
    [call_id] = insert_calls(
        shop, [CallSpec(T0, True, 60, 120, 5000, "unpaid", "Booth 1", "UK", shift)]
    )
    page.call_spin.setValue(call_id)
    page.status_combo.setCurrentIndex(page.status_combo.findData("paid"))
    page.reason_edit.setText("paid next morning")
    assert page.correct()
    # tamper behind the application's back
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE ledger_entries SET amount_micro_usd = 99000000 WHERE kind = 'topup'")
    status = page.check_chain()
    assert status is not None and not status.intact and status.broken_at is not None
    assert f"BROKEN at entry {status.broken_at}" in page.chain_label.text()


def test_the_window_speaks_bulgarian(qtbot, qapp, seeded) -> None:
    from ui.i18n import Languages

    languages = Languages(qapp)
    languages.apply("bg")
    try:
        window = AdminWindow(seeded.shop, seeded.admin)
        qtbot.addWidget(window)
        titles = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert titles[0] == "Ценова листа" and titles[-1] == "Одитен дневник"
        page = window.show_page("prices")
        assert page.save_button.text() == "Запиши като нова версия"
        assert page.model.headerData(2, Qt.Orientation.Horizontal) == "Код"
    finally:
        languages.apply("en")
