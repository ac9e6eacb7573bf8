"""What the cashier window needs from the line engine: booth commands.

``callshop_pos.lines.ipc.EngineClient`` provides these over the local IPC channel;
tests use a fake. Live state does not come through here but through the bridge
(:mod:`ui.bridge`), which the client feeds with its callbacks.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["EngineControl"]


class EngineControl(Protocol):
    def lock(self, booth: str, hang_up: bool = False) -> Any: ...

    def unlock(self, booth: str) -> Any: ...

    def hang_up(self, booth: str) -> Any: ...

    def sync_deposit(self, booth: str) -> Any:
        """The engine re-reads the booth's deposit (taken or settled through the till)."""
        ...

    def refresh(self) -> Any: ...
