"""Two kinds of failure (after qutebrowser's KnownError/BugError split).

:class:`CallShopError` and its subclasses are *known* errors: bad input, a wrong
password, a refused action, an unreachable device. They carry a message meant for
the person at the till and change nothing. Anything else is a bug and surfaces
with a traceback.
"""

from __future__ import annotations

__all__ = ["CallShopError", "InvalidInput", "NotFound", "PermissionDenied"]


class CallShopError(Exception):
    """A known, user-facing error; ``str(err)`` is the message to show."""


class InvalidInput(CallShopError):
    """Input was malformed or out of range; nothing was changed."""


class PermissionDenied(CallShopError):
    """The acting user's role does not allow this action."""


class NotFound(CallShopError):
    """The thing asked for does not exist."""
