"""Leaving a page with unsaved edits (settings, price list) asks first (#13 point 12)."""

from __future__ import annotations

from ui.admin.window import AdminWindow


def _window(qtbot, seeded, answers: list[bool], asked: list[str]) -> AdminWindow:
    def confirm(title: str, text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    window = AdminWindow(seeded.shop, seeded.admin, confirm=confirm)
    qtbot.addWidget(window)
    window.show()
    return window


def test_leaving_unsaved_settings_asks_and_can_stay(qtbot, seeded) -> None:
    asked: list[str] = []
    window = _window(qtbot, seeded, [False, True], asked)
    page = window.show_page("settings")
    page.editors["shop_name"].setText("Call shop Vitosha")
    assert page.unsaved()
    window.nav.setCurrentRow(0)  # the admin clicks "Price list": stays, edits kept
    assert asked and window.stack.currentWidget() is page
    assert page.editors["shop_name"].text() == "Call shop Vitosha"
    assert window.nav.currentItem().data(256) == "settings"
    window.nav.setCurrentRow(0)  # asked again, and this time leaves (discarding)
    assert len(asked) == 2 and window.stack.currentWidget() is window.pages["prices"]


def test_no_question_without_edits(qtbot, seeded) -> None:
    asked: list[str] = []
    window = _window(qtbot, seeded, [], asked)
    window.show_page("settings")
    window.nav.setCurrentRow(0)
    assert asked == [] and window.stack.currentWidget() is window.pages["prices"]
