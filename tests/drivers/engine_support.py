"""A shop database prepared for engine subprocess tests, and an independent pricer."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.admin.prices import import_price_list
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.context import Shop
from tests.callshop_pos.lines.fakes import Row, price_minor
from tests.callshop_pos.support import SeededShop, make_shop

ROOT = Path(__file__).resolve().parents[2]

PRICE_CSV = """country,code,wholesale_usd,retail,initial,increment,connect_fee,grace
Germany,49,0.012,0.20,60,60,0,0
USA,1,0.008,0.15,90,60,0.05,0
Bulgaria,359,0.011,0.10,60,60,0,0
Bulgaria mobile,35988,0.05,0.30,30,6,0,0
United Kingdom,44,0.01,0.25,60,1,0,5
Satellite,882,1.5,,60,60,0,0
Premium,3599,0.5,2.00,60,60,0,0
"""


def price_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for r in csv.DictReader(io.StringIO(PRICE_CSV)):
        rows[r["code"]] = Row(
            r["code"],
            r["country"],
            Decimal(r["retail"]) if r["retail"] else None,
            None,
            int(r["initial"]),
            int(r["increment"]),
            Decimal(r["connect_fee"]),
            int(r["grace"]),
        )
    return rows


def normalise(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit() or c == "+")
    if digits.startswith("+"):
        return digits[1:]
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "359" + digits[1:]
    return digits


def expected_price(number: str, duration: int) -> int | None:
    """Independent of the rating module: longest prefix, DOMAIN.md rules, exact decimals."""
    rows = price_rows()
    n = normalise(number)
    for length in range(len(n), 0, -1):
        row = rows.get(n[:length])
        if row is not None:
            return None if row.retail is None else price_minor(row, duration, False)
    return None


def data_dir() -> Path:
    """The test's data directory (tests/conftest.py gives each test its own)."""
    return Path(os.environ["CALLSHOP_DATA_DIR"])


@dataclass
class PreparedShop:
    data: Path
    url: str
    seeded: SeededShop


def prepare_shop(
    data: Path,
    *,
    booths: dict[str, dict[str, object]] | None = None,
    url: str | None = None,
    **settings: object,
) -> PreparedShop:
    """A migrated shop (SQLite in ``data`` unless ``url``) with the test price list
    (peak rates only)."""
    url = url or f"sqlite:///{data / 'callshop.db'}"
    seeded = make_shop(url, FakeClock(datetime.now(UTC)))
    shop = seeded.shop
    import_price_list(shop, seeded.admin, PRICE_CSV, "test.csv")
    update_settings(shop, seeded.admin, offpeak="", **settings)
    for name, options in (booths or {}).items():
        booth_service.add_booth(shop, seeded.admin, name, **options)
    return PreparedShop(data, url, seeded)


def engine_cmd(*args: str, db: str | None = None) -> list[str]:
    database = ["--db", db] if db else []
    return [sys.executable, str(ROOT / "main.py"), *database, "engine", *args]


def run_engine(
    *args: str, timeout: float = 60, db: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        engine_cmd(*args, db=db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
        check=False,
    )


def recorded_calls(url: str) -> list[Call]:
    shop = Shop.open(url)
    try:
        with shop.db.read() as s:
            calls = list(s.scalars(select(Call).order_by(Call.id)))
            s.expunge_all()
        return calls
    finally:
        shop.close()
