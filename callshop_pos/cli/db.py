"""``callshop-pos db …``: create or migrate the database, show its schema revision."""

from __future__ import annotations

import argparse
from typing import Any

from callshop_pos.cli._shop import existing_database_url
from callshop_pos.config import data_dir
from callshop_pos.db import Database
from callshop_pos.db.migrate import current_revision, shipped_head, upgrade


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("db", help="database maintenance")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = sub.add_parser("upgrade", help="migrate the database to this version (`init` creates one)")
    p.set_defaults(func=_upgrade)
    p = sub.add_parser("status", help="show the database URL and its schema revision")
    p.set_defaults(func=_status)


def _database(args: argparse.Namespace) -> Database:
    return Database(existing_database_url(args.db, data=data_dir(args.data_dir)))


def _upgrade(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        before = current_revision(db)
        upgrade(db)
        after = current_revision(db)
    finally:
        db.dispose()
    if before == after:
        print(f"database is up to date (revision {after})")
    else:
        print(f"database migrated from {before or 'empty'} to revision {after}")
    return 0


def _status(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        current = current_revision(db)
    finally:
        db.dispose()
    head = shipped_head()
    print(f"database: {db.url.render_as_string(hide_password=True)}")
    print(f"revision: {current or 'empty'} (this program: {head})")
    if current != head:
        print("run `callshop-pos db upgrade` (or just start the program) to migrate")
    return 0
