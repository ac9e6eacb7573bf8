"""``callshop-pos fx …``: the administrator's dated USD → local-currency rate.

``fx set RATE [--date YYYY-MM-DD] --user NAME`` records the rate in force from that date
(default: the shop's today; administrators only, password from a prompt or stdin);
``fx list [--format table|json]`` prints every rate ever set, newest date first, with
who set it and when. A rate for a date that already has one is a correction: the newer
row wins, nothing is overwritten.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from decimal import Decimal
from typing import Any

from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.cli.terminal import parse_date
from callshop_pos.errors import InvalidInput
from callshop_pos.money import parse_decimal
from callshop_pos.services.admin import admin_prices, fx
from callshop_pos.services.admin.fx import UsdRate
from callshop_pos.services.context import Shop

__all__ = ["parse_rate", "register"]

# Plain decimal notation only: no sign, exponent, comma, NaN or Infinity.
_RATE = re.compile(r"[0-9]+(\.[0-9]+)?")  # ASCII digits only (\d is any Unicode digit)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("fx", help="the USD rate used for wholesale cost and profit")
    sub = parser.add_subparsers(dest="fx_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "set",
        help="set the USD rate from a date on (administrators)",
        description="Record how many units of the local currency one USD costs from "
        "--date on (default: today). A second rate for the same date corrects the first.",
    )
    p.add_argument("rate", metavar="RATE", help="local currency per USD, e.g. 0.921234")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="first day the rate applies")
    add_user_option(p)
    p.set_defaults(func=with_shop(_cmd_set))

    p = sub.add_parser("list", help="every USD rate set, newest date first")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=with_shop(_cmd_list))


def parse_rate(text: str) -> Decimal:
    """The rate typed on the command line as an exact Decimal (plain notation, '.')."""
    cleaned = text.strip()
    if not _RATE.fullmatch(cleaned):
        raise InvalidInput(
            f"the rate must be a plain decimal number such as 0.921234, not {text!r}"
        )
    return parse_decimal(cleaned)


def _cmd_set(args: argparse.Namespace, shop: Shop) -> int:
    rate = parse_rate(args.rate)
    day = parse_date(args.date, "--date")
    actor = login_as(shop, args.user)
    saved = fx.set_usd_rate(shop, actor, rate, day or admin_prices.today(shop))
    print(
        f"USD rate {saved.local_per_usd} {shop.settings.currency} from "
        f"{saved.effective_on.isoformat()} (set by {saved.set_by})"
    )
    return 0


def _json(r: UsdRate, in_force: bool) -> dict[str, Any]:
    return {
        "effective_on": r.effective_on.isoformat(),
        "local_per_usd": str(r.local_per_usd),  # a string keeps the digits exact
        "set_at": r.set_at.isoformat(),
        "set_by": r.set_by,
        "in_force_today": in_force,
    }


def _cmd_list(args: argparse.Namespace, shop: Shop) -> int:
    history = fx.rate_history(shop)
    today = admin_prices.today(shop)
    # Newest date first and, within a date, the newest correction first: the first row
    # dated on or before today is the one in force.
    current = next((r.id for r in history if r.effective_on <= today), None)
    if args.format == "json":
        rows = [_json(r, r.id == current) for r in history]
        sys.stdout.write(
            json.dumps({"currency": shop.settings.currency, "rates": rows}, indent=2) + "\n"
        )
        return 0
    if not history:
        print("no USD rate has been set yet (callshop-pos fx set RATE --user NAME)")
        return 0
    seen: set[date] = set()
    print(f"  {'from':<10}  {'rate':>12}  {'set at (UTC)':<16}  by")
    for r in history:
        mark = "*" if r.id == current else " "
        note = "  (corrected later)" if r.effective_on in seen else ""
        seen.add(r.effective_on)
        print(
            f"{mark} {r.effective_on.isoformat():<10}  {r.local_per_usd!s:>12}  "
            f"{r.set_at:%Y-%m-%d %H:%M}  {r.set_by}{note}"
        )
    return 0
