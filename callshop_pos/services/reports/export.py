"""Period reports written out: CSV (plain machine format) and PDF (reportlab, with
the DejaVu font shipped in ``resources/fonts`` so Cyrillic prints correctly)."""

from __future__ import annotations

import io
from collections.abc import Callable
from importlib import resources

from callshop_pos.money import format_minor, minor_to_decimal
from callshop_pos.services.reports.period import PeriodReport, ReportRow
from callshop_pos.textsafe import csv_writer

__all__ = ["REPORT_COLUMNS", "card_summary", "report_csv", "report_pdf"]


def _opt(value: object) -> str:
    return "" if value is None else str(value)


#: (header, value as text) of every column, in order.
REPORT_COLUMNS: tuple[tuple[str, Callable[[ReportRow], str]], ...] = (
    ("attempts", lambda r: str(r.attempts)),
    ("calls", lambda r: str(r.calls)),
    ("asr_percent", lambda r: _opt(r.asr_percent)),
    ("minutes", lambda r: str(r.minutes)),
    ("acd_seconds", lambda r: _opt(r.acd_seconds)),
    ("billed", lambda r: format_minor(r.billed_minor)),
    ("revenue", lambda r: format_minor(r.revenue_minor)),
    (
        "average_call",
        lambda r: "" if r.average_call_minor is None else format_minor(r.average_call_minor),
    ),
    ("wholesale_usd", lambda r: str(minor_to_decimal(r.wholesale_micro_usd, 6))),
    ("wholesale_cost", lambda r: format_minor(r.wholesale_cost_minor)),
    ("profit", lambda r: format_minor(r.profit_minor)),
    ("unserved", lambda r: str(r.unserved)),
    ("unpaid", lambda r: str(r.unpaid)),
    ("unpaid_amount", lambda r: format_minor(r.unpaid_minor)),
    ("unrated", lambda r: str(r.unrated)),
)


def report_csv(report: PeriodReport) -> str:
    """The report as CSV: one row per group, then a ``total`` row."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([report.group_by.value, *(name for name, _ in REPORT_COLUMNS)])
    for row in (*report.rows, report.total):
        writer.writerow([row.key, *(text(row) for _, text in REPORT_COLUMNS)])
    c = report.cards
    if c.sales or c.top_ups or c.debits:
        # Prepaid calling cards apart from the calls above (their calls are not in it):
        # after an empty line, a small table of its own.
        writer.writerow([])
        writer.writerow(["prepaid_cards", "count", "amount"])
        writer.writerow(["card_sales", str(c.sales), format_minor(c.sales_minor)])
        writer.writerow(["card_top_ups", str(c.top_ups), format_minor(c.top_ups_minor)])
        writer.writerow(["card_calls_debited", str(c.debits), format_minor(c.debits_minor)])
    return out.getvalue()


_PDF_COLUMNS = (
    ("Calls", "calls"),
    ("ASR %", "asr_percent"),
    ("Minutes", "minutes"),
    ("ACD s", "acd_seconds"),
    ("Revenue", "revenue"),
    ("Cost", "wholesale_cost"),
    ("Profit", "profit"),
    ("Unserved", "unserved"),
    ("Unpaid", "unpaid"),
)


def _register_font() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made

    fonts = resources.files("resources.fonts")
    pairs = (("DejaVuSans", "DejaVuSans.ttf"), ("DejaVuSans-Bold", "DejaVuSans-Bold.ttf"))
    for name, file in pairs:
        if name not in pdfmetrics.getRegisteredFontNames():
            with resources.as_file(fonts / file) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
    return "DejaVuSans", "DejaVuSans-Bold"


def report_pdf(report: PeriodReport, *, shop_name: str = "", currency: str = "EUR") -> bytes:
    """The report as an A4 landscape PDF with a table of every group and the total."""
    from reportlab.lib import colors  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.lib.pagesizes import A4, landscape  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: PLC0415 - reportlab is heavy; loaded only when a PDF is made

    regular, bold = _register_font()
    texts = dict(REPORT_COLUMNS)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=f"Report {report.first} – {report.last}",
        leftMargin=36,
        rightMargin=36,
        topMargin=36,
        bottomMargin=36,
    )
    title = ParagraphStyle("title", fontName=bold, fontSize=15, leading=19)
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    header = [report.group_by.value.capitalize(), *(f"{h}" for h, _ in _PDF_COLUMNS)]
    data = [header]
    for row in (*report.rows, report.total):
        data.append([row.key, *(texts[key](row) for _, key in _PDF_COLUMNS)])
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), regular, 8.5),
                ("FONT", (0, 0), (-1, 0), bold, 8.5),
                ("FONT", (0, -1), (-1, -1), bold, 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1d2533")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("ROWBACKGROUNDS", (0, 1), (-1, -2), [colors.white, colors.HexColor("#f3f5f8")]),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.HexColor("#1d2533")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story = [
        Paragraph(f"{shop_name} — report by {report.group_by.value}".strip(" —"), title),
        Paragraph(
            f"{report.first.isoformat()} – {report.last.isoformat()} · amounts in {currency}; "
            "wholesale cost at the USD rate of each call's date",
            body,
        ),
        Spacer(1, 10),
        table,
    ]
    story.append(Spacer(1, 8))
    story.append(
        Paragraph(
            "Revenue is call prices, without cash rounding; the cash rounding of the "
            f"period's payments is {format_minor(report.cash_rounding_minor)}, revenue "
            f"with it {format_minor(report.revenue_with_rounding_minor)}. Attempts "
            "count only calls offered to the carrier (not those the line engine refused: "
            "a locked booth, a blocked prefix, a prepaid booth without deposit).",
            body,
        )
    )
    if report.total.cost_without_rate:
        story.append(Spacer(1, 8))
        story.append(
            Paragraph(
                f"{report.total.cost_without_rate} call(s) predate the first USD rate: their "
                "cost is not in the local figures.",
                body,
            )
        )
    cards = card_summary(report)
    if cards:
        story.append(Spacer(1, 8))
        story.append(Paragraph(cards, body))
    doc.build(story)
    return out.getvalue()


def card_summary(report: PeriodReport) -> str:
    """One sentence on the period's prepaid calling cards ("" when there were none)."""
    c = report.cards
    if not (c.sales or c.top_ups or c.debits):
        return ""
    return (
        f"Prepaid calling cards (not in the table): {c.sales} sold for "
        f"{format_minor(c.sales_minor)}, {c.top_ups} top-up(s) for "
        f"{format_minor(c.top_ups_minor)}; {c.debits} card call(s) paid from card "
        f"balances: {format_minor(c.debits_minor)}."
    )
