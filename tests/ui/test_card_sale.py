"""Sell card from the cashier window: scan or type the serial, see the face value,
take the cash like PAY; the shift's expected cash grows; refusals shown on the dialog."""

from __future__ import annotations

from pathlib import Path

import pytest

from callshop_pos.db.models.cards import CardStatus
from callshop_pos.services.admin.settings import update_settings
from callshop_pos.services.cards.admin import block_card
from callshop_pos.services.cards.till import card_balance, sell_card
from callshop_pos.services.till import shifts
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.callshop_pos.support import SeededShop
from tests.ui.support import FakeEngine, cashier_window, when_dialog
from ui.bridge import EngineBridge
from ui.card_sale_dialog import CardSaleDialog


@pytest.fixture
def cards(seeded: SeededShop, tmp_path: Path) -> list[tuple[str, str]]:
    shop, admin, _ = seeded
    return make_batch(shop, admin, tmp_path / "sheets", quantity=3, face_value_minor=1000).cards


@pytest.fixture
def window(qtbot, seeded: SeededShop):
    shop, _, olga = seeded
    shifts.open_shift(shop, olga, 5000)
    bridge = EngineBridge()
    engine = FakeEngine(bridge, booths=2, shop=shop)
    engine.publish_all()
    return cashier_window(qtbot, shop, olga, bridge, engine, booths=2)


def test_a_card_is_sold_from_the_till(qtbot, window, cards) -> None:
    serial = cards[0][0]
    seen: dict[str, object] = {}

    def sell(dialog: CardSaleDialog) -> None:
        assert not dialog.ok_button.isEnabled()
        dialog.serial_edit.setText(serial)
        dialog.serial_edit.returnPressed.emit()  # the scanner's Enter
        seen["value"] = dialog.value_label.text()
        dialog.tendered_edit.setText("20")
        seen["change"] = dialog.change_label.text()
        dialog.ok_button.click()

    when_dialog(window, sell)
    window.sell_card_action.trigger()
    assert seen == {"value": "€10.00", "change": "€10.00"}
    view = card_balance(window.till.shop, window.till.actor, serial)
    assert view.status is CardStatus.SOLD and view.balance_minor == 1000
    assert f"Card {serial} sold for €10.00; change €10.00" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.shift_bar.expected.value.text() == "€60.00")


def test_refusals_stay_on_the_dialog(qtbot, window, cards, seeded: SeededShop) -> None:
    shop, admin, _ = seeded
    block_card(shop, admin, cards[1][0], "lost")
    texts: list[str] = []

    def try_cards(dialog: CardSaleDialog) -> None:
        dialog.serial_edit.setText("1234")
        assert not dialog.look_up()
        texts.append(dialog.error_label.text())
        dialog.serial_edit.setText(cards[1][0])
        assert not dialog.look_up()
        texts.append(dialog.error_label.text())
        dialog.serial_edit.setText(cards[2][0])
        assert dialog.look_up()
        dialog.tendered_edit.setText("5")
        texts.append(dialog.error_label.text())
        assert not dialog.ok_button.isEnabled()
        dialog.tendered_edit.setText("")  # empty: exactly the face value
        assert dialog.ok_button.isEnabled()
        dialog.serial_edit.setText(cards[0][0])
        dialog.serial_edit.textEdited.emit(cards[0][0])  # another card: look it up again
        assert not dialog.ok_button.isEnabled()
        dialog.reject()

    when_dialog(window, try_cards)
    window.sell_card_action.trigger()
    assert "not a card serial" in texts[0]
    assert "blocked" in texts[1]
    assert texts[2] == "Not enough: €5.00 more."
    assert card_balance(shop, admin, cards[2][0]).status is CardStatus.CREATED


def test_the_cashier_checks_a_balance(qtbot, window, cards, seeded: SeededShop) -> None:
    shop, _, olga = seeded
    sell_card(shop, olga, cards[0][0])
    seen: list[str] = []

    def check(dialog: CardSaleDialog) -> None:
        assert dialog.balance_button.isVisible()
        dialog.serial_edit.setText(cards[0][0])
        dialog.balance_button.click()
        seen.append(dialog.card_label.text())
        dialog.serial_edit.setText("99")
        dialog.balance_button.click()
        seen.append(dialog.error_label.text())
        dialog.reject()

    when_dialog(window, check)
    window.sell_card_action.trigger()
    assert seen[0] == f"Card {cards[0][0]}: sold, balance €10.00."
    assert "not a card serial" in seen[1]


def test_a_sold_card_is_topped_up_from_the_till_where_the_shop_allows_it(
    qtbot, seeded: SeededShop, cards
) -> None:
    shop, admin, olga = seeded
    serial = cards[0][0]
    shifts.open_shift(shop, olga, 5000)
    sell_card(shop, olga, serial)
    bridge = EngineBridge()
    engine = FakeEngine(bridge, booths=2, shop=shop)
    engine.publish_all()
    closed = cashier_window(qtbot, shop, olga, bridge, engine, booths=2)
    assert not closed.top_up_card_action.isVisible()  # setting off: no such action
    closed.close()
    update_settings(shop, admin, card_top_up=True)
    window = cashier_window(qtbot, shop, olga, bridge, engine, booths=2)
    assert window.top_up_card_action.isVisible()
    seen: dict[str, str] = {}

    def top_up(dialog: CardSaleDialog) -> None:
        dialog.serial_edit.setText(serial)
        dialog.serial_edit.returnPressed.emit()  # no amount yet: asked for, no error
        seen["asked"] = dialog.card_label.text()
        assert not dialog.ok_button.isEnabled()
        dialog.amount_edit.setText("5")
        dialog.amount_edit.returnPressed.emit()
        seen["to pay"] = dialog.value_label.text()
        seen["card"] = dialog.card_label.text()
        dialog.tendered_edit.setText("10")
        seen["change"] = dialog.change_label.text()
        dialog.ok_button.click()

    when_dialog(window, top_up)
    window.top_up_card_action.trigger()
    assert seen == {
        "asked": "Enter the amount to add to the card.",
        "to pay": "€5.00",
        "card": f"Card {serial}: balance €10.00, after the top-up €15.00.",
        "change": "€5.00",
    }
    assert card_balance(shop, olga, serial).balance_minor == 1500
    assert f"Card {serial} topped up by €5.00; change €5.00" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.shift_bar.expected.value.text() == "€65.00")
