"""Pieces the till's confirm dialogs build alike: the error line that shows the
core's refusal, and the OK / Cancel row whose OK button performs the dialog's action.

Texts are passed in already translated, so every string keeps the ``tr()`` context
of the dialog it belongs to (and its Bulgarian translation).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton

__all__ = ["confirm_buttons", "error_line", "show_error"]


def error_line() -> QLabel:
    """A word-wrapped ``errorText`` label, hidden until :func:`show_error` fills it."""
    label = QLabel()
    label.setObjectName("errorText")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(line: QLabel, text: str) -> None:
    """Show ``text`` (e.g. a ``CallShopError``'s message) on an :func:`error_line`."""
    line.setText(text)
    line.show()


def confirm_buttons(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], object], *, enabled: bool = True
) -> tuple[QDialogButtonBox, QPushButton]:
    """OK / Cancel for ``dialog``: OK says ``ok_text``, is the default button (Enter),
    starts ``enabled`` or not, and runs ``on_ok``; Cancel rejects ``dialog``.

    Returns the row (to lay out) and its OK button (to enable as the input allows).
    """
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok_button.setText(ok_text)
    ok_button.setDefault(True)
    ok_button.setEnabled(enabled)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok_button
