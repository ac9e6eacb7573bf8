"""The users page: add, disable/enable, reset password, unlock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.admin import users
from callshop_pos.services.admin.users import UserInfo
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.admin.common import (
    Col,
    RecordTableModel,
    call_service,
    local_time_text,
    section_title,
    shop_zone,
)
from ui.admin.page_parts import record_view

__all__ = ["UsersPage"]


# Words shown from data; marked here so lupdate collects them.
_DATA_WORDS = (
    QT_TRANSLATE_NOOP("Users", "operator"),
    QT_TRANSLATE_NOOP("Users", "admin"),
)


def _state(u: UserInfo, zone: tzinfo) -> str:
    if not u.active:
        return QCoreApplication.translate("Users", "disabled")
    if u.locked_until is not None:
        return QCoreApplication.translate("Users", "locked until {t}").format(
            t=local_time_text(u.locked_until, zone)
        )
    return QCoreApplication.translate("Users", "active")


def _columns(zone: tzinfo) -> list[Col[UserInfo]]:
    return [
        Col(QCoreApplication.translate("Users", "User"), lambda u: u.username),
        Col(
            QCoreApplication.translate("Users", "Role"),
            lambda u: QCoreApplication.translate("Users", u.role.value),
        ),
        Col(QCoreApplication.translate("Users", "State"), lambda u: _state(u, zone)),
        Col(
            QCoreApplication.translate("Users", "Last login"),
            lambda u: local_time_text(u.last_login_at, zone),
        ),
        Col(
            QCoreApplication.translate("Users", "Created"),
            lambda u: local_time_text(u.created_at, zone),
        ),
    ]


def _ask_password(parent: QWidget, name: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("Users", "New password"),
        QCoreApplication.translate("Users", "New password for {u}:").format(u=name),
        QLineEdit.EchoMode.Password,
    )
    return text if ok else None


class UsersPage(QWidget):
    """``ask_password`` is the password prompt (replaced by tests)."""

    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.ask_password: Callable[[QWidget, str], str | None] = _ask_password
        layout = QVBoxLayout(self)
        layout.addWidget(section_title(QCoreApplication.translate("Users", "Users")))
        self.model: RecordTableModel[UserInfo] = RecordTableModel(_columns(shop_zone(shop)), self)
        self.view = record_view(self.model, pick_rows=True)
        layout.addWidget(self.view, 1)

        actions = QHBoxLayout()
        self.disable_button = QPushButton(QCoreApplication.translate("Users", "Disable"))
        self.enable_button = QPushButton(QCoreApplication.translate("Users", "Enable"))
        self.password_button = QPushButton(QCoreApplication.translate("Users", "Reset password…"))
        self.unlock_button = QPushButton(QCoreApplication.translate("Users", "Unlock"))
        self.role_button = QPushButton(QCoreApplication.translate("Users", "Switch role"))
        for button in (
            self.role_button,
            self.disable_button,
            self.enable_button,
            self.password_button,
            self.unlock_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        box = QGroupBox(QCoreApplication.translate("Users", "Add a user"))
        add = QHBoxLayout(box)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(QCoreApplication.translate("Users", "user name"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(QCoreApplication.translate("Users", "password"))
        self.role_combo = QComboBox()
        self.role_combo.addItem(QCoreApplication.translate("Users", "operator"), "operator")
        self.role_combo.addItem(QCoreApplication.translate("Users", "admin"), "admin")
        self.add_button = QPushButton(QCoreApplication.translate("Users", "Add"))
        self.add_button.setObjectName("primary")
        for widget in (self.name_edit, self.password_edit, self.role_combo, self.add_button):
            add.addWidget(widget)
        layout.addWidget(box)

        self.add_button.clicked.connect(self.add_user)
        self.disable_button.clicked.connect(lambda: self._on_selected(users.disable))
        self.enable_button.clicked.connect(lambda: self._on_selected(users.enable))
        self.unlock_button.clicked.connect(lambda: self._on_selected(users.unlock))
        self.password_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.switch_role)

    def refresh(self) -> None:
        listed = call_service(self, lambda: users.list_users(self.shop, self.actor))
        if listed is not None:
            self.model.set_rows(listed)

    def selected(self) -> UserInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select_user(self, name: str) -> None:
        for row, user in enumerate(self.model.rows()):
            if user.username == name:
                self.view.selectRow(row)
                return

    def _on_selected(self, action: Callable[[Shop, Actor, str], UserInfo]) -> bool:
        user = self.selected()
        if user is None:
            return False
        done = call_service(self, lambda: action(self.shop, self.actor, user.username))
        self.refresh()
        return done is not None

    def switch_role(self) -> bool:
        """Operator ↔ administrator for the selected user."""
        user = self.selected()
        if user is None:
            return False
        new = "operator" if user.role.value == "admin" else "admin"
        done = call_service(self, lambda: users.set_role(self.shop, self.actor, user.username, new))
        self.refresh()
        return done is not None

    def reset_password(self) -> bool:
        user = self.selected()
        if user is None:
            return False
        password = self.ask_password(self, user.username)
        if password is None:
            return False
        done = call_service(
            self, lambda: users.set_password(self.shop, self.actor, user.username, password)
        )
        self.refresh()
        return done is not None

    def add_user(self) -> bool:
        done = call_service(
            self,
            lambda: users.add_user(
                self.shop,
                self.actor,
                self.name_edit.text(),
                self.password_edit.text(),
                self.role_combo.currentData(),
            ),
        )
        if done is None:
            return False
        self.name_edit.clear()
        self.password_edit.clear()
        self.refresh()
        return True
