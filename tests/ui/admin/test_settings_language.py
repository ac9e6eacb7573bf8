"""The settings page in Bulgarian: every label and section title is translated."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel

from callshop_pos.settings import Settings
from tests.ui.widget_facts import bulgarian
from ui.admin.window import AdminWindow
from ui.i18n import Languages


def test_every_setting_has_a_bulgarian_label() -> None:
    for setting in Settings.registry().values():
        assert bulgarian("admin", "Settings", setting.doc).strip(), setting.doc


def test_the_settings_page_shows_no_english_in_bulgarian(qtbot, qapp, seeded) -> None:
    languages = Languages(qapp)
    languages.apply("bg")
    try:
        window = AdminWindow(seeded.shop, seeded.admin)
        qtbot.addWidget(window)
        page = window.show_page("settings")
        labels = [label.text() for label in page.findChildren(QLabel) if label.text()]
        titles = [box.title() for box in page.findChildren(QGroupBox)]
        english = {s.doc for s in Settings.registry().values()}
        assert not english & set(labels)
        assert bulgarian("admin", "Settings", "Shop name printed on receipts") in labels
        assert all(any("\u0400" <= ch <= "\u04ff" for ch in title) for title in titles), titles
    finally:
        languages.apply("en")


def test_receipts_default_to_the_shops_language_and_the_page_says_so(qtbot, seeded) -> None:
    assert seeded.shop.settings.language == "bg"
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    page = window.show_page("settings")
    labels = [label.text() for label in page.findChildren(QLabel)]
    assert any("receipts" in text and "shop's language" in text for text in labels), labels
