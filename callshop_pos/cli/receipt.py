"""``callshop-pos receipt NUMBER --pdf FILE``: a receipt as a PDF copy — a payment's
(its id) or a prepaid calling card sale's (its printed number, ``K000042``).

The file is marked COPY (the original went to the customer) and the export is
journaled like any reprint. The acting user logs in (``--user``, default
``$CALLSHOP_USER`` or the only administrator); the password comes from a prompt on
a terminal, otherwise from the first line of standard input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from callshop_pos.cli import read_password
from callshop_pos.cli._shop import existing_database_url
from callshop_pos.cli.shifts import default_user
from callshop_pos.config import data_dir
from callshop_pos.errors import InvalidInput
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.services.auth import login
from callshop_pos.services.context import Shop
from callshop_pos.services.till.printing import card_receipt_pdf, receipt_pdf
from callshop_pos.services.till.receipt_builders import card_receipt_number

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "receipt",
        help="write a payment's receipt (a copy) as PDF",
        description="Write the receipt of a payment as a PDF file, marked COPY and journaled.",
    )
    p.add_argument(
        "payment_id",
        type=_receipt_id,
        metavar="PAYMENT_ID",
        help="the payment's number, or a card sale's receipt number (K000042)",
    )
    p.add_argument("--pdf", required=True, metavar="FILE", help="the PDF file to write")
    p.add_argument("--user", help="who asks (default: $CALLSHOP_USER or the only administrator)")
    p.set_defaults(func=_cmd_receipt)


def _receipt_id(text: str) -> tuple[bool, int]:
    """``123`` → a payment; ``K000042`` → a card sale (its movement id)."""
    raw = text.strip()
    card = raw[:1] in ("K", "k")
    digits = raw[1:] if card else raw
    if not digits.isascii() or not digits.isdigit():
        raise argparse.ArgumentTypeError(f"not a receipt number: {text!r}")
    return card, int(digits)


def _cmd_receipt(args: argparse.Namespace) -> int:
    target = Path(args.pdf)
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory; give a file name")
    data = data_dir(getattr(args, "data_dir", None))
    with Shop.open(existing_database_url(getattr(args, "db", None), data=data)) as shop:
        user = args.user or default_user(shop)
        actor = login(shop, user, read_password(f"Password for {user}: "))
        card, subject_id = args.payment_id
        renderer = PdfRenderer(shop.settings.language)
        if card:
            pdf = card_receipt_pdf(shop, actor, renderer, subject_id)
        else:
            pdf = receipt_pdf(shop, actor, renderer, subject_id)
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    if card:
        print(f"wrote {target} (receipt {card_receipt_number(subject_id)}, copy)")
    else:
        print(f"wrote {target} (receipt of payment {subject_id}, copy)")
    return 0
