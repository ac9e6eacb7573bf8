"""The X/Z shift report as an A4 PDF (reportlab platypus: tables, repeated headers)."""

from __future__ import annotations

import io
from typing import Any

from callshop_pos.receipts.labels import (
    Labels,
    format_amount,
    format_date_time,
    format_duration,
)
from callshop_pos.receipts.layout import deposit_lines
from callshop_pos.receipts.model import ReportCall, ReportKind, ShiftReportDoc
from callshop_pos.receipts.pdf_fonts import (
    FONT_BOLD,
    FONT_MONO,
    FONT_REGULAR,
    INK,
    MM,
    MUTED,
    RED,
)

__all__ = ["render_report"]


def render_report(report: ShiftReportDoc, lab: Labels) -> bytes:
    from reportlab.lib import colors  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.platypus import (  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
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

    ink = colors.Color(*INK)
    muted = colors.Color(*MUTED)
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
        *([label, money(amount)] for label, amount in deposit_lines(report, lab)),
        [f"{lab.refunds} ({report.refunds_count})", money(-report.refunds_minor)],
        [lab.expected_cash, money(report.expected_cash_minor)],
    ]
    emph = [len(cash_rows) - 1]
    if report.open_deposits:
        cash_rows.append([lab.open_deposits, str(report.open_deposits)])
        emph.append(len(cash_rows) - 1)
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
        cash.setStyle(TableStyle([("TEXTCOLOR", (1, row), (1, row), colors.Color(*RED))]))

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
        canvas.setFillColorRGB(*MUTED)
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
