"""Work-arounds for defects of the installed Qt binding, applied once at start-up.

PySide6 6.12.0 on CPython 3.11 returns ``None`` from every wrapped C++ method that
returns ``void`` *without* taking a reference to it, so each such call
(``setText``, ``update``, ``setToolTip`` …) lowers ``None``'s reference count by
one. A till calls such methods millions of times a day; when the count reaches
zero the interpreter aborts with "none_dealloc: deallocating None". CPython 3.12+
is immune (``None`` is immortal there).

:func:`guard_singletons` detects the defect with a short probe and, only when it
is present, gives ``None``, ``True`` and ``False`` a reference count so large that
no session can exhaust it — what CPython 3.12 does for every build.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject

__all__ = ["guard_singletons", "none_leak_per_call"]

#: 2**40 calls of head-room: decades of continuous use at a million calls a second.
_HEADROOM = 1 << 40


def none_leak_per_call(probes: int = 64) -> float:
    """References to ``None`` lost per call of a ``void`` Qt method (0.0 = healthy)."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(probes):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    return max(lost, 0) / probes


def guard_singletons() -> bool:
    """Protect ``None``/``True``/``False`` if the binding leaks them; True if applied."""
    if sys.version_info >= (3, 12) or sys.getrefcount(None) > _HEADROOM // 2:
        return False  # immortal already (3.12+, or guarded before)
    if none_leak_per_call() < 0.5:
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every (non-debug) CPython object.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    return True
