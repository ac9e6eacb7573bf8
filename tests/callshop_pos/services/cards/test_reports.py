"""Card money in the X/Z report (paper and PDF) and the period report, counted apart
from the calls paid at the till."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from callshop_pos.engine_store.card_store import CardGrant, ShopCardStore
from callshop_pos.receipts.layout import layout_shift_report
from callshop_pos.receipts.model import ShiftReportDoc
from callshop_pos.receipts.pdf import PdfRenderer
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.till import quote_top_up, sell_card, top_up_card
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.export import card_summary, report_csv, report_pdf
from callshop_pos.services.reports.period import GroupBy, period_report
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.receipt_builders import build_shift_report
from callshop_pos.services.till.shifts import close_shift, open_shift, x_report
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.callshop_pos.services.till_support import record_call


def _shift_with_cards(shop: Shop, admin: Actor, operator: Actor, out: Path) -> None:
    """Float 10.00; two cards of 5.00 sold, one topped up by 2.00 and used for 1.20;
    one call paid in cash 0.80."""
    update_settings(shop, admin, card_top_up=True, language="en")
    cards = make_batch(shop, admin, out, quantity=2, face_value_minor=500).cards
    open_shift(shop, operator, 1000)
    for serial, _ in cards:
        sell_card(shop, operator, serial, 1000)
    top_up_card(shop, operator, quote_top_up(shop, operator, cards[0][0], 200))
    store = ShopCardStore(shop)
    grant = store.authorize(cards[0][1], "B1", shop.clock.now())
    assert isinstance(grant, CardGrant)
    store.debit(grant.card_id, "card-call-1", 120, booth="B1")
    pay_calls(shop, operator, [record_call(shop, 80)], 80)


def _text(report_doc: ShiftReportDoc) -> str:
    return "\n".join(line.text for line in layout_shift_report(report_doc, 42, language="en"))


def test_x_and_z_count_cards_apart(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    _shift_with_cards(shop, admin, operator, tmp_path / "out")
    x = x_report(shop, operator)
    s = x.summary
    assert (s.card_sales, s.card_sales_minor, s.card_top_ups, s.card_top_ups_minor) == (
        2,
        1000,
        1,
        200,
    )
    assert (s.card_calls, s.card_debits_minor, s.payments_minor) == (1, 120, 80)
    assert s.expected_minor == 1000 + 80 + 1000 + 200
    doc = build_shift_report(x, settings=shop.settings, manual_drawer_opens=0)
    text = _text(doc)
    assert "Calling cards sold (2)" in text and "10.00" in text
    assert "Calling card top-ups (1)" in text and "2.00" in text
    assert "Card calls (from balances) (1)" in text and "1.20" in text
    z = close_shift(shop, operator, 2280)
    assert z.summary.discrepancy_minor == 0
    zdoc = build_shift_report(z, settings=shop.settings, manual_drawer_opens=0)
    assert zdoc.card_sales_minor == 1000 and zdoc.expected_cash_minor == 2280
    pdf = PdfRenderer("en").shift_report(zdoc)
    assert pdf.startswith(b"%PDF")


def test_the_period_report_counts_cards(
    shop: Shop, admin: Actor, operator: Actor, tmp_path: Path
) -> None:
    _shift_with_cards(shop, admin, operator, tmp_path / "out")
    report = period_report(shop, admin, date(2026, 1, 5), date(2026, 1, 5), GroupBy.DAY)
    c = report.cards
    assert (c.sales, c.sales_minor, c.top_ups, c.top_ups_minor, c.debits, c.debits_minor) == (
        2,
        1000,
        1,
        200,
        1,
        120,
    )
    assert report.total.revenue_minor == 80  # card money is not call revenue
    assert "2 sold for 10.00" in card_summary(report)
    assert report_pdf(report).startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    cards_at = rows.index(["prepaid_cards", "count", "amount"])
    assert rows[cards_at - 1] == [] and rows[cards_at - 2][0] == "total"
    assert rows[cards_at + 1 :] == [
        ["card_sales", "2", "10.00"],
        ["card_top_ups", "1", "2.00"],
        ["card_calls_debited", "1", "1.20"],
    ]
    other_day = period_report(shop, admin, date(2026, 1, 6), date(2026, 1, 6), GroupBy.DAY)
    assert card_summary(other_day) == ""
    assert "prepaid_cards" not in report_csv(other_day)
