"""Demo mode: ``python main.py`` with nothing configured shows a working call shop.

A demo database (``demo.db`` in the data directory) gets the sample price list,
eight simulated booths (two of them prepaid), an administrator and an operator.
Their credentials are shown on the login screen, in demo mode only. The line
engine is started with the simulator if none is running.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from callshop_pos.config import DEMO_DATABASE, SHOP_DATABASE
from callshop_pos.services.admin import booths, prices, settings, users
from callshop_pos.services.auth import Role
from callshop_pos.services.context import Shop

__all__ = ["DEMO_ACCOUNTS", "demo_url", "demo_wanted", "prepare_demo", "start_engine"]

#: (role shown, user name, password) — demo database only.
DEMO_ACCOUNTS = (("operator", "cashier", "cashier-demo"), ("admin", "admin", "admin-demo"))
DEMO_BOOTHS = 8
_PRICES = Path(__file__).resolve().parent.parent / "resources" / "prices" / "sample.csv"


def demo_wanted(args: argparse.Namespace, data: Path) -> bool:
    """Nothing configured: no ``--db``, no ``CALLSHOP_DB`` and no shop database yet."""
    if getattr(args, "db", None) or os.environ.get("CALLSHOP_DB"):
        return False
    return not (data / SHOP_DATABASE).exists()


def demo_url(data: Path) -> str:
    return f"sqlite:///{data / DEMO_DATABASE}"


def prepare_demo(shop: Shop) -> None:
    """Fill an empty demo database (does nothing to one already set up)."""
    (_, admin_name, admin_password) = DEMO_ACCOUNTS[1]
    (_, cashier_name, cashier_password) = DEMO_ACCOUNTS[0]
    if booths.list_booths(shop, include_removed=True):
        return
    admin = users.create_first_admin(shop, admin_name, admin_password)
    users.add_user(shop, admin, cashier_name, cashier_password, Role.OPERATOR)
    prices.import_price_list(
        shop, admin, _PRICES.read_bytes(), "sample.csv", note="demo price list"
    )
    # Cash bills rounded to 5 cents, so the demo shows the rounding line of a bill.
    settings.update_settings(shop, admin, cash_rounding_unit=5)
    for number in range(1, DEMO_BOOTHS + 1):
        prepaid = number > DEMO_BOOTHS - 2
        booths.add_booth(
            shop,
            admin,
            f"Booth {number}",
            position=number,
            billing="prepaid" if prepaid else "postpaid",
            default_deposit_minor=1000 if prepaid else 0,
        )


def start_engine(data: Path, url: str, *, speed: float = 1.0) -> subprocess.Popen[bytes]:
    """Start ``callshop-pos engine --driver simulator`` for the demo, detached.

    It keeps running when the window closes (calls are never cut by the till), and
    a second engine on the same database refuses to start, so this is safe to call.
    """
    main = Path(__file__).resolve().parent.parent / "main.py"
    log = open(data / "engine.log", "ab")  # noqa: SIM115 - handed to the child process
    try:
        return subprocess.Popen(
            [
                sys.executable,
                str(main),
                "--data-dir",
                str(data),
                "--db",
                url,
                "engine",
                "--driver",
                "simulator",
                "--speed",
                str(speed),
            ],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        log.close()
