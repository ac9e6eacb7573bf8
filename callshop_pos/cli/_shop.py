"""Plumbing shared by the commands: open the shop database, log the acting user in."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from callshop_pos.cli import read_password
from callshop_pos.config import data_dir, database_url
from callshop_pos.errors import InvalidInput
from callshop_pos.services.auth import Actor, login
from callshop_pos.services.context import Shop

__all__ = ["add_user_option", "login_as", "new_password", "open_shop", "with_shop"]

Command = Callable[[argparse.Namespace, Shop], int]


def open_shop(args: argparse.Namespace) -> Shop:
    """The shop at ``--db`` / ``CALLSHOP_DB`` / the data directory (migrated on open)."""
    data = data_dir(getattr(args, "data_dir", None))
    return Shop.open(database_url(getattr(args, "db", None), data=data))


def with_shop(command: Command) -> Callable[[argparse.Namespace], int]:
    """Run ``command(args, shop)`` with the database open, closing it afterwards."""

    def run(args: argparse.Namespace) -> int:
        with open_shop(args) as shop:
            return command(args, shop)

    return run


def add_user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user", required=True, metavar="NAME",
        help="who runs the command (password from a prompt or the first line of stdin)",
    )


def login_as(shop: Shop, username: str) -> Actor:
    """Log ``username`` in with a password from the terminal or standard input."""
    return login(shop, username, read_password(f"Password for {username}: "))


def new_password(what: str) -> str:
    """A new password: asked twice on a terminal, one line on standard input otherwise."""
    first = read_password(f"New password for {what}: ")
    if sys.stdin is not None and sys.stdin.isatty():
        again = read_password("Repeat it: ")
        if again != first:
            raise InvalidInput("the two passwords differ")
    return first
