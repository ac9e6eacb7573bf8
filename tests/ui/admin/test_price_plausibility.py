"""A retail price typed into the price list is refused in words when it cannot be
meant: negative, not a number, or an implausible price per minute (#13 point 13)."""

from __future__ import annotations

from decimal import Decimal as D

from callshop_pos.rating.pricelist import PriceEntry
from ui.admin.price_list_model import Column, PriceListModel


def test_implausible_retail_prices_are_refused_in_words(qtbot) -> None:
    model = PriceListModel(
        [PriceEntry("Germany", "49", D("0.01"), D("0.10"))],
        usd_rate=D("0.92"),
        minimum_margin=D("20"),
    )
    refusals: list[str] = []
    model.edit_refused.connect(refusals.append)
    retail = model.index(0, Column.RETAIL)
    assert not model.setData(retail, "99999")
    assert model.entry_at(0).retail == D("0.10")
    assert "99999" in refusals[-1]
    assert not model.setData(retail, "-1")
    assert "negative" in refusals[-1]
    assert not model.setData(retail, "abc")
    assert "abc" in refusals[-1]
    assert model.setData(retail, "0,25") and model.entry_at(0).retail == D("0.25")
    assert len(refusals) == 3


def test_the_page_shows_the_refusal_until_the_next_good_edit(qtbot, seeded) -> None:
    from ui.admin.window import AdminWindow

    window = AdminWindow(seeded.shop, seeded.admin)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("prices")
    page.model.edit_refused.emit("99999 per minute cannot be meant: at most 50.")
    assert page.refusal_label.isVisible() and "99999" in page.refusal_label.text()
    page.model.beginResetModel()  # a reload or a filter
    page.model.endResetModel()
    assert not page.refusal_label.isVisible()
