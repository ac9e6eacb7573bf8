"""``callshop-central``: set up and run the central service.

    callshop-central init                         create / migrate the database
    callshop-central serve [--host H --port P --workers N]
    callshop-central shop add CODE [--name N --timezone TZ] | shop list
    callshop-central token create SHOP [--label L] | token revoke ID | token list
    callshop-central user add NAME --role owner|manager [--shop CODE ...]
    callshop-central topup SHOP AMOUNT_USD [--reference R]
    callshop-central prices publish FILE.csv [--note N]
    callshop-central settings silent-after [MINUTES]
    callshop-central incidents sweep              raise due silences (for cron; reads do it too)

The database is ``--db URL``, else ``$CALLSHOP_CENTRAL_DB``, else SQLite in the user's
data directory. Passwords are read from a prompt on a terminal, otherwise from one line
of standard input.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import uvicorn
from argon2 import PasswordHasher
from platformdirs import user_data_dir
from sqlalchemy import select

from callshop_wire import SCHEMA_VERSION, WholesaleEntry, WholesalePriceList, encode
from central import auth, service
from central.api import ENV_DB
from central.clock import SystemClock
from central.db import CentralDb, current_revision, head_revision, migrate
from central.errors import CentralError
from central.models import ApiToken, PriceListRow, Shop

__all__ = ["default_url", "main"]


def default_url() -> str:
    env = os.environ.get(ENV_DB)
    if env:
        return env
    folder = Path(user_data_dir("callshop-central", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'central.db'}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callshop-central", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", help=f"database URL (default: ${ENV_DB} or SQLite in the user's data directory)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    sub.add_parser("init", help="create or migrate the database")

    p = sub.add_parser("serve", help="serve the API with uvicorn")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes (PostgreSQL for more than one)",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="reverse proxies whose X-Forwarded-* headers are trusted",
    )

    shop = sub.add_parser("shop", help="add or list shops").add_subparsers(
        dest="shop_command", metavar="ACTION", required=True
    )
    p = shop.add_parser("add", help="add a shop")
    p.add_argument("code", help="lowercase letters, digits and dashes, e.g. sofia-1")
    p.add_argument("--name", default="")
    p.add_argument("--timezone", default="Europe/Sofia")
    shop.add_parser("list", help="list the shops")

    token = sub.add_parser("token", help="per-shop API tokens for the tills").add_subparsers(
        dest="token_command", metavar="ACTION", required=True
    )
    p = token.add_parser("create", help="a new token for a shop (shown once)")
    p.add_argument("shop")
    p.add_argument("--label", default="")
    p = token.add_parser("revoke", help="revoke a token (its id, or the whole token)")
    p.add_argument("token_id")
    token.add_parser("list", help="list the tokens (never their secrets)")

    user = sub.add_parser("user", help="central users").add_subparsers(
        dest="user_command", metavar="ACTION", required=True
    )
    p = user.add_parser("add", help="add an owner (every shop) or a manager (some shops)")
    p.add_argument("username")
    p.add_argument("--role", choices=auth.ROLES, required=True)
    p.add_argument("--shop", action="append", default=[], help="a manager's shop (repeat)")

    p = sub.add_parser("topup", help="book a top-up of a shop's carrier account")
    p.add_argument("shop")
    p.add_argument("amount", help="USD, e.g. 250.00")
    p.add_argument("--reference", default="")

    prices = sub.add_parser("prices", help="the wholesale price list").add_subparsers(
        dest="prices_command", metavar="ACTION", required=True
    )
    p = prices.add_parser("publish", help="publish a CSV (code, country, wholesale_usd)")
    p.add_argument("file", type=Path)
    p.add_argument("--note", default="")

    settings = sub.add_parser("settings", help="the chain's settings").add_subparsers(
        dest="settings_command", metavar="SETTING", required=True
    )
    p = settings.add_parser(
        "silent-after",
        help="show or set after how many minutes without a heartbeat a shop is an incident",
    )
    p.add_argument("minutes", type=int, nargs="?")

    incidents = sub.add_parser("incidents", help="incidents").add_subparsers(
        dest="incidents_command", metavar="ACTION", required=True
    )
    incidents.add_parser("sweep", help="raise an incident for every shop silent too long")
    return parser


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise CentralError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def _micro_usd(text: str) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CentralError(f"not an amount: {text!r}") from None
    micro = value * 1_000_000
    if not value.is_finite() or micro != micro.to_integral_value() or value <= 0:
        raise CentralError(f"a top-up is a positive USD amount with at most 6 decimals: {text!r}")
    return int(micro)


def _read_price_csv(path: Path, version: int, note: str) -> WholesalePriceList:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    entries = []
    for number, row in enumerate(rows, start=2):
        try:
            entries.append(
                WholesaleEntry.model_validate(
                    {
                        "code": (row.get("code") or "").strip(),
                        "country": (row.get("country") or "").strip(),
                        "wholesale_usd": (row.get("wholesale_usd") or "").strip(),
                    }
                )
            )
        except ValueError as exc:
            raise CentralError(f"{path}:{number}: {exc}") from None
    try:
        return WholesalePriceList(
            schema_version=SCHEMA_VERSION,
            version=version,
            published_at=datetime.now(UTC),
            note=note,
            entries=tuple(entries),
        )
    except ValueError as exc:
        raise CentralError(f"{path}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    url = args.db or default_url()
    clock = SystemClock()
    if args.command == "serve":
        return _serve(url, args)
    db = CentralDb(url)
    try:
        if args.command == "init":
            migrate(db)
            print(f"database ready at revision {current_revision(db)}: {db.url!r}")
            return 0
        if current_revision(db) != head_revision():
            raise CentralError(
                "the database is not initialised or is out of date: run "
                "`callshop-central init` first"
            )
        return _dispatch(db, clock, args)
    finally:
        db.dispose()


def _dispatch(db: CentralDb, clock: SystemClock, args: argparse.Namespace) -> int:
    if args.command == "shop" and args.shop_command == "add":
        service.add_shop(db, clock, args.code, args.name, args.timezone)
        print(f"shop {args.code} added")
    elif args.command == "shop":
        with db.read() as s:
            for shop in s.scalars(select(Shop).order_by(Shop.code)):
                print(f"{shop.code}\t{shop.name}\t{shop.timezone}")
    elif args.command == "token" and args.token_command == "create":
        token = auth.issue_token(db, clock, args.shop, args.label)
        print(token)
        print(
            "Store it now: it is shown only once (the till links with "
            "`callshop-pos sync link URL --token-file FILE`).",
            file=sys.stderr,
        )
    elif args.command == "token" and args.token_command == "revoke":
        auth.revoke_token(db, clock, args.token_id)
        print("token revoked")
    elif args.command == "token":
        with db.read() as s:
            for row, shop_code in s.execute(
                select(ApiToken, Shop.code)
                .join(Shop, Shop.id == ApiToken.shop_id)
                .order_by(ApiToken.id)
            ):
                state = "revoked" if row.revoked_at else "active"
                print(f"{auth.TOKEN_PREFIX}{row.token_id}\t{shop_code}\t{state}\t{row.label}")
    elif args.command == "user":
        auth.add_user(db, clock, PasswordHasher(), args.username, _password(), args.role, args.shop)
        print(f"user {args.username} added ({args.role})")
    elif args.command == "topup":
        body = service.TopupRequest(
            amount_micro_usd=_micro_usd(args.amount), reference=args.reference
        )
        service.put_topup(db, clock, args.shop, uuid.uuid4(), encode(body), "cli")
        print(
            f"top-up booked; balance {service.balance(db, clock, args.shop).balance_micro_usd}"
            " micro-USD"
        )
    elif args.command == "prices":
        with db.read() as s:
            current = max(s.scalars(select(PriceListRow.version)).all(), default=0)
        payload = _read_price_csv(args.file, current + 1, args.note)
        published = service.publish_price_list(db, clock, encode(payload), "cli")
        print(
            f"published wholesale price list version {published.version} "
            f"({len(payload.entries)} codes)"
        )
    elif args.command == "settings":
        if args.minutes is not None:
            service.set_silent_after(db, clock, args.minutes, "cli")
        minutes = int(service.silent_after(db).total_seconds() // 60)
        print(f"a shop is silent after {minutes} minutes without a heartbeat")
    elif args.command == "incidents":
        print(f"{service.sweep_silent(db, clock)} silent shops raised")
    return 0


def _serve(url: str, args: argparse.Namespace) -> int:
    db = CentralDb(url)
    try:
        migrate(db)  # once, here, before any worker starts
    finally:
        db.dispose()
    if args.workers > 1 and url.startswith("sqlite"):
        print(
            "note: several workers on SQLite queue on one write lock; use PostgreSQL",
            file=sys.stderr,
        )
    os.environ[ENV_DB] = url
    uvicorn.run(
        "central.api:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level="info",
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except CentralError as exc:
        print(f"callshop-central: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
