"""Plumbing shared by the commands: open the shop database, log the acting user in."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from callshop_pos.cli import read_password
from callshop_pos.config import DEMO_DATABASE, data_dir, database_url
from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.services.auth import Actor, login
from callshop_pos.services.context import Shop

__all__ = ["add_user_option", "login_as", "new_password", "open_shop", "with_shop"]

Command = Callable[[argparse.Namespace, Shop], int]


def open_shop(args: argparse.Namespace, *, create: bool = False) -> Shop:
    """The shop at ``--db`` / ``CALLSHOP_DB`` / the data directory (migrated on open);
    a database that does not exist is an error unless ``create`` (``init`` only)."""
    data = data_dir(getattr(args, "data_dir", None))
    db = getattr(args, "db", None)
    shop = Shop.open(
        database_url(db, data=data) if create else existing_database_url(db, data=data)
    )
    shop.data_dir = data
    return shop


def with_shop(command: Command, *, create: bool = False) -> Callable[[argparse.Namespace], int]:
    """Run ``command(args, shop)`` with the database open, closing it afterwards
    (``create``: make the database when there is none — ``init`` only)."""

    def run(args: argparse.Namespace) -> int:
        with open_shop(args, create=create) as shop:
            return command(args, shop)

    return run


def add_user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        required=True,
        metavar="NAME",
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


class NoDatabase(CallShopError):
    """The shop database to open does not exist (and only ``init`` creates one)."""


def existing_database_url(explicit: str | None = None, *, data: Path | None = None) -> str:
    """:func:`database_url`, refusing a SQLite file that does not exist: only ``init``
    creates a database, so a mistyped path or a missing ``--db`` never leaves an empty
    database behind that the next start would open instead of the real one."""
    url = database_url(explicit, data=data)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        demo = (data or data_dir()) / DEMO_DATABASE
        raise NoDatabase(
            f"no shop database at {path}. Create it with `callshop-pos init`, or point at "
            f"an existing one with --db sqlite:///PATH (or CALLSHOP_DB); the demo's is "
            f"--db sqlite:///{demo}"
        )
    return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)
