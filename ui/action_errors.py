"""What the user sees, and what the log keeps, when a cashier or admin action fails.

One mechanism for every action of the window: :func:`guarded` wraps a slot (the
till's and the Devices menu's actions are connected through it, and
:func:`user_action` decorates methods), and dialogs that show errors on their own
error line take their text from :func:`plain_words`. Two kinds of failure
(after qutebrowser's ``KnownError`` / ``BugError``):

* a :class:`~callshop_pos.errors.CallShopError` is the shop's or the user's matter
  (bad input, a refused action, a device switched off): its message is already
  plain words for the user; it is logged as a one-line warning;
* anything else is a bug: the user is told in plain words that nothing was changed
  and where the details are, and the traceback goes to the log.

Either way the action changes nothing: every service runs in one transaction that
an exception rolls back. The log is a rotating file in the data directory
(:func:`install_action_log`, called by the composition root).
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from callshop_pos.errors import CallShopError

__all__ = [
    "LOG_FILE_NAME",
    "FailureShower",
    "guarded",
    "install_action_log",
    "install_excepthook",
    "log_file",
    "plain_words",
    "show_failure",
    "user_action",
]

#: The window's log file in the data directory (rotated at 1 MB, 5 old files kept).
LOG_FILE_NAME = "callshop-window.log"
LOG = logging.getLogger("callshop.window")

P = ParamSpec("P")
R = TypeVar("R")


@runtime_checkable
class FailureShower(Protocol):
    """A window part that shows failures its own way (status bar, a box its tests
    can reach); others get a plain warning box."""

    def show_failure(self, text: str) -> None: ...


def install_action_log(
    data: Path, *, max_bytes: int = 1_000_000, backups: int = 5
) -> RotatingFileHandler:
    """Log the window's failures to ``data/callshop-window.log`` (rotating); returns
    the handler (remove it from :data:`LOG` to stop)."""
    handler = RotatingFileHandler(
        data / LOG_FILE_NAME, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    return handler


def log_file() -> Path | None:
    """The file the failures are logged to (None before :func:`install_action_log`)."""
    for handler in LOG.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def plain_words(exc: BaseException, action: str = "") -> str:
    """Log ``exc`` (with its traceback unless it is a known error) and return what to
    tell the user."""
    what = action or "an action"
    if isinstance(exc, CallShopError):
        LOG.warning("%s refused: %s", what, exc)
        return str(exc)
    LOG.error("%s failed", what, exc_info=(type(exc), exc, exc.__traceback__))
    path = log_file()
    where = (
        QCoreApplication.translate("ActionErrors", "The details are in {path}.").format(path=path)
        if path is not None
        else QCoreApplication.translate(
            "ActionErrors", "The details are in the program's error output."
        )
    )
    return QCoreApplication.translate(
        "ActionErrors",
        "This did not work because of an error in the program; nothing was changed. "
        "Please try again, and tell the administrator if it happens again. "
        "({kind}: {message}) {where}",
    ).format(kind=type(exc).__name__, message=exc, where=where)


def show_failure(owner: object, exc: BaseException, action: str = "") -> None:
    """Tell the user about a failed action (see the module docstring)."""
    text = plain_words(exc, action)
    if isinstance(owner, FailureShower):
        owner.show_failure(text)
        return
    parent = owner if isinstance(owner, QWidget) else None
    QMessageBox.warning(parent, QCoreApplication.translate("ActionErrors", "Not done"), text)


def guarded(owner: object, slot: Callable[P, Any], action: str = "") -> Callable[P, None]:
    """``slot`` as a slot that never lets an exception escape into Qt: a failure is
    logged and shown to the user (:func:`show_failure`)."""

    @functools.wraps(slot)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            slot(*args, **kwargs)
        except Exception as exc:  # every failure reaches the user and the log
            show_failure(owner, exc, action or getattr(slot, "__name__", ""))

    return run


def user_action(method: Callable[..., Any]) -> Callable[..., None]:
    """Decorate a window method that is connected as a slot (see :func:`guarded`)."""

    @functools.wraps(method)
    def run(self: object, *args: Any, **kwargs: Any) -> None:
        try:
            method(self, *args, **kwargs)
        except Exception as exc:  # every failure reaches the user and the log
            show_failure(self, exc, method.__name__)

    return run


def install_excepthook() -> None:
    """The last resort for a slot that is not :func:`guarded` (e.g. inside a dialog's
    own event loop): the same plain words and log instead of a traceback on stderr."""
    previous = sys.excepthook

    def hook(
        kind: type[BaseException], exc: BaseException, traceback: TracebackType | None
    ) -> None:
        if not isinstance(exc, Exception) or QApplication.instance() is None:
            previous(kind, exc, traceback)
            return
        show_failure(QApplication.activeWindow(), exc, "a window action")

    sys.excepthook = hook
