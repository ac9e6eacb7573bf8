"""A "printer" that files every receipt and report as a PDF in a folder.

For a shop without a thermal printer, or to keep an electronic copy of everything
printed: configure the printer connection as ``pdf:/path/to/folder``. Files are
named after the document (``receipt-000123.pdf``, ``z-report-318.pdf``, and an X
report by the time it was printed, ``x-report-318-20260105-140000.pdf``); a copy gets
``-copy``, a name already taken gets ``-2``, ``-3`` …, and nothing is ever
overwritten. The rendering is the core's PDF renderer (see docs/design.md, "Printing").
"""

from __future__ import annotations

import os
from pathlib import Path

from callshop_pos.receipts.model import Receipt, ReportKind, ShiftReportDoc
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.ports import DeviceError

__all__ = ["PdfFolderPrinter"]


class PdfFolderPrinter:
    """Implements the ``ReceiptPrinter`` port by writing PDF files (no cash drawer)."""

    def __init__(self, folder: Path, renderer: PdfRenderer) -> None:
        self.folder = folder
        self.renderer = renderer

    def print_receipt(self, receipt: Receipt, *, kick_drawer: bool = False) -> None:
        del kick_drawer  # there is no drawer behind a folder
        stem = f"receipt-{receipt.number}" + ("-copy" if receipt.is_copy else "")
        self._write(stem, self.renderer.receipt(receipt))

    def print_report(self, report: ShiftReportDoc) -> None:
        if report.kind is ReportKind.Z:
            stem = f"z-report-{report.shift_id}"
        else:  # printed many times a shift: the time tells them apart
            stem = f"x-report-{report.shift_id}-{report.printed_at:%Y%m%d-%H%M%S}"
        stem += "-copy" if report.is_copy else ""
        self._write(stem, self.renderer.shift_report(report))

    def _write(self, stem: str, data: bytes) -> Path:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for n in range(1, 10_000):
                path = self.folder / (f"{stem}.pdf" if n == 1 else f"{stem}-{n}.pdf")
                try:
                    # "x": never overwrite an earlier document of the same name.
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
                except FileExistsError:
                    continue
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                return path
        except OSError as exc:
            raise DeviceError(
                f"cannot write the PDF to {self.folder}: {exc.strerror or exc}"
            ) from exc
        raise DeviceError(f"too many copies of {stem} in {self.folder}")
