"""``callshop-pos calls …``: unrecorded calls — call events the database refused for
good (kept in full by the line engine) — listed and resolved headless.

Exit status of ``calls unrecorded``: 0 when none is open, 4 when some wait to be
resolved (so a monitoring script can alert), 1 for other errors.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from callshop_pos.cli._shop import login_as, with_shop
from callshop_pos.cli.shifts import default_user
from callshop_pos.services.context import Shop
from callshop_pos.services.unrecorded import list_unrecorded, resolve_unrecorded

__all__ = ["EXIT_OPEN", "register"]

#: ``calls unrecorded`` found open ones.
EXIT_OPEN = 4


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("calls", help="calls the database refused: list, resolve")
    sub = parser.add_subparsers(dest="calls_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "unrecorded",
        help="call events the database refused for good",
        description="List the call events the line engine could not record "
        f"and kept aside to be resolved by hand. Exits {EXIT_OPEN} when any "
        "is open.",
    )
    p.add_argument("--all", action="store_true", help="include the resolved ones")
    p.add_argument("--user", help="who asks (default: $CALLSHOP_USER or the only administrator)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=with_shop(_cmd_list))

    p = sub.add_parser("resolve", help="mark an unrecorded call as dealt with")
    p.add_argument("id", type=int)
    p.add_argument("--note", required=True, help="how it was resolved")
    p.add_argument(
        "--user", help="who resolves it (default: $CALLSHOP_USER or the only administrator)"
    )
    p.set_defaults(func=with_shop(_cmd_resolve))


def _cmd_list(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    rows = list_unrecorded(shop, actor, include_resolved=args.all)
    if args.format == "json":
        print(json.dumps([asdict(r) for r in rows], default=str, indent=2))
    elif not rows:
        print("no unrecorded calls")
    else:
        for r in rows:
            state = f"resolved by {r.resolved_by}: {r.resolution}" if r.resolved_at else "OPEN"
            print(
                f"#{r.id}  {r.at:%Y-%m-%d %H:%M:%S}  booth {r.booth}  call {r.call_ref}  "
                f"{r.kind}  {state}\n    error: {r.error}\n    event: {r.event}"
            )
    return EXIT_OPEN if any(r.resolved_at is None for r in rows) else 0


def _cmd_resolve(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    row = resolve_unrecorded(shop, actor, args.id, args.note)
    print(f"unrecorded call #{row.id} ({row.call_ref}) resolved by {row.resolved_by}")
    return 0
