"""GUI test fixtures: strict about leaks (after napari's dangling-thread/timer checks).

Every test under tests/ui fails if it leaves a Python thread alive or a ``QTimer``
running after its widgets were closed. Qt warnings fail tests through pytest-qt's
``qt_log_level_fail`` (setup.cfg).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from callshop_pos.clock import FakeClock
from tests.callshop_pos.support import SeededShop, make_shop


def pytest_configure(config: pytest.Config) -> None:
    # The session-wide QApplication is created before any function fixture runs,
    # so the platform has to be chosen here, not in the per-test fixture.
    del config
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # PySide6 6.12.0 leaks a reference to None per void call (see ui/qt_compat.py);
    # a long GUI test session would otherwise abort the interpreter.
    from ui.qt_compat import guard_singletons

    guard_singletons()


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for thread in leaked:
        # A thread that is just finishing gets a moment; one that keeps running is a leak.
        thread.join(timeout=2.0)
    leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"test leaked threads: {[t.name for t in leaked]}"


@pytest.fixture(autouse=True)
def _no_leaked_timers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    started: weakref.WeakSet[QTimer] = weakref.WeakSet()
    original_start = QTimer.start

    def tracking_start(self: QTimer, *args: Any) -> None:
        started.add(self)
        original_start(self, *args)

    monkeypatch.setattr(QTimer, "start", tracking_start)
    yield
    running = []
    for timer in list(started):
        try:
            if timer.isActive():
                running.append(timer)
        except RuntimeError:  # the C++ object is already gone: not running
            continue
    for timer in running:
        timer.stop()
    assert not running, f"test left {len(running)} QTimer(s) running"


@pytest.fixture
def db_url(tmp_path: Any) -> str:
    """The test's own SQLite shop database."""
    return f"sqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture
def seeded(db_url: str) -> Iterator[SeededShop]:
    """A real, migrated shop with an admin (``admin``) and an operator (``olga``)."""
    seeded = make_shop(db_url, FakeClock())
    try:
        yield seeded
    finally:
        seeded.shop.close()
