"""Test peers for the cashier window: a real shop, real recorded calls, a fake engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QLocale, QTimer

from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.lines.engine import CallFinished
from callshop_pos.lines.port import HangupReason, HangupSide
from callshop_pos.lines.recorder import CallStart, FinishedCallRating
from callshop_pos.lines.snapshot import BoothSnapshot, BoothState
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.deposits import deposit_balance
from tests.ui.factories import snapshot
from ui.bridge import EngineBridge
from ui.formatting import Formatter
from ui.main_window import MainWindow
from ui.till import Till


class CallMaker:
    """Records finished calls through the core's real recorder (as the engine does)."""

    def __init__(self, shop: Shop, bridge: EngineBridge | None = None) -> None:
        self.shop = shop
        self.recorder = DatabaseCallRecorder(shop)
        self.bridge = bridge
        self._n = 0

    def finish(
        self,
        booth: str = "Booth 1",
        *,
        seconds: int = 95,
        price_minor: int = 60,
        number: str = "00493012345678",
        destination: str = "Germany",
    ) -> int:
        self._n += 1
        ref = f"test-{self._n}"
        now = self.shop.clock.now()
        self.recorder.call_started(CallStart(booth, ref, number, now - timedelta(seconds=10)))
        answered = now
        self.recorder.call_answered(ref, answered)
        rating = FinishedCallRating(
            normalized=number.lstrip("0"),
            prefix="49",
            destination=destination,
            price_version_id=None,
            duration_s=seconds,
            billable_s=max(seconds, 60),
            price_minor=price_minor,
            wholesale_micro_usd=1000,
            offpeak=False,
        )
        call_id = self.recorder.call_ended(
            ref,
            answered + timedelta(seconds=seconds),
            HangupReason.NORMAL,
            HangupSide.BOOTH,
            rating,
        )
        if self.bridge is not None:
            self.bridge.on_call_finished(
                CallFinished(
                    call_id=call_id,
                    booth=booth,
                    call_ref=ref,
                    answered=True,
                    duration_s=seconds,
                    price_minor=price_minor,
                    reason="normal",
                )
            )
        return call_id


class FakeEngine:
    """Stands in for the engine client: records commands, answers with new snapshots."""

    def __init__(self, bridge: EngineBridge, booths: int = 4, shop: Shop | None = None) -> None:
        self.bridge = bridge
        self.shop = shop  # where sync_deposit reads deposits, as the engine does
        self.commands: list[tuple[Any, ...]] = []
        self.states = {f"Booth {i}": snapshot(f"Booth {i}", i) for i in range(1, booths + 1)}

    def publish_all(self) -> None:
        self.bridge.on_connection(True)
        for snap in self.states.values():
            self.bridge.on_snapshot(snap)

    def _update(self, booth: str, **changes: Any) -> BoothSnapshot:
        old = self.states[booth]
        new = replace(old, seq=old.seq + 1, **changes)
        self.states[booth] = new
        self.bridge.on_snapshot(new)
        return new

    def lock(self, booth: str, hang_up: bool = False) -> BoothSnapshot:
        self.commands.append(("lock", booth))
        return self._update(booth, locked=True, state=BoothState.LOCKED)

    def unlock(self, booth: str) -> BoothSnapshot:
        self.commands.append(("unlock", booth))
        return self._update(booth, locked=False, state=BoothState.IDLE)

    def hang_up(self, booth: str) -> BoothSnapshot:
        self.commands.append(("hang_up", booth))
        return self._update(booth, state=BoothState.IDLE, number=None, elapsed_s=0.0)

    def sync_deposit(self, booth: str) -> BoothSnapshot:
        self.commands.append(("sync_deposit", booth))
        balance = deposit_balance(self.shop, booth) if self.shop is not None else None
        return self._update(
            booth,
            deposit_minor=balance.amount_minor if balance is not None else None,
            credit_left_minor=balance.balance_minor if balance is not None else None,
        )

    def refresh(self) -> list[BoothSnapshot]:
        self.commands.append(("refresh",))
        return list(self.states.values())


def when_dialog(window: Any, handle: Callable[[Any], None]) -> None:
    """Run ``handle(dialog)`` once the window's next modal dialog is showing.

    The dialog runs its own event loop; this hands it to ``handle`` from inside
    that loop and makes sure it is closed afterwards, so a failing step cannot hang.
    """

    tries = [0]

    def step() -> None:
        dialog = window.dialog
        if dialog is None or not dialog.isVisible():
            tries[0] += 1
            if tries[0] < 300:  # about three seconds, then give up (the test fails)
                QTimer.singleShot(10, step)
            return
        try:
            handle(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, step)


def cashier_window(
    qtbot: Any,
    shop: Shop,
    operator: Actor,
    bridge: EngineBridge,
    engine: FakeEngine,
    *,
    booths: int,
) -> MainWindow:
    """The cashier window of ``operator``'s till at 1366×768, shown once the grid has
    ``booths`` booths. Every confirmation is answered yes and its text kept in
    ``window.confirmations``; ``window.engine_fake`` and ``window.calls_maker`` (which
    records finished calls) are the test's handles."""
    confirmations: list[str] = []

    def confirm(title: str, text: str) -> bool:
        confirmations.append(text)
        return True

    window = MainWindow(
        Till(shop, operator),
        bridge,
        engine,
        Formatter(QLocale("en_US")),
        quote=lambda n: None,
        confirm=confirm,
        today=lambda: date(2026, 1, 5),
    )
    bridge.attach()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: len(window.grid.booths()) == booths)
    window.engine_fake = engine  # type: ignore[attr-defined]
    window.calls_maker = CallMaker(shop, bridge)  # type: ignore[attr-defined]
    window.confirmations = confirmations  # type: ignore[attr-defined]
    return window
