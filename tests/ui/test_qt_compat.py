from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

from ui.qt_compat import guard_singletons, none_leak_per_call


def test_many_void_calls_cannot_exhaust_none(qtbot) -> None:
    guard_singletons()  # idempotent; conftest applied it already
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")
    # Either the binding is healthy, or None has head-room for a lifetime of calls.
    if none_leak_per_call() > 0:
        assert sys.getrefcount(None) > 1 << 39
    else:
        assert sys.getrefcount(None) >= before - 100
