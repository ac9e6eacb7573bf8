"""The sender's thread in the line engine (which is always running).

Daemon thread, stopped by an event: every wait of the loop is ``event.wait`` so
:meth:`SenderThread.stop` returns at once (a request in flight finishes or times out
first; nothing half-done is lost, the item simply stays queued).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from callshop_pos.clock import Clock
from callshop_pos.lines.snapshot import BoothSnapshot
from callshop_pos.services.context import Shop
from callshop_pos.sync.prices import pull_job
from callshop_pos.sync.remote import heartbeat_job
from callshop_pos.sync.sender import Sender, TransportFactory

__all__ = ["SenderThread"]


class SenderThread:
    def __init__(
        self,
        shop: Shop,
        transport_factory: TransportFactory,
        *,
        booths: Callable[[], Sequence[BoothSnapshot]] | None = None,
        clock: Clock | None = None,
        poll_s: float = 5.0,
        heartbeat_s: float = 30.0,
        pull_s: float = 300.0,
    ) -> None:
        self._stop = threading.Event()
        self.sender = Sender(
            shop,
            transport_factory,
            clock=clock,
            sleep=self._stop.wait,
            poll_s=poll_s,
            heartbeat_s=heartbeat_s,
            pull_s=pull_s,
            heartbeat=heartbeat_job(booths) if booths is not None else None,
            pull=pull_job,
        )
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("sender already started")
        self._thread = threading.Thread(target=self.sender.run, name="sync-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            self._thread = None
