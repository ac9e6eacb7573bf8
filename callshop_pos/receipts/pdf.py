"""PDF documents: a receipt on an 80 mm roll-sized page and the A4 X/Z shift report.

Why this lives in the core and not in ``drivers/``: a PDF is a document format,
not a device. Rendering is a pure function (document value → bytes) with no I/O,
no Qt and no hardware, exactly like the paper text layout next to it; keeping it
here lets the headless CLI (``receipt --pdf``, ``shifts show --pdf``) use it
without reaching into the drivers layer. The font is DejaVu Sans shipped in
``resources/fonts/`` and embedded (subset) in every file, so Cyrillic and the euro
sign never depend on the fonts of the machine that opens the PDF.

Output is reproducible (reportlab "invariant" mode): the same document gives the
same bytes, which keeps archived copies and tests stable.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from callshop_pos.receipts.labels import (
    Labels,
    format_amount,
    format_date_time,
    format_duration,
    labels_for,
    rate_note,
)
from callshop_pos.receipts.model import Receipt, ReportCall, ReportKind, ShiftReportDoc

__all__ = ["FONT_BOLD", "FONT_MONO", "FONT_REGULAR", "PdfRenderer", "register_fonts"]

FONT_REGULAR = "CallShopSans"
FONT_BOLD = "CallShopSans-Bold"
FONT_MONO = "CallShopMono"
_FONT_FILES = {
    FONT_REGULAR: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}

MM = 72.0 / 25.4
_INK = (0.12, 0.12, 0.14)
_MUTED = (0.42, 0.43, 0.47)
_RED = (0.70, 0.10, 0.10)


def register_fonts() -> None:
    """Register the shipped fonts with reportlab (idempotent; reportlab's registry is global)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    folder = resources.files("resources.fonts")
    for name, filename in _FONT_FILES.items():
        if name not in registered:
            with resources.as_file(folder / filename) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FONT_REGULAR, 0, 0, FONT_REGULAR)
    addMapping(FONT_REGULAR, 1, 0, FONT_BOLD)


@dataclass(frozen=True)
class PdfRenderer:
    """Implements the ``DocumentRenderer`` port: documents → PDF bytes."""

    language: str = "bg"

    def receipt(self, receipt: Receipt) -> bytes:
        register_fonts()
        return _ReceiptPdf(receipt, labels_for(self.language)).render()

    def shift_report(self, report: ShiftReportDoc) -> bytes:
        register_fonts()
        return _render_report(report, labels_for(self.language))


# --------------------------------------------------------------------------- receipt
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
        color: tuple[float, float, float] = _INK,
    ) -> None:
        from reportlab.lib.utils import simpleSplit

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
        color: tuple[float, float, float] = _INK,
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
            c.setStrokeColorRGB(*_MUTED)
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
            c.setStrokeColorRGB(*_INK)
            c.setLineWidth(1.2)
            w = 30 * MM
            c.rect((self.WIDTH - w) / 2, y - 16, w, 14, stroke=1, fill=0)
            c.setFont(FONT_BOLD, 10)
            c.setFillColorRGB(*_INK)
            c.drawCentredString(self.WIDTH / 2, y - 12.5, text)

        self._add(20, draw)

    def render(self) -> bytes:
        from reportlab.pdfgen.canvas import Canvas

        r, lab = self.receipt, self.labels
        self.space(4 * MM)
        self.centered(r.shop.name, 11, bold=True)
        for line in r.shop.address:
            self.centered(line, 7.5, color=_MUTED)
        if r.shop.vat_number:
            self.centered(f"{lab.vat_no} {r.shop.vat_number}", 7.5, color=_MUTED)
        self.space(3)
        if r.is_copy:
            self.copy_box()
        self.centered(lab.receipt, 9, bold=True)
        self.rule()
        self.pair(f"{lab.receipt_no} {r.number}", format_date_time(r.issued_at), 7.5)
        self.pair(lab.operator, r.operator, 7.5)
        if r.fiscal_sale_number:
            self.pair(lab.sale_number, r.fiscal_sale_number, 7.5)
        self.rule()
        for call in r.lines:
            self.pair(
                f"{lab.booth} {call.booth}  ·  {call.started_at:%H:%M}", call.number, 8, bold=True
            )
            if call.destination:
                self.pair(call.destination, "", 7.5, color=_MUTED)
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
            self.pair(rate_note(lab), "", 6.5, color=_MUTED)
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


