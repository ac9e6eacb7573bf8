"""The card sheets read back: pdftotext finds every card's serial and PIN, the shop,
the face value, the expiry rule and both languages' instructions; the CSV matches."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from callshop_pos.db.models.cards import ExpiryRule
from callshop_pos.receipts.pdf_cards import CARDS_PER_PAGE
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.sheets import CSV_HEADER
from callshop_pos.services.context import Shop
from tests.callshop_pos.services.cards.cards_support import make_batch

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _text(pdf: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_the_sheet_holds_every_card(shop: Shop, admin: Actor, tmp_path: Path) -> None:
    update_settings(shop, admin, shop_name="Телефонна палата Витоша")
    printed = make_batch(
        shop,
        admin,
        tmp_path / "out",
        quantity=13,
        face_value_minor=1000,
        expiry_rule=ExpiryRule.FIXED_DATE,
        expiry_date=date(2027, 3, 31),
    )
    pdf = printed.created.pdf
    pages = _text(pdf).split("\f")
    assert len([p for p in pages if p.strip()]) == 2  # 10 + 3 cards
    text = _text(pdf, "-raw")
    for serial, pin in printed.cards:
        assert serial in text
        assert pin in text
    assert text.count("Телефонна палата Витоша") == 13
    assert text.count("10.00 €") == 13
    assert "Валидна до 31.03.2027 вкл." in text and "Valid until 31.03.2027 inclusive" in text
    assert "От кабина наберете *77, ПИН, * и номера" in text
    assert "From a booth dial *77, the PIN, * and the number" in text
    assert "ПИН / PIN" in text and "scratch" in text
    with printed.created.csv.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[1] == [
        printed.cards[0][0],
        printed.cards[0][1],
        "10.00",
        "EUR",
        "Valid until 31.03.2027 inclusive",
    ]
    assert len(rows) == 14


def test_each_expiry_rule_is_worded(shop: Shop, admin: Actor, tmp_path: Path) -> None:
    for rule, days, words in (
        (ExpiryRule.NONE, None, "No expiry date"),
        (ExpiryRule.AFTER_FIRST_USE, 90, "Valid 90 days after the first call"),
        (ExpiryRule.AFTER_CREATION, 30, "Valid until 04.02.2026"),
    ):
        printed = make_batch(
            shop, admin, tmp_path / rule.value, quantity=1, expiry_rule=rule, expiry_days=days
        )
        assert words in _text(printed.created.pdf, "-raw")


def _pixels(pdf: Path, out: Path, dpi: int) -> tuple[int, int, bytes]:
    """Page 1 as 8-bit grey pixels (pdftoppm → PGM)."""
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(out)],
        check=True,
    )
    data = next(out.parent.glob(out.name + "*.pgm")).read_bytes()
    header, _, rest = data.partition(b"\n255\n")
    width, height = (int(v) for v in header.split()[1:3])
    return width, height, rest


def test_a_full_page_has_ten_cards_and_cut_marks(shop: Shop, admin: Actor, tmp_path: Path) -> None:
    printed = make_batch(shop, admin, tmp_path / "out", quantity=CARDS_PER_PAGE)
    assert len([p for p in _text(printed.created.pdf).split("\f") if p.strip()]) == 1
    fonts = subprocess.run(
        ["pdffonts", str(printed.created.pdf)], check=True, capture_output=True, text=True
    ).stdout
    assert "DejaVuSans" in fonts and " no " not in fonts.split("\n", 2)[2]  # all embedded
    dpi = 144
    width, _height, grey = _pixels(printed.created.pdf, tmp_path / "page", dpi)

    def darkest(x_mm: float, y_mm_from_top: float) -> int:
        x, y = round(x_mm / 25.4 * dpi), round(y_mm_from_top / 25.4 * dpi)
        return min(
            grey[yy * width + xx] for yy in range(y - 2, y + 3) for xx in range(x - 2, x + 3)
        )

    # Cards 2 x 85 mm wide from x = 20 mm, 5 x 54 mm high from 13.5 mm below the top:
    # marks run 2-8 mm outside the cards on every cutting line, and nowhere else.
    for x_mm in (20, 105, 190):
        assert darkest(x_mm, 13.5 - 5) < 160  # above the first row
        assert darkest(x_mm, 297 - 13.5 + 5) < 160  # below the last row
    for y_mm in (13.5, 67.5, 121.5, 175.5, 229.5, 283.5):
        assert darkest(20 - 5, y_mm) < 160  # left of the cards
        assert darkest(190 + 5, y_mm) < 160  # right of them
    assert darkest(60, 13.5 - 5) > 240  # no mark between the cutting lines
