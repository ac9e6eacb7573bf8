"""Price list: model (qtmodeltester), filter, bulk markup, margin guard, save as a new
version (old calls keep their prices), import with column mapping, BGN conversion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from callshop_pos.db.models.calls import Call
from callshop_pos.rating.pricelist import PriceEntry
from callshop_pos.services.admin import admin_prices, fx, prices
from tests.callshop_pos.services.admin_data import T0, CallSpec, insert_calls
from ui.admin.import_dialog import ColumnMappingDialog, file_headers
from ui.admin.price_list_model import BELOW_MARGIN_ROLE, Column, PriceListModel
from ui.admin.price_list_page import PriceListPage

D = Decimal
CSV = (
    "country,code,wholesale_usd,retail,retail_offpeak\n"
    "Germany,49,0.010000,0.05,0.04\n"
    "Germany mobile,4915,0.050000,0.20,\n"
    "Turkey,90,0.020000,0.03,\n"
    "United Kingdom,44,0.012000,,\n"
)


def _entries(n: int) -> list[PriceEntry]:
    return [
        PriceEntry(f"Country {i}", str(1000 + i), D(i % 97 + 1) / 1000, D(i % 13 + 1) / 100)
        for i in range(n)
    ]


def test_model_passes_qtmodeltester_through_filter_sort_and_edit(qtmodeltester) -> None:
    model = PriceListModel(_entries(300), usd_rate=D("0.92"), minimum_margin=D("20"))
    qtmodeltester.check(model)
    model.set_filter("country 1")
    assert model.rowCount() == sum(1 for i in range(300) if "country 1" in f"country {i}")
    model.set_filter("10")  # digits: a code prefix
    assert {model.entry_at(r).code[:2] for r in range(model.rowCount())} == {"10"}
    model.sort(Column.RETAIL, Qt.SortOrder.DescendingOrder)
    model.set_filter("")
    model.sort(Column.MARGIN)
    assert model.setData(model.index(0, Column.RETAIL), "1,25")
    assert model.entry_at(0).retail == D("1.25")
    assert not model.setData(model.index(0, Column.RETAIL), "abc")
    assert not model.setData(model.index(0, Column.COUNTRY), "x")
    qtmodeltester.check(model)


def test_margin_guard_marks_rows_below_the_floor() -> None:
    entries = [PriceEntry("A", "1", D("0.10"), D("0.10")), PriceEntry("B", "2", D("0.10"), D("1"))]
    model = PriceListModel(entries, usd_rate=D("0.92"), minimum_margin=D("10"))
    # floor = 0.10 × 0.92 × 1.10 = 0.1012
    assert model.index(0, 0).data(BELOW_MARGIN_ROLE) is True
    assert model.index(1, 0).data(BELOW_MARGIN_ROLE) is False
    assert model.below_margin_codes() == ["1"]
    assert model.index(0, Column.MARGIN).data() == "8.7"
    assert model.index(0, Column.WHOLESALE_LOCAL).data() == "0.0920"


@pytest.fixture
def page(qtbot, seeded):
    shop, admin = seeded.shop, seeded.admin
    fx.set_usd_rate(shop, admin, D("0.92"), date(2026, 1, 1))
    prices.import_price_list(shop, admin, CSV, "carrier.csv")
    page = PriceListPage(shop, admin)
    qtbot.addWidget(page)
    page.refresh()
    return page


def test_bulk_markup_then_save_makes_a_new_version_and_old_calls_keep_prices(
    page, seeded, qtmodeltester
):
    shop, admin = seeded.shop, seeded.admin
    first_version = page.version_id
    [call_id] = insert_calls(
        shop, [CallSpec(T0, True, 60, 5, 10000, "paid", "Booth 1", "Germany", None)]
    )
    page.filter_edit.setText("germany")
    assert page.model.rowCount() == 2
    page.view.selectAll()
    page.markup_edit.setText("40")
    page.step_combo.setCurrentIndex(page.step_combo.findData("0.05"))
    page.markup_button.click()
    # 0.01 × 0.92 × 1.4 = 0.01288 → 0.00 at 0.05 steps, kept at one step: 0.05
    by_code = {e.code: e for e in page.model.entries()}
    assert by_code["49"].retail == D("0.05")
    assert by_code["49"].retail_offpeak == D("0.04")  # off-peak untouched
    # 0.05 × 0.92 × 1.4 = 0.0644 → 0.05, under the 10 % floor 0.0506 → guard trips
    assert by_code["4915"].retail == D("0.05")
    assert page.model.below_margin_codes() == ["4915"]
    questions = []
    page.ask = lambda _w, _t, text: questions.append(text) or False
    page.ask_note = lambda *_a: "spring prices"
    assert not page.save()  # the margin guard asked, and the answer was no
    assert questions and "minimum margin" in questions[0]
    assert page.version_id == first_version
    page.ask = lambda *_a: True
    assert page.save()
    assert page.version_id != first_version
    history = admin_prices.version_history(shop, admin)
    assert history[0].note.startswith("spring prices") and history[0].created_by == "admin"
    assert history[0].summary["changed"] == 1  # 49 was already 0.05
    with shop.db.read() as s:
        call = s.get(Call, call_id)
        assert call is not None and call.price_minor == 5  # history is immutable
    dialog = page.show_history()
    assert dialog is not None and dialog.model.rowCount() == 2
    qtmodeltester.check(dialog.model)


def test_clear_and_edit_retail_then_nothing_to_save(page) -> None:
    assert page.model.diff().empty
    page.model.set_filter("turkey")
    page.model.clear_retail([page.model.source_row(0)])
    assert page.model.diff().summary() == "1 retail price(s) changed"


def test_import_with_column_mapping_and_bgn_conversion(page, seeded, tmp_path: Path, qtbot):
    carrier = tmp_path / "carrier-bgn.csv"
    carrier.write_text(
        "Destination;Prefix;Rate USD;Sell;Notes\n"
        "Bulgaria mobile;35988;0,031000;0,39;new\n"
        "Greece;30;0,012000;1,95583;\n",
        encoding="utf-8",
    )
    headers = file_headers(carrier.read_bytes())
    assert headers == ["Destination", "Prefix", "Rate USD", "Sell", "Notes"]
    dialog = ColumnMappingDialog(headers)
    qtbot.addWidget(dialog)
    assert dialog.combos["wholesale_usd"].currentData() == "Rate USD"  # guessed
    # the person maps a column the guess missed: nothing holds "retail" before this
    dialog.combos["retail"].setCurrentIndex(0)
    assert dialog.missing() == ["retail"]
    dialog.combos["retail"].setCurrentIndex(dialog.combos["retail"].findData("Sell"))
    assert dialog.missing() == []
    dialog.bgn.setChecked(True)
    mapping = dialog.mapping()
    assert mapping["Notes"] == "" and mapping["Sell"] == "retail"
    assert page.import_file(carrier, mapping, dialog.bgn.isChecked())
    by_code = {e.code: e for e in page.model.entries()}
    assert set(by_code) == {"35988", "30"}
    assert by_code["30"].retail == D("1.00")  # 1.95583 BGN = 1.00 EUR
    assert by_code["35988"].retail == D("0.20")  # 0.39 / 1.95583 = 0.1994 → 0.20


def test_export_writes_the_active_version(page, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert page.export_to(out)
    assert "4915" in out.read_text(encoding="utf-8")
