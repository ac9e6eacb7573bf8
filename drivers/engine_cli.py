"""``callshop-pos engine``: the headless line engine process.

Start-up: take the one-engine-per-database lock, open (migrate) the existing
database, finish every call a crashed engine left in progress (``interrupted``,
ended at the last heartbeat), then serve the booths: the driver's events drive
the booth state machines, every call event is written to the database as it
happens, and live state and commands go over the authenticated IPC channel.
SIGTERM/SIGINT stop it cleanly (calls still running are ended and recorded), and so
does ``callshop-pos engine stop`` over the IPC channel; ``engine status`` says whether
it runs, does not answer, or is stopped.

Records the database cannot take wait in the spill journal (``--spill-dir``, see
:mod:`callshop_pos.lines.spill`); those an earlier run left are written back first,
at start-up, before recovery. The exit status is :data:`EXIT_UNSAVED` when the
engine stops with call records not in the database (kept in the spill journal, or
lost with the process if even that could not be written).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from callshop_pos import config
from callshop_pos.cli._shop import existing_database_url
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
from callshop_pos.engine_store.writer_process import ProcessCallRecorder
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.engine import LineEngine, Quarantine, persist_record, replay_spill
from callshop_pos.lines.engine_lock import EngineLock
from callshop_pos.lines.ipc import (
    EngineClient,
    EngineServer,
    EngineUnavailable,
    engine_process,
    process_alive,
)
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

__all__ = [
    "EXIT_UNSAVED",
    "engine_status",
    "engine_stop",
    "freeze_startup_heap",
    "register",
    "run_engine",
    "tune_for_latency",
]

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
    actions = parser.add_subparsers(
        dest="engine_action",
        metavar="ACTION",
        title="instead of running an engine",
        required=False,
    )
    status = actions.add_parser(
        "status",
        help="is the engine of this data directory running? (exit 0: running, "
        "1: not reachable, 3: stopped)",
        description="Say whether the line engine of this data directory runs, answers, "
        "and what it serves. Exit status 0: running; 1: its process is alive but it "
        "does not answer; 3: stopped.",
    )
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(func=engine_status)
    stop = actions.add_parser(
        "stop",
        help="stop the running engine (calls in progress are ended and recorded first)",
        description="Stop the line engine of this data directory over its IPC channel, "
        "as SIGTERM does: calls in progress are ended and recorded, then it exits. Waits "
        "until the process has exited.",
    )
    stop.add_argument(
        "--timeout",
        metavar="S",
        type=float,
        default=60.0,
        help="wait at most this many seconds for the engine to exit (default 60)",
    )
    stop.set_defaults(func=engine_stop)


#: ``engine status`` exit statuses (as systemctl's: 3 = not running).
STATUS_RUNNING, STATUS_UNREACHABLE, STATUS_STOPPED = 0, 1, 3
#: How long the control commands wait for the engine's IPC handshake.
CONNECT_TIMEOUT_S = 5.0


def _connect(data: Path) -> EngineClient | None:
    """A client connected to the engine of ``data``, or None (closed) if none answers."""
    client = EngineClient(data, timeout_s=CONNECT_TIMEOUT_S).start()
    if client.wait_connected(CONNECT_TIMEOUT_S):
        return client
    client.close()
    return None


def _describe(status: dict[str, Any]) -> str:
    return (
        f"pid {status.get('pid')}: {status.get('booths', 0)} booth(s), "
        f"{status.get('in_call', 0)} call(s) in progress, {status.get('driver', '?')} "
        f"driver, database {status.get('database', '?')}, running since "
        f"{status.get('started_at', '?')}, {status.get('calls_recorded', 0)} call(s) "
        "recorded since"
    )


def engine_status(args: argparse.Namespace) -> int:
    """``engine status``: running / not reachable / stopped (see :func:`register`)."""
    data = config.data_dir(args.data_dir)
    pid = engine_process(data)
    client = _connect(data) if pid is not None else None
    if client is None:
        state, code = ("not reachable", STATUS_UNREACHABLE) if pid else ("stopped", STATUS_STOPPED)
        if args.json:
            print(json.dumps({"state": state.replace(" ", "_"), "pid": pid}))
        elif pid:
            print(f"line engine: not reachable (pid {pid} runs but does not answer on {data})")
        else:
            print(
                f"line engine: stopped (no engine serves {data}; start it with "
                "`callshop-pos engine`)"
            )
        return code
    try:
        status = client.status()
    finally:
        client.close()
    if args.json:
        print(json.dumps({"state": "running", **status}))
    else:
        print(f"line engine: running ({_describe(status)})")
    return STATUS_RUNNING


def engine_stop(args: argparse.Namespace) -> int:
    """``engine stop``: the clean stop, over IPC; waits for the process to exit."""
    if not 0 < args.timeout <= 3600:
        raise InvalidInput("--timeout must be above 0 and at most 3600 seconds")
    data = config.data_dir(args.data_dir)
    pid = engine_process(data)
    if pid is None:
        print("line engine: not running (nothing to stop)")
        return 0
    client = _connect(data)
    if client is None:
        print(
            f"line engine: pid {pid} does not answer on {data}; stop it with "
            f"`kill -TERM {pid}` (the same clean stop)",
            file=sys.stderr,
        )
        return 1
    try:
        status = client.stop()
    except EngineUnavailable:
        status = {}  # the connection went as the engine stopped: it was asked
    finally:
        client.close()
    in_call = int(status.get("in_call", 0))
    print(
        f"line engine: stopping (pid {pid}); "
        + (
            f"{in_call} call(s) in progress are ended and recorded first"
            if in_call
            else "no call in progress"
        ),
        flush=True,
    )
    deadline = time.monotonic() + args.timeout
    while process_alive(pid):
        if time.monotonic() > deadline:
            print(
                f"line engine: pid {pid} is still stopping after {args.timeout:g} s",
                file=sys.stderr,
            )
            return 1
        time.sleep(0.05)
    print("line engine: stopped")
    return 0


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
    if check_sip_arguments(args) and args.driver not in ("sip", "quicknet", "auto"):
        raise InvalidInput(
            "the --sip-… options need the sip driver (or quicknet, for its VoIP route, or auto)"
        )


def run_engine(args: argparse.Namespace) -> int:
    """The ``engine`` command (see the module docstring)."""
    _check(args)
    if args.scenario is not None and args.driver == "auto":
        args.driver = "simulator"
    scenario = read_scenario(args.scenario) if args.scenario is not None else None
    data = config.data_dir(args.data_dir)
    url = existing_database_url(args.db, data=data)  # only init creates a database
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
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
    # Batches of call records are written by a child process (off this one's GIL).
    recorder = ProcessCallRecorder(shop, clock)
    store = ShopBoothStore(shop, data)
    spill = SpillJournal(
        default_spill_dirs(args.spill_dir, data),
        spill_name(shop.db.url.render_as_string(hide_password=True)),
    )
    try:
        return _serve_spilling(args, shop, clock, data, scenario, recorder, store, spill)
    finally:
        recorder.close()
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
        routes={
            b.name: str(b.driver_settings.get("route", "pstn"))
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
    stop = threading.Event()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    server = EngineServer(
        engine,
        data,
        on_stop=stop.set,  # `callshop-pos engine stop`: the same clean stop as SIGTERM
        describe=lambda: {
            "database": shop.db.url.render_as_string(hide_password=True),
            "driver": driver.name,
            "started_at": started_at,
            "calls_recorded": engine.calls_recorded,
        },
    )
    server.start()
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
