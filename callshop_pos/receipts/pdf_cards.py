"""Prepaid card sheets: A4 pages of ten 85 × 54 mm cards with cut marks (reportlab).

Each card shows the shop's name, the face value, the serial, the expiry rule, the PIN
in a grey field the printing house covers with scratch-off foil, and how to call in
Bulgarian and English. Pure: a :class:`CardSheetDoc` in, PDF bytes out (reproducible,
fonts embedded like every other PDF of the till).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from callshop_pos.receipts.pdf_fonts import (
    FONT_BOLD,
    FONT_MONO,
    FONT_REGULAR,
    INK,
    MM,
    MUTED,
    register_fonts,
)

__all__ = [
    "CARDS_PER_PAGE",
    "CARD_H_MM",
    "CARD_W_MM",
    "CardFace",
    "CardSheetDoc",
    "render_card_sheets",
]

CARD_W_MM = 85.0
CARD_H_MM = 54.0
_COLS = 2
_ROWS = 5
CARDS_PER_PAGE = _COLS * _ROWS
_PAGE_W_MM = 210.0
_PAGE_H_MM = 297.0
_MARK_GAP_MM = 2.0  # cut marks start this far from the cards
_MARK_LEN_MM = 6.0
_PAD_MM = 4.0


@dataclass(frozen=True, slots=True)
class CardFace:
    serial: str
    pin: str


@dataclass(frozen=True, slots=True)
class CardSheetDoc:
    """Everything printed; the texts are final (the service words them)."""

    shop_name: str
    face_value: str  # e.g. "10.00 €"
    title: str  # "Фонокарта · Calling card"
    expiry_bg: str
    expiry_en: str
    usage_bg: str
    usage_en: str
    cards: tuple[CardFace, ...]
    pin_label: str = "ПИН / PIN"
    scratch_label: str = "изтрийте / scratch"
    serial_label: str = "Сериен № / Serial"


def _origin(index: int) -> tuple[float, float]:
    """Bottom-left corner (points) of the card at ``index`` on its page."""
    left = (_PAGE_W_MM - _COLS * CARD_W_MM) / 2
    top = (_PAGE_H_MM + _ROWS * CARD_H_MM) / 2
    col, row = index % _COLS, index // _COLS
    return (left + col * CARD_W_MM) * MM, (top - (row + 1) * CARD_H_MM) * MM


def _cut_marks(c: Any) -> None:
    """Short lines in the margins on every cutting line, clear of the cards."""
    left = (_PAGE_W_MM - _COLS * CARD_W_MM) / 2
    right = left + _COLS * CARD_W_MM
    top = (_PAGE_H_MM + _ROWS * CARD_H_MM) / 2
    bottom = top - _ROWS * CARD_H_MM
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.3)
    for i in range(_COLS + 1):
        x = (left + i * CARD_W_MM) * MM
        c.line(x, (top + _MARK_GAP_MM) * MM, x, (top + _MARK_GAP_MM + _MARK_LEN_MM) * MM)
        c.line(x, (bottom - _MARK_GAP_MM) * MM, x, (bottom - _MARK_GAP_MM - _MARK_LEN_MM) * MM)
    for j in range(_ROWS + 1):
        y = (bottom + j * CARD_H_MM) * MM
        c.line((left - _MARK_GAP_MM) * MM, y, (left - _MARK_GAP_MM - _MARK_LEN_MM) * MM, y)
        c.line((right + _MARK_GAP_MM) * MM, y, (right + _MARK_GAP_MM + _MARK_LEN_MM) * MM, y)


def _fit(c: Any, text: str, font: str, size: float, width: float) -> float:
    """The largest size ≤ ``size`` at which ``text`` fits ``width`` points."""
    while size > 4 and c.stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _card(c: Any, doc: CardSheetDoc, face: CardFace, x: float, y: float) -> None:
    w, h, pad = CARD_W_MM * MM, CARD_H_MM * MM, _PAD_MM * MM
    inner = w - 2 * pad
    c.setStrokeColorRGB(0.8, 0.8, 0.8)
    c.setLineWidth(0.25)
    c.rect(x, y, w, h)  # a hairline for the designer; the cut marks are what counts
    c.setFillColorRGB(*INK)
    top = y + h - pad
    value_size = 15.0
    value_w = c.stringWidth(doc.face_value, FONT_BOLD, value_size)
    c.setFont(FONT_BOLD, value_size)
    c.drawRightString(x + w - pad, top - value_size * 0.8, doc.face_value)
    name_size = _fit(c, doc.shop_name, FONT_BOLD, 10, inner - value_w - 3 * MM)
    c.setFont(FONT_BOLD, name_size)
    c.drawString(x + pad, top - 10 * 0.8, doc.shop_name)
    c.setFillColorRGB(*MUTED)
    c.setFont(FONT_REGULAR, 6.5)
    c.drawString(x + pad, top - 16, doc.title)
    c.setFillColorRGB(*INK)
    c.setFont(FONT_REGULAR, 6.5)
    c.drawString(x + pad, top - 25, f"{doc.serial_label}:")
    c.setFont(FONT_MONO, 8)
    c.drawString(
        x + pad + c.stringWidth(f"{doc.serial_label}: ", FONT_REGULAR, 6.5), top - 25, face.serial
    )
    for i, line in enumerate((doc.expiry_bg, doc.expiry_en)):
        size = _fit(c, line, FONT_REGULAR, 6.5, inner)
        c.setFont(FONT_REGULAR, size)
        c.drawString(x + pad, top - 33 - i * 7.5, line)
    # The scratch-off field: a grey box with the PIN.
    box_h = 9 * MM
    box_y = y + pad + 17
    c.setFillColorRGB(0.78, 0.78, 0.80)
    c.roundRect(x + pad, box_y, inner, box_h, 1.5 * MM, stroke=0, fill=1)
    c.setFillColorRGB(*MUTED)
    c.setFont(FONT_REGULAR, 5.5)
    c.drawString(x + pad + 1.5 * MM, box_y + box_h - 6.5, doc.pin_label)
    c.drawRightString(x + w - pad - 1.5 * MM, box_y + box_h - 6.5, doc.scratch_label)
    c.setFillColorRGB(*INK)
    pin_size = _fit(c, face.pin, FONT_MONO, 13, inner - 4 * MM)
    c.setFont(FONT_MONO, pin_size)
    c.drawCentredString(x + w / 2, box_y + 3.2, face.pin)
    for i, line in enumerate((doc.usage_bg, doc.usage_en)):
        size = _fit(c, line, FONT_REGULAR, 5.5, inner)
        c.setFont(FONT_REGULAR, size)
        c.drawString(x + pad, y + pad + 8 - i * 7, line)


def render_card_sheets(doc: CardSheetDoc) -> bytes:
    """The sheets as PDF bytes: ten cards per A4 page, cut marks on every page."""
    from reportlab.pdfgen.canvas import Canvas  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made

    register_fonts()
    out = io.BytesIO()
    c = Canvas(
        out,
        pagesize=(_PAGE_W_MM * MM, _PAGE_H_MM * MM),
        invariant=1,
        initialFontName=FONT_REGULAR,
    )
    c.setTitle(f"{doc.shop_name}: {doc.title}")
    c.setAuthor(doc.shop_name)
    for start in range(0, len(doc.cards), CARDS_PER_PAGE):
        _cut_marks(c)
        for i, face in enumerate(doc.cards[start : start + CARDS_PER_PAGE]):
            _card(c, doc, face, *_origin(i))
        c.showPage()
    c.save()
    return out.getvalue()
