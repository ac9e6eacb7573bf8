"""What a person at the till notices of a built widget: its tab order, and the
shipped Bulgarian text of a string (read from the .ts catalogue, not retyped here)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget

from ui.i18n import I18N_DIR


def tab_order(root: QWidget) -> list[str]:
    """The widgets Tab visits inside ``root``, in order, each named by the attribute
    of ``root`` that holds it, else by its class and (for buttons) its text."""
    names: dict[int, str] = {}
    for name, value in vars(root).items():
        if isinstance(value, QWidget):
            names.setdefault(id(value), name)
    order: list[str] = []
    widget = root.nextInFocusChain()
    while widget is not None and widget is not root:
        if root.isAncestorOf(widget) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            label = widget.text() if isinstance(widget, QAbstractButton) else ""
            order.append(names.get(id(widget), f"{type(widget).__name__}:{label}"))
        widget = widget.nextInFocusChain()
    return order


@cache
def _catalogue(name: str) -> dict[tuple[str, str], str]:
    root = ET.parse(I18N_DIR / f"{name}_bg.ts").getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message.findtext(
            "translation"
        )
        or ""
        for context in root.iter("context")
        for message in context.iter("message")
    }


def bulgarian(catalogue: str, context: str, source: str) -> str:
    """The shipped translation of ``source`` in ``context`` (KeyError when there is none)."""
    return _catalogue(catalogue)[(context, source)]
