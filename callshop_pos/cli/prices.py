"""``callshop-pos prices …``: import a price list (new version), export, list versions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.errors import InvalidInput
from callshop_pos.rating.pricelist import MAX_ROWS
from callshop_pos.services.admin import prices
from callshop_pos.services.context import Shop


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("prices", help="price lists: import, export, versions")
    sub = parser.add_subparsers(dest="prices_command", metavar="ACTION", required=True)

    p = sub.add_parser(
        "import",
        help="import a price-list CSV as the new active version",
        description="Validate the whole file first: any bad row is reported with its line "
        "number and nothing is imported. Columns: country,code,wholesale_usd,retail "
        "[,retail_offpeak,initial,increment,connect_fee,grace]; delimiter ',' or ';'; "
        f"at most {MAX_ROWS:,} rows. A list that would remove at least half of the active "
        "prices is imported only after a confirmation (or with --yes).",
    )
    p.add_argument("file", type=Path)
    add_user_option(p)
    p.add_argument(
        "--bgn", action="store_true", help="retail prices in the file are in BGN (converted to EUR)"
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="import even if it removes most of the active prices (no question)",
    )
    p.add_argument("--note", default="", help="a note kept with the version")
    p.set_defaults(func=with_shop(_import))

    p = sub.add_parser("export", help="write the active version as CSV (the import format)")
    p.add_argument("file", type=Path, help="output file ('-' for standard output)")
    p.add_argument("--delimiter", choices=(",", ";"), default=",")
    add_user_option(p)  # the file has the wholesale prices: administrators only
    p.set_defaults(func=with_shop(_export))

    p = sub.add_parser("versions", help="list price-list versions")
    p.set_defaults(func=with_shop(_versions))


def _confirm(assume_yes: bool) -> Callable[[prices.ImportPlan], bool]:
    """Ask before an import that removes most of the active prices (``--yes``: don't)."""

    def confirm(plan: prices.ImportPlan) -> bool:
        if assume_yes or not plan.drastic:
            return True
        question = f"{plan.describe()}.\nThis removes {plan.removed:,} prices."
        if sys.stdin is None or not sys.stdin.isatty():
            raise InvalidInput(
                f"{question} Nothing was imported: confirm on a terminal, or pass --yes."
            )
        answer = input(f"{question} Import anyway? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing was imported")
            return False
        return True

    return confirm


def _import(args: argparse.Namespace, shop: Shop) -> int:
    try:
        stream = args.file.open("rb")  # read as a stream: a big list is never held whole
    except OSError as exc:
        raise InvalidInput(f"cannot read {args.file}: {exc.strerror}") from None
    with stream:
        actor = login_as(shop, args.user)
        try:
            info = prices.import_price_list(
                shop,
                actor,
                stream,
                args.file.name,
                retail_in_bgn=args.bgn,
                note=args.note,
                confirm=_confirm(args.yes),
            )
        except prices.ImportCancelled:
            return 1
    s = info.summary
    print(
        f"imported {info.entry_count} prices as version {info.id} (now active): "
        f"{s['added']} added, {s['removed']} removed, {s['changed']} changed"
    )
    return 0


def _export(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    text = prices.export_price_list(shop, actor, delimiter=args.delimiter)
    if str(args.file) == "-":
        print(text, end="")
        return 0
    try:
        args.file.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {args.file}: {exc.strerror}") from None
    print(f"wrote {len(text.splitlines()) - 1} prices to {args.file}")
    return 0


def _versions(args: argparse.Namespace, shop: Shop) -> int:
    for v in prices.versions(shop):
        mark = "*" if v.active else " "
        s = v.summary
        print(
            f"{mark} {v.id:>4}  {v.created_at:%Y-%m-%d %H:%M} UTC  {v.created_by:<12} "
            f"{v.entry_count:>6} prices  +{s.get('added', 0)} -{s.get('removed', 0)} "
            f"~{s.get('changed', 0)}  {v.source}{'  ' + v.note if v.note else ''}"
        )
    return 0
