"""verify also checks what feeds reports and billing: the report cells (recounted from
the calls), the closed shifts' sums (recounted from the payments), the lockout
counters and removed booths — all edited here with the sqlite3 shell."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from callshop_pos import journal
from callshop_pos.db.models.payments import Payment
from callshop_pos.services.admin import booths, fx
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import SYSTEM, Actor, LoginFailed, login
from callshop_pos.services.context import Shop
from callshop_pos.services.reports.period import GroupBy, PeriodReport, period_report
from callshop_pos.services.till import payments
from callshop_pos.services.till.shifts import close_shift, open_shift
from tests.callshop_pos.services.admin.test_verify import sqlite_shell
from tests.callshop_pos.services.till_support import later, record_call
from tests.callshop_pos.support import SeededShop

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def history(shop: Shop, admin: Actor, operator: Actor) -> Shop:
    return _fill(shop, admin, operator)


def _fill(shop: Shop, admin: Actor, operator: Actor) -> Shop:
    """Two closed shifts (calls, a payment, summed into the cells) and an open one."""
    fx.set_usd_rate(shop, admin, Decimal("0.93"), date(2026, 1, 1))
    for _ in range(2):
        open_shift(shop, operator, 1000)
        ids = [record_call(shop, 120, booth=b) for b in ("B1", "B2", "B1")]
        record_call(shop, None, booth="B2", answered=False)
        payments.pay_calls(shop, operator, ids[:2], 500)
        later(shop, 600)
        close_shift(shop, operator, 1240)
        later(shop, 3600)
    open_shift(shop, operator, 0)
    record_call(shop, 80, booth="B3")
    # the owner's report builds the month cells too
    period_report(shop, admin, date(2026, 1, 1), date(2026, 1, 31), GroupBy.BOOTH)
    return shop


def _kinds(shop: Shop) -> list[str]:
    return [p.kind for p in verify(shop).problems]


def test_a_shop_with_cells_verifies(history: Shop, db_url: str) -> None:
    report = verify(history)
    assert report.ok, report.describe()
    with sqlite_shell(db_url) as sh:
        assert sh.execute("SELECT count(*) FROM report_cells").fetchone()[0] >= 6
        assert sh.execute("SELECT count(*) FROM report_month_cells").fetchone()[0] >= 2


@pytest.mark.postgres
def test_a_shop_with_cells_verifies_on_postgresql(pg_seeded: SeededShop) -> None:
    shop = _fill(*pg_seeded)
    report = verify(shop)
    assert report.ok, report.describe()
    with shop.db.write() as s:
        s.execute(text("UPDATE report_cells SET calls = calls + 1 WHERE dimension = 'day'"))
    assert "report-cells" in _kinds(shop)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE report_cells SET billed_minor = billed_minor + 4554 WHERE dimension = 'day'",
        "UPDATE report_cells SET revenue_minor = 0 WHERE dimension = 'booth' AND value = 'B1'",
        "UPDATE report_cells SET wholesale_cost_minor = 99 WHERE id = "
        "(SELECT max(id) FROM report_cells)",
        "DELETE FROM report_cells WHERE id = (SELECT min(id) FROM report_cells)",
        "INSERT INTO report_cells (shift_id, day, dimension, value, attempts, calls, "
        "talk_seconds, billable_seconds, billed_minor, revenue_minor, unpaid, unpaid_minor, "
        "unserved, unserved_minor, unrated, wholesale_micro_usd, wholesale_cost_minor, "
        "cost_without_rate) SELECT 3, '2026-01-05', 'day', '', 1, 1, 60, 60, 4500, 4500, "
        "0, 0, 0, 0, 0, 0, 0, 0",
        "INSERT INTO report_cells (shift_id, day, dimension, value, attempts, calls, "
        "talk_seconds, billable_seconds, billed_minor, revenue_minor, unpaid, unpaid_minor, "
        "unserved, unserved_minor, unrated, wholesale_micro_usd, wholesale_cost_minor, "
        "cost_without_rate) SELECT shift_id, day, dimension, value, attempts, calls, "
        "talk_seconds, billable_seconds, billed_minor, revenue_minor, unpaid, unpaid_minor, "
        "unserved, unserved_minor, unrated, wholesale_micro_usd, wholesale_cost_minor, "
        "cost_without_rate FROM report_cells WHERE id = (SELECT min(id) FROM report_cells)",
        "UPDATE report_month_cells SET revenue_minor = revenue_minor + 4554",
        "DELETE FROM report_month_cells WHERE value = 'B2'",
    ],
    ids=["day", "booth", "cost", "deleted", "invented", "duplicated", "month", "month-del"],
)
def test_edited_report_cells_are_found(history: Shop, admin: Actor, db_url: str, sql: str) -> None:
    before = _reports(history, admin)
    with sqlite_shell(db_url) as sh:
        sh.execute(sql)
    assert "report-cells" in _kinds(history)
    assert _reports(history, admin) != before  # what the owner sees was wrong indeed


def _reports(shop: Shop, admin: Actor) -> list[PeriodReport]:
    periods = [(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 1, 2), date(2026, 1, 20))]
    return [period_report(shop, admin, a, b, g) for a, b in periods for g in GroupBy]


def test_a_payment_resealed_in_the_journal_still_disagrees_with_its_z(
    history: Shop, db_url: str
) -> None:
    """Someone changes a payment of a closed shift and journals the changed row with
    the application's own library: every digest agrees, but the Z no longer adds up."""
    with sqlite_shell(db_url) as sh:
        sh.execute(
            "UPDATE payments SET total_minor = total_minor - 20, subtotal_minor = "
            "subtotal_minor - 20, change_minor = change_minor + 20 WHERE id = 1"
        )
    with history.db.write() as s:
        payment = s.get(Payment, 1)
        assert payment is not None
        journal.append(s, SYSTEM, "payment.note", subject=payment, rows=[payment])
    problems = verify(history).problems
    assert [p.kind for p in problems] == ["shift-sums"]
    assert "shift 1" in problems[0].message


