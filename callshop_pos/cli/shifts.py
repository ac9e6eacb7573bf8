"""``callshop-pos shifts …``: open, close, list and show shifts headless.

Every command logs in (``--user``; the password comes from a prompt on a terminal,
otherwise one line of standard input). Output formats: ``table`` (people),
``json`` and ``csv`` (machines). Money is printed as decimal strings ("12.50"),
times as ISO 8601 in the shop's local time with their UTC offset.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from callshop_pos.cli._shop import login_as, with_shop
from callshop_pos.cli.terminal import money_or_none, parse_amount, parse_date, write
from callshop_pos.clock import format_duration
from callshop_pos.db.models.users import Role, User
from callshop_pos.errors import InvalidInput
from callshop_pos.money import format_minor
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.services.auth import Actor
from callshop_pos.services.backups import backup_problem
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.summary import (
    PeriodTotals,
    ShiftReport,
    ShiftSummary,
)
from callshop_pos.services.till.calls import CallView
from callshop_pos.services.till.printing import shift_report_pdf
from callshop_pos.services.till.shifts import (
    close_shift,
    list_shifts,
    open_shift,
    show_shift,
)
from callshop_pos.textsafe import csv_writer

__all__ = ["call_json", "register", "shift_json", "summary_json"]

FORMATS = ("table", "json", "csv")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("shifts", help="open, close, list and show shifts")
    sub = parser.add_subparsers(dest="shifts_command", metavar="ACTION", required=True)

    p = sub.add_parser("open", help="open a shift with an opening cash float")
    p.add_argument("--user", help="the operator opening the shift (default: $CALLSHOP_USER)")
    p.add_argument(
        "--float",
        dest="float_",
        default="0",
        metavar="AMOUNT",
        help="cash in the drawer at the start (e.g. 50.00)",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=with_shop(_cmd_open))

    p = sub.add_parser("close", help="close the open shift with the counted cash (Z report)")
    p.add_argument("--user", help="who closes it (default: $CALLSHOP_USER)")
    p.add_argument("--counted", required=True, metavar="AMOUNT", help="cash counted in the drawer")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=with_shop(_cmd_close))

    p = sub.add_parser("list", help="shifts of a period with their totals")
    p.add_argument("--user", help="who asks (default: $CALLSHOP_USER or the only administrator)")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last day (YYYY-MM-DD)")
    p.add_argument("--status", choices=("open", "closed"))
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=with_shop(_cmd_list))

    p = sub.add_parser("show", help="one shift with every call")
    p.add_argument("id", type=int, help="shift number")
    p.add_argument("--user", help="who asks (default: $CALLSHOP_USER or the only administrator)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--pdf",
        metavar="FILE",
        help="also write the shift's report (X if open, Z copy if closed) as PDF",
    )
    p.set_defaults(func=with_shop(_cmd_show))


# ------------------------------------------------------------------ plumbing


def default_user(shop: Shop) -> str:
    """Who a command runs as when ``--user`` is not given: ``$CALLSHOP_USER``, else the
    shop's only active administrator (a clear error when there are several)."""
    env = os.environ.get("CALLSHOP_USER", "").strip()
    if env:
        return env
    with shop.db.read() as session:
        admins = session.scalars(
            select(User.username).where(User.role == Role.ADMIN, User.active.is_(True))
        ).all()
    if len(admins) != 1:
        raise InvalidInput("say who you are with --user NAME (or set CALLSHOP_USER)")
    return admins[0]


def _login(shop: Shop, name: str | None) -> Actor:
    return login_as(shop, name or default_user(shop))


# ------------------------------------------------------------------ JSON shapes


def _time(at: datetime | None, tz: ZoneInfo) -> str | None:
    return None if at is None else at.astimezone(tz).isoformat()


def summary_json(s: ShiftSummary, tz: ZoneInfo) -> dict[str, Any]:
    """The closed-session header fields of the original, plus the cash check."""
    return {
        "id": s.id,
        "status": s.status,
        "operator": s.operator,
        "opened_at": _time(s.opened_at, tz),
        "closed_at": _time(s.closed_at, tz),
        "call_count": s.call_count,
        "talk_seconds": s.talk_seconds,
        "billable_seconds": s.billable_seconds,
        "cash": money_or_none(s.cash_minor),
        "unserved": s.unserved,
        "unpaid": s.unpaid,
        "paid": s.paid,
        "unrated": s.unrated,
        "attempts": s.attempts,
        "opening_float": money_or_none(s.opening_float_minor),
        "expected_cash": money_or_none(s.expected_minor),
        "counted_cash": money_or_none(s.counted_minor),
        "discrepancy": money_or_none(s.discrepancy_minor),
        "corrections": money_or_none(s.corrections_minor),
        "deposits_taken": money_or_none(s.deposits_taken_minor),
        "deposits_returned": money_or_none(s.deposits_returned_minor),
        "deposit_payments": money_or_none(s.deposit_payments_minor),
        "open_deposits": s.open_deposits,
    }


