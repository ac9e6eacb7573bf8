"""The price-list page's review of a wholesale list from central: shown with its diff
and the margin guard's verdict, applied (a new version) or rejected; real widgets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from callshop_pos.db.models.sync import PriceListStatus
from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import admin_prices, fx, prices
from callshop_pos.sync import prices as central_prices
from callshop_wire import SCHEMA_VERSION, WholesaleEntry, WholesalePriceList
from ui.admin.central_list_review import GUARD_BRUSH
from ui.admin.price_list_page import PriceListPage

D = Decimal
CSV = (
    "country,code,wholesale_usd,retail,retail_offpeak\n"
    "Germany,49,0.010000,0.05,0.04\n"
    "Germany mobile,4915,0.050000,0.20,\n"
    "Turkey,90,0.020000,0.03,\n"
    "United Kingdom,44,0.012000,0.04,\n"
)


def central_list(version: int = 2, **prices_usd: str) -> WholesalePriceList:
    entries = {
        "49": ("Germany", "0.010000"),  # unchanged
        "4915": ("Germany mobile", "0.180000"),  # dearer: 0.20 retail falls under 20 %
        "90": ("Turkey", "0.015000"),  # cheaper
        "7": ("Russia", "0.030000"),  # new
        # 44 no longer listed
    }
    for code, price in prices_usd.items():
        entries[code.lstrip("c")] = (entries[code.lstrip("c")][0], price)
    return WholesalePriceList(
        schema_version=SCHEMA_VERSION,
        version=version,
        published_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
        entries=tuple(
            WholesaleEntry(code=code, country=country, wholesale_usd=D(price))
            for code, (country, price) in entries.items()
        ),
    )


@pytest.fixture
def page(qtbot, seeded):
    shop, admin = seeded.shop, seeded.admin
    fx.set_usd_rate(shop, admin, D("0.92"), date(2026, 1, 1))
    prices.import_price_list(shop, admin, CSV, "carrier.csv")
    page = PriceListPage(shop, admin)
    page.resize(1366, 768)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    return page


def receive(page: PriceListPage, price_list: WholesalePriceList) -> int:
    list_id = central_prices.store_list(page.shop, price_list, f'"v{price_list.version}"')
    assert list_id is not None
    page.refresh()
    return list_id


def rows(page: PriceListPage) -> dict[str, list[str]]:
    model = page.central_review.model
    assert page.central_review.table.model() is model
    return {
        model.text(r, 2): [
            model.index(r, c).data(Qt.ItemDataRole.DisplayRole) for c in range(model.columnCount())
        ]
        for r in range(model.rowCount())
    }


def test_nothing_to_review_shows_no_banner(page) -> None:
    assert page.central_review.isHidden()


def test_a_new_list_is_shown_with_its_diff_and_the_margin_guard(page, qtbot) -> None:
    receive(page, central_list())
    review = page.central_review
    assert review.isVisible()
    assert "version 2" in review.title.text()
    assert "1 changed" not in review.summary.text()  # two changed
    assert "2 changed · 1 new" in review.summary.text()
    assert "1 no longer listed" in review.summary.text()
    shown = rows(page)
    assert set(shown) == {"4915", "90", "7", "44"}  # 49 is unchanged and keeps its margin
    assert shown["4915"][:6] == [
        "Changed",
        "Germany mobile",
        "4915",
        "0.050000",
        "0.180000",
        "+0.130000 (+260.0 %)",
    ]
    assert shown["90"][5] == "-0.005000 (-25.0 %)"
    assert shown["7"][0] == "New" and shown["7"][3] == "—" and shown["7"][6] == "—"
    assert shown["44"][0] == "No longer listed" and shown["44"][4] == "—"
    assert shown["4915"][6:] == ["0.20", "20.8"]  # 0.20 / (0.18 × 0.92) − 1
    assert review.guard.isHidden()  # 20.8 % keeps the minimum margin


def test_rows_under_the_minimum_margin_are_highlighted(page) -> None:
    receive(page, central_list(c4915="0.300000", c90="0.030000"))
    review = page.central_review
    shown = rows(page)
    assert shown["4915"][7] == "-27.5" and shown["90"][7] == "8.7"
    model = review.model
    highlighted = {
        model.text(r, 2)
        for r in range(model.rowCount())
        if model.index(r, 0).data(Qt.ItemDataRole.BackgroundRole) == GUARD_BRUSH
    }
    assert highlighted == {"4915", "90"}
    assert review.guard.isVisible()
    assert "2 destination(s)" in review.guard.text() and "4915, 90" in review.guard.text()
    assert "2 under the minimum margin of 10 %" in review.summary.text()


def test_the_review_model_passes_qtmodeltester(page, qtmodeltester) -> None:
    receive(page, central_list(c4915="0.300000"))
    qtmodeltester.check(page.central_review.model)


def test_apply_saves_a_new_version_through_the_margin_guard(page, seeded) -> None:
    list_id = receive(page, central_list(c4915="0.300000"))  # 0.20 retail: a loss
    review = page.central_review
    assert rows(page)["4915"][7] == "-27.5"
    assert review.guard.isVisible() and "4915" in review.guard.text()
    before = admin_prices.price_list(seeded.shop, seeded.admin).version_id
    questions: list[str] = []

    def refuse(_parent, title, text):
        questions.append(f"{title}: {text}")
        return False

    page.ask = refuse
    assert not review.apply()
    assert "Margin guard" in questions[0] and "4915" in questions[0]
    assert admin_prices.price_list(seeded.shop, seeded.admin).version_id == before

    page.ask = lambda *_: True
    assert review.apply()
    after = admin_prices.price_list(seeded.shop, seeded.admin)
    assert after.version_id != before
    by_code = {e.code: e for e in after.entries}
    assert by_code["4915"].wholesale_usd == D("0.3") and by_code["4915"].retail == D("0.20")
    assert by_code["7"].retail is None and "44" in by_code  # new unpriced; old kept
    assert review.isHidden()  # nothing left to review
    assert page.version_id == after.version_id  # the page shows the new version
    (done,) = [pl for pl in central_prices.pending_lists(seeded.shop, seeded.admin)]
    assert done.id == list_id and done.status == PriceListStatus.APPLIED.value


def test_apply_without_margin_problems_asks_once_and_applies(page, seeded) -> None:
    receive(page, central_list(c4915="0.050000"))
    assert page.central_review.guard.isHidden()
    asked: list[str] = []
    page.ask = lambda _p, title, _t: asked.append(title) or True
    assert page.central_review.apply()
    assert asked == ["Apply the wholesale list"]


def test_reject_keeps_the_price_list(page, seeded) -> None:
    list_id = receive(page, central_list())
    before = admin_prices.price_list(seeded.shop, seeded.admin)
    page.ask = lambda *_: False
    assert not page.central_review.reject()
    assert page.central_review.isVisible()
    page.ask = lambda *_: True
    assert page.central_review.reject()
    assert page.central_review.isHidden()
    assert admin_prices.price_list(seeded.shop, seeded.admin).version_id == before.version_id
    (done,) = central_prices.pending_lists(seeded.shop, seeded.admin)
    assert done.id == list_id and done.status == PriceListStatus.DISMISSED.value


def test_the_buttons_do_it_too(page, seeded, qtbot) -> None:
    receive(page, central_list(c4915="0.050000"))
    page.ask = lambda *_: True
    qtbot.mouseClick(page.central_review.apply_button, Qt.MouseButton.LeftButton)
    assert page.central_review.isHidden()
    receive(page, central_list(version=3, c90="0.019000"))
    assert page.central_review.isVisible() and "version 3" in page.central_review.title.text()
    qtbot.mouseClick(page.central_review.reject_button, Qt.MouseButton.LeftButton)
    assert page.central_review.isHidden()


def test_an_older_list_is_not_offered_once_a_newer_one_is_decided(page, seeded) -> None:
    receive(page, central_list(version=2))
    receive(page, central_list(version=3, c90="0.019000"))
    assert "version 3" in page.central_review.title.text()
    page.ask = lambda *_: True
    assert page.central_review.reject()
    assert page.central_review.isHidden()  # version 2 would bring back older prices


def test_unsaved_edits_stop_apply(page, seeded, monkeypatch) -> None:
    receive(page, central_list(c4915="0.050000"))
    shown: list[str] = []
    monkeypatch.setattr(
        "ui.admin.price_list_page.QMessageBox.information",
        lambda _p, title, _text: shown.append(title),
    )
    row = next(r for r in range(page.model.rowCount()) if page.model.entry_at(r).code == "90")
    assert page.model.setData(page.model.index(row, 5), "0,09")  # retail
    page.ask = lambda *_: True
    assert page.unsaved()
    assert not page.central_review.apply()
    assert shown == ["Unsaved changes"]


def test_an_operator_cannot_apply(seeded) -> None:
    list_id = central_prices.store_list(seeded.shop, central_list(), None)
    assert list_id is not None
    with pytest.raises(PermissionDenied):
        central_prices.apply_list(seeded.shop, seeded.operator, list_id)
