"""The login screen: user name and password, the core's refusal shown as it is said.

In demo mode (and only then) it shows the demo accounts, so a visitor can try the
till without reading a manual.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.auth import Actor, LoginFailed, LoginRefusal
from ui.action_errors import plain_words
from ui.dialog_parts import confirm_buttons, error_line, show_error

__all__ = ["LoginDialog"]

Login = Callable[[str, str], Actor]


class LoginDialog(QDialog):
    """Asks for credentials until ``login`` accepts them; :attr:`actor` is the result."""

    def __init__(
        self,
        login: Login,
        *,
        demo_accounts: list[tuple[str, str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._login = login
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("CallShop POS — log in"))
        self.setMinimumWidth(420)

        title = QLabel(self.tr("CallShop POS"), objectName="loginTitle")
        subtitle = QLabel(self.tr("Log in to the till"), objectName="loginSubtitle")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(self.tr("user name"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("password"))
        self.error_label = error_line()

        form = QFormLayout()
        form.addRow(self.tr("&User"), self.user_edit)
        form.addRow(self.tr("&Password"), self.password_edit)

        buttons, self.ok_button = confirm_buttons(self, self.tr("Log in"), self._on_submit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        if demo_accounts:
            lines = [self.tr("<b>Demo mode</b> — simulated booths, sample prices.")]
            for role, name, password in demo_accounts:
                lines.append(
                    self.tr("{role}: <b>{name}</b> / <b>{password}</b>").format(
                        role=role, name=name, password=password
                    )
                )
            self.demo_label = QLabel("<br>".join(lines), objectName="demoBox")
            self.demo_label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(self.demo_label)
            self.user_edit.setText(demo_accounts[0][1])
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        (self.password_edit if self.user_edit.text() else self.user_edit).setFocus()

    def _on_submit(self) -> None:
        name = self.user_edit.text().strip()
        if not name:
            show_error(self.error_label, self.tr("Enter your user name."))
            self.user_edit.setFocus()
            return
        try:
            self.actor = self._login(name, self.password_edit.text())
        except LoginFailed as exc:
            show_error(self.error_label, self._refusal_text(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "log in"))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()

    def _refusal_text(self, exc: LoginFailed) -> str:
        """The refusal in the till's language (the core's message is English)."""
        minutes, seconds = divmod(exc.locked_s, 60)
        if minutes and seconds:
            wait = self.tr("{m} min {s} s").format(m=minutes, s=seconds)
        elif minutes:
            wait = self.tr("{m} min").format(m=minutes)
        else:
            wait = self.tr("{s} s").format(s=seconds)
        if exc.refusal == LoginRefusal.NOW_LOCKED:
            return self.tr(
                "Wrong user name or password. Too many wrong passwords: "
                "the account is locked for {wait}."
            ).format(wait=wait)
        if exc.refusal == LoginRefusal.LOCKED:
            return self.tr(
                "Too many wrong passwords: the account is locked for another {wait}."
            ).format(wait=wait)
        if exc.refusal == LoginRefusal.DISABLED:
            return self.tr("This account is disabled; ask the administrator.")
        return self.tr("Wrong user name or password.")
