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

from dataclasses import dataclass

from callshop_pos.receipts.labels import labels_for
from callshop_pos.receipts.model import Receipt, ShiftReportDoc
from callshop_pos.receipts.pdf_fonts import FONT_BOLD, FONT_MONO, FONT_REGULAR, register_fonts
from callshop_pos.receipts.pdf_receipt import render_receipt
from callshop_pos.receipts.pdf_report import render_report

__all__ = ["FONT_BOLD", "FONT_MONO", "FONT_REGULAR", "PdfRenderer", "register_fonts"]


@dataclass(frozen=True)
class PdfRenderer:
    """Implements the ``DocumentRenderer`` port: documents → PDF bytes."""

    language: str = "bg"

    def receipt(self, receipt: Receipt) -> bytes:
        register_fonts()
        return render_receipt(receipt, labels_for(self.language))

    def shift_report(self, report: ShiftReportDoc) -> bytes:
        register_fonts()
        return render_report(report, labels_for(self.language))
