"""When to print a receipt after a payment: the shop's print policy."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

__all__ = ["PrintPolicy", "should_print"]


class PrintPolicy(StrEnum):
    ASK = "ask"  # the cashier is asked after every payment
    ALWAYS = "always"
    NEVER = "never"


def should_print(policy: PrintPolicy | str, ask: Callable[[], bool]) -> bool:
    """Whether to print; ``ask`` is called only under the ``ask`` policy.

    An unknown policy string is an error rather than a silent default.
    """
    chosen = PrintPolicy(policy)
    if chosen is PrintPolicy.ALWAYS:
        return True
    if chosen is PrintPolicy.NEVER:
        return False
    return bool(ask())
