"""A receipt as PDF: a page 80 mm wide (a till roll) and exactly as tall as its content."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from callshop_pos.clock import format_duration
from callshop_pos.receipts.labels import (
    Labels,
    booth_name,
    format_amount,
    format_date_time,
    rate_note,
)
from callshop_pos.receipts.layout import card_item
from callshop_pos.receipts.model import Receipt, ReceiptCardLine
from callshop_pos.receipts.pdf_fonts import FONT_BOLD, FONT_REGULAR, INK, MM, MUTED

__all__ = ["render_receipt"]


def render_receipt(receipt: Receipt, labels: Labels) -> bytes:
    """The receipt as PDF bytes (fonts must be registered: see pdf_fonts.register_fonts)."""
    return _ReceiptPdf(receipt, labels).render()


class _ReceiptPdf:
    """Typesets a receipt on a page 80 mm wide and exactly as tall as its content."""

    WIDTH = 80 * MM
    MARGIN = 6 * MM

    def __init__(self, receipt: Receipt, labels: Labels) -> None:
        self.receipt = receipt
        self.labels = labels
        self.ops: list[tuple[float, Callable[[Any, float], None]]] = []

    def money(self, minor: int) -> str:
        return format_amount(minor, self.receipt.currency.symbol, self.receipt.currency.digits)

    # Each op is (height, draw(canvas, y_top)).
    def _add(self, height: float, draw: Callable[[Any, float], None]) -> None:
        self.ops.append((height, draw))

    def centered(
        self,
        text: str,
        size: float,
        *,
        bold: bool = False,
        color: tuple[float, float, float] = INK,
    ) -> None:
        from reportlab.lib.utils import simpleSplit  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made

        font = FONT_BOLD if bold else FONT_REGULAR
        inner = self.WIDTH - 2 * self.MARGIN
        for part in simpleSplit(text, font, size, inner):

            def draw(c: Any, y: float, part: str = part) -> None:
                c.setFont(font, size)
                c.setFillColorRGB(*color)
                c.drawCentredString(self.WIDTH / 2, y - size, part)

            self._add(size * 1.3, draw)

    def pair(
        self,
        left: str,
        right: str,
        size: float,
        *,
        bold: bool = False,
        color: tuple[float, float, float] = INK,
    ) -> None:
        font = FONT_BOLD if bold else FONT_REGULAR

        def draw(c: Any, y: float) -> None:
            c.setFont(font, size)
            c.setFillColorRGB(*color)
            c.drawString(self.MARGIN, y - size, left)
            c.drawRightString(self.WIDTH - self.MARGIN, y - size, right)

        self._add(size * 1.35, draw)

    def rule(self, *, dashed: bool = True) -> None:
        def draw(c: Any, y: float) -> None:
            c.setStrokeColorRGB(*MUTED)
            c.setLineWidth(0.5)
            c.setDash(2, 2) if dashed else c.setDash()
            c.line(self.MARGIN, y - 3, self.WIDTH - self.MARGIN, y - 3)
            c.setDash()

        self._add(7, draw)

    def space(self, height: float) -> None:
        self._add(height, lambda c, y: None)

    def copy_box(self) -> None:
        text = f"{self.labels.copy}"

        def draw(c: Any, y: float) -> None:
            c.setStrokeColorRGB(*INK)
            c.setLineWidth(1.2)
            w = 30 * MM
            c.rect((self.WIDTH - w) / 2, y - 16, w, 14, stroke=1, fill=0)
            c.setFont(FONT_BOLD, 10)
            c.setFillColorRGB(*INK)
            c.drawCentredString(self.WIDTH / 2, y - 12.5, text)

        self._add(20, draw)

    def render(self) -> bytes:
        from reportlab.pdfgen.canvas import Canvas  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made

        r, lab = self.receipt, self.labels
        self.space(4 * MM)
        self.centered(r.shop.name, 11, bold=True)
        for line in r.shop.address:
            self.centered(line, 7.5, color=MUTED)
        if r.shop.vat_number:
            self.centered(f"{lab.vat_no} {r.shop.vat_number}", 7.5, color=MUTED)
        self.space(3)
        if r.is_copy:
            self.copy_box()
        self.centered(lab.card_receipt if r.is_card_sale else lab.receipt, 9, bold=True)
        self.rule()
        self.pair(f"{lab.receipt_no} {r.number}", format_date_time(r.issued_at), 7.5)
        self.pair(lab.operator, r.operator, 7.5)
        if r.fiscal_sale_number:
            self.pair(lab.sale_number, r.fiscal_sale_number, 7.5)
        self.rule()
        for call in r.lines:
            if isinstance(call, ReceiptCardLine):
                self.pair(card_item(lab, call), self.money(call.price_minor), 8, bold=True)
                self.pair(f"{lab.card_serial} {call.serial}", "", 7.5, color=MUTED)
                self.space(2)
                continue
            self.pair(
                f"{booth_name(lab, call.booth)}  ·  {call.started_at:%H:%M}",
                call.number,
                8,
                bold=True,
            )
            if call.destination:
                self.pair(call.destination, "", 7.5, color=MUTED)
            billed = format_duration(call.billable_s)
            self.pair(
                f"{format_duration(call.duration_s)} ({lab.billed} {billed})",
                self.money(call.price_minor),
                8,
            )
            self.space(2)
        self.rule()
        if r.rounding_minor:
            self.pair(lab.subtotal, self.money(r.subtotal_minor), 8)
            self.pair(lab.rounding, self.money(r.rounding_minor), 8)
        self.space(2)
        self.pair(lab.total, self.money(r.total_minor), 12, bold=True)
        self.space(2)
        self.pair(lab.tendered, self.money(r.tendered_minor), 8)
        self.pair(lab.change, self.money(r.change_minor), 8)
        if r.bgn_equivalent_minor is not None:
            self.pair(lab.bgn_equivalent, format_amount(r.bgn_equivalent_minor, "лв."), 8)
            self.pair(rate_note(lab), "", 6.5, color=MUTED)
        if r.footer:
            self.rule()
            for text in r.footer:
                self.centered(text, 8)
        if r.is_copy:
            self.space(3)
            self.copy_box()
        self.space(5 * MM)

        height = sum(h for h, _ in self.ops)
        out = io.BytesIO()
        canvas = Canvas(
            out, pagesize=(self.WIDTH, height), invariant=1, initialFontName=FONT_REGULAR
        )
        canvas.setTitle(f"{lab.receipt} {r.number}{' – ' + lab.copy if r.is_copy else ''}")
        canvas.setAuthor(r.shop.name)
        y = height
        for h, draw in self.ops:
            draw(canvas, y)
            y -= h
        canvas.showPage()
        canvas.save()
        return out.getvalue()
