"""The administration window: a list of pages on the left, the page on the right.

Each page is its own module and loads its data when first shown (and again when
shown later), so opening the window is cheap. The window refuses non-admins itself;
every page's service calls check the role again in the core.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from importlib import resources

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from callshop_pos.db.models.users import Role
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.context import Shop

__all__ = ["AdminWindow", "open_admin_window"]


def _stylesheet() -> str:
    """The administration additions; the cashier window's sheet is the application's
    (``ui.app.load_stylesheet``), so this window looks like the rest of the till."""
    return (resources.files("resources.style") / "admin.qss").read_text(encoding="utf-8")


class AdminWindow(QMainWindow):
    def __init__(
        self,
        shop: Shop,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        confirm: Callable[[str, str], bool] | None = None,
    ) -> None:
        require_role(actor, Role.ADMIN)
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self._confirm = confirm  # None: ask with a message box
        self._shown_row = 0
        self.setWindowTitle(
            QCoreApplication.translate("AdminWindow", "CallShop POS — Administration")
        )
        self.setObjectName("adminWindow")
        self.resize(1280, 800)
        self.setStyleSheet(_stylesheet())
        central = QWidget()
        central.setObjectName("mainCentral")
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("adminNav")
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        self.stack.setObjectName("adminPages")
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.pages: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {}
        for key, title, factory in self._page_list():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self._factories[key] = factory
        # As wide as its longest page name in this language (at least 190 px).
        self.nav.ensurePolished()
        self.nav.setFixedWidth(
            max(190, self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 2)
        )
        self.nav.currentRowChanged.connect(self._on_page)
        self.nav.setCurrentRow(0)

    def _page_list(self) -> list[tuple[str, str, Callable[[], QWidget]]]:
        from ui.admin.account_page import AccountPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.audit_page import AuditPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.booths_page import BoothsPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.cards_page import CardsPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.fx_page import FxPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.price_list_page import PriceListPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.reports_page import ReportsPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.settings_page import SettingsPage  # noqa: PLC0415 - pages load with the window
        from ui.admin.users_page import UsersPage  # noqa: PLC0415 - pages load with the window

        pages: list[tuple[str, str, Callable[[Shop, Actor], QWidget]]] = [
            ("prices", QCoreApplication.translate("AdminWindow", "Price list"), PriceListPage),
            ("fx", QCoreApplication.translate("AdminWindow", "USD rate"), FxPage),
            ("account", QCoreApplication.translate("AdminWindow", "Carrier account"), AccountPage),
            ("reports", QCoreApplication.translate("AdminWindow", "Reports"), ReportsPage),
            ("users", QCoreApplication.translate("AdminWindow", "Users"), UsersPage),
            ("booths", QCoreApplication.translate("AdminWindow", "Booths"), BoothsPage),
            ("cards", QCoreApplication.translate("AdminWindow", "Prepaid cards"), CardsPage),
            ("settings", QCoreApplication.translate("AdminWindow", "Settings"), SettingsPage),
            ("audit", QCoreApplication.translate("AdminWindow", "Audit journal"), AuditPage),
        ]
        return [(key, title, partial(page, self.shop, self.actor)) for key, title, page in pages]

    def page(self, key: str) -> QWidget:
        """The page called ``key`` (built on first use)."""
        page = self.pages.get(key)
        if page is None:
            page = self._factories[key]()
            self.pages[key] = page
            self.stack.addWidget(page)
        return page

    def show_page(self, key: str) -> QWidget:
        """Switch to a page and reload its data."""
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key and self.nav.currentRow() != row:
                self.nav.setCurrentRow(row)
                return self.pages[key]
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
        return page

    def _on_page(self, row: int) -> None:
        item = self.nav.item(row)
        if item is None:
            return
        if row != self._shown_row and not self._may_leave():
            # Stay on the page with its edits; the list shows it selected again.
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(self._shown_row)
            self.nav.blockSignals(False)
            return
        self._shown_row = row
        self.show_page(str(item.data(Qt.ItemDataRole.UserRole)))

    def _may_leave(self) -> bool:
        """True when the page on screen has no unsaved edits, or the admin lets them go."""
        page = self.stack.currentWidget()
        unsaved = getattr(page, "unsaved", None)
        if not callable(unsaved) or not unsaved():
            return True
        return (self._confirm or self._ask)(
            QCoreApplication.translate("AdminWindow", "Unsaved changes"),
            QCoreApplication.translate(
                "AdminWindow",
                "This page has changes that are not saved. Leave it and discard them?",
            ),
        )

    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes


def open_admin_window(shop: Shop, actor: Actor, parent: QWidget | None = None) -> AdminWindow:
    """Open (show) the administration window for an administrator.

    Raises ``PermissionDenied`` for anyone else (the cashier window shows the action
    only to admins, but this is where it is enforced in the UI layer too).
    """
    window = AdminWindow(shop, actor, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window
