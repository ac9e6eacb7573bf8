"""The Settings page shows the SIP settings (from the registry) with the trunk password
in a masked field, and saves them validated."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from ui.admin.window import AdminWindow

SIP_SETTINGS = (
    "sip_listen",
    "sip_trunk",
    "sip_trunk_password",
    "sip_register_trunk",
    "sip_register_expires_s",
    "sip_trunk_cli",
    "sip_pass_caller_id",
    "sip_ua_block",
    "sip_rate_limit",
    "sip_ban_seconds",
)


def test_settings_page_edits_the_sip_settings_with_a_masked_password(
    qtbot, seeded, monkeypatch
) -> None:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("settings")
    assert all(name in page.editors for name in SIP_SETTINGS)
    password = page.editors["sip_trunk_password"]
    assert isinstance(password, QLineEdit)
    assert password.echoMode() == QLineEdit.EchoMode.Password
    assert page.editors["sip_trunk"].echoMode() == QLineEdit.EchoMode.Normal
    assert isinstance(page.editors["sip_pass_caller_id"], QCheckBox)
    assert "friendly-scanner" in page.editors["sip_ua_block"].text()

    page.editors["sip_trunk"].setText("sip:shop42@sip.carrier.example:5060")
    password.setText("trunk-secret")
    page.editors["sip_ua_block"].setText("friendly-scanner, EvilBot")
    page.editors["sip_rate_limit"].setText("10/5")
    assert page.save()
    stored = seeded.shop.settings
    assert stored.sip_trunk == "sip:shop42@sip.carrier.example:5060"
    assert stored.sip_trunk_password == "trunk-secret"
    assert stored.sip_ua_block == ("friendly-scanner", "EvilBot")
    assert stored.sip_rate_limit == "10/5"

    warnings: list[str] = []
    monkeypatch.setattr(
        "ui.admin.common.QMessageBox.warning", lambda _p, _t, text: warnings.append(text)
    )
    page.editors["sip_listen"].setText("till:5060")
    assert not page.save()
    assert warnings and "sip_listen" in warnings[0]
    assert seeded.shop.settings.sip_listen == "0.0.0.0:5060"
