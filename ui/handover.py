"""Handing the till over to the next operator, and what a user is told on logging in
while another operator's shift is open.

The hand-over is one step in the core (:func:`callshop_pos.services.till.shifts.hand_over`):
the open shift closes with the counted cash and the next operator's shift opens, in
one transaction. Both operators confirm with their password: the one who closes
(the shift's operator, or an administrator) and the one who takes over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services import auth
from callshop_pos.services.auth import Actor
from callshop_pos.services.reports.summary import ShiftReport
from callshop_pos.services.till.shifts import HandOver, ShiftOwner
from ui.action_errors import plain_words
from ui.amount_edit import AmountEdit
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.formatting import Formatter

if TYPE_CHECKING:
    from ui.main_window import MainWindow
    from ui.till import Till

__all__ = [
    "HandOverDialog",
    "HandedOver",
    "ShiftOwnerDialog",
    "hand_over_to_me",
    "hand_over_to_next",
    "settle_shift_owner",
]


def _whole(button: QPushButton) -> QPushButton:
    """Never narrower than its (bold, styled) text: a long translation stays whole."""
    button.ensurePolished()
    button.setMinimumWidth(button.sizeHint().width())
    return button


@dataclass(frozen=True)
class HandedOver:
    """A hand-over done: the core's result and the user whose shift is open now."""

    result: HandOver
    incoming: Actor


#: (other user's name, their password, counted cash, next float or None) → done.
HandOverAction = Callable[[str, str, int, int | None], HandedOver]


def hand_over_to_next(till: Till) -> HandOverAction:
    """The logged-in cashier hands over to the next operator, who types their login."""

    def act(name: str, password: str, counted: int, float_minor: int | None) -> HandedOver:
        incoming = auth.login(till.shop, name, password)
        done = till.hand_over(till.actor, incoming, counted, float_minor)
        return HandedOver(done, incoming)

    return act


def hand_over_to_me(till: Till) -> HandOverAction:
    """The logged-in user takes over: the shift's operator (or an administrator)
    confirms the count with their password."""

    def act(name: str, password: str, counted: int, float_minor: int | None) -> HandedOver:
        outgoing = auth.login(till.shop, name, password)
        done = till.hand_over(outgoing, till.actor, counted, float_minor)
        return HandedOver(done, till.actor)

    return act


