"""``callshop-pos backup`` and ``callshop-pos restore FILE``.

``backup`` makes a verified copy of the SQLite database now (``--if-due``: only when
the newest copy is a day old — for a timer) or lists the copies (``--list``); on
PostgreSQL it says to use pg_dump / PITR (docs/backup.md). ``restore`` puts a copy
back (administrators only, with no line engine running): the copy is verified first,
a copy older than the newest closed shift needs ``--force``, the replaced database is
kept beside it, and the restore is journaled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from callshop_pos.cli._shop import add_user_option, existing_database_url, login_as, with_shop
from callshop_pos.config import data_dir
from callshop_pos.lines.engine_lock import EngineAlreadyRunning, EngineLock
from callshop_pos.services import backups
from callshop_pos.services.auth import SYSTEM
from callshop_pos.services.context import Shop


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="make a verified copy of the database now",
        description="Copy the SQLite database online into the backup folder (setting "
        "backup_dir), verify the copy with the journal and keep the newest backup_keep "
        "copies. On PostgreSQL: use pg_dump / point-in-time recovery (docs/backup.md).",
    )
    parser.add_argument(
        "--if-due",
        action="store_true",
        help="only when the newest copy is a day old (for a daily timer)",
    )
    parser.add_argument("--list", action="store_true", help="list the copies instead")
    parser.add_argument("--reason", default="manual", help=argparse.SUPPRESS)
    parser.set_defaults(func=with_shop(_backup))

    restore = subparsers.add_parser(
        "restore",
        help="put a backup copy back in place of the database",
        description="Verify the copy, refuse it if it is older than the newest closed "
        "shift (unless --force), keep the current database beside it, "
        "restore the copy and journal it. Stop the line engine first.",
    )
    restore.add_argument("file", type=Path, help="the backup copy (callshop-….db)")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore even a copy older than the newest closed shift",
    )
    add_user_option(restore)
    restore.set_defaults(func=_restore)


def _backup(args: argparse.Namespace, shop: Shop) -> int:
    if not shop.db.is_sqlite:
        print(f"callshop-pos backup: {backups.PG_ADVICE}", file=sys.stderr)
        return 1
    if args.list:
        for path in backups.list_backups(shop):
            print(f"{path}  {path.stat().st_size} bytes")
        problem = backups.backup_problem(shop)
        if problem:
            print(f"warning: {problem}", file=sys.stderr)
        return 0
    try:
        made = (
            backups.backup_if_due(shop)
            if args.if_due
            else backups.make_backup(shop, SYSTEM, reason=args.reason[:200])
        )
    except backups.BackupFailed as exc:
        print(f"callshop-pos backup: {exc}", file=sys.stderr)
        return 1
    if made is None:
        print("no backup due (the newest copy is less than a day old)")
        return 0
    print(f"backup {made.path} ({made.size} bytes, journal #{made.head_seq}) verified")
    for old in made.removed:
        print(f"removed the old copy {old.name}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    data = data_dir(getattr(args, "data_dir", None))
    url = existing_database_url(getattr(args, "db", None), data=data)
    # The engine lock first, before this process opens the database at all: no engine
    # may write while the file is replaced.
    try:
        lock = EngineLock(url, data).acquire()
    except EngineAlreadyRunning as exc:
        print(f"callshop-pos restore: {exc}; stop the line engine first", file=sys.stderr)
        return 1
    try:
        shop = Shop.open(url)
        try:
            actor = login_as(shop, args.user)
            done = backups.restore(shop, actor, args.file, force=args.force)
        finally:
            shop.close()
    finally:
        lock.release()
    newest = f"shift {done.newest_shift}" if done.newest_shift else "no closed shift"
    print(
        f"restored {done.source} (journal #{done.head_seq}, up to {newest})"
        f"{' — forced' if done.forced else ''}; the previous database is kept as "
        f"{done.kept_as}"
    )
    return 0
