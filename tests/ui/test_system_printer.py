"""The system printer: the core's paper layout painted through QPrinter (PDF offscreen)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QPageSize

from callshop_pos.receipts.model import ReportCall
from callshop_pos.receipts.samples import sample_receipt, sample_shift_report
from ui.system_printer import SystemPrinter, pdf_printer


def words(path: Path) -> list[str]:
    """The PDF's text per page, whitespace normalised (pypdf splits padded columns)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def test_receipt_to_pdf_with_cyrillic_euro_and_copy_mark(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "receipt.pdf"
    printer = SystemPrinter(language="bg", printer=pdf_printer(out))
    printer.print_receipt(sample_receipt(is_copy=True), kick_drawer=True)
    (text,) = words(out)
    assert "КОПИЕ" in text
    assert "Телефонен център" in text
    assert "3.50 €" in text  # the total, euro sign intact
    assert "DT279013-0001-0000123" in text  # the fiscal sale number line
    fonts = PdfReader(out).pages[0]["/Resources"]["/Font"]
    embedded = [f.get_object()["/BaseFont"] for f in fonts.values()]
    assert any("DejaVuSansMono" in str(name) for name in embedded)


def test_original_receipt_has_no_copy_mark(qtbot, tmp_path: Path) -> None:
    out = tmp_path / "receipt.pdf"
    SystemPrinter(language="en", printer=pdf_printer(out)).print_receipt(sample_receipt())
    (text,) = words(out)
    assert "COPY" not in text and "TOTAL" in text


def test_long_report_runs_over_pages_on_small_paper(qtbot, tmp_path: Path) -> None:
    base = sample_shift_report()
    calls = tuple(
        ReportCall(
            call_id=i,
            booth="Кабина 1",
            number=f"0035988{i:07d}",
            destination="България",
            answered_at=base.opened_at,
            duration_s=60,
            price_minor=10,
            status="unserved",
        )
        for i in range(120)
    )
    report = replace(base, unserved_calls=calls)
    out = tmp_path / "z.pdf"
    printer = SystemPrinter(language="bg", printer=pdf_printer(out, page=QPageSize.PageSizeId.A5))
    printer.print_report(report)
    pages = words(out)
    assert len(pages) > 1
    everything = " ".join(pages)
    assert "Z-ОТЧЕТ" in everything.replace("Z- ОТЧЕТ", "Z-ОТЧЕТ")
    assert "00359880000000" in everything and "00359880000119" in everything
