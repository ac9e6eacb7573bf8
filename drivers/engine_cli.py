"""``callshop-pos engine``: the headless line engine process.

Start-up: take the one-engine-per-database lock, open (create/migrate) the
database, finish every call a crashed engine left in progress (``interrupted``,
ended at the last heartbeat), then serve the booths: the driver's events drive
the booth state machines, every call event is written to the database as it
happens, and live state and commands go over the authenticated IPC channel.
SIGTERM/SIGINT stop it cleanly (calls still running are ended and recorded).

Records the database cannot take wait in the spill journal (``--spill-dir``, see
:mod:`callshop_pos.lines.spill`); those an earlier run left are written back first,
at start-up, before recovery. The exit status is :data:`EXIT_UNSAVED` when the
engine stops with call records not in the database (kept in the spill journal, or
lost with the process if even that could not be written).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callshop_pos import config
from callshop_pos.clock import Clock, ScaledClock, SystemClock
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.engine_store.card_port import ShopCardPort, recover_card_calls
from callshop_pos.engine_store.shop_store import (
    ShopBoothStore,
    database_file_check,
    ensure_booths,
    recorded_refs,
    recover_interrupted,
    shop_tariff,
)
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.engine import LineEngine, Quarantine, persist_record, replay_spill
from callshop_pos.lines.engine_lock import EngineLock
from callshop_pos.lines.ipc import EngineServer
from callshop_pos.lines.spill import SpillJournal, default_spill_dirs, spill_name
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.auth import SYSTEM
from callshop_pos.services.backups import DailyBackups
from callshop_pos.services.context import Shop
from callshop_pos.services.unrecorded import set_aside
from drivers.registry import DRIVER_NAMES, DriverContext, SipOptions, create_driver
from drivers.simulator import numbers_for_codes, read_scenario
from drivers.sip_cli import add_sip_arguments, check_sip_arguments, sip_options
from drivers.sync_http import start_sender

__all__ = ["EXIT_UNSAVED", "freeze_startup_heap", "register", "run_engine", "tune_for_latency"]

if TYPE_CHECKING:
    from drivers.sip.abuse import SipAlert

log = logging.getLogger("callshop_pos.engine")
DEFAULT_DEMO_BOOTHS = 4
#: Exit status when the engine stops with call records not in the database.
EXIT_UNSAVED = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "engine",
        help="run the booth-line engine (headless)",
        description="Run the line engine: booth drivers, live metering, call recording, "
        "and the IPC channel the cashier window connects to.",
    )
    parser.add_argument(
        "--driver",
        choices=DRIVER_NAMES,
        default="auto",
        help="booth driver (default: each booth's configured driver)",
    )
    parser.add_argument(
        "--scenario",
        metavar="FILE",
        type=Path,
        help="simulator: scripted calls, CSV booth,start,number,ring,talk",
    )
    parser.add_argument(
        "--booths", metavar="N", type=int, help="simulator: number of booths with random traffic"
    )
    parser.add_argument(
        "--speed",
        metavar="F",
        type=float,
        default=1.0,
        help="simulator: run the engine clock F times faster",
    )
    parser.add_argument("--seed", metavar="N", type=int, help="simulator: random seed")
    parser.add_argument(
        "--exit-when-done",
        action="store_true",
        help="exit after the scenario's last call is recorded (without a "
        "scenario: right after start-up recovery)",
    )
    parser.add_argument(
        "--spill-dir",
        metavar="DIR",
        type=Path,
        default=os.environ.get("CALLSHOP_SPILL_DIR") or None,
        help="where call records wait while the database cannot take them "
        "(env CALLSHOP_SPILL_DIR; put it on another disk than the database; "
        "then the data directory, then the system's temporary directory)",
    )
    add_sip_arguments(parser)
    parser.set_defaults(func=run_engine)


def tune_for_latency() -> None:
    """Hand the interpreter lock over every 1 ms instead of 5 ms (this process only).

    The call writer's database work is CPU-bound Python; with the default switch
    interval the engine and IPC threads could wait up to 5 ms for it per hand-over.
    """
    sys.setswitchinterval(0.001)


def freeze_startup_heap() -> None:
    """Leave everything built at start-up out of later garbage collections (this process).

    A full collection walks every tracked object while holding the interpreter lock;
    the modules, ORM mappings and caches built at start-up (~70,000 objects) never
    become garbage but were walked each time, stalling the SIP driver's threads (a
    relayed 200 OK waits for the collection to end). Called once, when serving starts.
    """
    gc.collect()
    gc.freeze()


def _check(args: argparse.Namespace) -> None:
    if args.speed <= 0 or args.speed > 1000:
        raise InvalidInput("--speed must be above 0 and at most 1000")
    if args.booths is not None and not 1 <= args.booths <= 256:
        raise InvalidInput("--booths must be between 1 and 256")
    simulated = args.driver == "simulator" or (args.driver == "auto" and args.scenario)
    if (args.scenario or args.booths) and not simulated:
        raise InvalidInput("--scenario, --booths and --speed need the simulator driver")
    # SIP values are checked before the database is opened: nothing starts with a bad one
    if check_sip_arguments(args) and args.driver not in ("sip", "auto"):
        raise InvalidInput("the --sip-… options need the sip driver (or auto)")


def run_engine(args: argparse.Namespace) -> int:
    """The ``engine`` command (see the module docstring)."""
    _check(args)
    if args.scenario is not None and args.driver == "auto":
        args.driver = "simulator"
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    data = config.data_dir(args.data_dir)
    url = config.database_url(args.db, data=data)
    scenario = read_scenario(args.scenario) if args.scenario is not None else None
    tune_for_latency()
    clock: Clock = ScaledClock(args.speed) if args.speed != 1.0 else SystemClock()
    with EngineLock(url, data):
        shop = Shop.open(url, clock=clock)
        try:
            return _serve(args, shop, clock, data, scenario)
        finally:
            shop.close()


def _serve(
    args: argparse.Namespace,
    shop: Shop,
    clock: Clock,
    data: Path,
    scenario: list[Any] | None,
) -> int:
    recorder = DatabaseCallRecorder(shop)
    store = ShopBoothStore(shop, data)
    spill = SpillJournal(
        default_spill_dirs(args.spill_dir, data),
        spill_name(shop.db.url.render_as_string(hide_password=True)),
    )
    try:
        return _serve_spilling(args, shop, clock, data, scenario, recorder, store, spill)
    finally:
        spill.close()


def _serve_spilling(
    args: argparse.Namespace,
    shop: Shop,
    clock: Clock,
    data: Path,
    scenario: list[Any] | None,
    recorder: DatabaseCallRecorder,
    store: ShopBoothStore,
    spill: SpillJournal,
) -> int:
    def quarantine(booth: str, ref: str, kind: str, event: str, error: str) -> None:
        set_aside(shop, booth, ref, kind, event, error)

    aside: Quarantine = quarantine
    cards = ShopCardPort(shop)
    waiting: set[str] = set()
    if spill.count:
        left = spill.count
        written, failure = replay_spill(
            spill, lambda r: persist_record(r, recorder, store.save_lock, cards), aside
        )
        if failure is None:
            log.warning("wrote back %d call record(s) an earlier run kept in %s", left, spill.where)
        else:
            waiting = {str(getattr(r, "call_ref", "")) for r in spill.entries()[written:]}
            log.error(
                "%d call record(s) kept in %s cannot be written yet (%s); new calls "
                "are refused until they are",
                left - written,
                spill.where,
                failure,
            )
    card_calls = recover_card_calls(shop, cards, skip=waiting)  # before the till's own
    recovered = recover_interrupted(shop, recorder, skip=waiting)
    if recovered:
        log.warning(
            "finished %d interrupted call(s) left by a crashed engine: ids %s",
            len(recovered),
            ", ".join(map(str, recovered)),
        )
    interrupted = len(recovered) + len(card_calls.finished)
    print(f"engine: start-up recovery done ({interrupted} interrupted call(s))", flush=True)
    if args.exit_when_done and scenario is None:
        return _unsaved_status(spill.count, spill)
    skip: frozenset[str] = frozenset()
    if scenario is not None:
        created = ensure_booths(shop, (c.booth for c in scenario), "simulator")
        skip = frozenset(recorded_refs(shop, (c.call_ref for c in scenario)))
        if created:
            log.info("created booth(s) named in the scenario: %s", ", ".join(created))
    elif args.driver == "simulator":
        _ensure_demo_booths(shop, args.booths)
    booths = store.booths()
    if args.driver == "simulator" and scenario is None and args.booths:
        booths = booths[: args.booths]
    if scenario is not None:
        named = {c.booth for c in scenario}
        booths = [b for b in booths if b.name in named]
    context = DriverContext(
        clock=clock,
        booths=booths,
        speed=args.speed,
        scenario=scenario,
        skip_refs=skip,
        seed=args.seed,
        numbers=_demo_numbers(shop, args.seed),
        sip=_sip_options(shop, args),
        devices={
            b.name: str(b.driver_settings.get("device", ""))
            for b in booth_service.list_booths(shop)
            if b.driver.value == "quicknet"
        },
        state_dir=data,
    )
    driver = create_driver(args.driver, context)
    if hasattr(driver, "on_alert"):  # the SIP driver: abuse from a booth's own address
        driver.on_alert = journal_sip_alerts(shop)
    engine = LineEngine(
        clock=clock,
        driver=driver,
        recorder=recorder,
        store=store,
        tariff=lambda: shop_tariff(shop),
        speed=args.speed,
        # Every second of engine time; at high simulator speeds at most 10 writes a
        # real second (recovery then dates interrupted calls to within speed/10 s of
        # engine time, never past a hang-up that was still queued).
        heartbeat_s=max(1.0, args.speed / 10),
        meter_every_s=max(1.0, 0.25 * args.speed),
        refresh_every_s=5.0 * args.speed,
        quarantine=aside,
        spill=spill,
        storage_check=database_file_check(shop),
        cards=cards,
    )
    engine.load()
    server = EngineServer(engine, data)
    server.start()
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    engine.start()
    sync = start_sender(shop, engine.snapshots)  # closed shifts to central, heartbeats
    daily = DailyBackups(shop).start()  # a verified copy of an SQLite database each day
    freeze_startup_heap()  # after start: the driver's stack (sippy) is loaded by then
    print(
        f"engine: serving {len(booths)} booth(s) with the {driver.name} driver; "
        f"IPC at {server.address}",
        flush=True,
    )
    try:
        done = getattr(driver, "done", None)
        while not stop.wait(0.05):
            if args.exit_when_done and done is not None and done() and engine.idle():
                break
    finally:
        sync.stop()
        server.close()
        engine.stop()
        daily.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(f"engine: stopped; {engine.calls_recorded} call(s) recorded in this run", flush=True)
    return _unsaved_status(engine.unsaved(), spill)


def _unsaved_status(unsaved: int, spill: SpillJournal) -> int:
    if not unsaved:
        return 0
    print(
        f"engine: {unsaved} call record(s) are not in the database; those kept in "
        f"{spill.where} are written back at the next start",
        file=sys.stderr,
        flush=True,
    )
    return EXIT_UNSAVED


def journal_sip_alerts(shop: Shop) -> Callable[[SipAlert], None]:
    """The SIP driver's alert handler: journals each alert (``booth.alert``) on a short
    thread of its own, so the SIP thread never waits for the database."""

    def record(alert: SipAlert) -> None:
        def write() -> None:
            try:
                booth_service.record_line_alert(
                    shop,
                    SYSTEM,
                    booths=alert.booths,
                    source=alert.host,
                    kind=alert.kind.value,
                    detail=alert.detail,
                )
            except Exception:
                log.exception("SIP alert not journaled: %s", alert)

        threading.Thread(target=write, name="sip-alert-journal", daemon=True).start()

    return record


def _ensure_demo_booths(shop: Shop, wanted: int | None) -> None:
    count = len(booth_service.list_booths(shop))
    target = wanted if wanted is not None else (DEFAULT_DEMO_BOOTHS if count == 0 else count)
    names = [f"Booth {i}" for i in range(1, target + 1)]
    existing = {b.name for b in booth_service.list_booths(shop, include_removed=True)}
    missing = [n for n in names if n not in existing][: max(0, target - count)]
    ensure_booths(shop, missing, "simulator")


def _demo_numbers(shop: Shop, seed: int | None) -> list[str]:
    codes = [e.code for e in shop.pricing.index.entries if e.retail is not None]
    rng = random.Random(seed)
    if len(codes) > 200:
        codes = rng.sample(codes, 200)
    return numbers_for_codes(codes, rng, per_code=2)


def _sip_options(shop: Shop, args: argparse.Namespace) -> SipOptions:
    return sip_options(shop.settings, args, booth_service.list_booths(shop))
