"""``callshop-pos report FIRST LAST``: the owner's period report (administrators only)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.errors import InvalidInput
from callshop_pos.money import format_minor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.export import card_summary, report_csv
from callshop_pos.services.reports.period import period_report
from callshop_pos.services.reports.rows import GroupBy


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="the owner's report: calls, minutes, revenue, cost and profit",
        description="Calls that ended between the local dates FIRST and LAST (both "
        "included), grouped by day, destination, booth or operator. The first report after "
        "an upgrade sums the closed shifts' history once; its progress goes to stderr.",
    )
    p.add_argument("first", type=_day, help="first local date, YYYY-MM-DD")
    p.add_argument("last", type=_day, help="last local date, YYYY-MM-DD")
    p.add_argument("--by", choices=[g.value for g in GroupBy], default=GroupBy.DAY.value)
    p.add_argument("--csv", type=Path, metavar="FILE", help="write the report as CSV instead")
    add_user_option(p)
    p.set_defaults(func=with_shop(_report))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _progress(done: int, total: int) -> None:
    print(f"summing closed shifts for the reports: {done} of {total}", file=sys.stderr, flush=True)


def _report(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    report = period_report(shop, actor, args.first, args.last, GroupBy(args.by), progress=_progress)
    if args.csv is not None:
        try:
            args.csv.write_text(report_csv(report), encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"cannot write {args.csv}: {exc.strerror}") from None
        print(f"wrote {len(report.rows)} rows to {args.csv}")
        return 0
    print(
        f"{'':<24} {'calls':>8} {'minutes':>10} {'billed':>12} {'revenue':>12} "
        f"{'cost':>12} {'profit':>12}"
    )
    for row in (*report.rows, report.total):
        print(
            f"{row.key[:24]:<24} {row.calls:>8} {row.minutes:>10} "
            f"{format_minor(row.billed_minor):>12} {format_minor(row.revenue_minor):>12} "
            f"{format_minor(row.wholesale_cost_minor):>12} "
            f"{format_minor(row.profit_minor):>12}"
        )
    cards = card_summary(report)
    if cards:
        print(cards)
    return 0
