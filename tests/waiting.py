"""One ``wait_for`` for tests that wait on other threads (engines, drivers, servers).

Event-based: a :class:`Changes` is told whenever something happened (hook its
:meth:`Changes.notify` to the producer: ``engine.subscribe(changes.notify)``, a fake's
callback …), and :func:`wait_for` re-checks its condition at once on each
notification instead of sleeping. State that moves without telling anyone (a fake
device's lines, a socket) is still seen: without notifications the check runs every
``poll`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Changes", "wait_for"]


class Changes:
    """Counts notifications and wakes the waiters (thread-safe)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._count = 0

    @property
    def count(self) -> int:
        with self._cond:
            return self._count

    def notify(self, *_what: object) -> None:
        """Something happened (any arguments are ignored: usable as a callback)."""
        with self._cond:
            self._count += 1
            self._cond.notify_all()

    def wait_past(self, seen: int, timeout: float) -> None:
        """Return once a notification after ``seen`` came, or after ``timeout``."""
        with self._cond:
            self._cond.wait_for(lambda: self._count != seen, timeout)


def wait_for(
    check: Callable[[], object],
    timeout: float = 10.0,
    *,
    changes: Changes | None = None,
    poll: float = 0.01,
    what: str = "",
) -> None:
    """Return as soon as ``check()`` is true; AssertionError after ``timeout`` seconds.

    With ``changes`` the check also runs on every notification (no notification is
    lost between a check and the wait: the count is read before checking)."""
    deadline = time.monotonic() + timeout
    wake = changes if changes is not None else Changes()
    while True:
        seen = wake.count
        if check():
            return
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{what or 'condition'} not reached in {timeout} s")
        wake.wait_past(seen, min(left, poll))
