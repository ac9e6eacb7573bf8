"""The administration window (admins only): price list, USD rate, carrier account,
reports, users, booths, settings and the audit journal.

Open it with :func:`open_admin_window` (the cashier window's *Till → Administration…*).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from callshop_pos.services.auth import Actor
    from callshop_pos.services.context import Shop
    from ui.admin.window import AdminWindow

__all__ = ["open_admin_window"]


def open_admin_window(shop: Shop, actor: Actor, parent: QWidget | None = None) -> AdminWindow:
    """Show the administration window; ``PermissionDenied`` for a non-admin."""
    from ui.admin.window import open_admin_window as _open  # noqa: PLC0415 - the administration window loads only when an admin opens it

    return _open(shop, actor, parent)