def call_json(c: CallView, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": c.id,
        "booth": c.booth,
        "number": c.number,
        "destination": c.destination,
        "answered_at": _time(c.answered_at, tz),
        "ended_at": _time(c.ended_at, tz),
        "duration": c.duration_s,
        "billable_seconds": c.billable_s,
        "price": money_or_none(c.price_minor),
        "status": c.status,
        "flags": list(c.flags),
    }


def shift_json(summary: ShiftSummary, calls: Sequence[CallView], tz: ZoneInfo) -> dict[str, Any]:
    return {**summary_json(summary, tz), "calls": [call_json(c, tz) for c in calls]}


def totals_json(t: PeriodTotals) -> dict[str, Any]:
    return {
        "shift_count": t.shift_count,
        "call_count": t.call_count,
        "talk_seconds": t.talk_seconds,
        "billable_seconds": t.billable_seconds,
        "cash": money_or_none(t.cash_minor),
        "unserved": t.unserved,
        "unpaid": t.unpaid,
        "attempts": t.attempts,
        "discrepancy": money_or_none(t.discrepancy_minor),
    }


def report_json(r: ShiftReport, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "generated_at": _time(r.generated_at, tz),
        "shift": summary_json(r.summary, tz),
        "payments": r.payment_count,
        "refunds": r.refund_count,
        "payments_total": money_or_none(r.summary.payments_minor),
        "refunds_total": money_or_none(r.summary.refunds_minor),
        "rounding": money_or_none(r.rounding_minor),
        "deposits": [
            {
                "id": d.id,
                "booth": d.booth,
                "taken_at": _time(d.taken_at, tz),
                "amount": money_or_none(d.amount_minor),
                "status": d.status,
                "settled_at": _time(d.settled_at, tz),
                "used": money_or_none(d.used_minor),
                "returned": money_or_none(d.returned_minor),
            }
            for d in r.deposits
        ],
        "by_status": [
            {"status": s.status, "count": s.count, "amount": money_or_none(s.amount_minor)}
            for s in r.by_status
        ],
        "by_booth": [
            {
                "booth": b.booth,
                "calls": b.calls,
                "talk_seconds": b.talk_seconds,
                "billable_seconds": b.billable_seconds,
                "amount": money_or_none(b.amount_minor),
                "paid": money_or_none(b.paid_minor),
                "unserved": b.unserved,
                "unpaid": b.unpaid,
            }
            for b in r.by_booth
        ],
        "unserved_calls": [call_json(c, tz) for c in r.unserved_calls],
        "unpaid_calls": [call_json(c, tz) for c in r.unpaid_calls],
        "unrated_calls": [call_json(c, tz) for c in r.unrated_calls],
        "flagged_calls": [call_json(c, tz) for c in r.flagged_calls],
        "journal_head": r.journal_head,
    }


# ------------------------------------------------------------------ text output


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _local(at: datetime | None, tz: ZoneInfo) -> str:
    return "" if at is None else at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _summary_text(s: ShiftSummary, tz: ZoneInfo) -> str:
    lines = [
        f"Shift {s.id} ({s.status}) — operator {s.operator}",
        f"  opened:            {_local(s.opened_at, tz)}",
        f"  closed:            {_local(s.closed_at, tz) or '—'}",
        f"  calls:             {s.call_count} ({s.attempts} unanswered attempts)",
        f"  talk time:         {format_duration(s.talk_seconds)} "
        f"(billed {format_duration(s.billable_seconds)})",
        f"  paid/unpaid/unserved: {s.paid}/{s.unpaid}/{s.unserved}"
        + (f", {s.unrated} unrated" if s.unrated else ""),
        f"  opening float:     {format_minor(s.opening_float_minor)}",
        f"  cash for calls:    {format_minor(s.cash_minor)}"
        f" (payments {format_minor(s.payments_minor)}, refunds {format_minor(s.refunds_minor)})",
        f"  expected cash:     {format_minor(s.expected_minor)}",
    ]
    if s.counted_minor is not None:
        lines.append(f"  counted cash:      {format_minor(s.counted_minor)}")
    if s.discrepancy_minor is not None:
        lines.append(f"  discrepancy:       {format_minor(s.discrepancy_minor)}")
    if s.deposits_taken_minor or s.open_deposits:
        lines.append(
            f"  deposits:          taken {format_minor(s.deposits_taken_minor)}, "
            f"returned {format_minor(s.deposits_returned_minor)}, calls paid from "
            f"them {format_minor(s.deposit_payments_minor)}, open {s.open_deposits}"
        )
    if s.corrections_minor:
        lines.append(f"  later corrections: {format_minor(s.corrections_minor)}")
    return "\n".join(lines)


