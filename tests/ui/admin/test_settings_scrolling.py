"""Scrolling the settings page with the mouse wheel scrolls the page: it never changes
a setting the pointer happens to pass over (#13 point 12)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox

from ui.admin.window import AdminWindow


def _wheel(widget, steps: int) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        widget.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, -120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_a_setting_does_not_change_it(qtbot, seeded) -> None:
    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("settings")
    combo = page.editors["print_policy"]
    assert isinstance(combo, QComboBox)
    before = combo.currentIndex()
    page.save_button.setFocus()  # the pointer passes over the combo; focus is elsewhere
    _wheel(combo, 1)
    assert combo.currentIndex() == before
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