class HandOverDialog(QDialog):
    """Counted cash, the next shift's float and the other user's login, in one step.

    ``outgoing``: the name of the shift's operator when the user taking over is the
    one logged in (the field then names who confirms the count); without it, the
    logged-in cashier hands over and types the next operator's login.
    """

    def __init__(
        self,
        formatter: Formatter,
        act: HandOverAction,
        *,
        report: ShiftReport | None = None,
        owner: ShiftOwner | None = None,
        outgoing: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._act = act
        self._fmt = formatter
        self.result_value: HandedOver | None = None
        if report is not None:
            shift_id, operator = report.summary.id, report.summary.operator
        else:
            assert owner is not None, "give the shift's X report or its owner"
            shift_id, operator = owner.shift_id, owner.operator
        self.setWindowTitle(self.tr("Hand over the shift"))
        self.setMinimumWidth(480)
        heading = QLabel(
            self.tr("Shift {id} of {operator}").format(id=shift_id, operator=operator),
            objectName="sectionTitle",
        )
        text = QLabel(
            self.tr(
                "Count the drawer. The shift closes with its Z report and the next "
                "operator's shift opens at once, with the counted cash as its float "
                "unless you enter another amount."
            )
        )
        text.setWordWrap(True)
        # Operators see their own shift's figures only: the one taking over counts.
        self.expected_label = QLabel(
            formatter.money(report.summary.expected_minor) if report is not None else "",
            objectName="figureValue",
        )
        self.counted_edit = AmountEdit(formatter.currency.digits)
        self.counted_edit.setObjectName("bigAmount")
        self.float_edit = AmountEdit(formatter.currency.digits)
        self.float_edit.setPlaceholderText(self.tr("same as counted"))
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if report is not None:
            form.addRow(self.tr("Expected in drawer"), self.expected_label)
        form.addRow(self.tr("&Counted cash"), self.counted_edit)
        form.addRow(self.tr("&Float of the next shift"), self.float_edit)
        if outgoing is None:
            form.addRow(self.tr("&Next operator"), self.user_edit)
            form.addRow(self.tr("Their &password"), self.password_edit)
        else:
            self.user_edit.setText(outgoing)
            self.user_edit.setEnabled(False)
            form.addRow(self.tr("Shift's operator"), self.user_edit)
            form.addRow(self.tr("Their &password"), self.password_edit)
            note = QLabel(
                self.tr(
                    "{operator} confirms the count with their password (an "
                    "administrator may confirm instead: type the administrator's "
                    "name)."
                ).format(operator=outgoing)
            )
            note.setWordWrap(True)
            form.addRow(note)
            self._unlock = _whole(QPushButton(self.tr("An administrator confirms")))
            self._unlock.setAutoDefault(False)
            self._unlock.clicked.connect(self._admin_confirms)
            unlock_row = QHBoxLayout()
            unlock_row.addStretch(1)
            unlock_row.addWidget(self._unlock)
            form.addRow(unlock_row)
        if report is not None and report.unserved_calls:
            warning = QLabel(
                self.tr(
                    "{n} call(s) are still unserved: the hand-over leaves them unserved "
                    "in the closed shift."
                ).format(n=len(report.unserved_calls)),
                objectName="warningBox",
            )
            warning.setWordWrap(True)
            form.addRow(warning)
        self.error_label = error_line()
        buttons, self.ok_button = confirm_buttons(self, self.tr("Hand over"), self._on_submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.counted_edit.setFocus()

    def _admin_confirms(self) -> None:
        self.user_edit.setEnabled(True)
        self.user_edit.clear()
        self.user_edit.setFocus()

    def _on_submit(self) -> None:
        counted = self.counted_edit.amount()
        if counted is None:
            show_error(
                self.error_label,
                self.counted_edit.problem()
                or self.tr("Enter the cash counted in the drawer, e.g. 50.00."),
            )
            return
        float_minor: int | None = None
        if self.float_edit.text().strip():
            float_minor = self.float_edit.amount()
            if float_minor is None:
                show_error(
                    self.error_label,
                    self.float_edit.problem()
                    or self.tr("Enter the next shift's float, e.g. 50.00, or leave it empty."),
                )
                return
        name = self.user_edit.text().strip()
        if not name or not self.password_edit.text():
            show_error(self.error_label, self.tr("Enter the user name and password."))
            return
        try:
            self.result_value = self._act(name, self.password_edit.text(), counted, float_minor)
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            self.password_edit.clear()
            show_error(self.error_label, plain_words(exc, "hand over"))
            return
        self.accept()


class ShiftOwnerDialog(QDialog):
    """Another operator's shift is open: say whose, offer the hand-over or log out.

    An administrator may also work in it (the core lets administrators act on any
    shift); that is a choice made here, never silently."""

    HAND_OVER = 1
    WORK_AS_ADMIN = 2

    def __init__(
        self,
        owner: ShiftOwner,
        user: str,
        formatter: Formatter | None = None,
        *,
        admin: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice = 0
        self.setWindowTitle(self.tr("Another operator's shift is open"))
        self.setMinimumWidth(460)
        since = formatter.date_time(owner.opened_at) if formatter is not None else ""
        self.text_label = QLabel(
            self.tr(
                "{user}, shift {id} of {operator} is open (since {since}). Nobody works "
                "in another operator's shift: take it over with a hand-over (the drawer "
                "is counted, {operator}'s shift closes and yours opens), or log out."
            ).format(user=user, id=owner.shift_id, operator=owner.operator, since=since)
        )
        self.text_label.setWordWrap(True)
        self.hand_over_button = _whole(QPushButton(self.tr("Hand over to me…")))
        self.hand_over_button.setDefault(True)
        self.logout_button = _whole(QPushButton(self.tr("Log out")))
        self.admin_button = _whole(QPushButton(self.tr("Work in it as administrator")))
        self.admin_button.setVisible(admin)
        self.hand_over_button.clicked.connect(lambda: self._choose(self.HAND_OVER))
        self.admin_button.clicked.connect(lambda: self._choose(self.WORK_AS_ADMIN))
        self.logout_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.admin_button, self.logout_button, self.hand_over_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(self.text_label)
        layout.addLayout(row)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept()


def settle_shift_owner(window: MainWindow, till: Till) -> bool:
    """After login: no shift open → offer to open one; another operator's shift open →
    say whose and offer the hand-over (or, to an administrator, to work in it).
    False when the user chose to log out."""
    owner = till.shift_owner()
    if owner is None:
        window.ask_open_shift()
        return True
    if owner.is_yours:
        return True
    while True:
        ask = ShiftOwnerDialog(
            owner, till.actor.username, window.fmt, admin=till.actor.is_admin, parent=window
        )
        if not window._run(ask):
            return False
        if ask.choice == ShiftOwnerDialog.WORK_AS_ADMIN:
            return True
        dialog = HandOverDialog(
            window.fmt,
            hand_over_to_me(till),
            owner=owner,
            outgoing=owner.operator,
            parent=window,
        )
        if window._run(dialog) and dialog.result_value is not None:
            return True
        owner = till.shift_owner()
        if owner is None or owner.is_yours:
            return True
