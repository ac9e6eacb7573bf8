"""``callshop-pos ledger …``: the prepaid carrier account, headless (administrators).

``ledger topup AMOUNT --date D --method bank|cash [--reference R]`` books a top-up
(USD, up to 6 decimals); ``ledger adjust AMOUNT --reason R`` a signed correction;
``ledger balance`` prints the balance; ``ledger history [--from D] [--to D]`` the
entries of a period with their sums. Amounts are printed in USD with 6 decimals.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from typing import Any

from callshop_pos.cli._shop import login_as, with_shop
from callshop_pos.cli.terminal import parse_date
from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, format_minor, parse_minor
from callshop_pos.services.admin.ledger import (
    LedgerEntryView,
    add_adjustment,
    add_topup,
    balance,
    ledger_history,
    local_date,
)
from callshop_pos.services.context import Shop
from callshop_pos.textsafe import csv_writer

__all__ = ["register"]

USD_DIGITS = 6


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("ledger", help="the prepaid carrier account (top-ups, costs)")
    sub = parser.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)

    p = sub.add_parser("topup", help="book a top-up of the carrier account")
    _user(p)
    p.add_argument("amount", metavar="USD", help="amount in USD, e.g. 250.00")
    p.add_argument("--date", metavar="DATE", help="value date YYYY-MM-DD (default: today)")
    p.add_argument("--method", choices=("bank", "cash"), required=True)
    p.add_argument("--reference", default="", help="bank reference or receipt number")
    p.set_defaults(func=with_shop(_cmd_topup))

    p = sub.add_parser("adjust", help="book a signed correction (e.g. -1.50)")
    _user(p)
    p.add_argument("amount", metavar="USD")
    p.add_argument("--date", metavar="DATE", help="value date YYYY-MM-DD (default: today)")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=with_shop(_cmd_adjust))

    p = sub.add_parser("balance", help="the carrier account balance")
    _user(p)
    p.set_defaults(func=with_shop(_cmd_balance))

    p = sub.add_parser("history", help="entries of a period with their sums")
    _user(p)
    p.add_argument("--from", dest="date_from", metavar="DATE")
    p.add_argument("--to", dest="date_to", metavar="DATE")
    p.add_argument(
        "--kind",
        choices=("topup", "call_cost", "adjustment"),
        help="list only entries of this kind (the sums cover all)",
    )
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=with_shop(_cmd_history))


def _user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        required=True,
        metavar="NAME",
        help="an administrator (password from a prompt or stdin)",
    )


def _usd(text: str, *, signed: bool = False) -> int:
    try:
        value = parse_minor(text, USD_DIGITS, allow_comma=False)
    except MoneyError as exc:
        raise InvalidInput(f"amount: {exc}") from None
    if value < 0 and not signed:
        raise InvalidInput("amount: must not be negative")
    return value


def usd(micro: int) -> str:
    return format_minor(micro, USD_DIGITS)


def _print(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _cmd_topup(args: argparse.Namespace, shop: Shop) -> int:
    amount = _usd(args.amount)
    actor = login_as(shop, args.user)
    day = parse_date(args.date, "--date") or local_date(shop, shop.clock.now())
    entry = add_topup(shop, actor, amount, day, args.method, args.reference)
    _print(
        f"top-up {entry.id}: {usd(entry.amount_micro_usd)} USD ({entry.method}, "
        f"{entry.value_date.isoformat()}); balance {usd(balance(shop, actor))} USD"
    )
    return 0


def _cmd_adjust(args: argparse.Namespace, shop: Shop) -> int:
    amount = _usd(args.amount, signed=True)
    actor = login_as(shop, args.user)
    day = parse_date(args.date, "--date") or local_date(shop, shop.clock.now())
    entry = add_adjustment(shop, actor, amount, day, args.reason)
    _print(
        f"adjustment {entry.id}: {usd(entry.amount_micro_usd)} USD; "
        f"balance {usd(balance(shop, actor))} USD"
    )
    return 0


def _cmd_balance(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    # Reading the history checks the administrator role (the balance reveals costs).
    history = ledger_history(shop, actor)
    _print(f"{usd(history.closing_balance_micro_usd)} USD")
    return 0


def _entry_json(e: LedgerEntryView) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "date": e.value_date.isoformat(),
        "recorded_at": e.at.isoformat(),
        "amount_usd": usd(e.amount_micro_usd),
        "method": e.method,
        "reference": e.reference,
        "call_id": e.call_id,
    }


def _cmd_history(args: argparse.Namespace, shop: Shop) -> int:
    date_from = parse_date(args.date_from, "--from")
    date_to = parse_date(args.date_to, "--to")
    actor = login_as(shop, args.user)
    h = ledger_history(shop, actor, date_from, date_to)
    entries = [e for e in h.entries if args.kind is None or e.kind == args.kind]
    sums = {
        "opening_balance_usd": usd(h.opening_balance_micro_usd),
        "topups_usd": usd(h.topups_micro_usd),
        "topup_count": h.topup_count,
        "costs_usd": usd(h.costs_micro_usd),
        "call_count": h.call_count,
        "adjustments_usd": usd(h.adjustments_micro_usd),
        "closing_balance_usd": usd(h.closing_balance_micro_usd),
        "costs_local": format_minor(h.costs_local_minor),
        "costs_without_rate": h.costs_without_rate,
    }
    if args.format == "json":
        _print(
            json.dumps(
                {
                    "from": args.date_from,
                    "to": args.date_to,
                    "entries": [_entry_json(e) for e in entries],
                    **sums,
                },
                indent=2,
            )
        )
        return 0
    rows = [_entry_json(e) for e in entries]
    if args.format == "csv":
        buf = io.StringIO()
        fields = (
            "id",
            "kind",
            "date",
            "recorded_at",
            "amount_usd",
            "method",
            "reference",
            "call_id",
        )
        writer = csv_writer(buf)
        writer.writerow(fields)
        writer.writerows([r.get(field) for field in fields] for r in rows)
        _print(buf.getvalue())
        return 0
    for r in rows:
        _print(
            f"{r['date']}  {r['kind']:<10} {r['amount_usd']:>16}  "
            f"{r['method'] or '':<4}  {r['reference']}"
        )
    _print(
        f"opening {sums['opening_balance_usd']}  top-ups {sums['topups_usd']} "
        f"({h.topup_count})  costs {sums['costs_usd']} ({h.call_count} calls)  "
        f"adjustments {sums['adjustments_usd']}  closing {sums['closing_balance_usd']} USD"
    )
    return 0
