"""``callshop-pos booths …``: add, list, change, remove, lock and unlock booths."""

from __future__ import annotations

import argparse
from typing import Any

from callshop_pos.cli import read_password
from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.cli.terminal import amount_argument, money_or_dash
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin import booths
from callshop_pos.services.context import Shop


def _config_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument(
        "--driver",
        choices=("simulator", "sip", "quicknet"),
        default="simulator" if adding else None,
    )
    p.add_argument(
        "--sip-user",
        metavar="U",
        help="SIP user the booth's ATA registers with (password from prompt/stdin)",
    )
    if not adding:
        p.add_argument(
            "--sip-password",
            action="store_true",
            help="set a new SIP password (read after your own password)",
        )
        p.add_argument("--rename", metavar="NAME", help="new name")
    billing = p.add_mutually_exclusive_group()
    billing.add_argument("--prepaid", dest="billing", action="store_const", const="prepaid")
    billing.add_argument("--postpaid", dest="billing", action="store_const", const="postpaid")
    p.add_argument(
        "--deposit",
        type=amount_argument,
        metavar="AMOUNT",
        help="default prepaid deposit (e.g. 10.00)",
    )
    p.add_argument("--cap", type=amount_argument, metavar="AMOUNT", help="hang up at this cost")
    p.add_argument("--max-duration", type=int, metavar="SECONDS", help="hang up after this")
    p.add_argument(
        "--auto-lock",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="lock the booth after each call until the cashier unlocks it",
    )
    p.add_argument("--position", type=int, help="place in the booth grid")
    p.add_argument("--device", metavar="PATH", help="Quicknet device, e.g. /dev/phone0")
    p.add_argument(
        "--route",
        metavar="voip|pstn",
        help="Quicknet booth: calls through the SIP trunk (voip; a PhoneJACK's only route) "
        "or on a LineJACK's own line (pstn, the default)",
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("booths", help="booths: add, list, change, remove, lock")
    sub = parser.add_subparsers(dest="booths_command", metavar="ACTION", required=True)

    p = sub.add_parser("add", help="add a booth (SIP password from prompt/stdin)")
    p.add_argument("name")
    add_user_option(p)
    _config_options(p, adding=True)
    p.set_defaults(func=with_shop(_add))

    p = sub.add_parser("update", help="change a booth's settings")
    p.add_argument("name")
    add_user_option(p)
    _config_options(p, adding=False)
    p.set_defaults(func=with_shop(_update))

    p = sub.add_parser("list", help="list booths")
    p.add_argument("--all", action="store_true", help="include removed booths")
    p.set_defaults(func=with_shop(_list))

    for action, text in (
        ("remove", "take a booth out of service (history kept)"),
        ("restore", "put a removed booth back into service"),
        ("lock", "lock a booth"),
        ("unlock", "unlock a booth"),
    ):
        p = sub.add_parser(action, help=text)
        p.add_argument("name")
        add_user_option(p)
        p.set_defaults(func=with_shop(_simple), action=action)


def _changes(args: argparse.Namespace, *, adding: bool) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for option, field in (
        ("driver", "driver"),
        ("sip_user", "sip_user"),
        ("billing", "billing"),
        ("deposit", "default_deposit_minor"),
        ("cap", "cost_cap_minor"),
        ("max_duration", "max_duration_s"),
        ("auto_lock", "auto_lock"),
        ("position", "position"),
    ):
        value = getattr(args, option)
        if value is not None:
            changes[field] = value
    card = {"device": args.device, "route": args.route}
    if any(v is not None for v in card.values()):
        changes["driver_settings"] = {k: v for k, v in card.items() if v is not None}
    if not adding and args.rename:
        changes["name"] = args.rename
    return changes


def _add(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    changes = _changes(args, adding=True)
    if args.driver == "sip":
        changes["sip_password"] = read_password(f"SIP password for booth {args.name}: ")
    info = booths.add_booth(shop, actor, args.name, **changes)
    print(
        f"booth {info.name!r} added ({info.driver.value}, {info.billing.value}, "
        f"position {info.position})"
    )
    return 0


def _update(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    changes = _changes(args, adding=False)
    if "driver_settings" in changes:  # --device or --route alone keeps the other
        current = booths.get_booth(shop, args.name).driver_settings
        changes["driver_settings"] = {**current, **changes["driver_settings"]}
    if args.sip_password:
        changes["sip_password"] = read_password(f"SIP password for booth {args.name}: ")
    if not changes:
        raise InvalidInput("nothing to change (see booths update --help)")
    change = booths.update_booth(shop, actor, args.name, **changes)
    print(
        f"booth {change.booth.name!r}: "
        + (", ".join(sorted(change.changed)) + " changed" if change.changed else "no change")
    )
    return 0


def _simple(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    if args.action in ("lock", "unlock"):
        booths.set_locked(shop, actor, args.name, args.action == "lock")
    elif args.action == "remove":
        booths.remove_booth(shop, actor, args.name)
    else:
        booths.restore_booth(shop, actor, args.name)
    print(f"booth {args.name!r}: {args.action}{'d' if args.action.endswith('e') else 'ed'}")
    return 0


def _list(args: argparse.Namespace, shop: Shop) -> int:
    rows = booths.list_booths(shop, include_removed=args.all)
    if not rows:
        print("no booths")
        return 0
    width = max(len(b.name) for b in rows)
    print(
        f"{'pos':>3}  {'name':<{width}}  {'driver':<9} {'sip user':<12} {'billing':<8} "
        f"{'deposit':>8} {'cap':>8} {'max s':>6}  flags"
    )
    for b in rows:
        flags = [
            f
            for f, on in (
                ("locked", b.locked),
                ("auto-lock", b.auto_lock),
                ("removed", not b.active),
            )
            if on
        ]
        print(
            f"{b.position:>3}  {b.name:<{width}}  {b.driver.value:<9} {b.sip_user or '-':<12} "
            f"{b.billing.value:<8} {money_or_dash(b.default_deposit_minor):>8} "
            f"{money_or_dash(b.cost_cap_minor):>8} {b.max_duration_s or '-':>6}  "
            f"{' '.join(flags)}"
        )
    return 0
