"""The selected booth and its actions, beside the calls (mouse users' way in)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from callshop_pos.lines.snapshot import BoothSnapshot

__all__ = ["BoothBox", "action_button"]


def action_button(action: QAction, name: str = "", *, label: str = "") -> QPushButton:
    """A push button that triggers ``action`` and shows its shortcut.

    ``label`` is a shorter text for a narrow button; the tooltip keeps the full name.
    """
    shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    button = QPushButton(f"{label or action.text()}   {shortcut}".strip())
    button.setToolTip(f"{action.text()} ({shortcut})" if shortcut else action.text())
    if name:
        button.setObjectName(name)
    button.setAutoDefault(False)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.clicked.connect(action.trigger)
    action.enabledChanged.connect(button.setEnabled)
    button.setEnabled(action.isEnabled())
    return button


class BoothBox(QFrame):
    """Name of the chosen booth and buttons for lock/unlock, hang up, deposit, calls."""

    def __init__(self, actions: list[tuple[str, QAction]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sideBox")
        self.name_label = QLabel(self.tr("No booth selected"), objectName="sectionTitle")
        grid = QGridLayout()
        grid.setSpacing(6)
        self.buttons = []
        columns = 2 if len(actions) <= 4 else 3  # at most two rows of buttons
        for index, (label, action) in enumerate(actions):
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button = QPushButton(label)
            button.setToolTip(f"{action.text()} ({shortcut})")
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            button.setEnabled(action.isEnabled())
            grid.addWidget(button, index // columns, index % columns)
            self.buttons.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addLayout(grid)

    def show_booth(self, snapshot: BoothSnapshot | None) -> None:
        """Name the booth; the first button says what locking would do now."""
        if snapshot is None:
            self.name_label.setText(self.tr("No booth selected"))
            return
        self.name_label.setText(snapshot.booth)
        if self.buttons:
            self.buttons[0].setText(self.tr("Unlock") if snapshot.locked else self.tr("Lock"))
