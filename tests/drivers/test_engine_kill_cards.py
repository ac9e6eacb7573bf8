"""SIGKILL the engine in the middle of a card call: the next start finishes the call as
interrupted and debits the card once, whatever happens after."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from callshop_pos.db.models.cards import Card, CardCall, CardMovement
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.drivers.engine_support import (
    ROOT,
    data_dir,
    engine_cmd,
    expected_price,
    prepare_shop,
    recorded_calls,
    run_engine,
)

NUMBER = "0049 30 1234567"  # 0.20 €/min, 60/60


@pytest.mark.slow
def test_a_card_call_cut_by_sigkill_is_debited_once_at_the_next_start(tmp_path: Path) -> None:
    prep = prepare_shop(data_dir())
    shop, admin, operator = prep.seeded
    open_shift(shop, operator, 0)
    printed = make_batch(shop, admin, tmp_path / "sheets", quantity=1, face_value_minor=1000)
    serial, pin = printed.cards[0]
    sell_card(shop, operator, serial)
    shop.close()
    scenario = tmp_path / "cards.csv"
    # One card call of 30 minutes' talk on the real clock (a faster engine clock would
    # date the heartbeats ahead of the restart's clock): the kill lands inside it.
    scenario.write_text(f"booth,start,number,ring,talk\nK1,0,*77{pin}*{NUMBER},2,1800\n")
    proc = subprocess.Popen(
        engine_cmd("--scenario", str(scenario), "--exit-when-done"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("engine: serving"):
                break
        time.sleep(6.0)  # rang 2 s, talking for about 4 s
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        err = proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
    assert pin not in err
    (call,) = recorded_calls(prep.url)
    assert call.state == "in_progress" and call.answered_at is not None

    for _ in range(2):  # the start-up recovery, twice: nothing happens twice
        done = run_engine("--exit-when-done", timeout=120)
        assert done.returncode == 0, done.stderr
        assert pin not in done.stderr
    (call,) = recorded_calls(prep.url)
    assert call.end_reason == "interrupted" and call.flag_list == ["interrupted"]
    assert call.number == NUMBER and 2 <= call.duration_s <= 10
    price = expected_price(NUMBER, call.duration_s)
    assert price is not None and call.price_minor == price
    shop = Shop.open(prep.url)
    try:
        with shop.db.read() as s:
            assert s.scalars(select(CardCall.call_ref)).all() == [call.call_ref]
            debits = s.scalars(select(CardMovement).where(CardMovement.kind == "debit")).all()
            assert [(d.call_ref, d.amount_minor) for d in debits] == [(call.call_ref, price)]
            card = s.scalars(select(Card).where(Card.serial == serial)).one()
            assert (card.balance_minor, card.in_use_booth) == (1000 - price, None)
    finally:
        shop.close()
