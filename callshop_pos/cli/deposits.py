"""``callshop-pos deposits …``: prepaid booth deposits headless (take, settle, list).

The same service calls as the till's deposit buttons, so the same rules hold: an
operator takes and settles in their own open shift; settling pays the calls the
deposit covered and hands the rest back (rounded to the cash unit). A running line
engine picks up a changed deposit at its next refresh (every few seconds).
Passwords come from a prompt on a terminal, otherwise one line of standard input.
"""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from callshop_pos.cli._shop import login_as, with_shop
from callshop_pos.cli.shifts import default_user
from callshop_pos.cli.terminal import parse_amount, write_result
from callshop_pos.money import format_minor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.deposits import (
    DepositBalance,
    describe,
    open_deposit_balances,
    settle_deposit,
    take_deposit,
)

__all__ = ["register"]

FORMATS = ("table", "json")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("deposits", help="prepaid booth deposits: take, settle, list")
    sub = parser.add_subparsers(dest="deposits_command", metavar="ACTION", required=True)

    p = sub.add_parser("take", help="take a deposit for a prepaid booth (tops up an open one)")
    p.add_argument("booth")
    p.add_argument("amount", help="cash taken, e.g. 10.00")
    p.add_argument("--user", help="the operator of the open shift (default: $CALLSHOP_USER)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=with_shop(_cmd_take))

    p = sub.add_parser("settle", help="settle a booth's deposit: pay its calls, return the rest")
    p.add_argument("booth")
    p.add_argument("--user", help="the operator of the open shift (default: $CALLSHOP_USER)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=with_shop(_cmd_settle))

    p = sub.add_parser("list", help="every open deposit with what is used and left")
    p.add_argument("--user", help="who asks (default: $CALLSHOP_USER or the only administrator)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=with_shop(_cmd_list))


def _cmd_take(args: argparse.Namespace, shop: Shop) -> int:
    # A bad amount fails before the password is asked.
    amount = parse_amount(args.amount, "deposit amount")
    actor = login_as(shop, args.user or default_user(shop))
    taken = take_deposit(shop, actor, args.booth, amount)
    data = {
        "deposit_id": taken.deposit_id,
        "booth": taken.booth,
        "shift_id": taken.shift_id,
        "taken": format_minor(taken.added_minor),
        "deposit": format_minor(taken.amount_minor),
        "top_up": taken.top_up,
    }
    what = "topped up" if taken.top_up else "taken"
    write_result(
        args,
        data,
        f"{taken.booth}: {format_minor(taken.added_minor)} {what}; deposit now "
        f"{format_minor(taken.amount_minor)} (shift {taken.shift_id})",
    )
    return 0


def _cmd_settle(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    settled = settle_deposit(shop, actor, args.booth)
    data = {
        "deposit_id": settled.deposit_id,
        "booth": settled.booth,
        "shift_id": settled.shift_id,
        "deposit": format_minor(settled.amount_minor),
        "used": format_minor(settled.used_minor),
        "paid_calls": list(settled.paid_call_ids),
        "payment_id": settled.payment_id,
        "returned": format_minor(settled.returned_minor),
        "rounding": format_minor(settled.rounding_minor),
        "returned_cash": format_minor(settled.returned_cash_minor),
        "left_unserved": list(settled.left_unserved),
    }
    lines = [
        f"{settled.booth}: deposit {format_minor(settled.amount_minor)}, "
        f"{len(settled.paid_call_ids)} call(s) paid {format_minor(settled.used_minor)}",
        f"hand back {format_minor(settled.returned_cash_minor)}"
        + (
            f" ({format_minor(settled.returned_minor)} rounded by "
            f"{format_minor(settled.rounding_minor)})"
            if settled.rounding_minor
            else ""
        ),
    ]
    if settled.left_unserved:
        lines.append(
            f"{len(settled.left_unserved)} call(s) the deposit did not cover: pay them at the till"
        )
    write_result(args, data, "\n".join(lines))
    return 0


def _balance_json(balance: DepositBalance, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "deposit_id": balance.deposit_id,
        "booth": balance.booth,
        "shift_id": balance.shift_id,
        "taken_at": balance.taken_at.astimezone(tz).isoformat(),
        "deposit": format_minor(balance.amount_minor),
        "used": format_minor(balance.used_minor),
        "left": format_minor(balance.balance_minor),
        "calls": list(balance.call_ids),
    }


def _cmd_list(args: argparse.Namespace, shop: Shop) -> int:
    login_as(shop, args.user or default_user(shop))
    balances = sorted(open_deposit_balances(shop).values(), key=lambda b: b.booth)
    text = "\n".join(describe(b) for b in balances) or "no open deposits"
    tz = ZoneInfo(shop.settings.timezone)
    write_result(args, [_balance_json(b, tz) for b in balances], text)
    return 0
