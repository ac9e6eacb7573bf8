"""The system printer (any printer the operating system knows) for receipts and X/Z reports.

A shop without a thermal printer prints on whatever it has: the office laser printer,
or a thermal printer installed with the maker's driver. :class:`SystemPrinter` paints
the core's own paper layout (:mod:`callshop_pos.receipts.layout`, the very lines the
ESC/POS printer prints) with :class:`QPainter` on a :class:`QPrinter`, in DejaVu Sans
Mono shipped in ``resources/fonts`` (Cyrillic and € everywhere, no system fonts).
Bold lines are bold; double-height lines are painted stretched vertically, exactly as
a thermal printer does, so the columns stay aligned.

It implements the :class:`~callshop_pos.receipts.ports.ReceiptPrinter` port, so the
journaled printing services (:mod:`callshop_pos.services.till.printing`) drive it like any
other printer (``target="system"``). Qt paints only on the GUI thread: call it there
(spooling to the OS is quick); the PDF format (``QPrinter.OutputFormat.PdfFormat``)
works offscreen and is what the tests read back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QWidget

from callshop_pos.errors import CallShopError
from callshop_pos.receipts.layout import (
    PaperLine,
    PaperWidth,
    layout_receipt,
    layout_shift_report,
)
from callshop_pos.receipts.model import Receipt, ShiftReportDoc
from callshop_pos.receipts.ports import DeviceError

__all__ = ["SystemPrinter", "mono_family", "pdf_printer"]

FONT_FILE = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "DejaVuSansMono.ttf"
#: The printed column is never wider than this on a big sheet (a receipt stays a receipt).
MAX_COLUMN_MM = 105.0
#: Nor is the type larger than this (points), whatever the paper.
MAX_POINT_SIZE = 11.0

_families: list[str] = []


def mono_family() -> str:
    """The family name of the shipped monospace font (registered on first use)."""
    if not _families:
        font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            raise DeviceError(f"cannot load the receipt font {FONT_FILE}")
        _families.append(families[0])
    return _families[0]


def pdf_printer(
    path: Path | str, *, page: QPageSize.PageSizeId = QPageSize.PageSizeId.A4
) -> QPrinter:
    """A QPrinter writing a PDF file (works offscreen; used for tests and previews)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(page))
    printer.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
    return printer


class SystemPrinter:
    """Receipts and X/Z reports on a system printer (a ``ReceiptPrinter``).

    ``printer_name`` is the OS printer to use (empty = the system default). Or pass
    ``printer`` — a configured :class:`QPrinter` (tests give a PDF one).
    """

    def __init__(
        self,
        *,
        language: str = "en",
        printer_name: str = "",
        columns: PaperWidth = PaperWidth.MM80,
        printer: QPrinter | None = None,
    ) -> None:
        self.language = language
        self.printer_name = printer_name
        self.columns = int(columns)
        self._printer = printer

    # ---- choosing

    @staticmethod
    def available() -> list[str]:
        """The names of the printers the operating system offers."""
        return [info.printerName() for info in QPrinterInfo.availablePrinters()]

    def choose(self, parent: QWidget | None = None) -> bool:
        """Let the cashier pick the printer in the system print dialog; True if chosen."""
        printer = self._make_printer()
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(dialog.tr("Printer for receipts and reports"))
        if not dialog.exec():
            return False
        self.printer_name = printer.printerName()
        self._printer = printer
        return True

    # ---- the ReceiptPrinter port

    def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> None:
        """Print ``receipt`` (a system printer has no drawer port: ``kick_drawer`` is ignored)."""
        del kick_drawer
        self.print_lines(
            layout_receipt(receipt, self.columns, language=self.language),
            f"receipt {receipt.number}",
        )

    def print_report(self, report: ShiftReportDoc) -> None:
        self.print_lines(
            layout_shift_report(report, self.columns, language=self.language),
            f"{report.kind.value} report shift {report.shift_id}",
        )

    # ---- painting

    def print_lines(self, lines: list[PaperLine], title: str = "CallShop POS") -> None:
        """Paint paper-layout lines on the printer, page after page."""
        printer = self._printer or self._make_printer()
        printer.setDocName(title)
        painter = QPainter()
        if not painter.begin(printer):
            raise DeviceError(
                f"the printer {printer.printerName() or printer.outputFileName()!r} "
                "cannot be used (is it installed and switched on?)"
            )
        try:
            self._paint(painter, printer, lines)
        except CallShopError:
            raise
        except Exception as exc:
            raise DeviceError(f"printing failed: {exc}") from exc
        finally:
            painter.end()

    def _paint(self, painter: QPainter, printer: QPrinter, lines: list[PaperLine]) -> None:
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        dpi = printer.resolution()
        column_px = min(float(page.width()), MAX_COLUMN_MM / 25.4 * dpi)
        font = QFont(mono_family())
        # Fit exactly ``columns`` characters in the column, capped for big paper.
        font.setPointSizeF(MAX_POINT_SIZE)
        painter.setFont(font)
        advance = QFontMetricsF(font, printer).horizontalAdvance("M")
        if advance * self.columns > column_px:
            font.setPointSizeF(MAX_POINT_SIZE * column_px / (advance * self.columns))
        bold = QFont(font)
        bold.setBold(True)
        metrics = QFontMetricsF(font, printer)
        line_h = metrics.lineSpacing()
        left = (page.width() - min(column_px, metrics.horizontalAdvance("M") * self.columns)) / 2
        ascent = metrics.ascent()
        y = 0.0
        for line in lines:
            height = line_h * (2 if line.tall else 1)
            if y + height > page.height() and y > 0:
                printer.newPage()
                y = 0.0
            painter.setFont(bold if line.bold else font)
            text = line.text.rstrip()
            if line.tall:
                painter.save()
                painter.translate(left, y)
                painter.scale(1.0, 2.0)
                painter.drawText(QPointF(0, ascent), text)
                painter.restore()
            else:
                painter.drawText(QPointF(left, y + ascent), text)
            y += height

    def _make_printer(self) -> QPrinter:
        if self.printer_name:
            info = QPrinterInfo.printerInfo(self.printer_name)
            if info.isNull():
                raise DeviceError(
                    f"the system printer {self.printer_name!r} is not installed any more; "
                    "choose another one (Devices → Printer set-up…)"
                )
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        else:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if not printer.isValid():
                raise DeviceError("no system printer is installed")
        printer.setPageMargins(QMarginsF(5, 5, 5, 5), QPageLayout.Unit.Millimeter)
        return printer
