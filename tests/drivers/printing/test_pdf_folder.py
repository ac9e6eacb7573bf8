"""The PDF folder "printer": one file per document, named by its number (receipts,
Z reports) or its time (X reports, printed many times a shift), never overwritten."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from callshop_pos.receipts.model import ReportKind
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.samples import sample_receipt, sample_shift_report
from drivers.printing.pdf import PdfFolderPrinter


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_folder_is_made_and_receipts_are_named_by_number(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "receipts"
    printer = PdfFolderPrinter(folder, PdfRenderer())
    printer.print_receipt(sample_receipt())
    printer.print_receipt(replace(sample_receipt(), number="000124"))
    assert _names(folder) == ["receipt-000123.pdf", "receipt-000124.pdf"]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    (tmp_path / "receipt-000123.pdf").write_bytes(b"kept")
    printer = PdfFolderPrinter(tmp_path, PdfRenderer())
    printer.print_receipt(sample_receipt())
    printer.print_receipt(sample_receipt())
    assert (tmp_path / "receipt-000123.pdf").read_bytes() == b"kept"
    assert _names(tmp_path) == [
        "receipt-000123-2.pdf",
        "receipt-000123-3.pdf",
        "receipt-000123.pdf",
    ]


def test_x_reports_carry_the_time_they_were_printed(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    printer = PdfFolderPrinter(tmp_path, PdfRenderer())
    x = sample_shift_report(ReportKind.X)
    printer.print_report(replace(x, printed_at=datetime(2026, 1, 5, 9, 30, 5, tzinfo=UTC)))
    printer.print_report(replace(x, printed_at=datetime(2026, 1, 5, 14, 0, 0, tzinfo=UTC)))
    printer.print_report(replace(x, printed_at=datetime(2026, 1, 5, 14, 0, 0, tzinfo=UTC)))
    printer.print_report(sample_shift_report(ReportKind.Z))
    printer.print_report(sample_shift_report(ReportKind.Z).as_copy())
    sid = x.shift_id
    assert _names(tmp_path) == sorted(
        [
            f"x-report-{sid}-20260105-093005.pdf",
            f"x-report-{sid}-20260105-140000.pdf",
            f"x-report-{sid}-20260105-140000-2.pdf",
            f"z-report-{sid}.pdf",
            f"z-report-{sid}-copy.pdf",
        ]
    )
    assert all(p.read_bytes().startswith(b"%PDF") for p in tmp_path.iterdir())
