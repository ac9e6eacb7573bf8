"""``callshop-pos receipt PAYMENT_ID --pdf FILE``: a payment's receipt as a PDF copy.

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
from callshop_pos.services.till.printing import receipt_pdf

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "receipt",
        help="write a payment's receipt (a copy) as PDF",
        description="Write the receipt of a payment as a PDF file, marked COPY and journaled.",
    )
    p.add_argument("payment_id", type=int, metavar="PAYMENT_ID", help="the payment's number")
    p.add_argument("--pdf", required=True, metavar="FILE", help="the PDF file to write")
    p.add_argument("--user", help="who asks (default: $CALLSHOP_USER or the only administrator)")
    p.set_defaults(func=_cmd_receipt)


def _cmd_receipt(args: argparse.Namespace) -> int:
    target = Path(args.pdf)
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory; give a file name")
    data = data_dir(getattr(args, "data_dir", None))
    with Shop.open(existing_database_url(getattr(args, "db", None), data=data)) as shop:
        user = args.user or default_user(shop)
        actor = login(shop, user, read_password(f"Password for {user}: "))
        pdf = receipt_pdf(shop, actor, PdfRenderer(shop.settings.language), args.payment_id)
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"wrote {target} (receipt of payment {args.payment_id}, copy)")
    return 0
