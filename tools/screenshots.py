#!/usr/bin/env python3
"""Screenshots of the cashier window, taken from the running demo.

Sets up the demo (demo database, sample prices, 8 simulated booths), starts the
line engine with the simulator, logs in as the demo cashier, lets the simulated
traffic run until calls have finished, and grabs:

- ``docs/screenshots/main-window.png`` — booths live, the shift's calls, PAY;
- ``docs/screenshots/pay-dialog.png`` — PAY for a booth's calls with change;
- ``docs/screenshots/sessions.png`` — the session list with a closed session.

Runs on Qt's offscreen platform by default (or under ``xvfb-run`` with
``QT_QPA_PLATFORM=xcb``). ``--speed`` runs the simulated booths faster so the demo
shift fills up in seconds. The engine started here is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--speed", type=float, default=8.0)
    parser.add_argument("--calls", type=int, default=14, help="finished calls to wait for")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--language", default="en", choices=("en", "bg"))
    parser.add_argument(
        "--history-days",
        type=int,
        default=6,
        help="closed demo shifts of past days for the session list",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="callshop-shots-") as tmp:
        os.environ["CALLSHOP_DATA_DIR"] = tmp
        os.environ.pop("CALLSHOP_DB", None)
        return shoot(Path(tmp), args)


def shot(args: argparse.Namespace, name: str) -> Path:
    """Where the picture ``name`` goes: ``name.png``, or ``name-bg.png`` in Bulgarian."""
    suffix = "" if args.language == "en" else f"-{args.language}"
    return args.out / f"{name}{suffix}.png"


def wait(app, condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.02)
    return condition()


_NUMBERS = (
    "00493012345678",
    "00447700900123",
    "00442079460000",
    "00905321234567",
    "00380671234567",
    "00306912345678",
    "00393471234567",
    "0040721123456",
    "0034612345678",
    "0038160123456",
    "0038970123456",
    "0888123456",
    "029876543",
)
_REASONS = ("Owner's call", "Bad line / call failed", "Goodwill")


def add_history(url: str, days: int, seed: int = 7) -> None:
    """Closed shifts of the past days, made through the services on a fake clock."""
    import random
    from datetime import UTC, datetime, timedelta

    from callshop_pos.clock import FakeClock
    from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
    from callshop_pos.engine_store.rater_tariff import RaterTariff
    from callshop_pos.lines.port import HangupReason, HangupSide
    from callshop_pos.lines.recorder import CallStart
    from callshop_pos.services import auth
    from callshop_pos.services.context import Shop
    from callshop_pos.services.till import call_status, payments, shifts
    from ui.demo import DEMO_ACCOUNTS

    rng = random.Random(seed)
    today = datetime.now(UTC).replace(hour=6, minute=30, second=0, microsecond=0)
    clock = FakeClock(today - timedelta(days=days))
    shop = Shop.open(url, clock=clock)
    try:
        _, name, password = DEMO_ACCOUNTS[0]
        actor = auth.login(shop, name, password)
        recorder = DatabaseCallRecorder(shop)
        for day in range(days, 0, -1):
            clock.set(today - timedelta(days=day))
            shifts.open_shift(shop, actor, 10_000)
            tariff = RaterTariff(shop.pricing.rater, shop.pricing.version_id)
            for n in range(rng.randint(14, 26)):
                clock.advance(rng.randint(240, 1500))
                ref = f"history-{day}-{n}"
                number = rng.choice(_NUMBERS)
                start = clock.now()
                recorder.call_started(CallStart(f"Booth {rng.randint(1, 8)}", ref, number, start))
                answered = start + timedelta(seconds=rng.randint(4, 18))
                recorder.call_answered(ref, answered)
                talk = rng.choice((rng.randint(15, 120), rng.randint(60, 900)))
                rating = tariff.rate(tariff.look_up(number), answered, talk)
                recorder.call_ended(
                    ref,
                    answered + timedelta(seconds=talk),
                    HangupReason.NORMAL,
                    HangupSide.BOOTH,
                    rating,
                )
            for call in shifts.shift_calls(shop, actor):
                roll = rng.random()
                if roll < 0.86 and call.price_minor is not None:
                    total = payments.quote_payment(shop, actor, [call.id]).total_minor
                    payments.pay_calls(shop, actor, [call.id], total)
                elif roll < 0.93:
                    call_status.mark_unpaid(shop, actor, [call.id], rng.choice(_REASONS))
            clock.advance(1800)
            summary = shifts.current_shift(shop, actor)
            assert summary is not None
            shifts.close_shift(
                shop, actor, summary.expected_minor + rng.choice((0, 0, 0, -50, -120, 20))
            )
    finally:
        shop.close()


def shoot(data: Path, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from callshop_pos.lines.ipc import EngineClient
    from callshop_pos.services import auth
    from callshop_pos.services.context import Shop
    from ui.app import CashierApp, load_stylesheet
    from ui.bridge import EngineBridge
    from ui.calls_model import StatusFilter
    from ui.close_shift import CloseShiftDialog
    from ui.demo import DEMO_ACCOUNTS, demo_url, prepare_demo, start_engine
    from ui.pay_dialog import PayDialog
    from ui.qt_compat import guard_singletons
    from ui.sessions import SessionsDialog
    from ui.till import Till

    guard_singletons()
    app = QApplication([])
    load_stylesheet(app)
    url = demo_url(data)
    shop = Shop.open(url)
    prepare_demo(shop)
    add_history(url, args.history_days)
    bridge = EngineBridge()
    client = EngineClient(
        data,
        on_snapshot=bridge.on_snapshot,
        on_call_finished=bridge.on_call_finished,
        on_connection=bridge.on_connection,
    ).start()
    engine = start_engine(data, url, speed=args.speed)
    try:
        if not client.wait_connected(60):
            print("the engine did not come up; see", data / "engine.log", file=sys.stderr)
            print((data / "engine.log").read_text(errors="replace")[-2000:], file=sys.stderr)
            return 1
        _, name, password = DEMO_ACCOUNTS[0]
        actor = auth.login(shop, name, password)
        cashier = CashierApp(app, shop, bridge, client, data, demo=True)
        cashier.switch_language(args.language)
        cashier.till = Till(shop, actor, cashier)
        if cashier.till.current_shift() is None:
            cashier.till.open_shift(10_000)
        window = cashier.show_window()
        window.resize(1366, 768)
        print(f"waiting for {args.calls} finished calls (simulated traffic at ×{args.speed}) …")
        if not wait(app, lambda: len(window.calls.model.calls()) >= args.calls, args.timeout):
            print("not enough traffic yet; taking the pictures anyway", file=sys.stderr)
        till = cashier.till
        calls = window.calls.model.calls()
        # Some history: pay a few calls, serve one without payment.
        for call in calls[3:7]:
            if call.price_minor is not None:
                till.pay([call.id], till.quote_payment([call.id]).total_minor + 50)
        if len(calls) > 8:
            till.mark_unpaid([calls[8].id], "Owner's call")
        # The unserved calls of the booth with the newest call selected, as before F2.
        unserved = [c for c in window.calls.model.calls() if c.status == "unserved"]
        booth = unserved[0].booth if unserved else None
        window.calls.show_status(StatusFilter.ALL)
        if booth is not None:
            window.grid.select_booth(booth)
            window.calls.select_calls([c.id for c in unserved if c.booth == booth])
            first = window.calls.model.row_of(unserved[0].id)
            if first is not None:
                window.calls.table.scrollTo(window.calls.model.index(first, 0))
        window.quote_box.number_edit.setText("0044 20 7946 0000")
        wait(app, lambda: False, 1.5)  # let the meters tick and the tiles settle
        window.grab().save(str(shot(args, "main-window")))
        print("saved", shot(args, "main-window"))

        if booth is not None:
            ids = [c.id for c in unserved if c.booth == booth]
            bill = till.quote_payment(ids)
            dialog = PayDialog(
                bill,
                window.fmt,
                lambda t: till.pay(ids, t),
                print_receipt=lambda _r: None,
                bgn_until=None,
                parent=window,
            )
            dialog.tendered_edit.set_amount(((bill.total_minor // 500) + 1) * 500)
            dialog.show()
            wait(app, lambda: False, 0.5)
            dialog.grab().save(str(shot(args, "pay-dialog")))
            print("saved", shot(args, "pay-dialog"))
            dialog.reject()

        # Close shift: the X report and the count, before the cashier types it.
        closing = CloseShiftDialog(till.x_report(), window.fmt, till.close_shift, window)
        closing.show()
        wait(app, lambda: False, 0.5)
        closing.grab().save(str(shot(args, "close-shift")))
        print("saved", shot(args, "close-shift"))
        closing.reject()

        # A closed session in the list: close this shift (a little short) and reopen.
        summary = till.current_shift()
        if summary is not None:
            till.close_shift(max(summary.expected_minor - 120, 0))
            till.open_shift(10_000)
        wait(app, lambda: False, 2.0)
        sessions = SessionsDialog(till.list_shifts, till.show_shift, window.fmt, parent=window)
        sessions.resize(1100, 460)
        sessions.show()
        wait(app, lambda: False, 0.5)
        detail = sessions.open_row(1) or sessions.open_row(0)
        if detail is not None:
            detail.resize(1100, 560)
            wait(app, lambda: False, 0.5)
            detail.grab().save(str(shot(args, "session-view")))
            detail.reject()
        sessions.grab().save(str(shot(args, "sessions")))
        print("saved", shot(args, "sessions"))
        sessions.reject()
        del QTimer
        window.close()
        cashier.languages.apply("en")
        return 0
    finally:
        client.close()
        engine.terminate()
        try:
            engine.wait(20)
        except Exception:
            engine.kill()
        shop.close()


if __name__ == "__main__":
    sys.exit(main())
