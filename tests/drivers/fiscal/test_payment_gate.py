"""End to end: PAY through the real ErpNet.FP client against the fake print server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.devices import FiscalSale
from callshop_pos.db.models.payments import Payment
from callshop_pos.receipts.devices import device_configs
from callshop_pos.receipts.ports import FiscalDeviceUnreachable
from callshop_pos.services.till.fiscal import FiscalGate
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import open_shift
from drivers.fiscal.erpnet import ErpNetFiscalPrinter, ErpNetSettings
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import SeededShop, make_shop
from tests.drivers.fiscal.fake_erpnet import PRINTER_ID, FakeState, fake_erpnet


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[SeededShop]:
    s = make_shop(f"sqlite:///{tmp_path / 'shop.db'}", FakeClock())
    try:
        yield s
    finally:
        s.shop.close()


def gate_for(url: str) -> FiscalGate:
    configs = device_configs(
        {
            "fiscal": {
                "enabled": True,
                "url": url,
                "printer_id": PRINTER_ID,
                "device_serial": "DT279013",
                "operator_code": 1,
            }
        }
    )
    assert configs.fiscal is not None
    client = ErpNetFiscalPrinter(
        ErpNetSettings(
            base_url=url, printer_id=PRINTER_ID, poll_interval_s=0.01, request_timeout_s=2
        )
    )
    return FiscalGate(client, configs.fiscal)


def test_pay_registers_the_sale_on_the_fiscal_printer(seeded: SeededShop) -> None:
    shop, _, operator = seeded
    open_shift(shop, operator, 0)
    calls = [record_call(shop, 125), record_call(shop, 222)]
    state: FakeState
    with fake_erpnet() as (url, state):
        result = pay_calls(shop, operator, calls, 1000, fiscal=gate_for(url))
    (printed,) = state.printed
    assert printed["uniqueSaleNumber"] == "DT279013-0001-0000001"
    with shop.db.read() as s:
        row = s.scalars(select(FiscalSale)).one()
    assert (row.payment_id, row.receipt_number) == (result.payment_id, "0000085")


def test_payment_refused_when_the_fiscal_server_is_unreachable(seeded: SeededShop) -> None:
    shop, _, operator = seeded
    open_shift(shop, operator, 0)
    calls = [record_call(shop, 125)]
    with fake_erpnet() as (url, _):
        pass  # nothing listens there any more
    with pytest.raises(FiscalDeviceUnreachable, match="is not running"):
        pay_calls(shop, operator, calls, 1000, fiscal=gate_for(url))
    with shop.db.read() as s:
        assert s.scalar(select(Call.status).where(Call.id == calls[0])) == "unserved"
        assert s.scalar(select(func.count(Payment.id))) == 0
        assert s.scalar(select(func.count(FiscalSale.id))) == 0


def test_lost_answer_and_retry_print_one_receipt(seeded: SeededShop) -> None:
    shop, _, operator = seeded
    open_shift(shop, operator, 0)
    calls = [record_call(shop, 125)]
    with fake_erpnet() as (url, state):
        state.drop_answers = 1  # executed, but the answer never reaches the till
        pay_calls(shop, operator, calls, 1000, fiscal=gate_for(url))
        assert len(state.printed) == 1
