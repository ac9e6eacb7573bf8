"""The ErpNet.FP client against a fake print server written from PROTOCOL.md."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from callshop_pos.receipts.fiscal import (
    FiscalItem,
    FiscalReversal,
    FiscalSale,
    ReversalReason,
    format_sale_number,
)
from callshop_pos.receipts.ports import FiscalDeviceError, FiscalDeviceUnreachable
from drivers.fiscal.erpnet import ErpNetFiscalPrinter, ErpNetSettings, dumps_exact
from tests.drivers.fiscal.fake_erpnet import PRINTER_ID, FakeState, fake_erpnet

USN = "DT279013-0001-0000001"


@pytest.fixture
def server() -> Iterator[tuple[str, FakeState]]:
    with fake_erpnet() as running:
        yield running


def client(url: str, **kw: object) -> ErpNetFiscalPrinter:
    settings = ErpNetSettings(
        base_url=url,
        printer_id=PRINTER_ID,
        poll_interval_s=0.01,
        **kw,  # type: ignore[arg-type]
    )
    return ErpNetFiscalPrinter(settings)


def sale(usn: str = USN) -> FiscalSale:
    return FiscalSale(
        unique_sale_number=usn,
        items=(
            FiscalItem("Германия 11:00 мин", 222, tax_group=2),
            FiscalItem("България 5:00 мин", 125, tax_group=2),
        ),
        paid_minor=1000,
        surcharge_minor=3,
    )


def test_sale_number_format() -> None:
    assert format_sale_number("dt279013", 1, 1) == "DT279013-0001-0000001"
    assert format_sale_number("DT279013", 9999, 9_999_999) == "DT279013-9999-9999999"
    for bad in (("DT27901", 1, 1), ("1T279013", 1, 1), ("DT279013", 10000, 1), ("DT279013", 1, 0)):
        with pytest.raises(ValueError):
            format_sale_number(*bad)


def test_exact_json_numbers() -> None:
    assert dumps_exact({"a": Decimal("2.20"), "b": [1, "ж"]}) == '{"a":2.20,"b":[1,"ж"]}'
    with pytest.raises(TypeError):
        dumps_exact({"a": 2.2})


def test_status_ok_and_device_error(server: tuple[str, FakeState]) -> None:
    url, state = server
    status = client(url).status()
    assert status.ok and status.device_time is not None
    assert status.device_time.isoformat() == "2026-11-26T14:05:00"
    state.device_error = {"code": "E201", "text": "The fiscal memory is full"}
    with pytest.raises(FiscalDeviceError, match="E201: The fiscal memory is full"):
        client(url).status()


def test_receipt_request_is_exactly_the_protocol(server: tuple[str, FakeState]) -> None:
    url, state = server
    result = client(url, operator="1", operator_password="1").print_receipt(sale())
    assert result.receipt_number == "0000085"
    assert result.receipt_datetime == "2026-11-26T14:05:18"
    assert result.fiscal_memory_serial == "02279013"
    assert result.amount_minor == 350
    method, path, body = state.requests[0]
    assert method == "POST"
    assert path == f"/printers/{PRINTER_ID}/receipt?asyncTimeout=0&taskId=S-{USN}"
    assert body == {
        "uniqueSaleNumber": USN,
        "operator": "1",
        "operatorPassword": "1",
        "items": [
            {
                "text": "Германия 11:00 мин",
                "quantity": 1,
                "unitPrice": Decimal("2.22"),
                "taxGroup": 2,
            },
            {
                "text": "България 5:00 мин",
                "quantity": 1,
                "unitPrice": Decimal("1.25"),
                "taxGroup": 2,
            },
            {"type": "surcharge-amount", "amount": Decimal("0.03")},
        ],
        "payments": [{"amount": Decimal("10.00"), "paymentType": "cash"}],
    }
    assert all(r[1].startswith("/printers/taskinfo?id=") for r in state.requests[1:])
    assert len(state.printed) == 1


def test_negative_rounding_is_a_discount(server: tuple[str, FakeState]) -> None:
    url, state = server
    s = FiscalSale(USN, (FiscalItem("Разговор", 352),), paid_minor=350, surcharge_minor=-2)
    assert client(url).print_receipt(s).amount_minor == 350
    assert state.printed[0]["items"][-1] == {"type": "discount-amount", "amount": Decimal("0.02")}


def test_device_error_on_receipt_is_clear(server: tuple[str, FakeState]) -> None:
    url, state = server
    state.device_error = {"code": "E301", "text": "Out of paper"}
    with pytest.raises(FiscalDeviceError, match="not printed: E301: Out of paper"):
        client(url).print_receipt(sale())
    assert state.printed == []
    # The failed (voided) task does not block the sale: a retry prints it, once.
    result = client(url).print_receipt(sale())
    assert result.receipt_number == "0000085"
    assert len(state.printed) == 1
    assert state.requests[-3][1].endswith(f"taskId=S-{USN}.2") or any(
        f"taskId=S-{USN}.2" in r[1] for r in state.requests
    )


def test_retry_after_lost_answer_does_not_print_twice(server: tuple[str, FakeState]) -> None:
    url, state = server
    state.drop_answers = 1  # the POST is executed, its answer never arrives
    result = client(url).print_receipt(sale())
    assert result.receipt_number == "0000085"
    assert len(state.printed) == 1


def test_second_call_for_the_same_sale_returns_the_first_receipt(
    server: tuple[str, FakeState],
) -> None:
    url, state = server
    first = client(url).print_receipt(sale())
    again = client(url).print_receipt(sale())  # e.g. the till crashed before saving
    assert again == first
    assert len(state.printed) == 1
    other = client(url).print_receipt(sale("DT279013-0001-0000002"))
    assert other.receipt_number == "0000086"


def test_timeout_is_unreachable_and_retry_is_idempotent(server: tuple[str, FakeState]) -> None:
    url, state = server
    state.print_delay_s = 0.5
    with pytest.raises(FiscalDeviceUnreachable, match="will not print twice"):
        client(url, print_timeout_s=0.1).print_receipt(sale())
    result = client(url, print_timeout_s=5).print_receipt(sale())
    assert result.receipt_number == "0000085"
    assert len(state.printed) == 1


def test_slow_server_times_out_cleanly(server: tuple[str, FakeState]) -> None:
    url, state = server
    state.hang_s = 0.5
    with pytest.raises(FiscalDeviceUnreachable, match="did not answer"):
        client(url, request_timeout_s=0.1).status()


def test_nothing_listening_is_unreachable() -> None:
    with fake_erpnet() as (url, _):
        pass  # the port is closed again
    with pytest.raises(FiscalDeviceUnreachable, match="not running"):
        client(url).print_receipt(sale())


def test_unknown_printer_id(server: tuple[str, FakeState]) -> None:
    url, _ = server
    bad = ErpNetFiscalPrinter(ErpNetSettings(base_url=url, printer_id="zz000000"))
    with pytest.raises(FiscalDeviceError, match="HTTP 404"):
        bad.status()


def test_reversal_references_the_original(server: tuple[str, FakeState]) -> None:
    url, state = server
    fp = client(url)
    original = fp.print_receipt(sale())
    reversal = FiscalReversal(
        original_sale_number=USN,
        original=original,
        items=(FiscalItem("България 5:00 мин", 125, tax_group=2),),
        reference="17",
        reason=ReversalReason.REFUND,
    )
    result = fp.print_reversal(reversal)
    assert result.receipt_number == "0000086"
    _, path, body = [r for r in state.requests if r[0] == "POST"][-1]
    assert path == f"/printers/{PRINTER_ID}/reversalreceipt?asyncTimeout=0&taskId=R-{USN}-17"
    assert body["uniqueSaleNumber"] == USN
    assert body["receiptNumber"] == "0000085"
    assert body["receiptDateTime"] == "2026-11-26T14:05:18"
    assert body["fiscalMemorySerialNumber"] == "02279013"
    assert body["reason"] == "refund"
    assert body["items"] == [
        {"text": "България 5:00 мин", "quantity": 1, "unitPrice": Decimal("1.25"), "taxGroup": 2}
    ]
    assert fp.print_reversal(reversal) == result  # printed once
    assert [p["action"] for p in state.printed] == ["receipt", "reversalreceipt"]


def test_reports_and_cash_in_out(server: tuple[str, FakeState]) -> None:
    url, state = server
    fp = client(url)
    assert fp.x_report().ok
    assert fp.deposit(5000, reference="shift-3-open").ok
    assert fp.withdraw(1234, reference="w-9").ok
    assert fp.withdraw(1234, reference="w-9").ok  # retried: not withdrawn twice
    assert fp.z_report("DT279013-s7-j3").ok
    assert fp.z_report("DT279013-s7-j3").ok  # retried after a timeout: not a second Z
    assert [p["action"] for p in state.printed] == ["xreport", "deposit", "withdraw", "zreport"]
    assert fp.z_report().ok  # no reference: a new report every time
    assert [p["action"] for p in state.printed][-2:] == ["zreport", "zreport"]
    assert state.printed[1]["amount"] == Decimal("50.00")
    assert state.printed[2]["amount"] == Decimal("12.34")
    state.device_error = {"code": "E401", "text": "Z report needed"}
    with pytest.raises(FiscalDeviceError, match="refused the deposit: E401"):
        fp.deposit(100)


def test_server_still_starting(server: tuple[str, FakeState]) -> None:
    url, state = server
    state.ready = False
    with pytest.raises(FiscalDeviceUnreachable, match="still starting"):
        client(url).status()
