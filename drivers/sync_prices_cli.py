"""``callshop-pos sync prices …``: wholesale price lists pulled from central.

``list`` the pending and past lists, ``show ID`` what applying one would change (with
the margin guard's verdict), ``apply ID`` (``--accept-below-margin`` to apply rows the
guard flags), ``dismiss ID``. Administrators only.
"""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.services.context import Shop
from callshop_pos.sync.prices import apply_list, dismiss_list, pending_lists, review_list

__all__ = ["register_prices"]


def register_prices(sub: Any) -> None:
    parser = sub.add_parser("prices", help="wholesale price lists from central (administrator)")
    psub = parser.add_subparsers(dest="prices_command", metavar="ACTION", required=True)
    p = psub.add_parser("list", help="lists received from central")
    add_user_option(p)
    p.set_defaults(func=with_shop(_cmd_list))
    for name, text in (
        ("show", "what applying a list would change"),
        ("apply", "apply a list (new price-list version)"),
        ("dismiss", "do not apply a list"),
    ):
        p = psub.add_parser(name, help=text)
        p.add_argument("id", type=int, help="the list's number (see list)")
        if name == "apply":
            p.add_argument(
                "--accept-below-margin",
                action="store_true",
                help="apply even where retail falls under the minimum margin",
            )
        add_user_option(p)
        p.set_defaults(func=with_shop(_COMMANDS[name]))


def _cmd_list(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    tz = ZoneInfo(shop.settings.timezone)
    lists = pending_lists(shop, actor)
    if not lists:
        print("no wholesale price list received from central yet")
    for pl in lists:
        applied = f" → price version {pl.applied_version_id}" if pl.applied_version_id else ""
        print(
            f"#{pl.id}  version {pl.version}  {pl.entries} entries  received "
            f"{pl.received_at.astimezone(tz).isoformat(timespec='seconds')}  "
            f"{pl.status}{applied}"
        )
    return 0


def _cmd_show(args: argparse.Namespace, shop: Shop) -> int:
    review = review_list(shop, login_as(shop, args.user), args.id)
    print(f"wholesale list #{review.list_id} (central version {review.version}):")
    print(
        f"  {len(review.changed)} changed, {len(review.added)} new (no retail price), "
        f"{len(review.not_listed)} of the shop's codes not listed (kept)"
    )
    for code, old, new in review.changed[:50]:
        print(f"  {code}: {old} → {new} USD/min")
    if review.usd_rate is None:
        print("  margin guard: no USD rate set yet (set one before applying)")
    elif review.below_margin:
        print(f"  margin guard: under the minimum margin: {', '.join(review.below_margin)}")
    else:
        print("  margin guard: every retail price keeps the minimum margin")
    return 0


def _cmd_apply(args: argparse.Namespace, shop: Shop) -> int:
    info = apply_list(
        shop, login_as(shop, args.user), args.id, accept_below_margin=args.accept_below_margin
    )
    print(f"applied as price-list version {info.id} ({info.entry_count} entries)")
    return 0


def _cmd_dismiss(args: argparse.Namespace, shop: Shop) -> int:
    dismiss_list(shop, login_as(shop, args.user), args.id)
    print(f"wholesale list #{args.id} dismissed")
    return 0


_COMMANDS = {"show": _cmd_show, "apply": _cmd_apply, "dismiss": _cmd_dismiss}
