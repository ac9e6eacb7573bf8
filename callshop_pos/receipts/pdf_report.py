"""The X/Z shift report as an A4 PDF (reportlab platypus: tables, repeated headers).

:func:`render_report` builds the page from one function per section, top to bottom:
header, shift info, key figures, cash and calls by status, booths, unserved and
unpaid calls, notes, the journal hash; the footer and the COPY watermark are drawn
on every page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from callshop_pos.clock import format_duration
from callshop_pos.receipts.labels import (
    Labels,
    format_amount,
    format_date_time,
)
from callshop_pos.receipts.layout import card_calls_line, card_lines, deposit_lines
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


@dataclass(frozen=True)
class _Page:
    """What every section draws with: the report, labels, width, reportlab's flowables
    (imported once, when a PDF is made) and the styles and colours of the page."""

    report: ShiftReportDoc
    lab: Labels
    width: float
    rl: Any  # namespace of the reportlab names used below
    styles: dict[str, Any]
    colors: dict[str, Any]

    def money(self, minor: int) -> str:
        cur = self.report.currency
        return format_amount(minor, cur.symbol, cur.digits)

    def grid(
        self,
        rows: list[list[str]],
        widths: list[float],
        *,
        right: tuple[int, ...],
        total: bool = False,
        emphasize: tuple[int, ...] = (),
    ) -> Any:
        ink, rule, muted = self.colors["ink"], self.colors["rule"], self.colors["muted"]
        table = self.rl.Table(rows, colWidths=[self.width * w for w in widths], repeatRows=1)
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
        table.setStyle(self.rl.TableStyle(style))
        return table


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _title(report: ShiftReportDoc, lab: Labels) -> str:
    return lab.z_report if report.kind is ReportKind.Z else lab.x_report


def _header(p: _Page) -> list[Any]:
    report, lab, rl, st = p.report, p.lab, p.rl, p.styles
    shop_lines = [rl.Paragraph(_esc(report.shop.name), st["shop"])]
    shop_lines += [rl.Paragraph(_esc(a), st["small"]) for a in report.shop.address]
    if report.shop.vat_number:
        shop_lines.append(rl.Paragraph(_esc(f"{lab.vat_no} {report.shop.vat_number}"), st["small"]))
    heading = [
        rl.Paragraph(_title(report, lab), st["title"]),
        rl.Paragraph(_esc(f"{lab.shift} {report.shift_id}"), st["sub"]),
    ]
    if report.is_copy:
        heading.append(rl.Paragraph(f"<font color='#b31a1a'><b>{lab.copy}</b></font>", st["sub"]))
    head = rl.Table([[shop_lines, heading]], colWidths=[p.width * 0.62, p.width * 0.38])
    head.setStyle(
        rl.TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, p.colors["ink"]),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [head, rl.Spacer(1, 8)]


def _shift_info(p: _Page) -> list[Any]:
    report, lab, rl, width = p.report, p.lab, p.rl, p.width
    closed = format_date_time(report.closed_at) if report.closed_at else lab.still_open
    info = rl.Table(
        [
            [lab.operator, report.operator, lab.opened, format_date_time(report.opened_at)],
            [lab.printed, format_date_time(report.printed_at), lab.closed, closed],
        ],
        colWidths=[width * 0.17, width * 0.33, width * 0.17, width * 0.33],
    )
    info.setStyle(
        rl.TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("TEXTCOLOR", (0, 0), (0, -1), p.colors["muted"]),
                ("TEXTCOLOR", (2, 0), (2, -1), p.colors["muted"]),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [info, rl.Spacer(1, 10)]


def _key_figures(p: _Page) -> list[Any]:
    """Key figures, as large numbers in a band."""
    report, lab, rl = p.report, p.lab, p.rl
    figures = [
        (lab.calls, str(report.call_count)),
        (lab.talk_time, format_duration(report.talk_s)),
        (lab.billed_time, format_duration(report.billable_s)),
        (lab.payments, p.money(report.payments_minor)),
    ]
    fig_table = rl.Table(
        [[k for k, _ in figures], [v for _, v in figures]], colWidths=[p.width / 4] * 4
    )
    fig_table.setStyle(
        rl.TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), p.colors["band"]),
                ("FONT", (0, 0), (-1, 0), FONT_REGULAR, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), p.colors["muted"]),
                ("FONT", (0, 1), (-1, 1), FONT_BOLD, 15),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 10),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.5, p.colors["rule"]),
            ]
        )
    )
    return [fig_table]


def _cash(p: _Page) -> Any:
    report, lab, money = p.report, p.lab, p.money
    cash_rows = [
        [lab.cash, ""],
        [lab.opening_float, money(report.opening_float_minor)],
        [f"{lab.payments} ({report.payments_count})", money(report.payments_minor)],
        *([label, money(amount)] for label, amount in deposit_lines(report, lab)),
        *([label, money(amount)] for label, amount in card_lines(report, lab)),
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
    card_calls = card_calls_line(report, lab)
    if card_calls is not None:
        cash_rows.append([card_calls[0], money(card_calls[1])])
    cash = p.grid(cash_rows, [0.34, 0.16], right=(1,), emphasize=tuple(emph))
    if report.discrepancy_minor:
        row = next(i for i, r in enumerate(cash_rows) if r[0] == lab.discrepancy)
        cash.setStyle(p.rl.TableStyle([("TEXTCOLOR", (1, row), (1, row), p.colors["red"])]))
    return cash


def _cash_and_status(p: _Page) -> list[Any]:
    """Cash (left) and calls by status (right), side by side."""
    report, lab, rl = p.report, p.lab, p.rl
    cash = _cash(p)
    status_rows = [[lab.by_status, "", ""]]
    for s in report.by_status:
        status_rows.append([lab.status(s.status), str(s.count), p.money(s.amount_minor)])
    status = p.grid(status_rows, [0.26, 0.08, 0.14], right=(1, 2))
    side = rl.Table([[cash, status]], colWidths=[p.width * 0.52, p.width * 0.48])
    side.setStyle(
        rl.TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 14),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
            ]
        )
    )
    return [rl.Spacer(1, 14), side]


def _booths(p: _Page) -> list[Any]:
    report, lab, money = p.report, p.lab, p.money
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
    return [
        p.rl.Paragraph(lab.by_booth, p.styles["h2"]),
        p.grid(booth_rows, [0.25, 0.25, 0.25, 0.25], right=(1, 2, 3), total=True),
    ]


def _call_table(p: _Page, calls: tuple[ReportCall, ...]) -> Any:
    lab = p.lab
    if not calls:
        return p.rl.Paragraph(f"({_esc(lab.none)})", p.styles["small"])
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
                p.money(c.price_minor) if c.price_minor is not None else lab.unrated,
            ]
        )
    return p.grid(rows, [0.06, 0.08, 0.19, 0.19, 0.28, 0.08, 0.12], right=(5, 6))


def _call_lists(p: _Page) -> list[Any]:
    """The calls still unserved and those served unpaid, each under its heading."""
    report, lab, rl = p.report, p.lab, p.rl
    return [
        rl.KeepTogether(
            [
                rl.Paragraph(f"{_esc(heading_text)} ({len(calls)})", p.styles["h2"]),
                _call_table(p, calls),
            ]
        )
        for heading_text, calls in (
            (lab.unserved_calls, report.unserved_calls),
            (lab.unpaid_calls, report.unpaid_calls),
        )
    ]


def _notes(p: _Page) -> list[Any]:
    return [p.rl.Paragraph(_esc(note), p.styles["base"]) for note in p.report.notes]


def _journal_hash(p: _Page) -> list[Any]:
    rl = p.rl
    hash_box = rl.Table(
        [
            [rl.Paragraph(_esc(p.lab.journal_hash), p.styles["small"])],
            [rl.Paragraph(p.report.journal_head_hash, p.styles["mono"])],
        ],
        colWidths=[p.width],
    )
    hash_box.setStyle(
        rl.TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, p.colors["rule"]),
                ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 9),
                ("BACKGROUND", (0, 0), (-1, -1), p.colors["band"]),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return [rl.Spacer(1, 16), rl.KeepTogether([hash_box])]


def _page_decoration(report: ShiftReportDoc, lab: Labels, a4: tuple[float, float]) -> Any:
    """Footer (shop, report, shift, print time, page) and, on a copy, the watermark."""
    printed = format_date_time(report.printed_at)
    title = _title(report, lab)
    footer_text = f"{report.shop.name} · {title} · {lab.shift} {report.shift_id} · {printed}"

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT_REGULAR, 7.5)
        canvas.setFillColorRGB(*MUTED)
        canvas.drawString(18 * MM + 6, 11 * MM, footer_text)
        canvas.drawRightString(a4[0] - 18 * MM - 6, 11 * MM, f"{lab.page} {doc.page}")
        if report.is_copy:
            canvas.setFont(FONT_BOLD, 90)
            canvas.setFillColorRGB(0.9, 0.9, 0.92)
            canvas.translate(a4[0] / 2, a4[1] / 2)
            canvas.rotate(40)
            canvas.drawCentredString(0, 0, lab.copy)
        canvas.restoreState()

    return decorate


def _styles(rl: Any, ink: Any, muted: Any) -> dict[str, Any]:
    base = rl.ParagraphStyle("base", fontName=FONT_REGULAR, fontSize=9, leading=12, textColor=ink)
    return {
        "base": base,
        "small": rl.ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=muted),
        "shop": rl.ParagraphStyle("shop", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16),
        "title": rl.ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=26, alignment=2
        ),
        "sub": rl.ParagraphStyle(
            "sub", parent=base, fontSize=10, leading=13, alignment=2, textColor=muted
        ),
        "h2": rl.ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "mono": rl.ParagraphStyle(
            "mono", parent=base, fontName=FONT_MONO, fontSize=8.5, leading=11
        ),
    }


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

    rl = SimpleNamespace(
        KeepTogether=KeepTogether,
        Paragraph=Paragraph,
        ParagraphStyle=ParagraphStyle,
        Spacer=Spacer,
        Table=Table,
        TableStyle=TableStyle,
    )
    palette = {
        "ink": colors.Color(*INK),
        "muted": colors.Color(*MUTED),
        "rule": colors.Color(0.82, 0.83, 0.86),
        "band": colors.Color(0.95, 0.95, 0.97),
        "red": colors.Color(*RED),
    }
    page = _Page(
        report=report,
        lab=lab,
        width=A4[0] - 36 * MM - 12,  # the frame keeps 6 pt padding on each side
        rl=rl,
        styles=_styles(rl, palette["ink"], palette["muted"]),
        colors=palette,
    )
    story: list[Any] = []
    for section in (
        _header,
        _shift_info,
        _key_figures,
        _cash_and_status,
        _booths,
        _call_lists,
        _notes,
        _journal_hash,
    ):
        story += section(page)

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * MM,
        rightMargin=18 * MM,
        topMargin=16 * MM,
        bottomMargin=18 * MM,
        title=f"{_title(report, lab)} – {lab.shift} {report.shift_id}",
        author=report.shop.name,
        invariant=1,
        initialFontName=FONT_REGULAR,
    )
    decorate = _page_decoration(report, lab, A4)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