def test_edited_lockout_counters_are_found(history: Shop, db_url: str) -> None:
    with pytest.raises(LoginFailed):
        login(history, "olga", "wrong")
    assert verify(history).ok
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE users SET failed_logins = 0 WHERE username = 'olga'")
    assert _kinds(history) == ["row-altered"]


def test_a_lockout_lifted_behind_the_app_is_found(history: Shop, db_url: str) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(history, "olga", "wrong")
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE users SET locked_until = NULL WHERE username = 'olga'")
    assert _kinds(history) == ["row-altered"]


def test_an_edited_removed_booth_is_found(history: Shop, admin: Actor, db_url: str) -> None:
    booths.add_booth(history, admin, "Old")
    booths.remove_booth(history, admin, "Old")
    assert verify(history).ok
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE booths SET removed_at = NULL WHERE name = 'Old'")
    assert _kinds(history) == ["row-altered"]


def test_the_cli_exits_3_on_edited_cells(history: Shop, db_url: str) -> None:
    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "main.py", "--db", db_url, "verify"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert run().returncode == 0
    with sqlite_shell(db_url) as sh:
        sh.execute("UPDATE report_cells SET billed_minor = 4605 WHERE dimension = 'day'")
    broken = run()
    assert broken.returncode == 3, broken.stderr
    assert "report cells" in broken.stderr


def test_cells_made_stale_by_a_new_rate_are_no_false_alarm(history: Shop, admin: Actor) -> None:
    """A USD rate set later for a summed day makes those cells stale (the next report
    sums them again): verify neither recounts them at the new rate nor complains."""
    fx.set_usd_rate(history, admin, Decimal("0.50"), date(2026, 1, 5))
    report = verify(history)
    assert report.ok, report.describe()
    period_report(history, admin, date(2026, 1, 1), date(2026, 1, 31), GroupBy.DAY)
    report = verify(history)
    assert report.ok, report.describe()
