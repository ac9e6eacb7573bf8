"""``callshop-pos cards …``: prepaid calling cards headless.

- ``cards batch create QUANTITY FACE_VALUE --out DIR`` (administrator): makes the cards
  and writes their sheets (PDF + CSV with the PINs) once into a new folder under DIR;
- ``cards batch list`` and ``cards batch block ID --reason TEXT`` (administrator);
- ``cards show SERIAL`` (administrator: balance and history; ``--block REASON``
  blocks the card);
- ``cards sell SERIAL`` (the cashier of the open shift: the face value in cash;
  ``--tendered`` for change), ``cards balance SERIAL`` (cashier).

The same service calls as the window, so the same rules hold. Passwords come from a
prompt on a terminal, otherwise one line of standard input.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from callshop_pos.cli._shop import login_as, with_shop
from callshop_pos.cli.shifts import default_user
from callshop_pos.cli.terminal import parse_amount, parse_date, write_result
from callshop_pos.db.models.cards import ExpiryRule
from callshop_pos.errors import InvalidInput
from callshop_pos.money import format_minor
from callshop_pos.receipts.devices import device_configs
from callshop_pos.services.cards.admin import (
    DEFAULT_PIN_LENGTH,
    BatchSpec,
    block_batch,
    block_card,
    create_batch,
    list_batches,
    show_card,
)
from callshop_pos.services.cards.common import BatchView, CardView
from callshop_pos.services.cards.till import card_balance, quote_card_sale, sell_card
from callshop_pos.services.context import Shop

__all__ = ["register"]

FORMATS = ("table", "json")
_RULES = tuple(rule.value for rule in ExpiryRule)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("cards", help="prepaid calling cards: batches, sale, balance")
    sub = parser.add_subparsers(dest="cards_command", metavar="ACTION", required=True)

    batch = sub.add_parser("batch", help="card batches (administrator)")
    bsub = batch.add_subparsers(dest="batch_command", metavar="ACTION", required=True)
    p = bsub.add_parser(
        "create",
        help="create a batch and write its sheets (PDF, CSV) once",
        description="Create QUANTITY cards of FACE_VALUE. Their PINs exist in clear only "
        "in the sheets written now into a new folder under --out (keep it safe; it is "
        "never written again: a lost sheet means blocking the batch).",
    )
    p.add_argument("quantity", type=int)
    p.add_argument("face_value", help="e.g. 10.00")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder for the sheets")
    p.add_argument("--currency", help="ISO code (default: the shop's)")
    p.add_argument("--pin-length", type=int, default=DEFAULT_PIN_LENGTH, metavar="N")
    p.add_argument("--expiry", choices=_RULES, default=ExpiryRule.NONE.value)
    p.add_argument("--expiry-date", metavar="YYYY-MM-DD", help="for --expiry fixed_date")
    p.add_argument("--expiry-days", type=int, metavar="N", help="for the 'after_…' rules")
    p.add_argument("--price-list", type=int, metavar="VERSION", help="price list version id")
    p.add_argument("--note", default="")
    _common(p, create=True)

    p = bsub.add_parser("list", help="every batch with its cards by status")
    _common(p)
    p.set_defaults(func=with_shop(_cmd_batch_list))

    p = bsub.add_parser("block", help="block every card of a batch (a lost sheet)")
    p.add_argument("batch_id", type=int)
    p.add_argument("--reason", required=True)
    _common(p)
    p.set_defaults(func=with_shop(_cmd_batch_block))

    p = sub.add_parser("show", help="a card's balance and history (administrator)")
    p.add_argument("serial")
    p.add_argument("--block", metavar="REASON", help="block the card, giving the reason")
    _common(p)
    p.set_defaults(func=with_shop(_cmd_show))

    p = sub.add_parser("sell", help="sell a card in the open shift (its face value in cash)")
    p.add_argument("serial")
    p.add_argument("--tendered", help="cash tendered (default: exactly the face value)")
    _common(p)
    p.set_defaults(func=with_shop(_cmd_sell))

    p = sub.add_parser("balance", help="a card's status and balance (cashier)")
    p.add_argument("serial")
    _common(p)
    p.set_defaults(func=with_shop(_cmd_balance))


def _common(p: argparse.ArgumentParser, *, create: bool = False) -> None:
    p.add_argument("--user", help="who acts (default: $CALLSHOP_USER or the only administrator)")
    p.add_argument("--format", choices=FORMATS, default="table")
    if create:
        p.set_defaults(func=with_shop(_cmd_batch_create))


def _batch_json(b: BatchView) -> dict[str, Any]:
    return {
        "id": b.id,
        "created_at": b.created_at.isoformat(),
        "quantity": b.quantity,
        "face_value": format_minor(b.face_value_minor),
        "currency": b.currency,
        "pin_length": b.pin_length,
        "serials": [b.serial_first, b.serial_last],
        "expiry": b.expiry_rule.value,
        "expiry_date": None if b.expiry_date is None else b.expiry_date.isoformat(),
        "expiry_days": b.expiry_days,
        "price_list_version_id": b.price_list_version_id,
        "note": b.note,
        "blocked": b.blocked,
        "sheets": b.output_dir,
        "cards": dict(b.counts),
    }


def _batch_line(b: BatchView) -> str:
    counts = ", ".join(f"{n} {status}" for status, n in b.counts)
    rule = b.expiry_rule.value
    if b.expiry_date is not None:
        rule += f" {b.expiry_date.isoformat()}"
    if b.expiry_days is not None:
        rule += f" {b.expiry_days} d"
    return (
        f"#{b.id} {b.quantity} × {format_minor(b.face_value_minor)} {b.currency} "
        f"{b.serial_first}…{b.serial_last} expiry {rule}"
        f"{' BLOCKED' if b.blocked else ''}: {counts}"
    )


def _card_json(c: CardView, tz: ZoneInfo) -> dict[str, Any]:
    def t(value: Any) -> str | None:
        return None if value is None else value.astimezone(tz).isoformat()

    return {
        "serial": c.serial,
        "batch_id": c.batch_id,
        "status": c.status.value,
        "face_value": format_minor(c.face_value_minor),
        "balance": format_minor(c.balance_minor),
        "currency": c.currency,
        "sold_at": t(c.sold_at),
        "first_used_at": t(c.first_used_at),
        "expires_at": t(c.expires_at),
        "in_use_booth": c.in_use_booth,
        "history": [
            {
                "kind": m.kind,
                "at": t(m.at),
                "amount": format_minor(m.amount_minor),
                "balance": format_minor(m.balance_after_minor),
                "call_ref": m.call_ref,
                "booth": m.booth,
            }
            for m in c.history
        ],
    }


def _card_text(c: CardView, tz: ZoneInfo) -> str:
    lines = [
        f"card {c.serial} (batch {c.batch_id}): {c.status.value}, balance "
        f"{format_minor(c.balance_minor)} {c.currency} of {format_minor(c.face_value_minor)}"
    ]
    if c.expires_at is not None:
        lines.append(f"expires {c.expires_at.astimezone(tz):%d.%m.%Y %H:%M}")
    if c.in_use_booth is not None:
        lines.append(f"calling now from {c.in_use_booth}")
    for m in c.history:
        where = f" {m.booth} {m.call_ref}" if m.call_ref else ""
        lines.append(
            f"  {m.at.astimezone(tz):%d.%m.%Y %H:%M}  {m.kind:<7} {format_minor(m.amount_minor):>9}"
            f"  → {format_minor(m.balance_after_minor)}{where}"
        )
    return "\n".join(lines)


def _spec(args: argparse.Namespace) -> BatchSpec:
    expiry_date: date | None = parse_date(args.expiry_date, "expiry date")
    return BatchSpec(
        quantity=args.quantity,
        face_value_minor=parse_amount(args.face_value, "face value"),
        currency=args.currency,
        pin_length=args.pin_length,
        expiry_rule=ExpiryRule(args.expiry),
        expiry_date=expiry_date,
        expiry_days=args.expiry_days,
        price_list_version_id=args.price_list,
        note=args.note,
    )


def _cmd_batch_create(args: argparse.Namespace, shop: Shop) -> int:
    spec = _spec(args)  # a bad value fails before the password is asked
    actor = login_as(shop, args.user or default_user(shop))
    created = create_batch(shop, actor, spec, args.out)
    data = {**_batch_json(created.batch), "pdf": str(created.pdf), "csv": str(created.csv)}
    write_result(
        args,
        data,
        f"{_batch_line(created.batch)}\nsheets: {created.pdf}\n        {created.csv}\n"
        "they hold the PINs in clear and are never written again: keep them safe",
    )
    return 0


def _cmd_batch_list(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    batches = list_batches(shop, actor)
    text = "\n".join(_batch_line(b) for b in batches) or "no card batches"
    write_result(args, [_batch_json(b) for b in batches], text)
    return 0


def _cmd_batch_block(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    batch = block_batch(shop, actor, args.batch_id, args.reason)
    write_result(args, _batch_json(batch), f"batch #{batch.id} blocked: {batch.quantity} cards")
    return 0


def _cmd_show(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    if args.block is not None:
        block_card(shop, actor, args.serial, args.block)
    card = show_card(shop, actor, args.serial)
    tz = ZoneInfo(shop.settings.timezone)
    write_result(args, _card_json(card, tz), _card_text(card, tz))
    return 0


def _cmd_sell(args: argparse.Namespace, shop: Shop) -> int:
    tendered = None if args.tendered is None else parse_amount(args.tendered, "tendered")
    if device_configs(shop.settings.devices).fiscal is not None:
        # Every sale must be registered on the fiscal device, which only the till drives.
        raise InvalidInput(
            "a fiscal device is configured: sell the card at the till (Sell card), "
            "where the sale is registered on it"
        )
    actor = login_as(shop, args.user or default_user(shop))
    quote = quote_card_sale(shop, actor, args.serial)
    if tendered is not None and tendered < quote.amount_minor:
        raise InvalidInput(
            f"the amount tendered ({format_minor(tendered)}) is less than the face value "
            f"({format_minor(quote.amount_minor)})"
        )
    sale = sell_card(shop, actor, quote, tendered)
    data = {
        "serial": sale.card.serial,
        "movement_id": sale.movement_id,
        "shift_id": sale.shift_id,
        "amount": format_minor(sale.amount_minor),
        "tendered": format_minor(sale.tendered_minor),
        "change": format_minor(sale.change_minor),
        "balance": format_minor(sale.card.balance_minor),
    }
    write_result(
        args,
        data,
        f"card {sale.card.serial} sold for {format_minor(sale.amount_minor)} "
        f"{sale.card.currency} (shift {sale.shift_id}); change {format_minor(sale.change_minor)}",
    )
    return 0


def _cmd_balance(args: argparse.Namespace, shop: Shop) -> int:
    actor = login_as(shop, args.user or default_user(shop))
    card = card_balance(shop, actor, args.serial)
    tz = ZoneInfo(shop.settings.timezone)
    write_result(args, _card_json(card, tz), _card_text(card, tz))
    return 0
