"""``callshop-pos sync …``: the link to the central billing account, headless.

* ``sync status`` — linked or not, shifts waiting, parked items, last success/error;
* ``sync push`` — deliver what is queued now (the engine does it by itself too);
* ``sync link URL [--shop ID] --token-file F`` — link the till (admin; the token file
  must be readable by its owner only, 0600); ``sync unlink``;
* ``sync retry ID…`` — put parked items back in the queue once the cause is fixed;
* ``sync prices [list|show|apply|dismiss]`` — wholesale lists pulled from central,
  applied only when an administrator says so (margin guard included).

``callshop-pos verify`` also compares the till's journal with the heads central holds
when the till is linked and central answers (and says so when it does not).
The HTTP transport is :mod:`drivers.sync_http`; the logic is :mod:`callshop_pos.sync`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from callshop_pos.cli._shop import add_user_option, login_as, open_shop, with_shop
from callshop_pos.errors import CallShopError, InvalidInput
from callshop_pos.services import outbox
from callshop_pos.services.context import Shop
from callshop_pos.sync.anchors import check_heads
from callshop_pos.sync.link import LinkConfig, link, unlink
from callshop_pos.sync.remote import CentralRefused, fetch_heads
from callshop_pos.sync.sender import Sender
from callshop_pos.sync.status import SyncStatus, sync_status
from callshop_pos.sync.transport import LinkDown
from drivers.sync_http import http_transport
from drivers.sync_prices_cli import register_prices

__all__ = ["register"]

#: ``sync push`` exit status when central could not take everything now.
EXIT_NOT_DELIVERED = 4


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("sync", help="the link to the central billing account")
    sub = parser.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    p = sub.add_parser("status", help="what is queued, parked, last success and error")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=with_shop(_cmd_status))
    p = sub.add_parser("push", help="deliver the queued shifts now")
    p.set_defaults(func=with_shop(_cmd_push))
    p = sub.add_parser("link", help="link this till to central (administrator)")
    p.add_argument("url", help="central's base URL, e.g. https://central.example.com")
    p.add_argument(
        "--shop",
        help="this shop's id at central (or give a URL ending in "
        "/v1/shops/ID; default: the one already set)",
    )
    p.add_argument(
        "--token-file",
        required=True,
        metavar="FILE",
        help="file holding the shop's API token (mode 0600)",
    )
    add_user_option(p)
    p.set_defaults(func=with_shop(_cmd_link))
    p = sub.add_parser("unlink", help="stop sending to central (the queue is kept)")
    add_user_option(p)
    p.set_defaults(func=with_shop(_cmd_unlink))
    p = sub.add_parser("retry", help="put parked items back in the queue (administrator)")
    p.add_argument("ids", nargs="+", type=int, metavar="ID", help="outbox item numbers")
    add_user_option(p)
    p.set_defaults(func=with_shop(_cmd_retry))
    register_prices(sub)
    _extend_verify(subparsers)


# ------------------------------------------------------------------ status


def _t(at: datetime | None, tz: ZoneInfo) -> str | None:
    return None if at is None else at.astimezone(tz).isoformat(timespec="seconds")


def status_json(st: SyncStatus, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "linked": st.linked,
        "url": st.url,
        "shop": st.shop,
        "pending": st.pending,
        "parked": st.parked,
        "delivered": st.delivered,
        "oldest_pending_at": _t(st.oldest_pending_at, tz),
        "last_attempt_at": _t(st.last_attempt_at, tz),
        "last_success_at": _t(st.last_success_at, tz),
        "last_error": st.last_error,
        "last_error_at": _t(st.last_error_at, tz),
        "error_is_current": st.error_is_current,
        "last_heartbeat_at": _t(st.last_heartbeat_at, tz),
        "carrier_balance_micro_usd": st.carrier_balance_micro_usd,
        "carrier_balance_at": _t(st.carrier_balance_at, tz),
        "pending_price_lists": st.pending_price_lists,
        "parked_items": [
            {
                "id": i.id,
                "kind": i.kind,
                "key": i.key,
                "shift_id": i.shift_id,
                "error": i.last_error,
            }
            for i in st.parked_items
        ],
    }


def _cmd_status(args: argparse.Namespace, shop: Shop) -> int:
    st = sync_status(shop)
    tz = ZoneInfo(shop.settings.timezone)
    data = status_json(st, tz)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"linked:        {'yes, ' + st.url + ' as ' + st.shop if st.linked else 'no'}")
    print(
        f"pending:       {st.pending}"
        + (f" (oldest queued {data['oldest_pending_at']})" if st.pending else "")
    )
    print(f"parked:        {st.parked}")
    print(f"delivered:     {st.delivered}")
    print(f"last success:  {data['last_success_at'] or 'never'}")
    if st.last_error:
        state = "" if st.error_is_current else " (since resolved)"
        print(f"last error:    {data['last_error_at']}: {st.last_error}{state}")
    if st.carrier_balance_micro_usd is not None:
        print(
            f"carrier:       USD {_usd(st.carrier_balance_micro_usd)} "
            f"(as of {data['carrier_balance_at']})"
        )
    if st.pending_price_lists:
        print(
            f"price lists:   {st.pending_price_lists} waiting for review "
            "(callshop-pos sync prices list)"
        )
    for item in st.parked_items:
        print(
            f"  parked #{item.id}: {item.kind} of shift {item.shift_id} ({item.key}): "
            f"{item.last_error}"
        )
    return 0


def _usd(micro: int) -> str:
    """Micro-USD as an exact decimal string with 2-6 decimals (no float)."""
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(micro), 1_000_000)
    text = f"{frac:06d}".rstrip("0").ljust(2, "0")
    return f"{sign}{whole}.{text}"


# ------------------------------------------------------------------ push


def _cmd_push(args: argparse.Namespace, shop: Shop) -> int:
    sender = Sender(shop, http_transport)
    try:
        report = sender.deliver()
    finally:
        sender.close()
    if not report.linked:
        raise InvalidInput("the till is not linked to central (callshop-pos sync link …)")
    for key in report.delivered:
        print(f"delivered {key}")
    for key in report.parked:
        print(f"parked {key} (central refused it; see callshop-pos sync status)")
    left = sync_status(shop).pending
    if report.error is not None:
        print(f"error: {report.error}; {left} item(s) still queued", file=sys.stderr)
        return EXIT_NOT_DELIVERED
    print(f"{len(report.delivered)} delivered, {len(report.parked)} parked, {left} queued")
    return 0


# ------------------------------------------------------------------ link


def _cmd_link(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    linked = link(shop, actor, args.url, args.shop, args.token_file)
    print(f"linked to {linked.url} as shop {linked.shop}")
    sender = Sender(shop, http_transport)
    try:
        heads = fetch_heads(sender, linked)
    except LinkDown as exc:
        print(f"central does not answer yet ({exc}); the engine keeps trying")
        return 0
    except CentralRefused as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return 0
    finally:
        sender.close()
    print(f"central answers; it holds {len(heads)} journal head(s) of this shop")
    return 0


def _cmd_unlink(args: argparse.Namespace, shop: Shop) -> int:
    unlink(shop, login_as(shop, args.user))
    print("unlinked; queued shifts wait for the next link")
    return 0


def _cmd_retry(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user)
    count = outbox.retry_parked(shop, actor, args.ids)
    print(f"{count} item(s) back in the queue")
    return 0


# ------------------------------------------------------------------ verify


def _extend_verify(subparsers: Any) -> None:
    """Make ``callshop-pos verify`` also check the chain against central's heads."""
    verify_parser = subparsers.choices.get("verify")
    if verify_parser is None:
        return
    local: Callable[[argparse.Namespace], int] = verify_parser.get_default("func")

    def verify_with_central(args: argparse.Namespace) -> int:
        status = local(args)
        try:
            with open_shop(args) as shop:
                central = _verify_central(shop)
        except CallShopError as exc:
            print(f"central: not checked: {exc}", file=sys.stderr)
            return status
        return status if central is None or central else max(status, 3)

    verify_parser.set_defaults(func=verify_with_central)


def _verify_central(shop: Shop) -> bool | None:
    """True/False: checked against central; None: not checked (said why)."""
    linked = LinkConfig.from_settings(shop.settings)
    if linked is None:
        print("central: not linked; the chain was checked locally only")
        return None
    sender = Sender(shop, http_transport)
    try:
        heads = fetch_heads(sender, linked)
    except LinkDown as exc:
        print(f"central: offline ({exc}); the chain was checked locally only")
        return None
    except CentralRefused as exc:
        print(f"central: not checked: {exc}", file=sys.stderr)
        return None
    finally:
        sender.close()
    check = check_heads(shop, heads)
    print(check.describe(), file=sys.stdout if check.ok else sys.stderr)
    return check.ok
