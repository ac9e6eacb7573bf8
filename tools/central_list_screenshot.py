#!/usr/bin/env python3
"""Screenshot of the price-list page reviewing a wholesale list from central
(offscreen, 1366×768, the demo shop of ``admin_screenshots.py``)::

    python tools/central_list_screenshot.py [--language bg] [--out docs/screenshots]

writes ``price-list-central.png`` (``price-list-central-bg.png`` in Bulgarian).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from admin_screenshots import _demo_shop  # noqa: E402

#: central's new prices: some dearer (two under the 25 % margin), some cheaper, one new
#: destination; "Cuba" is no longer listed
_NEW = {
    "4915": "0.0590",
    "90": "0.0165",
    "447": "0.0290",
    "380": "0.1150",
    "963": "0.1750",
    "44": "0.0085",
}
_ADDED = [("Moldova", "373", "0.0950"), ("Georgia mobile", "9955", "0.0610")]


def _central_list(seeded: object) -> object:
    """The demo shop's own wholesale prices as central would publish them next."""
    from callshop_pos.services.admin import admin_prices
    from callshop_wire import SCHEMA_VERSION, WholesaleEntry, WholesalePriceList

    active = admin_prices.price_list(seeded.shop, seeded.admin).entries  # type: ignore[attr-defined]
    entries = [
        WholesaleEntry(
            code=e.code,
            country=e.country,
            wholesale_usd=Decimal(_NEW.get(e.code, str(e.wholesale_usd))),
        )
        for e in active
        if e.code != "53"
    ]
    entries += [
        WholesaleEntry(code=code, country=country, wholesale_usd=Decimal(w))
        for country, code, w in _ADDED
    ]
    return WholesalePriceList(
        schema_version=SCHEMA_VERSION,
        version=7,
        published_at=datetime(2026, 3, 31, 6, 0, tzinfo=UTC),
        note="April rates",
        entries=tuple(entries),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--language", default="en", choices=("en", "bg"))
    args = parser.parse_args()
    suffix = "" if args.language == "en" else f"-{args.language}"
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtWidgets import QApplication

    from callshop_pos.sync import prices as central_prices
    from ui.admin.window import AdminWindow
    from ui.app import load_stylesheet
    from ui.i18n import Languages

    app = QApplication.instance() or QApplication([])
    load_stylesheet(app)
    Languages(app).apply(args.language)
    with tempfile.TemporaryDirectory() as tmp:
        seeded = _demo_shop(Path(tmp))
        central_prices.store_list(seeded.shop, _central_list(seeded), '"v7-demo"')  # type: ignore[arg-type]
        window = AdminWindow(seeded.shop, seeded.admin)
        window.resize(1366, 768)
        window.show()
        window.show_page("prices")
        app.processEvents()
        target = args.out / f"price-list-central{suffix}.png"
        window.grab().save(str(target))
        window.close()
        seeded.shop.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
