"""A line engine on a fake clock with fake ports, stepped synchronously."""

from __future__ import annotations

from datetime import datetime

from callshop_pos.clock import FakeClock
from callshop_pos.lines.booth import AdmissionRules, BoothConfig
from callshop_pos.lines.cards import CardPort
from callshop_pos.lines.engine import EngineNews, LineEngine
from callshop_pos.lines.port import (
    Answered,
    Dialing,
    HangupReason,
    HangupSide,
    HungUp,
    OffHook,
    Registered,
    Ringing,
)
from callshop_pos.lines.snapshot import BoothSnapshot
from tests.callshop_pos.lines.fakes import (
    STANDARD_ROWS,
    FakeDriver,
    FakeRecorder,
    FakeStore,
    FakeTariff,
)


class Rig:
    def __init__(
        self,
        *configs: BoothConfig,
        rules: AdmissionRules | None = None,
        start: datetime | None = None,
        cards: CardPort | None = None,
    ) -> None:
        self.clock = FakeClock(start)
        self.driver = FakeDriver()
        self.recorder = FakeRecorder()
        self.store = FakeStore(
            list(configs or [BoothConfig("B1", 1)]),
            rules or AdmissionRules(),
            recorder=self.recorder,
        )
        self.tariff = FakeTariff(STANDARD_ROWS)
        self.engine = LineEngine(
            clock=self.clock,
            driver=self.driver,
            recorder=self.recorder,
            store=self.store,
            tariff=lambda: self.tariff,
            cards=cards,
        )
        self.news: list[EngineNews] = []
        self.engine.subscribe(self.news.append)
        self.engine.load()
        self._n = 0
        for config in self.store.configs:
            self.engine.process(Registered(config.name, self.clock.now()))

    def snap(self, booth: str = "B1") -> BoothSnapshot:
        found = [s for s in self.engine.snapshots() if s.booth == booth]
        return found[0]

    def deposit(self, amount_minor: int, booth: str = "B1") -> BoothSnapshot:
        """The till takes (or tops up) a deposit and tells the engine."""
        self.store.take_deposit(booth, amount_minor, self.clock.now())
        return self.engine.sync_deposit(booth)

    def settle(self, booth: str = "B1") -> BoothSnapshot:
        """The till settles the booth's deposit and tells the engine."""
        self.store.settle(booth)
        return self.engine.sync_deposit(booth)

    def advance(self, seconds: float, step: float = 0.25) -> None:
        """Move the clock, ticking the engine as its thread would."""
        left = seconds
        while left > 1e-9:
            d = min(step, left)
            self.clock.advance(d)
            left -= d
            self.engine.tick()

    def dial(self, number: str, booth: str = "B1") -> str:
        self._n += 1
        ref = f"c{self._n}"
        self.engine.process(OffHook(booth, self.clock.now()))
        self.engine.process(Dialing(booth, self.clock.now(), ref, number))
        return ref

    def ring(self, ref: str, booth: str = "B1") -> None:
        self.engine.process(Ringing(booth, self.clock.now(), ref))

    def answer(self, ref: str, booth: str = "B1") -> None:
        self.engine.process(Answered(booth, self.clock.now(), ref))

    def hang_up(
        self,
        ref: str | None,
        booth: str = "B1",
        reason: HangupReason = HangupReason.NORMAL,
        side: HangupSide = HangupSide.BOOTH,
    ) -> None:
        self.engine.process(HungUp(booth, self.clock.now(), ref, reason, side))

    def call(self, number: str, ring_s: float, talk_s: float, booth: str = "B1") -> str:
        ref = self.dial(number, booth)
        self.ring(ref, booth)
        self.advance(ring_s)
        self.answer(ref, booth)
        self.advance(talk_s)
        self.hang_up(ref, booth)
        return ref
