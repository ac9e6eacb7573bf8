"""Translations: shipped catalogues are current and complete; switching the language."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from callshop_pos.clock import FakeClock
from callshop_pos.services.till import shifts
from tests.callshop_pos.support import make_shop
from tests.ui.support import FakeEngine
from ui.app import CashierApp
from ui.bridge import EngineBridge
from ui.formatting import Formatter
from ui.i18n import I18N_DIR, Languages, default_language
from ui.till import Till

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_translations_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_source_string_is_translated() -> None:
    tree = ET.parse(I18N_DIR / "callshop_bg.ts")
    untranslated = [
        m.findtext("source")
        for m in tree.getroot().iter("message")
        if not (m.findtext("translation") or "").strip()
        or m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
    ]
    assert untranslated == []
    # Placeholders survive translation.
    for message in tree.getroot().iter("message"):
        source, text = message.findtext("source") or "", message.findtext("translation") or ""
        for name in ("{n}", "{amount}", "{booth}", "{count}", "{id}", "{total}"):
            assert (name in source) == (name in text), (source, text)


def test_default_language_follows_the_system() -> None:
    assert default_language(QLocale("bg_BG")) == "bg"
    assert default_language(QLocale("de_DE")) == "en"


@pytest.fixture
def languages(qapp) -> Languages:
    langs = Languages(qapp)
    yield langs
    langs.apply("en")


def test_bulgarian_translates_our_strings_and_qt_buttons(qtbot, languages) -> None:
    languages.apply("bg")
    assert QApplication.translate("MainWindow", "Booths") == "Кабини"
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Отказ"
    assert Formatter(languages.locale()).money(123456) == "1234,56\u00a0€"
    languages.apply("en")
    assert QApplication.translate("MainWindow", "Booths") == "Booths"


def test_switching_language_rebuilds_the_window(qtbot, qapp, tmp_path) -> None:
    seeded = make_shop(f"sqlite:///{tmp_path / 'shop.db'}", FakeClock())
    try:
        shifts.open_shift(seeded.shop, seeded.operator, 1000)
        bridge = EngineBridge()
        engine = FakeEngine(bridge, booths=2)
        engine.publish_all()
        data = tmp_path / "data"  # the suite's isolated data directory
        cashier = CashierApp(qapp, seeded.shop, bridge, engine, data)
        cashier.switch_language("en")
        cashier.till = Till(seeded.shop, seeded.operator)
        window = cashier.show_window()
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: len(window.grid.booths()) == 2)
        assert window.pay_action.text() == "PAY selected calls"
        cashier.switch_language("bg")
        bg_window = cashier.window
        assert bg_window is not None and bg_window is not window
        qtbot.addWidget(bg_window)
        assert bg_window.pay_action.text() == "ПЛАТИ избраните"
        assert bg_window.shift_bar.cash.value.text() == "0,00\u00a0€"
        # The booths came back from the bridge's latest state, in the new language.
        assert bg_window.grid.tile("Booth 1")._state.text() == "Свободна"
        # The choice is remembered for the next start.
        again = CashierApp(qapp, seeded.shop, bridge, engine, data)
        assert again.languages.current == "bg"
        again.languages.apply("en")
        cashier.switch_language("en")
        assert cashier.window is not None
        qtbot.addWidget(cashier.window)
    finally:
        seeded.shop.close()
