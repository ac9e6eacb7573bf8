"""The cashier window's application: login → open shift → main window.

The composition root (``bootstrap.py``, which ``python main.py`` calls with no
command) builds the shop, the line-engine link and the device factory and hands
them to :func:`run_till`; nothing here opens a database, starts an engine or
builds a device. :class:`CashierApp` owns the flow and rebuilds the window when
the language changes or the user logs out.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from callshop_pos.lines.ipc import engine_process
from callshop_pos.services import auth
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.bridge import EngineBridge
from ui.carrier_warning import attach_carrier_warning
from ui.demo import DEMO_ACCOUNTS
from ui.engine_link import EngineControl
from ui.engine_status import attach_engine_status
from ui.formatting import Formatter
from ui.handover import settle_shift_owner
from ui.i18n import LANGUAGES, Languages, default_language, preferences
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.meter import LiveMeter
from ui.qt_compat import guard_singletons
from ui.receipt_actions import attach_devices
from ui.sync_status import attach_sync_status
from ui.till import Till
from ui.till_devices import DeviceFactory

__all__ = [
    "STYLESHEET",
    "CashierApp",
    "display_problem",
    "load_stylesheet",
    "make_application",
    "run_till",
    "show_start_problem",
]

STYLESHEET = Path(__file__).resolve().parent.parent / "resources" / "style" / "callshop.qss"


def load_stylesheet(app: QApplication) -> None:
    app.setStyle("Fusion")  # the same widget metrics on every platform, under the QSS
    sheet = STYLESHEET.read_text(encoding="utf-8")
    app.setStyleSheet(sheet.replace("@STYLE_DIR@", STYLESHEET.parent.as_posix()))


def show_start_problem(text: str) -> None:
    """Why the till cannot start (no database, say), in a message box: a till started
    from a desktop icon has no terminal to read stderr on."""
    title = QCoreApplication.translate("CashierApp", "CallShop POS")
    QMessageBox.critical(None, title, text)


class CashierApp(QObject):
    """Login, shift and main window for one till; rebuilt on language change."""

    def __init__(
        self,
        app: QApplication,
        shop: Shop,
        bridge: EngineBridge,
        engine: EngineControl | None,
        data: Path,
        *,
        demo: bool = False,
        build_devices: DeviceFactory | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.build_devices = build_devices
        self.shop = shop
        self.bridge = bridge
        self.engine = engine
        self.prefs = preferences(data)
        self.languages = Languages(app)
        self.demo = demo
        self.data = data
        #: Asks a yes/no question (title, text) -> yes; tests replace it.
        self.ask: Callable[[str, str], bool] = self._ask
        self.till: Till | None = None
        self.window: MainWindow | None = None
        language = str(self.prefs.value("language", default_language()))
        self.languages.apply(language if language in LANGUAGES else "en")

    def formatter(self) -> Formatter:
        # Times on screen in the shop's zone, as on its receipts, Z reports and CLI.
        return Formatter(self.languages.locale(), zone=ZoneInfo(self.shop.settings.timezone))

    # ---- flow

    def login(self) -> bool:
        dialog = LoginDialog(
            lambda name, password: auth.login(self.shop, name, password),
            demo_accounts=list(DEMO_ACCOUNTS) if self.demo else None,
        )
        ok = bool(dialog.exec()) and dialog.actor is not None
        if ok:
            assert dialog.actor is not None
            self.till = Till(self.shop, dialog.actor, self)
        dialog.deleteLater()
        return ok

    def show_window(self) -> MainWindow:
        """Build (or rebuild) the main window for the logged-in user and show it."""
        assert self.till is not None
        geometry = None
        if self.window is not None:
            geometry = self.window.saveGeometry()
            self.bridge.detach()
            self.window.close()
            self.window.deleteLater()
        meter = LiveMeter(lambda: self.shop.pricing.rater, self.shop.clock)
        window = MainWindow(
            self.till,
            self.bridge,
            self.engine,
            self.formatter(),
            quote=lambda number: self.shop.pricing.rater.quote(number),  # noqa: PLW0108 - pricing is swapped on import
            meter=meter,
        )
        window.language_requested.connect(self.choose_language)
        window.logout_requested.connect(self.logout)
        window.user_switch_requested.connect(self.switch_user)
        # Receipt printer, drawer, pole display, fiscal device, customer screen.
        attach_devices(
            window, self.bridge, prefs=self.prefs, meter=meter, build_devices=self.build_devices
        )
        attach_sync_status(window, self.shop)  # closed shifts waiting for central
        attach_carrier_warning(window, self.shop, self.till.actor)  # top-up needed
        attach_engine_status(window, self.bridge, lambda: engine_process(self.data))
        window.quit_check = self.confirm_quit
        self.window = window
        self.bridge.attach()
        if geometry is not None:
            window.restoreGeometry(geometry)
        else:
            window.resize(1366, 768)
        window.show()
        return window

    def start(self) -> bool:
        """Log in, show the window and make sure a shift is open (False = user quit)."""
        if not self.login():
            return False
        window = self.show_window()
        assert self.till is not None
        if not settle_shift_owner(window, self.till):
            # Another operator's shift is open and the user would not take it over.
            QTimer.singleShot(0, self.logout)
        return True

    def switch_user(self, actor: Actor) -> None:
        """The shift was handed over: the window is the next operator's now."""
        self.till = Till(self.shop, actor, self)
        self.show_window()

    def switch_language(self, language: str) -> None:
        self.prefs.setValue("language", language)
        self.prefs.sync()
        self.languages.apply(language)
        if self.window is not None:
            self.show_window()

    def choose_language(self) -> None:
        codes = list(LANGUAGES)
        names = [LANGUAGES[c] for c in codes]
        current = codes.index(self.languages.current)
        name, ok = QInputDialog.getItem(
            self.window,
            self.tr("Language"),
            self.tr("Language of the till:"),
            names,
            current,
            False,
        )
        if ok and names.index(name) != current:
            self.switch_language(codes[names.index(name)])

    def logout(self) -> None:
        window = self.window
        self.window = None
        self.till = None
        if window is not None:
            self.bridge.detach()
            window.close()
            window.deleteLater()
        while not self.start():  # the login was cancelled: quit, once told about the engine
            if self.confirm_quit():
                self.app.quit()
                return

    def confirm_quit(self) -> bool:
        """The cashier is quitting: say what happens to the line engine; True to quit.

        The engine is a process of its own and keeps metering the booths when the
        till is closed; in demo mode it is the demo's, and stops with the till.
        """
        if self.demo:
            text = self.tr(
                "Quit the demo? Its line engine stops with the till: calls in progress "
                "are ended and recorded."
            )
        elif self.bridge.connected:
            text = self.tr(
                "Quit the till? The line engine keeps running without it: calls in "
                "progress go on and are metered and recorded, and the booths can still "
                "be used. Stop it with “callshop-pos engine stop”."
            )
        else:
            return True  # no engine to speak of
        return self.ask(self.tr("Quit"), text)

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.window)
        quit_button = box.addButton(self.tr("Quit"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(quit_button)
        box.exec()
        return box.clickedButton() is quit_button


#: Shared libraries Qt's xcb platform plugin loads (Debian package names), which a
#: minimal system lacks; without them Qt aborts with a message about plugins.
_XCB_LIBRARIES = {"xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0"}


def missing_display_libraries() -> list[str]:
    """Debian packages the X11 (xcb) platform needs and the system lacks."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform not in ("", "xcb") or not os.environ.get("DISPLAY"):
        return []
    return [pkg for lib, pkg in _XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def display_problem() -> str:
    """Why Qt cannot open a window here (missing system libraries), or ""."""
    missing = missing_display_libraries()
    if not missing:
        return ""
    return (
        "error: Qt cannot open a window on X11 without these system libraries: "
        + ", ".join(missing)
        + f"\n(on Debian/Ubuntu: apt-get install {' '.join(missing)})"
    )


def make_application() -> QApplication:
    """The process's QApplication, styled (created once)."""
    guard_singletons()
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("CallShop POS")
    app.setOrganizationName("CallShop POS")
    load_stylesheet(app)
    return app


def run_till(
    app: QApplication,
    shop: Shop,
    bridge: EngineBridge,
    engine: EngineControl | None,
    data: Path,
    *,
    demo: bool,
    build_devices: DeviceFactory | None,
) -> int:
    """Run the cashier window on what the composition root built; the exit code."""
    cashier = CashierApp(app, shop, bridge, engine, data, demo=demo, build_devices=build_devices)
    if not cashier.start():
        return 0
    app.setQuitOnLastWindowClosed(True)
    return int(app.exec())
