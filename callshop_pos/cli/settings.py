"""``callshop-pos settings …``: show the shop's settings, change them (administrators)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.settings import get_settings, update_settings
from callshop_pos.services.context import Shop
from callshop_pos.settings import Settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("settings", help="show or change the shop's settings")
    sub = parser.add_subparsers(dest="settings_command", metavar="ACTION", required=True)

    p = sub.add_parser("show", help="every setting with its value and meaning")
    p.add_argument("--json", action="store_true", help="values as one JSON object")
    p.set_defaults(func=with_shop(_show))

    p = sub.add_parser(
        "set",
        help="change settings: NAME=VALUE ... (administrators)",
        description="Change one or more settings at once; all are validated first and "
        "nothing changes if any is wrong. Lists are comma-separated; yes/no for switches; "
        "an empty value clears a date.",
    )
    p.add_argument("assignments", nargs="+", metavar="NAME=VALUE")
    add_user_option(p)
    p.set_defaults(func=with_shop(_set))


def _show(args: argparse.Namespace, shop: Shop) -> int:
    settings = get_settings(shop)
    registry = Settings.registry()
    values = {n: s.shown(getattr(settings, n)) for n, s in registry.items()}  # secrets masked
    if args.json:
        print(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True))
        return 0
    width = max(len(name) for name in registry)
    for name, setting in registry.items():
        shown = json.dumps(values[name], ensure_ascii=False)
        print(f"{name:<{width}}  {shown:<28}  {setting.doc}")
    return 0


def _set(args: argparse.Namespace, shop: Shop) -> int:
    changes: dict[str, object] = {}
    for item in args.assignments:
        name, sep, text = item.partition("=")
        if not sep:
            raise InvalidInput(f"expected NAME=VALUE, got {item!r}")
        changes[name.strip()] = Settings.setting(name.strip()).parse(text)
    actor = login_as(shop, args.user)
    result = update_settings(shop, actor, **changes)
    if not result.changed:
        print("nothing changed")
    registry = Settings.registry()
    for name, (old, new) in result.changed.items():
        setting = registry[name]
        print(
            f"{name}: {json.dumps(setting.shown(old), ensure_ascii=False)} -> "
            f"{json.dumps(setting.shown(new), ensure_ascii=False)}"
        )
    return 0