# ---------------------------------------------------------------------------- report
def _render_report(report: ShiftReportDoc, lab: Labels) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    cur = report.currency

    def money(minor: int) -> str:
        return format_amount(minor, cur.symbol, cur.digits)

    ink = colors.Color(*_INK)
    muted = colors.Color(*_MUTED)
    rule = colors.Color(0.82, 0.83, 0.86)
    band = colors.Color(0.95, 0.95, 0.97)
    base = ParagraphStyle("base", fontName=FONT_REGULAR, fontSize=9, leading=12, textColor=ink)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=muted)
    shop_style = ParagraphStyle("shop", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16)
    title_style = ParagraphStyle(
        "title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=26, alignment=2
    )
    sub_style = ParagraphStyle(
        "sub", parent=base, fontSize=10, leading=13, alignment=2, textColor=muted
    )
    h2 = ParagraphStyle(
        "h2",
        parent=base,
        fontName=FONT_BOLD,
        fontSize=10.5,
        leading=14,
        spaceBefore=10,
        spaceAfter=4,
    )
    mono = ParagraphStyle("mono", parent=base, fontName=FONT_MONO, fontSize=8.5, leading=11)

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    width = A4[0] - 36 * MM - 12  # the frame keeps 6 pt padding on each side
    title = lab.z_report if report.kind is ReportKind.Z else lab.x_report
    story: list[Any] = []

    shop_lines = [Paragraph(esc(report.shop.name), shop_style)]
    shop_lines += [Paragraph(esc(a), small) for a in report.shop.address]
    if report.shop.vat_number:
        shop_lines.append(Paragraph(esc(f"{lab.vat_no} {report.shop.vat_number}"), small))
    heading = [
        Paragraph(title, title_style),
        Paragraph(esc(f"{lab.shift} {report.shift_id}"), sub_style),
    ]
    if report.is_copy:
        heading.append(Paragraph(f"<font color='#b31a1a'><b>{lab.copy}</b></font>", sub_style))
    head = Table([[shop_lines, heading]], colWidths=[width * 0.62, width * 0.38])
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ink),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [head, Spacer(1, 8)]

    closed = format_date_time(report.closed_at) if report.closed_at else lab.still_open
    info = Table(
        [
            [lab.operator, report.operator, lab.opened, format_date_time(report.opened_at)],
            [lab.printed, format_date_time(report.printed_at), lab.closed, closed],
        ],
        colWidths=[width * 0.17, width * 0.33, width * 0.17, width * 0.33],
    )
    info.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("TEXTCOLOR", (0, 0), (0, -1), muted),
                ("TEXTCOLOR", (2, 0), (2, -1), muted),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [info, Spacer(1, 10)]

    # Key figures, as large numbers in a band.
    figures = [
        (lab.calls, str(report.call_count)),
        (lab.talk_time, format_duration(report.talk_s)),
        (lab.billed_time, format_duration(report.billable_s)),
        (lab.payments, money(report.payments_minor)),
    ]
    fig_table = Table([[k for k, _ in figures], [v for _, v in figures]], colWidths=[width / 4] * 4)
    fig_table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), band),
                ("FONT", (0, 0), (-1, 0), FONT_REGULAR, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), muted),
                ("FONT", (0, 1), (-1, 1), FONT_BOLD, 15),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.5, rule),
            ]
        )
    )
    story.append(fig_table)

    def grid(
        rows: list[list[str]],
        widths: list[float],
        *,
        right: tuple[int, ...],
        total: bool = False,
        emphasize: tuple[int, ...] = (),
    ) -> Table:
        table = Table(rows, colWidths=[width * w for w in widths], repeatRows=1)
        style: list[Any] = [
            ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
            ("TEXTCOLOR", (0, 0), (-1, 0), muted),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ink),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, rule),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for col in right:
            style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
        if total:
            style += [
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 9),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, ink),
            ]
        for row in emphasize:
            style.append(("FONT", (0, row), (-1, row), FONT_BOLD, 9))
        table.setStyle(TableStyle(style))
        return table

    # Cash (left) and calls by status (right), side by side.
    cash_rows = [
        [lab.cash, ""],
        [lab.opening_float, money(report.opening_float_minor)],
        [f"{lab.payments} ({report.payments_count})", money(report.payments_minor)],
        [f"{lab.refunds} ({report.refunds_count})", money(-report.refunds_minor)],
        [lab.expected_cash, money(report.expected_cash_minor)],
    ]
    emph = [4]
    if report.counted_cash_minor is not None:
        cash_rows.append([lab.counted_cash, money(report.counted_cash_minor)])
    if report.discrepancy_minor is not None:
        cash_rows.append([lab.discrepancy, money(report.discrepancy_minor)])
        emph.append(len(cash_rows) - 1)
    if report.bgn_equivalent_minor is not None:
        cash_rows.append([lab.bgn_equivalent, format_amount(report.bgn_equivalent_minor, "лв.")])
    cash_rows.append([lab.drawer_opens, str(report.manual_drawer_opens)])
    cash = grid(cash_rows, [0.34, 0.16], right=(1,), emphasize=tuple(emph))
    if report.discrepancy_minor:
        row = next(i for i, r in enumerate(cash_rows) if r[0] == lab.discrepancy)
        cash.setStyle(TableStyle([("TEXTCOLOR", (1, row), (1, row), colors.Color(*_RED))]))

    status_rows = [[lab.by_status, "", ""]]
    for s in report.by_status:
        status_rows.append([lab.status(s.status), str(s.count), money(s.amount_minor)])
    status = grid(status_rows, [0.26, 0.08, 0.14], right=(1, 2))
    side = Table([[cash, status]], colWidths=[width * 0.52, width * 0.48])
    side.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 14),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ]
        )
    )
    story += [Spacer(1, 14), side]

    booth_rows = [[lab.booth, lab.calls, lab.talk_time, lab.value]]
    for b in report.booth_totals:
        booth_rows.append([b.booth, str(b.calls), format_duration(b.talk_s), money(b.amount_minor)])
    booth_rows.append(
        [
            "Σ",
            str(sum(b.calls for b in report.booth_totals)),
            format_duration(sum(b.talk_s for b in report.booth_totals)),
            money(sum(b.amount_minor for b in report.booth_totals)),
        ]
    )
    story += [
        Paragraph(lab.by_booth, h2),
        grid(booth_rows, [0.25, 0.25, 0.25, 0.25], right=(1, 2, 3), total=True),
    ]

    def call_table(calls: tuple[ReportCall, ...]) -> Any:
        if not calls:
            return Paragraph(f"({esc(lab.none)})", small)
        rows = [
            [
                "#",
                lab.booth,
                lab.col_answered,
                lab.col_number,
                lab.col_destination,
                lab.col_duration,
                lab.col_price,
            ]
        ]
        for c in calls:
            rows.append(
                [
                    str(c.call_id),
                    c.booth,
                    format_date_time(c.answered_at) if c.answered_at else "—",
                    c.number,
                    c.destination or "—",
                    format_duration(c.duration_s),
                    money(c.price_minor) if c.price_minor is not None else lab.unrated,
                ]
            )
        return grid(rows, [0.06, 0.08, 0.19, 0.19, 0.28, 0.08, 0.12], right=(5, 6))

    for heading_text, calls in (
        (lab.unserved_calls, report.unserved_calls),
        (lab.unpaid_calls, report.unpaid_calls),
    ):
        story.append(
            KeepTogether([Paragraph(f"{esc(heading_text)} ({len(calls)})", h2), call_table(calls)])
        )

    for note in report.notes:
        story.append(Paragraph(esc(note), base))

    digest = report.journal_head_hash
    hash_box = Table(
        [[Paragraph(esc(lab.journal_hash), small)], [Paragraph(digest, mono)]], colWidths=[width]
    )
    hash_box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, rule),
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("BACKGROUND", (0, 0), (-1, -1), band),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [Spacer(1, 16), KeepTogether([hash_box])]

    printed = format_date_time(report.printed_at)
    footer_text = f"{report.shop.name} · {title} · {lab.shift} {report.shift_id} · {printed}"

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT_REGULAR, 7.5)
        canvas.setFillColorRGB(*_MUTED)
        canvas.drawString(18 * MM + 6, 11 * MM, footer_text)
        canvas.drawRightString(A4[0] - 18 * MM - 6, 11 * MM, f"{lab.page} {doc.page}")
        if report.is_copy:
            canvas.setFont(FONT_BOLD, 90)
            canvas.setFillColorRGB(0.9, 0.9, 0.92)
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, 0, lab.copy)
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * MM,
        rightMargin=18 * MM,
        topMargin=16 * MM,
        bottomMargin=18 * MM,
        title=f"{title} – {lab.shift} {report.shift_id}",
        author=report.shop.name,
        invariant=1,
        initialFontName=FONT_REGULAR,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
