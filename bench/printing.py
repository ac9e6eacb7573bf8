"""Printing speed: what the cashier waits for between PAY and paper.

    python bench/printing.py [--n 200]

Measures, per document: the 48-column text layout (the baseline: pure string work),
the complete ESC/POS job (layout + encoding + python-escpos commands), the receipt
PDF and the A4 Z-report PDF, and one fiscal receipt through the ErpNet.FP client
against the local fake server (HTTP round trips + task polling). Ratios are against
the text layout measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callshop_pos.receipts.fiscal import FiscalItem, FiscalSale  # noqa: E402
from callshop_pos.receipts.layout import layout_receipt  # noqa: E402
from callshop_pos.receipts.pdf import PdfRenderer  # noqa: E402
from callshop_pos.receipts.samples import sample_receipt, sample_shift_report  # noqa: E402
from drivers.fiscal.erpnet import ErpNetFiscalPrinter, ErpNetSettings  # noqa: E402
from drivers.printing.escpos import EscPosPrinter, EscPosSettings  # noqa: E402
from tests.drivers.fiscal.fake_erpnet import PRINTER_ID, fake_erpnet  # noqa: E402


def per_call(fn: Callable[[], object], n: int) -> float:
    """Median seconds per call over 5 rounds of n calls."""
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        rounds.append((time.perf_counter() - t0) / n)
    return statistics.median(rounds)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    n = parser.parse_args().n
    receipt, report = sample_receipt(), sample_shift_report()
    pdf = PdfRenderer("bg")
    pdf.receipt(receipt)  # font registration outside the timing
    escpos = EscPosPrinter(lambda: None, EscPosSettings(paper_mm=80))
    base = per_call(lambda: layout_receipt(receipt, 48), n)
    rows = [
        ("text layout, 48 columns (baseline)", base),
        (
            "ESC/POS job (receipt + drawer kick)",
            per_call(lambda: escpos.receipt_bytes(receipt, kick_drawer=True), n),
        ),
        ("receipt PDF (80 mm)", per_call(lambda: pdf.receipt(receipt), max(n // 10, 5))),
        ("Z report PDF (A4)", per_call(lambda: pdf.shift_report(report), max(n // 20, 5))),
    ]
    with fake_erpnet() as (url, _):
        client = ErpNetFiscalPrinter(
            ErpNetSettings(base_url=url, printer_id=PRINTER_ID, poll_interval_s=0.005)
        )
        counter = iter(range(1, 10_000_000))

        def fiscal() -> None:
            usn = f"DT279013-0001-{next(counter):07d}"
            client.print_receipt(FiscalSale(usn, (FiscalItem("Разговор", 125),), paid_minor=200))

        rows.append(
            ("fiscal receipt via ErpNet.FP (fake, localhost)", per_call(fiscal, max(n // 10, 5)))
        )
    print(f"{'document':50} {'ms each':>9} {'per s':>9} {'ratio':>8}")
    for name, secs in rows:
        print(f"{name:50} {secs * 1000:9.3f} {1 / secs:9.0f} {secs / base:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
