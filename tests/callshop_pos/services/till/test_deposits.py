"""Prepaid deposits: cash in, calls deducted, settlement (deposit payment + cash back),
expected cash, X/Z reports, roles, tamper detection and the closed shift."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.deposits import BoothDeposit, DepositMovement
from callshop_pos.db.models.payments import Payment
from callshop_pos.engine_store.call_recorder import DatabaseCallRecorder
from callshop_pos.errors import InvalidInput, NotFound, PermissionDenied
from callshop_pos.lines.recorder import CallStart
from callshop_pos.services.admin import booths, users
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import set_call_status
from callshop_pos.services.till.deposits import (
    deposit_balance,
    open_deposit_balances,
    settle_deposit,
    take_deposit,
)
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import (
    NoOpenShift,
    close_shift,
    current_shift,
    open_shift,
    x_report,
)
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import SeededShop


@pytest.fixture
def prepaid(shop: Shop, admin: Actor) -> Shop:
    """A shop with prepaid booth P1, postpaid booth B1 and an open shift of olga (float 20.00)."""
    booths.add_booth(shop, admin, "P1", billing="prepaid", default_deposit_minor=1000)
    booths.add_booth(shop, admin, "B1")
    return shop


def _status(shop: Shop, call_id: int) -> str:
    with shop.db.read() as s:
        call = s.get(Call, call_id)
        assert call is not None
        return call.status


def _table_count(shop: Shop, model: type[BoothDeposit] | type[DepositMovement]) -> int:
    with shop.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_deposit_in_and_calls_deducted(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 2000)
    before = record_call(prepaid, 999, booth="P1")  # answered before the deposit: not covered
    taken = take_deposit(prepaid, operator, "P1", 1000)
    assert (taken.added_minor, taken.amount_minor, taken.top_up) == (1000, 1000, False)
    first = record_call(prepaid, 300, booth="P1")
    record_call(prepaid, 777, booth="B1")  # another booth
    second = record_call(prepaid, 250, booth="P1")
    balance = deposit_balance(prepaid, "P1")
    assert balance is not None
    assert (balance.amount_minor, balance.used_minor, balance.balance_minor) == (1000, 550, 450)
    assert balance.call_ids == (first, second)
    assert before not in balance.call_ids
    assert deposit_balance(prepaid, "B1") is None
    assert set(open_deposit_balances(prepaid)) == {"P1"}
    summary = current_shift(prepaid, operator)
    assert summary is not None
    assert summary.deposits_taken_minor == 1000 and summary.open_deposits == 1
    assert summary.expected_minor == 2000 + 1000  # the deposit's cash is in the drawer


def test_a_call_paid_in_cash_no_longer_draws_on_the_deposit(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    call = record_call(prepaid, 300, booth="P1")
    pay_calls(prepaid, operator, [call], 300)
    balance = deposit_balance(prepaid, "P1")
    assert balance is not None and balance.balance_minor == 1000


def test_top_up_adds_to_the_one_open_deposit(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    record_call(prepaid, 900, booth="P1")
    topped = take_deposit(prepaid, operator, "P1", 500)
    assert topped.top_up and topped.amount_minor == 1500
    balance = deposit_balance(prepaid, "P1")
    assert balance is not None and balance.balance_minor == 600
    assert _table_count(prepaid, BoothDeposit) == 1
    assert _table_count(prepaid, DepositMovement) == 2
    summary = current_shift(prepaid, operator)
    assert summary is not None and summary.expected_minor == 1500


def test_settlement_pays_the_calls_and_hands_back_the_rest(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 2000)
    take_deposit(prepaid, operator, "P1", 1000)
    calls = [record_call(prepaid, p, booth="P1") for p in (300, 250)]
    cash_call = record_call(prepaid, 120, booth="B1")
    pay_calls(prepaid, operator, [cash_call], 200)
    settled = settle_deposit(prepaid, operator, "P1")
    assert settled.paid_call_ids == tuple(calls)
    assert (settled.used_minor, settled.returned_minor, settled.returned_cash_minor) == (
        550,
        450,
        450,
    )
    assert settled.left_unserved == () and settled.rounding_minor == 0
    assert [_status(prepaid, c) for c in calls] == ["paid", "paid"]
    with prepaid.db.read() as s:
        payment = s.get(Payment, settled.payment_id)
        assert payment is not None
        assert (payment.method, payment.total_minor, payment.change_minor) == ("deposit", 550, 0)
    assert deposit_balance(prepaid, "P1") is None
    summary = current_shift(prepaid, operator)
    assert summary is not None
    # float + cash payments + deposit taken − remainder returned
    assert summary.expected_minor == 2000 + 120 + 1000 - 450
    assert summary.payments_minor == 120 + 550  # takings: both payments
    assert (summary.deposits_taken_minor, summary.deposits_returned_minor) == (1000, 450)
    assert summary.deposit_payments_minor == 550 and summary.open_deposits == 0
    with pytest.raises(InvalidInput, match="no open deposit"):
        settle_deposit(prepaid, operator, "P1")


def test_settlement_without_calls_returns_everything(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 500)
    take_deposit(prepaid, operator, "P1", 1000)
    settled = settle_deposit(prepaid, operator, "P1")
    assert settled.payment_id is None and settled.returned_cash_minor == 1000
    summary = current_shift(prepaid, operator)
    assert summary is not None and summary.expected_minor == 500


def test_remainder_is_handed_back_rounded_to_the_cash_unit(prepaid: Shop, operator: Actor) -> None:
    prepaid.use_settings(prepaid.settings.replace(cash_rounding_unit=5))
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    record_call(prepaid, 553, booth="P1")  # remainder 4.47 -> 4.45 in cash
    settled = settle_deposit(prepaid, operator, "P1")
    assert (settled.returned_minor, settled.rounding_minor, settled.returned_cash_minor) == (
        447,
        -2,
        445,
    )
    summary = current_shift(prepaid, operator)
    assert summary is not None and summary.expected_minor == 1000 - 445


def test_calls_beyond_the_deposit_stay_unserved(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 500)
    first = record_call(prepaid, 300, booth="P1")
    second = record_call(prepaid, 300, booth="P1")
    settled = settle_deposit(prepaid, operator, "P1")
    assert settled.paid_call_ids == (first,) and settled.left_unserved == (second,)
    assert settled.returned_cash_minor == 200
    assert _status(prepaid, second) == "unserved"
    pay_calls(prepaid, operator, [second], 300)
    summary = current_shift(prepaid, operator)
    assert summary is not None and summary.expected_minor == 500 - 200 + 300


def test_settlement_refused_while_the_booth_is_in_a_call(prepaid: Shop, operator: Actor) -> None:
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    DatabaseCallRecorder(prepaid).call_started(
        CallStart(
            booth="P1", call_ref="running", number="00441234567", setup_at=prepaid.clock.now()
        )
    )
    with pytest.raises(InvalidInput, match="in a call"):
        settle_deposit(prepaid, operator, "P1")
    balance = deposit_balance(prepaid, "P1")
    assert balance is not None and balance.amount_minor == 1000


def test_close_is_refused_while_a_deposit_is_open_and_z_lists_deposits(
    prepaid: Shop, operator: Actor
) -> None:
    open_shift(prepaid, operator, 1000)
    take_deposit(prepaid, operator, "P1", 1000)
    record_call(prepaid, 400, booth="P1")
    x = x_report(prepaid, operator)
    assert [(d.booth, d.amount_minor, d.status) for d in x.deposits] == [("P1", 1000, "open")]
    with pytest.raises(InvalidInput, match="deposit still open at P1"):
        close_shift(prepaid, operator, 2000)
    assert current_shift(prepaid, operator) is not None  # still open, nothing changed
    settle_deposit(prepaid, operator, "P1")
    z = close_shift(prepaid, operator, 1400)
    assert z.kind == "Z"
    assert z.summary.expected_minor == 1000 + 1000 - 600
    assert z.summary.discrepancy_minor == 0
    assert [
        (d.booth, d.amount_minor, d.status, d.used_minor, d.returned_minor) for d in z.deposits
    ] == [("P1", 1000, "settled", 400, 600)]
    assert (z.summary.deposits_taken_minor, z.summary.deposits_returned_minor) == (1000, 600)
    assert verify(prepaid).ok


def test_nothing_in_a_closed_shift_changes(prepaid: Shop, operator: Actor) -> None:
    first = open_shift(prepaid, operator, 0).shift.id
    take_deposit(prepaid, operator, "P1", 1000)
    call = record_call(prepaid, 400, booth="P1")
    settle_deposit(prepaid, operator, "P1")
    z = close_shift(prepaid, operator, 400)
    with pytest.raises(NoOpenShift):
        take_deposit(prepaid, operator, "P1", 100)
    with pytest.raises(NoOpenShift):
        settle_deposit(prepaid, operator, "P1")
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 700)
    record_call(prepaid, 100, booth="P1")
    settle_deposit(prepaid, operator, "P1")
    again = x_report(prepaid, operator, first)
    assert again.summary == z.summary and again.deposits == z.deposits
    with pytest.raises(InvalidInput, match="closed"):
        set_call_status(prepaid, operator, call, "unpaid", "changed my mind")
    assert _status(prepaid, call) == "paid"


def test_bad_input_changes_nothing(prepaid: Shop, operator: Actor) -> None:
    with pytest.raises(NoOpenShift):
        take_deposit(prepaid, operator, "P1", 1000)
    open_shift(prepaid, operator, 0)
    with pytest.raises(InvalidInput, match="postpaid"):
        take_deposit(prepaid, operator, "B1", 1000)
    with pytest.raises(NotFound):
        take_deposit(prepaid, operator, "nope", 1000)
    for bad in (0, -5):
        with pytest.raises(InvalidInput, match="above zero"):
            take_deposit(prepaid, operator, "P1", bad)
    with pytest.raises(TypeError):
        take_deposit(prepaid, operator, "P1", 10.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="no open deposit"):
        settle_deposit(prepaid, operator, "P1")
    assert _table_count(prepaid, BoothDeposit) == 0
    assert _table_count(prepaid, DepositMovement) == 0


def test_roles_operator_ok_other_operators_shift_refused(
    prepaid: Shop, admin: Actor, operator: Actor
) -> None:
    info = users.add_user(prepaid, admin, "ivan", "secret-1", Role.OPERATOR)
    ivan = Actor(user_id=info.id, username="ivan", role=Role.OPERATOR)
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    with pytest.raises(PermissionDenied, match="own shift"):
        take_deposit(prepaid, ivan, "P1", 500)
    with pytest.raises(PermissionDenied, match="own shift"):
        settle_deposit(prepaid, ivan, "P1")
    take_deposit(prepaid, admin, "P1", 500)  # an administrator may
    balance = deposit_balance(prepaid, "P1")
    assert balance is not None and balance.amount_minor == 1500
    assert settle_deposit(prepaid, operator, "P1").returned_cash_minor == 1500


def _tamper(db_url: str, sql: str) -> None:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        conn.execute(sql)
    finally:
        conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE booth_deposits SET amount_minor = 100",
        "UPDATE deposit_movements SET total_minor = 1, amount_minor = 1 WHERE kind = 'returned'",
        "DELETE FROM deposit_movements WHERE kind = 'returned'",
    ],
)
def test_verify_catches_a_raw_edit_of_a_deposit_row(
    prepaid: Shop, operator: Actor, db_url: str, sql: str
) -> None:
    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    record_call(prepaid, 300, booth="P1")
    settle_deposit(prepaid, operator, "P1")
    assert verify(prepaid).ok
    _tamper(db_url, sql)
    report = verify(prepaid)
    assert not report.ok
    assert "deposit" in report.describe()


def test_printed_z_report_and_cli_json_list_the_deposits(prepaid: Shop, operator: Actor) -> None:
    from zoneinfo import ZoneInfo

    from callshop_pos.cli.shifts import report_json
    from callshop_pos.services.till.receipt_builders import build_shift_report

    open_shift(prepaid, operator, 0)
    take_deposit(prepaid, operator, "P1", 1000)
    record_call(prepaid, 400, booth="P1")
    settle_deposit(prepaid, operator, "P1")
    z = close_shift(prepaid, operator, 400)
    from callshop_pos.receipts.layout import layout_shift_report

    doc = build_shift_report(
        z, settings=prepaid.settings.replace(language="en"), manual_drawer_opens=0
    )
    lines = [line.text for line in layout_shift_report(doc, 42, language="en")]
    assert any(t.startswith("Deposits taken (1)") and "10.00" in t for t in lines)
    assert any(t.startswith("Deposit remainders returned") and "-6.00" in t for t in lines)
    assert any(t.startswith("Calls paid from deposits") and "-4.00" in t for t in lines)
    assert not any(t.startswith("Open deposits") for t in lines)
    data = report_json(z, ZoneInfo("UTC"))
    assert data["shift"]["deposits_taken"] == "10.00"
    assert data["shift"]["deposits_returned"] == "6.00"
    assert data["shift"]["deposit_payments"] == "4.00"
    assert data["shift"]["expected_cash"] == "4.00"
    assert [
        (d["booth"], d["amount"], d["used"], d["returned"], d["status"]) for d in data["deposits"]
    ] == [("P1", "10.00", "4.00", "6.00", "settled")]


@pytest.mark.postgres
def test_deposits_on_postgresql(pg_seeded: SeededShop) -> None:
    shop, admin, olga = pg_seeded
    booths.add_booth(shop, admin, "P1", billing="prepaid", default_deposit_minor=1000)
    open_shift(shop, olga, 0)
    take_deposit(shop, olga, "P1", 600)
    take_deposit(shop, olga, "P1", 400)
    record_call(shop, 300, booth="P1")
    balance = deposit_balance(shop, "P1")
    assert balance is not None and balance.balance_minor == 700
    with pytest.raises(InvalidInput, match="deposit still open"):
        close_shift(shop, olga, 0)
    assert settle_deposit(shop, olga, "P1").returned_cash_minor == 700
    z = close_shift(shop, olga, 300)
    assert z.summary.discrepancy_minor == 0 and len(z.deposits) == 1
    assert verify(shop).ok


def test_x_report_with_an_open_deposit_is_printable(prepaid: Shop, operator: Actor) -> None:
    """Issue 13 point 1: an open deposit made the X/Z document refuse itself (expected
    cash is float + payments − refunds + deposits); the report lists the deposits."""
    from pypdf import PdfReader

    from callshop_pos.receipts.layout import layout_shift_report
    from callshop_pos.receipts.pdf import PdfRenderer
    from callshop_pos.services.till.printing import shift_report_pdf
    from callshop_pos.services.till.receipt_builders import build_shift_report

    shift = open_shift(prepaid, operator, 2000)
    take_deposit(prepaid, operator, "P1", 1000)
    paid = record_call(prepaid, 250, booth="B1")
    pay_calls(prepaid, operator, [paid], 300)
    doc = build_shift_report(
        x_report(prepaid, operator), settings=prepaid.settings, manual_drawer_opens=0
    )
    assert (
        doc.deposits_taken_minor,
        doc.deposits_returned_minor,
        doc.deposit_payments_minor,
        doc.open_deposits,
    ) == (1000, 0, 0, 1)
    assert doc.expected_cash_minor == 2000 + 250 + 1000
    text = "\n".join(line.text for line in layout_shift_report(doc, 42, language="en"))
    assert "Deposits taken (1)" in text and "10.00" in text
    assert "Open deposits" in text and "32.50" in text
    pdf = shift_report_pdf(prepaid, operator, PdfRenderer("en"), shift.shift.id)
    import io

    words = " ".join((PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split())
    assert "Deposits taken (1)" in words and "Open deposits" in words
