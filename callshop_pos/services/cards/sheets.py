"""A batch's sheets, written once at creation: ``cards.pdf`` (A4, cut marks) and
``cards.csv`` (for a printing house: serial, PIN, face value, currency, expiry).

The folder is created private (0700) and the files 0600: they hold the PINs in
clear, the only place they ever exist. Written and fsync'd before the batch is
stored (see :mod:`callshop_pos.services.cards.admin`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from callshop_pos.db.models.cards import ExpiryRule
from callshop_pos.money import EUR
from callshop_pos.receipts.labels import format_amount
from callshop_pos.receipts.pdf_cards import CardFace, CardSheetDoc, render_card_sheets
from callshop_pos.textsafe import csv_writer

__all__ = [
    "CSV_HEADER",
    "CSV_NAME",
    "PDF_NAME",
    "SheetCard",
    "SheetPaths",
    "SheetSpec",
    "expiry_texts",
    "sheet_doc",
    "write_sheets",
]

PDF_NAME = "cards.pdf"
CSV_NAME = "cards.csv"
CSV_HEADER = ("serial", "pin", "face_value", "currency", "expiry")


@dataclass(frozen=True, slots=True)
class SheetCard:
    serial: str
    pin: str


@dataclass(frozen=True, slots=True)
class SheetSpec:
    shop_name: str
    currency: str
    face_value_minor: int
    expiry_rule: ExpiryRule
    expiry_date: date | None
    expiry_days: int | None
    access_code: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SheetPaths:
    pdf: Path
    csv: Path


def _day(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def expiry_texts(spec: SheetSpec) -> tuple[str, str]:
    """The expiry rule in Bulgarian and English, as printed."""
    rule = spec.expiry_rule
    if rule is ExpiryRule.FIXED_DATE and spec.expiry_date is not None:
        d = _day(spec.expiry_date)
        return f"Валидна до {d} вкл.", f"Valid until {d} inclusive"
    if rule is ExpiryRule.AFTER_CREATION and spec.expiry_days is not None:
        d = _day((spec.created_at + timedelta(days=spec.expiry_days)).date())
        return f"Валидна до {d}", f"Valid until {d}"
    if rule is ExpiryRule.AFTER_FIRST_USE and spec.expiry_days is not None:
        n = spec.expiry_days
        return (
            f"Валидна {n} дни след първото обаждане",
            f"Valid {n} days after the first call",
        )
    return "Без срок на валидност", "No expiry date"


def face_value_text(spec: SheetSpec) -> str:
    symbol = EUR.symbol if spec.currency == EUR.code else spec.currency
    return format_amount(spec.face_value_minor, symbol)


def sheet_doc(spec: SheetSpec, cards: Sequence[SheetCard]) -> CardSheetDoc:
    code = spec.access_code
    expiry_bg, expiry_en = expiry_texts(spec)
    return CardSheetDoc(
        shop_name=spec.shop_name,
        face_value=face_value_text(spec),
        title="Фонокарта · Prepaid calling card",
        expiry_bg=expiry_bg,
        expiry_en=expiry_en,
        usage_bg=f"От кабина наберете {code}, ПИН, * и номера: {code}ПИН*00493012345",
        usage_en=f"From a booth dial {code}, the PIN, * and the number: {code}PIN*00493012345",
        cards=tuple(CardFace(c.serial, c.pin) for c in cards),
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def write_sheets(folder: Path, spec: SheetSpec, cards: Sequence[SheetCard]) -> SheetPaths:
    """Create ``folder`` (it must not exist) with the PDF and the CSV of ``cards``."""
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(CSV_HEADER)
    value = format_amount(spec.face_value_minor, "").strip()
    _, expiry_en = expiry_texts(spec)
    for card in cards:
        writer.writerow((card.serial, card.pin, value, spec.currency, expiry_en))
    paths = SheetPaths(pdf=folder / PDF_NAME, csv=folder / CSV_NAME)
    _write_private(paths.csv, buffer.getvalue().encode("utf-8"))
    _write_private(paths.pdf, render_card_sheets(sheet_doc(spec, cards)))
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return SheetPaths(pdf=paths.pdf, csv=paths.csv)
