"""Regenerate docs/screenshots/card-sheet.png: one page of sample prepaid-card sheets.

    python docs/make_card_samples.py

The sheet is rendered by the product's own code (services.cards.sheets → receipts.pdf_cards)
for a sample batch; the PINs are made up for the picture (no database, no card key).
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callshop_pos.db.models.cards import ExpiryRule  # noqa: E402
from callshop_pos.receipts.pdf_cards import render_card_sheets  # noqa: E402
from callshop_pos.services.cards.common import format_serial  # noqa: E402
from callshop_pos.services.cards.sheets import SheetCard, SheetSpec, sheet_doc  # noqa: E402
from docs.make_print_samples import render_png  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    rng = random.Random(2026)
    spec = SheetSpec(
        shop_name="Телефонна палата „Витоша“",
        currency="EUR",
        face_value_minor=1000,
        expiry_rule=ExpiryRule.FIXED_DATE,
        expiry_date=date(2027, 12, 31),
        expiry_days=None,
        access_code="*77",
        created_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    )
    cards = [SheetCard(format_serial(101 + i), f"{rng.randrange(10**12):012d}") for i in range(10)]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "cards.pdf"
        pdf.write_bytes(render_card_sheets(sheet_doc(spec, cards)))
        render_png(pdf, OUT / "card-sheet.png", 110)
    print(OUT / "card-sheet.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
