"""The composition root of the cashier window (``python main.py`` with no command).

The one place that knows every part: it opens the shop database (the demo one when
nothing is configured), links to the line engine (starting the simulator engine in
demo mode), chooses the device factory of :mod:`drivers.devices`, sets up the
window's failure log (:mod:`ui.action_errors`) and hands them to the window
(:func:`ui.app.run_till`). ``ui/`` itself never imports ``drivers/``.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time

from callshop_pos.cli._shop import NoDatabase, existing_database_url
from callshop_pos.config import data_dir
from callshop_pos.errors import CallShopError
from callshop_pos.lines.ipc import EngineClient, process_alive
from callshop_pos.services.context import Shop
from drivers.devices import build_devices
from ui.action_errors import install_action_log, install_excepthook
from ui.app import display_problem, make_application, run_till, show_start_problem
from ui.bridge import EngineBridge
from ui.demo import demo_url, demo_wanted, prepare_demo, start_engine

__all__ = ["run_cashier_window", "stop_demo_engine"]


def run_cashier_window(args: argparse.Namespace) -> int:
    """Build the shop, the engine link and the devices; run the window; the exit code."""
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    app = make_application()
    data = data_dir(getattr(args, "data_dir", None))
    install_action_log(data)  # a failed action: plain words to the user, traceback here
    install_excepthook()
    demo = demo_wanted(args, data)
    try:
        # Outside demo mode the window, like every command, opens only an existing
        # database: ``callshop-pos init`` creates one.
        url = (
            demo_url(data) if demo else existing_database_url(getattr(args, "db", None), data=data)
        )
    except NoDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        show_start_problem(str(exc))
        return 1
    shop = Shop.open(url)
    shop.background_backups = True  # the copy at each Z must not hold up the window
    bridge = EngineBridge()
    client = EngineClient(
        data,
        on_snapshot=bridge.on_snapshot,
        on_call_finished=bridge.on_call_finished,
        on_connection=bridge.on_connection,
    )
    started: subprocess.Popen[bytes] | None = None  # the demo's engine, when we start it
    try:
        if demo:
            prepare_demo(shop)
        client.start()
        if demo and not client.wait_connected(1.5):
            started = start_engine(data, url)
        return run_till(app, shop, bridge, client, data, demo=demo, build_devices=build_devices)
    finally:
        if demo:
            stop_demo_engine(client, started)
        client.close()
        shop.close()


def stop_demo_engine(
    client: EngineClient, started: subprocess.Popen[bytes] | None = None, wait_s: float = 10.0
) -> None:
    """The demo's line engine stops with the demo's till (a shop's own keeps running:
    it meters the booths whether the till is open or not). The clean stop: calls in
    progress are ended and recorded; waits (a little) for the process to exit, so a
    demo started again at once starts a fresh engine. ``started``: the engine this
    till started, stopped with SIGTERM (the same clean stop) if it never answered."""
    if not client.connected:
        if started is not None and started.poll() is None:
            started.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                started.wait(wait_s)
        return
    try:
        pid = int(client.stop()["pid"])
    except CallShopError as exc:
        print(f"the demo's line engine was not stopped: {exc}", file=sys.stderr)
        return
    deadline = time.monotonic() + wait_s
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
