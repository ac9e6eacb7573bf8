"""``callshop-pos verify``: check the audit journal and every money row against it.

Exit status 0 when intact; 3 when anything was changed behind the application's
back (the first broken entry is named); 1 for other errors.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from callshop_pos.cli._shop import with_shop
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.context import Shop

#: Exit status when the journal or a money row was tampered with.
EXIT_TAMPERED = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check the audit journal and every money row",
        description="Recompute the audit journal's hash chain and check every money row "
        f"against it. Exits 0 when intact, {EXIT_TAMPERED} naming the first broken entry "
        "when anything was changed outside the application.",
    )
    parser.add_argument("--limit", type=int, default=20, help="problems to list (default 20)")
    parser.set_defaults(func=with_shop(_verify))


def _verify(args: argparse.Namespace, shop: Shop) -> int:
    report = verify(shop)
    if report.ok:
        print(report.describe())
        return 0
    print(report.describe(limit=args.limit), file=sys.stderr)
    return EXIT_TAMPERED
