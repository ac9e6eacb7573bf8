"""``callshop-pos init``: create the database and the first administrator."""

from __future__ import annotations

import argparse
from typing import Any

from callshop_pos.cli._shop import new_password, with_shop
from callshop_pos.services.admin import users
from callshop_pos.services.cards.secret import ensure_card_key
from callshop_pos.services.context import Shop


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "init",
        help="create the database and the first administrator",
        description="Create (or migrate) the database and its first administrator. The "
        "password is prompted for, or read as one line from standard input. Refused when "
        "an administrator already exists.",
    )
    parser.add_argument(
        "--admin",
        default="admin",
        metavar="NAME",
        help="user name of the administrator (default: admin)",
    )
    parser.set_defaults(func=with_shop(_init, create=True))


def _init(args: argparse.Namespace, shop: Shop) -> int:
    password = new_password(args.admin)
    actor = users.create_first_admin(shop, args.admin, password)
    # The key prepaid-card PINs are hashed with: created now, beside the database.
    key = ensure_card_key(shop.data_dir)
    print(f"database ready: {shop.db.url.render_as_string(hide_password=True)}")
    print(f"administrator {actor.username!r} created")
    print(f"card PIN key: {key.path} (back it up with the database)")
    return 0
