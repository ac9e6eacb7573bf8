"""``callshop-pos user …``: add users, set passwords, disable/enable/unlock, list.

Passwords come from a prompt, or one line each from standard input: first the
password of ``--user`` (who acts), then the new password where one is needed.
"""

from __future__ import annotations

import argparse
from typing import Any

from callshop_pos.cli._shop import add_user_option, login_as, new_password, with_shop
from callshop_pos.services.admin import users
from callshop_pos.services.context import Shop


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("user", help="manage users (administrators)")
    sub = parser.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    p = sub.add_parser("add", help="add a user")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=("operator", "admin"))
    add_user_option(p)
    p.set_defaults(func=with_shop(_add))

    p = sub.add_parser("passwd", help="set a user's password (your own, or anyone's as admin)")
    p.add_argument("name")
    add_user_option(p)
    p.set_defaults(func=with_shop(_passwd))

    for action, text in (
        ("disable", "stop a user from logging in"),
        ("enable", "let a disabled user log in again"),
        ("unlock", "lift a lockout after wrong passwords"),
    ):
        p = sub.add_parser(action, help=text)
        p.add_argument("name")
        add_user_option(p)
        p.set_defaults(func=with_shop(_simple), action=action)

    p = sub.add_parser("list", help="list users")
    add_user_option(p)
    p.set_defaults(func=with_shop(_list))


def _add(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    info = users.add_user(shop, actor, args.name, new_password(args.name), args.role)
    print(f"user {info.username!r} added ({info.role.value})")
    return 0


def _passwd(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    users.set_password(shop, actor, args.name, new_password(args.name))
    print(f"password of {args.name!r} changed")
    return 0


def _simple(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    action = {"disable": users.disable, "enable": users.enable, "unlock": users.unlock}
    action[args.action](shop, actor, args.name)
    print(
        f"user {args.name!r}: {args.action}d"
        if args.action != "unlock"
        else f"user {args.name!r}: unlocked"
    )
    return 0


def _list(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    rows = users.list_users(shop, actor)
    width = max((len(u.username) for u in rows), default=4)
    print(f"{'name':<{width}}  {'role':<8}  status")
    for u in rows:
        status = "active" if u.active else "disabled"
        if u.locked_until is not None and u.locked_until > shop.clock.now():
            status += f", locked until {u.locked_until:%Y-%m-%d %H:%M} UTC"
        print(f"{u.username:<{width}}  {u.role.value:<8}  {status}")
    return 0