def _calls_rows(calls: Sequence[CallView], tz: ZoneInfo) -> list[list[str]]:
    return [
        [
            str(c.id),
            c.booth,
            c.number,
            c.destination or "",
            _local(c.answered_at, tz),
            format_duration(c.duration_s),
            str(c.billable_s),
            money_or_none(c.price_minor) or "unrated",
            c.status,
            ",".join(c.flags),
        ]
        for c in calls
    ]


_CALL_HEADERS = (
    "id",
    "booth",
    "number",
    "destination",
    "answered",
    "duration",
    "billable_s",
    "price",
    "status",
    "flags",
)


def _report_text(r: ShiftReport, tz: ZoneInfo) -> str:
    title = "Z report (shift closed)" if r.kind == "Z" else "X report (shift open)"
    parts = [title, _summary_text(r.summary, tz)]
    parts.append(
        f"  payments: {r.payment_count}, refunds: {r.refund_count}, "
        f"cash rounding: {format_minor(r.rounding_minor)}"
    )
    if r.by_booth:
        parts.append(
            _table(
                ("booth", "calls", "talk", "amount", "paid", "unserved", "unpaid"),
                [
                    [
                        b.booth,
                        str(b.calls),
                        format_duration(b.talk_seconds),
                        format_minor(b.amount_minor),
                        format_minor(b.paid_minor),
                        str(b.unserved),
                        str(b.unpaid),
                    ]
                    for b in r.by_booth
                ],
            )
        )
    for label, calls in (
        ("Unserved calls", r.unserved_calls),
        ("Unpaid calls", r.unpaid_calls),
        ("Unrated calls", r.unrated_calls),
        ("Flagged calls", r.flagged_calls),
    ):
        if calls:
            parts.append(label + ":\n" + _table(_CALL_HEADERS, _calls_rows(calls, tz)))
    if r.journal_head:
        parts.append(f"journal head: {r.journal_head}")
    return "\n\n".join(parts)


def _csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue()


_SUMMARY_FIELDS = (
    "id",
    "status",
    "operator",
    "opened_at",
    "closed_at",
    "call_count",
    "talk_seconds",
    "billable_seconds",
    "cash",
    "unserved",
    "unpaid",
    "paid",
    "unrated",
    "attempts",
    "opening_float",
    "expected_cash",
    "counted_cash",
    "discrepancy",
    "corrections",
)
_CALL_FIELDS = (
    "id",
    "booth",
    "number",
    "destination",
    "answered_at",
    "ended_at",
    "duration",
    "billable_seconds",
    "price",
    "status",
    "flags",
)


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


# ------------------------------------------------------------------ commands


def _tz(shop: Shop) -> ZoneInfo:
    return ZoneInfo(shop.settings.timezone)


def _cmd_open(args: argparse.Namespace, shop: Shop) -> int:
    opening = parse_amount(args.float_, "--float")
    actor = _login(shop, args.user)
    opened = open_shift(shop, actor, opening)
    tz = _tz(shop)
    if args.format == "json":
        write(
            _dump(
                {**summary_json(opened.shift, tz), "adopted_calls": list(opened.adopted_call_ids)}
            )
        )
    elif args.format == "csv":
        row = summary_json(opened.shift, tz)
        write(_csv(_SUMMARY_FIELDS, [[row[k] for k in _SUMMARY_FIELDS]]))
    else:
        s = opened.shift
        msg = (
            f"Shift {s.id} opened by {s.operator} at {_local(s.opened_at, tz)}, "
            f"float {format_minor(s.opening_float_minor)}"
        )
        if opened.adopted_call_ids:
            count = len(opened.adopted_call_ids)
            msg += f"; {count} call(s) made while no shift was open joined it"
        write(msg)
    return 0


