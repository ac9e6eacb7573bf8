"""Regenerate the printing samples in docs/screenshots/ from the sample documents.

    python docs/make_print_samples.py

Renders the sample receipt, a card sale's receipt (80 mm PDF) and the Z report (A4 PDF)
with the product's own renderer, turns them into receipt.png, card-receipt.png and
z-report.png with poppler's pdftoppm, and writes receipt-58mm.txt, the same receipt as
the 32-column thermal-paper layout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callshop_pos.receipts.layout import layout_receipt, plain_text  # noqa: E402
from callshop_pos.receipts.model import ReportKind  # noqa: E402
from callshop_pos.receipts.pdf import PdfRenderer  # noqa: E402
from callshop_pos.receipts.samples import (  # noqa: E402
    sample_card_receipt,
    sample_receipt,
    sample_shift_report,
)

OUT = ROOT / "docs" / "screenshots"


def render_png(pdf: Path, png: Path, dpi: int) -> None:
    """First page of ``pdf`` as ``png`` at ``dpi``."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found (Debian/Ubuntu: apt-get install poppler-utils)")
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(pdf), str(stem)], check=True
    )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    renderer = PdfRenderer(language="bg")
    with tempfile.TemporaryDirectory() as tmp:
        receipt_pdf = Path(tmp) / "receipt.pdf"
        receipt_pdf.write_bytes(renderer.receipt(sample_receipt()))
        render_png(receipt_pdf, OUT / "receipt.png", 200)
        card_pdf = Path(tmp) / "card-receipt.pdf"
        card_pdf.write_bytes(renderer.receipt(sample_card_receipt()))
        render_png(card_pdf, OUT / "card-receipt.png", 200)
        z_pdf = Path(tmp) / "z-report.pdf"
        z_pdf.write_bytes(renderer.shift_report(sample_shift_report(ReportKind.Z)))
        render_png(z_pdf, OUT / "z-report.png", 110)
    (OUT / "receipt-58mm.txt").write_text(
        plain_text(layout_receipt(sample_receipt(), 32)), encoding="utf-8"
    )
    for name in ("receipt.png", "card-receipt.png", "z-report.png", "receipt-58mm.txt"):
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
