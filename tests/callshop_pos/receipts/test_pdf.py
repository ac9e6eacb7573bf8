"""PDF receipts and reports: text extracted with Cyrillic intact, fonts embedded."""

from __future__ import annotations

import io

from pypdf import PdfReader

from callshop_pos.receipts.model import ReportKind
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.receipts.samples import (
    sample_card_receipt,
    sample_receipt,
    sample_shift_report,
)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name → whether the font program is embedded (FontFile2)."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            embedded = desc is not None and "/FontFile2" in desc.get_object()
            found[str(font["/BaseFont"])] = embedded
    return found


def test_receipt_pdf_text_and_fonts() -> None:
    pdf = PdfRenderer().receipt(sample_receipt(is_copy=True))
    text = _text(pdf)
    for expected in (
        "Телефонен център",
        "Мария Иванова",
        "ОБЩО",
        "3.50 €",
        "6.85 лв.",
        "България – мобилни",
        "DT279013-0001-0000123",
        "КОПИЕ",
    ):
        assert expected in text, expected
    fonts = _fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVuSans" in name for name in fonts)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 80


def test_card_receipt_pdf_in_both_languages() -> None:
    bg = _text(PdfRenderer(language="bg").receipt(sample_card_receipt(is_copy=True)))
    for expected in ("СМЕТКА", "Предплатена фонокарта", "Сериен № 00000000018", "K000042"):
        assert expected in bg, expected
    for expected in ("10.00 €", "20.00 €", "Мария Иванова", "26.11.2026", "14:25", "КОПИЕ"):
        assert expected in bg, expected
    assert "РАЗГОВОРИ" not in bg  # not a bill for calls
    en = _text(PdfRenderer(language="en").receipt(sample_card_receipt()))
    for expected in ("RECEIPT", "Prepaid calling card", "Serial No. 00000000018", "Change"):
        assert expected in en, expected


def test_receipt_pdf_is_reproducible_and_copy_differs() -> None:
    renderer = PdfRenderer()
    assert renderer.receipt(sample_receipt()) == renderer.receipt(sample_receipt())
    assert "КОПИЕ" not in _text(renderer.receipt(sample_receipt()))


def test_z_report_pdf_a4() -> None:
    pdf = PdfRenderer().shift_report(sample_shift_report(ReportKind.Z))
    reader = PdfReader(io.BytesIO(pdf))
    assert [round(float(v)) for v in reader.pages[0].mediabox.upper_right] == [595, 842]
    text = _text(pdf)
    for expected in (
        "Z-ОТЧЕТ",
        "Смяна № 318",
        "Очаквана наличност",
        "236.15 €",
        "Преброена наличност",
        "235.65 €",
        "-0.50 €",
        "НЕОБСЛУЖЕНИ РАЗГОВОРИ (2)",
        "НЕПЛАТЕНИ РАЗГОВОРИ (1)",
        "Великобритания – мобилни",
        "без цена",
        "Ръчни отваряния на чекмеджето",
        "9f2c4e1b7a0d3c5e8f6a2b4d1c3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e",
    ):
        assert expected in text, expected
    assert all(_fonts(pdf).values())


def test_x_report_pdf_in_english_and_copy() -> None:
    pdf = PdfRenderer(language="en").shift_report(sample_shift_report(ReportKind.X).as_copy())
    text = _text(pdf)
    assert "X REPORT" in text and "COPY" in text and "shift still open" in text
    assert "Discrepancy" not in text


def test_long_report_runs_over_pages_with_headers_repeated() -> None:
    from dataclasses import replace

    base = sample_shift_report(ReportKind.Z)
    many = tuple(replace(base.unserved_calls[0], call_id=5000 + i) for i in range(150))
    pdf = PdfRenderer().shift_report(replace(base, unserved_calls=many))
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 3
    last = pages[-1].extract_text()
    assert "стр. " + str(len(pages)) in last
    middle = pages[1].extract_text()
    assert "Направление" in middle  # the table header is repeated on every page
    text = _text(pdf)
    assert all(str(5000 + i) in text for i in range(150))
