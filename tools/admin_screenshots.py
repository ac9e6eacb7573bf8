#!/usr/bin/env python3
"""Screenshots of the administration window for the docs (offscreen, no display).

Builds a demo shop in a temporary directory — a realistic price list, USD rates,
carrier top-ups and a month of calls over three shifts — and writes
``docs/screenshots/price-list.png``, ``account.png`` and ``report.png``::

    python tools/admin_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_DESTINATIONS = [
    ("Germany", "49", "0.0105"),
    ("Germany mobile", "4915", "0.0520"),
    ("Turkey", "90", "0.0180"),
    ("Turkey mobile", "905", "0.0610"),
    ("United Kingdom", "44", "0.0090"),
    ("United Kingdom mobile", "447", "0.0210"),
    ("Romania", "40", "0.0120"),
    ("Romania mobile", "407", "0.0390"),
    ("Greece", "30", "0.0110"),
    ("Italy", "39", "0.0095"),
    ("Spain", "34", "0.0088"),
    ("Russia", "7", "0.0250"),
    ("Ukraine", "380", "0.0800"),
    ("Serbia", "381", "0.0450"),
    ("North Macedonia", "389", "0.0700"),
    ("USA", "1", "0.0060"),
    ("Syria", "963", "0.1900"),
    ("Bulgaria mobile", "35988", "0.0310"),
    ("Bulgaria Sofia", "3592", "0.0080"),
    ("Cuba", "53", "0.8500"),
]


def _demo_shop(tmp: Path):
    from sqlalchemy import select

    from callshop_pos.clock import FakeClock
    from callshop_pos.db.models.calls import Call
    from callshop_pos.db.models.shifts import Shift
    from callshop_pos.services.admin import fx, ledger, prices
    from callshop_pos.services.admin import settings as settings_service
    from tests.callshop_pos.support import make_shop

    now = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
    seeded = make_shop(f"sqlite:///{tmp / 'demo.db'}", FakeClock(now))
    shop, admin = seeded.shop, seeded.admin
    settings_service.update_settings(
        shop,
        admin,
        shop_name="Телефонен център Витоша",
        minimum_margin_percent=25,
        low_balance_threshold_micro_usd=150_000000,
    )
    fx.set_usd_rate(shop, admin, Decimal("0.9235"), date(2026, 1, 1))
    fx.set_usd_rate(shop, admin, Decimal("0.9180"), date(2026, 3, 16))
    lines = ["country,code,wholesale_usd,retail,retail_offpeak,initial,increment,connect_fee"]
    rnd = random.Random(4)
    for country, code, wholesale in _DESTINATIONS:
        w = Decimal(wholesale)
        retail = (w * Decimal("0.92") * Decimal(rnd.choice(["1.6", "1.8", "2.0", "1.2"]))).quantize(
            Decimal("0.01")
        ) or Decimal("0.01")
        offpeak = (retail * Decimal("0.8")).quantize(Decimal("0.01")) if rnd.random() < 0.4 else ""
        increments = "60,60" if rnd.random() < 0.7 else "30,6"
        lines.append(f"{country},{code},{wholesale},{retail},{offpeak},{increments},0")
    for i in range(2000):  # the rest of a carrier's list: operators' sub-codes
        country, code, wholesale = _DESTINATIONS[i % len(_DESTINATIONS)]
        w = Decimal(wholesale) * Decimal(rnd.choice(["1", "1.1", "1.3", "2.2"]))
        w = w.quantize(Decimal("0.000001"))
        retail = (
            ""
            if rnd.random() < 0.1
            else (
                w * Decimal("0.92") * Decimal(rnd.choice(["1.5", "1.8", "2.1", "1.15"]))
            ).quantize(Decimal("0.01"))
        )
        lines.append(f"{country} – network {i // 20 + 1},{code}{i + 100},{w},{retail},,60,60,0")
    prices.import_price_list(shop, admin, "\n".join(lines) + "\n", "carrier-2026-03.csv")
    for day, amount, method, ref in (
        (date(2026, 3, 2), 300, "bank", "TX 2026-0311"),
        (date(2026, 3, 9), 150, "cash", "receipt 118"),
        (date(2026, 3, 17), 400, "bank", "TX 2026-0377"),
        (date(2026, 3, 26), 200, "bank", "TX 2026-0412"),
    ):
        ledger.add_topup(shop, admin, amount * 1_000_000, day, method, ref)
    # a month of calls over shifts of two operators, each charged to the carrier account
    weights = [8, 3, 9, 4, 6, 2, 7, 3, 3, 2, 2, 3, 4, 2, 2, 2, 1, 5, 4, 1]
    with shop.db.write() as s:
        for day in range(30):
            opened = datetime(2026, 3, 1, 7, tzinfo=UTC) + timedelta(days=day)
            shift = Shift(
                operator_id=seeded.operator.user_id if day % 3 else admin.user_id,
                status="closed",
                opened_at=opened,
                closed_at=opened + timedelta(hours=13),
                opening_float_minor=5000,
            )
            s.add(shift)
            s.flush()
            busy = 25 + int(15 * (day % 7 in (4, 5))) + rnd.randint(0, 10)
            for n in range(busy):
                country, code, wholesale = rnd.choices(_DESTINATIONS, weights)[0]
                answered = rnd.random() < 0.83
                d = rnd.randint(20, 900) if answered else 0
                end = opened + timedelta(minutes=rnd.randint(5, 770))
                billable = max(60, -(-d // 60) * 60) if answered else 0
                retail = Decimal(wholesale) * Decimal("1.75")
                s.add(
                    Call(
                        call_ref=f"demo-{day}-{n}",
                        booth=f"Booth {rnd.randint(1, 6)}",
                        number=f"00{code}5550{n:03d}",
                        destination=country,
                        setup_at=end - timedelta(seconds=d + 12),
                        answered_at=end - timedelta(seconds=d) if answered else None,
                        ended_at=end,
                        duration_s=d,
                        billable_s=billable,
                        price_minor=int(retail * billable / 60 * 100 + Decimal("0.5"))
                        if answered
                        else None,
                        wholesale_micro_usd=int(Decimal(wholesale) * d / 60 * 1_000_000)
                        if answered
                        else None,
                        state="finished",
                        status=rnd.choice(["paid"] * 12 + ["unpaid"]) if answered else "unserved",
                        shift_id=shift.id,
                    )
                )
        s.flush()
        from zoneinfo import ZoneInfo

        for call in s.scalars(select(Call)):
            ledger.record_call_cost(s, call, ZoneInfo("Europe/Sofia"))
    return seeded


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--language", default="en", choices=("en", "bg"), help="bg: Bulgarian, files named …-bg.png"
    )
    args = parser.parse_args()
    suffix = "" if args.language == "en" else f"-{args.language}"
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from callshop_pos.services.reports.period import GroupBy
    from ui.admin.common import to_qdate
    from ui.admin.window import AdminWindow
    from ui.app import load_stylesheet

    app = QApplication.instance() or QApplication([])
    load_stylesheet(app)  # the till's look (Fusion + callshop.qss), as in the real app
    from ui.i18n import Languages

    Languages(app).apply(args.language)
    with tempfile.TemporaryDirectory() as tmp:
        seeded = _demo_shop(Path(tmp))
        # Leaving the price list with its edits in progress: let them go, unasked.
        window = AdminWindow(seeded.shop, seeded.admin, confirm=lambda _title, _text: True)
        window.resize(1440, 860)
        window.show()

        page = window.show_page("prices")
        page.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by country
        page.filter_edit.setText("ger")
        # an edit in progress: a bulk markup on a selection, one row under the margin
        page.view.selectRow(1)
        page.model.apply_markup(
            [page.model.source_row(r) for r in (1, 2, 3)],
            Decimal("0.9180"),
            Decimal("60"),
            Decimal("0.05"),
        )
        page.model.set_retail(page.model.source_row(5), Decimal("0.04"))
        page.view.selectRow(2)
        app.processEvents()
        window.grab().save(str(args.out / f"price-list{suffix}.png"))

        account = window.show_page("account")
        account.from_edit.setDate(to_qdate(date(2026, 3, 1)))
        account.to_edit.setDate(to_qdate(date(2026, 3, 31)))
        account.refresh()
        app.processEvents()
        window.grab().save(str(args.out / f"account{suffix}.png"))

        reports = window.show_page("reports")
        reports.set_period(date(2026, 3, 1), date(2026, 3, 30), GroupBy.DESTINATION)
        reports.run()
        app.processEvents()
        window.grab().save(str(args.out / f"report{suffix}.png"))
        window.close()
        seeded.shop.close()
    print(f"wrote {args.out}/price-list{suffix}.png, account{suffix}.png, report{suffix}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
