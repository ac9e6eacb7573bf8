"""The Settings page holds the link to central: URL, shop id and the token (masked)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ui.admin.window import AdminWindow


def test_settings_page_holds_the_central_link(qtbot, seeded) -> None:  # type: ignore[no-untyped-def]
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("settings")
    token = page.editors["central_token"]
    assert isinstance(token, QLineEdit)
    assert token.echoMode() == QLineEdit.EchoMode.Password
    page.editors["central_url"].setText("https://central.example.com")
    page.editors["central_shop"].setText("sofia-1")
    token.setText("cs_abc.secret")
    assert page.save()
    stored = seeded.shop.settings
    assert (stored.central_url, stored.central_shop, stored.central_token) == (
        "https://central.example.com",
        "sofia-1",
        "cs_abc.secret",
    )
    window.close()