def _cmd_close(args: argparse.Namespace, shop: Shop) -> int:
    counted = parse_amount(args.counted, "--counted")
    actor = _login(shop, args.user)
    report = close_shift(shop, actor, counted)
    tz = _tz(shop)
    if args.format == "json":
        write(_dump(report_json(report, tz)))
    elif args.format == "csv":
        row = summary_json(report.summary, tz)
        write(_csv(_SUMMARY_FIELDS, [[row[k] for k in _SUMMARY_FIELDS]]))
    else:
        write(_report_text(report, tz))
    problem = backup_problem(shop)
    if problem is not None:  # the Z stands; the copy of the database did not work
        print(f"warning: {problem}", file=sys.stderr)
    return 0


def _cmd_list(args: argparse.Namespace, shop: Shop) -> int:
    date_from = parse_date(args.date_from, "--from")
    date_to = parse_date(args.date_to, "--to")
    actor = _login(shop, args.user)
    result = list_shifts(shop, actor, date_from, date_to, args.status)
    tz = _tz(shop)
    rows = [summary_json(s, tz) for s in result.shifts]
    total = totals_json(result.total)
    if args.format == "json":
        write(
            _dump(
                {
                    "from": args.date_from,
                    "to": args.date_to,
                    "status": args.status,
                    "shifts": rows,
                    "total": total,
                }
            )
        )
    elif args.format == "csv":
        table = [[r[k] for k in _SUMMARY_FIELDS] for r in rows]
        table.append(
            [
                "total",
                "",
                "",
                "",
                "",
                total["call_count"],
                total["talk_seconds"],
                total["billable_seconds"],
                total["cash"],
                total["unserved"],
                total["unpaid"],
                "",
                "",
                total["attempts"],
                "",
                "",
                "",
                total["discrepancy"],
                "",
            ]
        )
        write(_csv(_SUMMARY_FIELDS, table))
    else:
        body = [
            [
                str(s.id),
                s.status,
                s.operator,
                _local(s.opened_at, tz),
                _local(s.closed_at, tz),
                str(s.call_count),
                format_duration(s.talk_seconds),
                format_minor(s.cash_minor),
                str(s.unserved),
                str(s.unpaid),
                money_or_none(s.discrepancy_minor) or "",
            ]
            for s in result.shifts
        ]
        t = result.total
        body.append(
            [
                "total",
                "",
                "",
                "",
                "",
                str(t.call_count),
                format_duration(t.talk_seconds),
                format_minor(t.cash_minor),
                str(t.unserved),
                str(t.unpaid),
                format_minor(t.discrepancy_minor),
            ]
        )
        write(
            _table(
                (
                    "id",
                    "status",
                    "operator",
                    "opened",
                    "closed",
                    "calls",
                    "talk",
                    "cash",
                    "unserved",
                    "unpaid",
                    "discrepancy",
                ),
                body,
            )
        )
    return 0


def _cmd_show(args: argparse.Namespace, shop: Shop) -> int:
    actor = _login(shop, args.user)
    detail = show_shift(shop, actor, args.id)
    tz = _tz(shop)
    if args.format == "json":
        write(_dump(shift_json(detail.summary, detail.calls, tz)))
    elif args.format == "csv":
        rows = [call_json(c, tz) for c in detail.calls]
        write(
            _csv(
                ("shift_id", *_CALL_FIELDS),
                [
                    [
                        detail.summary.id,
                        *[",".join(r[k]) if k == "flags" else r[k] for k in _CALL_FIELDS],
                    ]
                    for r in rows
                ],
            )
        )
    else:
        text = _summary_text(detail.summary, tz)
        if detail.calls:
            text += "\n\n" + _table(_CALL_HEADERS, _calls_rows(detail.calls, tz))
        write(text)
    if args.pdf:
        _write_pdf(shop, actor, args.id, args.pdf)
    return 0


def _write_pdf(shop: Shop, actor: Actor, shift_id: int, path: str) -> None:
    """The shift's X report (open) or Z report (closed: a copy) as a PDF file (journaled)."""
    data = shift_report_pdf(shop, actor, PdfRenderer(language=shop.settings.language), shift_id)
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from None
