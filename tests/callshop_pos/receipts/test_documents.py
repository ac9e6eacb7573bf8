"""Receipt/report model checks, the paper layout and the print policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from callshop_pos.receipts.layout import (
    layout_receipt,
    layout_shift_report,
    paper_width,
    plain_text,
)
from callshop_pos.receipts.model import ReceiptCallLine, ReportKind
from callshop_pos.receipts.samples import sample_receipt, sample_shift_report


def test_receipt_must_add_up() -> None:
    r = sample_receipt()
    with pytest.raises(ValueError, match="subtotal"):
        replace(r, subtotal_minor=r.subtotal_minor + 1)
    with pytest.raises(ValueError, match="total"):
        replace(r, total_minor=r.total_minor + 1)
    with pytest.raises(ValueError, match="change"):
        replace(r, change_minor=r.change_minor + 1)
    with pytest.raises(ValueError, match="timezone"):
        replace(r, issued_at=datetime(2026, 1, 1, 12, 0))
    with pytest.raises(ValueError, match="at least one call"):
        replace(r, lines=(), subtotal_minor=0, rounding_minor=0, total_minor=0, change_minor=1000)


def test_z_report_must_add_up() -> None:
    z = sample_shift_report(ReportKind.Z)
    with pytest.raises(ValueError, match="expected cash"):
        replace(z, expected_cash_minor=z.expected_cash_minor + 1)
    with pytest.raises(ValueError, match="discrepancy"):
        replace(z, discrepancy_minor=0)
    with pytest.raises(ValueError, match="counted"):
        replace(z, counted_cash_minor=None)


@pytest.mark.parametrize("width", [32, 42, 48])
def test_every_line_fits_the_paper(width: int) -> None:
    for lines in (
        layout_receipt(sample_receipt(is_copy=True), width),
        layout_shift_report(sample_shift_report(), width, language="en"),
    ):
        assert all(len(line.text) in (0, width) for line in lines)


def test_receipt_text_58mm() -> None:
    text = plain_text(layout_receipt(sample_receipt(), 32))
    assert text.splitlines()[6:12] == [
        "--------------------------------",
        "Бел. № 000123   26.11.2026 14:18",
        "Оператор: Мария Иванова",
        "УНП: DT279013-0001-0000123",
        "--------------------------------",
        "Кабина 3  14:00   00359888123456",
    ]
    assert "  4:05 (такс. 5:00)       1.25 €" in text
    assert "Закръгляне                0.03 €" in text
    assert "ОБЩО                      3.50 €" in text
    assert "Ресто                     6.50 €" in text
    assert "Обща сума в BGN         6.85 лв." in text
    assert "КОПИЕ" not in text


def test_copy_marks_and_no_bgn_line_when_off() -> None:
    text = plain_text(layout_receipt(sample_receipt(is_copy=True, bgn_line=False), 48))
    assert text.count("*** КОПИЕ ***") == 2
    assert "BGN" not in text


def test_nothing_is_cut_short() -> None:
    r = sample_receipt()
    long_number = "00359888123456789012345"
    line = replace(r.lines[0], number=long_number)
    r2 = replace(r, lines=(line, r.lines[1]))
    text = plain_text(layout_receipt(r2, 32))
    assert long_number in text


def test_currency_symbol_override_for_code_pages_without_euro() -> None:
    text = plain_text(layout_receipt(sample_receipt(), 32, currency_symbol="EUR"))
    assert "ОБЩО                    3.50 EUR" in text and "€" not in text


def test_report_text_lists_everything() -> None:
    text = plain_text(layout_shift_report(sample_shift_report(), 48, language="en"))
    for expected in (
        "Z REPORT",
        "Shift No.",
        "Expected cash",
        "Counted cash",
        "Discrepancy",
        "-0.50 €",
        "Manual drawer opens",
        "UNSERVED CALLS",
        "#4712 Booth 5",
        "unrated",
        "UNPAID CALLS",
        "#4650 Booth 1",
        "Booth 3 (14) 55:02",
        "9f2c4e1b7a0d3c5e8f6a2b4d1c3e5f7a",
        "9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e",
    ):
        assert expected in text, expected
    x = plain_text(layout_shift_report(sample_shift_report(ReportKind.X), 48, language="en"))
    assert "X REPORT" in x and "shift still open" in x and "Counted cash" not in x


def test_paper_widths() -> None:
    assert paper_width(58) == 32 and paper_width(80) == 48 and paper_width(80, 42) == 42
    with pytest.raises(ValueError):
        paper_width(58, 42)


def test_call_line_rejects_negative_durations() -> None:
    with pytest.raises(ValueError):
        ReceiptCallLine("1", "1", "", sample_receipt().issued_at, -1, 0, 0)


@pytest.mark.parametrize("language", ["en", "bg"])
def test_a_named_booth_is_printed_once(language: str) -> None:
    receipt = sample_receipt()
    named = replace(receipt, lines=tuple(replace(line, booth="Booth 4") for line in receipt.lines))
    text = plain_text(layout_receipt(named, 42, language=language))
    assert "Booth 4" in text
    assert "Booth Booth" not in text and "Кабина Booth" not in text
    report = sample_shift_report()
    report = replace(
        report,
        booth_totals=tuple(replace(b, booth=f"Booth {b.booth}") for b in report.booth_totals),
    )
    text = plain_text(layout_shift_report(report, 42, language=language))
    assert "Booth 1 (" in text
    assert "Booth Booth" not in text and "Кабина Booth" not in text
    # A booth known by its number keeps the word in front.
    numbered = plain_text(layout_receipt(sample_receipt(), 42, language=language))
    assert ("Booth 3" if language == "en" else "Кабина 3") in numbered
