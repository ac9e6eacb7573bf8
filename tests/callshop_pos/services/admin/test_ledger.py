"""The carrier account ledger (top-ups, call costs, adjustments, history) and the
audit journal's hold on every money row of the till (verify after raw SQL edits)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from callshop_pos.clock import FakeClock
from callshop_pos.errors import InvalidInput, PermissionDenied
from callshop_pos.services.admin.fx import set_usd_rate
from callshop_pos.services.admin.ledger import add_adjustment, add_topup, balance, ledger_history
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import SYSTEM, Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import set_call_status
from callshop_pos.services.till.corrections import correct_closed_shift_call
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.till_support import record_call


def test_topups_costs_adjustments_and_balance(
    shop: Shop, admin: Actor, operator: Actor, clock: FakeClock
) -> None:
    add_topup(shop, admin, 50_000_000, date(2026, 1, 2), "bank", "SEPA 2026-001")
    record_call(shop, 100, wholesale_micro_usd=12_345)
    record_call(shop, 100, wholesale_micro_usd=600)
    add_adjustment(shop, admin, -1_000_000, date(2026, 1, 5), "carrier invoice difference")
    assert balance(shop, SYSTEM) == 50_000_000 - 12_945 - 1_000_000
    with pytest.raises(PermissionDenied):
        add_topup(shop, operator, 1_000_000, date(2026, 1, 5), "cash")
    with pytest.raises(PermissionDenied):
        ledger_history(shop, operator)
    for amount, method in ((0, "cash"), (-5, "cash"), (1_000, "cheque")):
        with pytest.raises(InvalidInput):
            add_topup(shop, admin, amount, date(2026, 1, 5), method)
    with pytest.raises(InvalidInput):
        add_adjustment(shop, admin, 5, date(2026, 1, 5), " ")
    with pytest.raises(TypeError):
        add_topup(shop, admin, 1.5, date(2026, 1, 5), "cash")  # type: ignore[arg-type]


def test_history_by_period_with_sums(shop: Shop, admin: Actor, clock: FakeClock) -> None:
    add_topup(shop, admin, 20_000_000, date(2026, 1, 1), "cash", "receipt 17")
    record_call(shop, 100, wholesale_micro_usd=10_000)  # ends 2026-01-05 local
    clock.set(clock.now().replace(day=7))
    add_topup(shop, admin, 30_000_000, date(2026, 1, 7), "bank", "SEPA 2")
    record_call(shop, 100, wholesale_micro_usd=25_000)
    record_call(shop, 100, wholesale_micro_usd=5_000)
    clock.set(clock.now().replace(day=9))
    record_call(shop, 100, wholesale_micro_usd=1_000)
    set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 6))

    week = ledger_history(shop, admin, date(2026, 1, 5), date(2026, 1, 7))
    assert week.opening_balance_micro_usd == 20_000_000
    assert [e.kind for e in week.entries] == ["call_cost", "topup", "call_cost", "call_cost"]
    assert week.topups_micro_usd == 30_000_000 and week.topup_count == 1
    assert week.costs_micro_usd == -40_000 and week.call_count == 3
    assert week.closing_balance_micro_usd == 20_000_000 + 30_000_000 - 40_000
    # 25,000 and 5,000 micro-USD at 0.92 = 0.023 → 0.02 and 0.0046 → 0.00; the 5th has no rate
    assert (week.costs_local_minor, week.costs_without_rate) == (2, 1)
    everything = ledger_history(shop, admin)
    assert everything.closing_balance_micro_usd == balance(shop, SYSTEM) == 50_000_000 - 41_000
    with pytest.raises(InvalidInput):
        ledger_history(shop, admin, date(2026, 1, 7), date(2026, 1, 5))


# ------------------------------------------------------------------ tamper detection


def busy_day(shop: Shop, admin: Actor, operator: Actor) -> dict[str, int]:
    add_topup(shop, admin, 10_000_000, date(2026, 1, 5), "bank", "T1")
    open_shift(shop, operator, 1000)
    a, b, c = record_call(shop, 250), record_call(shop, 120), record_call(shop, 75)
    pay_calls(shop, operator, [a, b], 400)
    set_call_status(shop, operator, b, "unpaid", reason="refund for a dropped line")
    close_shift(shop, operator, 1250)
    correct_closed_shift_call(shop, admin, c, "paid", "paid into the tip jar")
    return {"a": a, "b": b, "c": c}


def raw(db_url: str, sql: str) -> None:
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


TAMPERING: dict[str, Callable[[dict[str, int]], str]] = {
    "call price lowered": lambda ids: f"UPDATE calls SET price_minor = 1 WHERE id = {ids['a']}",
    "call made unpaid": lambda ids: f"UPDATE calls SET status = 'unpaid' WHERE id = {ids['a']}",
    "call deleted": lambda ids: f"DELETE FROM calls WHERE id = {ids['c']}",
    "payment total edited": lambda ids: (
        "UPDATE payments SET total_minor = 1, subtotal_minor = 1, change_minor = tendered_minor - 1"
    ),
    "payment deleted": lambda ids: "DELETE FROM payments",
    "payment line deleted": lambda ids: "DELETE FROM payment_lines WHERE kind = 'call'",
    "refund deleted": lambda ids: "DELETE FROM refunds",
    "refund inserted": lambda ids: (
        "INSERT INTO refunds (shift_id, operator_id, at, call_id, payment_id, amount_minor, "
        f"rounding_minor, total_minor, reason) SELECT shift_id, operator_id, at, {ids['a']}, "
        "payment_id, amount_minor, 0, amount_minor, 'x' FROM refunds"
    ),
    "counted cash edited": lambda ids: "UPDATE shifts SET counted_minor = 99999",
    "discrepancy edited": lambda ids: "UPDATE shifts SET discrepancy_minor = 500",
    "status history erased": lambda ids: "DELETE FROM call_changes",
    "correction removed": lambda ids: "DELETE FROM call_corrections",
    "top-up inflated": lambda ids: (
        "UPDATE ledger_entries SET amount_micro_usd = 99 WHERE kind = 'topup'"
    ),
    "call cost removed": lambda ids: "DELETE FROM ledger_entries WHERE kind = 'call_cost'",
}


def test_intact_day_verifies(shop: Shop, admin: Actor, operator: Actor) -> None:
    busy_day(shop, admin, operator)
    report = verify(shop)
    assert report.ok, report.describe()


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_verify_catches_raw_edits_of_money_rows(
    shop: Shop, admin: Actor, operator: Actor, db_url: str, name: str
) -> None:
    ids = busy_day(shop, admin, operator)
    raw(db_url, TAMPERING[name](ids))
    report = verify(shop)
    assert not report.ok, name


# ------------------------------------------------------------------ CLI


def test_ledger_cli(
    shop: Shop, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import json
    import sys

    from callshop_pos.cli import build_parser
    from callshop_pos.cli import run as run_cli
    from tests.callshop_pos.support import ADMIN_PASSWORD, OPERATOR_PASSWORD

    def run(*args: str, password: str = ADMIN_PASSWORD) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        code = run_cli(build_parser().parse_args(["--db", db_url, "ledger", *args]))
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = run(
        "topup",
        "--user",
        "admin",
        "250.5",
        "--method",
        "bank",
        "--date",
        "2026-01-04",
        "--reference",
        "SEPA 9",
    )
    assert code == 0 and "250.500000 USD" in out
    record_call(shop, 100, wholesale_micro_usd=1_234_567)
    code, out, _ = run("adjust", "--user", "admin", "-0.5", "--reason", "bank fee")
    assert code == 0
    code, out, _ = run("balance", "--user", "admin")
    assert out.strip() == "248.765433 USD"
    code, out, _ = run("history", "--user", "admin", "--from", "2026-01-05", "--format", "json")
    data = json.loads(out)
    assert data["opening_balance_usd"] == "250.500000"
    assert [e["kind"] for e in data["entries"]] == ["call_cost", "adjustment"]
    assert data["costs_usd"] == "-1.234567" and data["closing_balance_usd"] == "248.765433"
    code, _, err = run("topup", "--user", "admin", "1.1234567", "--method", "cash")
    assert code == 1 and "decimals" in err
    code, _, err = run("balance", "--user", "olga", password=OPERATOR_PASSWORD)
    assert code == 1 and "may not" in err
