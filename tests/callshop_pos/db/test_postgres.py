"""The same platform and service flows on PostgreSQL (CALLSHOP_TEST_PG_URL; .ci/run sets it).

Each test runs in a fresh schema of the test database (dropped afterwards).
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from callshop_pos.clock import FakeClock
from callshop_pos.db.migrate import current_revision, schema_diff, shipped_head
from callshop_pos.errors import PermissionDenied
from callshop_pos.rating import PriceListError
from callshop_pos.services.admin import booths, fx, prices, users
from callshop_pos.services.admin.settings import get_settings, update_settings
from callshop_pos.services.admin.verify import verify
from callshop_pos.services.auth import LoginFailed, Role, login
from callshop_pos.services.till import payments, shifts
from tests.callshop_pos.db.test_database import print_log_documents
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import OPERATOR_PASSWORD, SeededShop

pytestmark = pytest.mark.postgres

PRICES = "country,code,wholesale_usd,retail\nBulgaria,359,0.010,0.20\nGermany,49,0.012,0.30\n"


def test_migrations_and_models_agree_on_postgres(pg_seeded: SeededShop) -> None:
    db = pg_seeded.shop.db
    assert db.backend == "postgresql"
    assert current_revision(db) == shipped_head()
    assert schema_diff(db) == []
    assert print_log_documents(db) == ["receipt", "card_receipt", "x_report", "z_report"]


def test_service_flows_on_postgres(pg_seeded: SeededShop, clock: FakeClock) -> None:
    shop, admin, operator = pg_seeded
    # users and lockout
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(shop, "olga", "bad")
    with pytest.raises(LoginFailed, match="locked"):
        login(shop, "olga", OPERATOR_PASSWORD)
    clock.advance(300)
    assert login(shop, "olga", OPERATOR_PASSWORD) == operator
    users.add_user(shop, admin, "ivan", "secret-1", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        users.add_user(shop, operator, "eve", "secret-1", Role.ADMIN)
    # settings, booths, rates
    update_settings(shop, admin, cash_rounding_unit=5, blocked_prefixes=("900",))
    assert get_settings(shop).blocked_prefixes == ("900",)
    booths.add_booth(
        shop,
        admin,
        "B1",
        driver="sip",
        sip_user="b1",
        sip_password="secret-1",
        billing="prepaid",
        default_deposit_minor=1000,
    )
    booths.set_locked(shop, operator, "B1", True)
    assert booths.list_booths(shop)[0].locked
    fx.set_usd_rate(shop, admin, Decimal("0.921234"), date(2026, 1, 1))
    assert fx.rate_on(shop, date(2026, 6, 1)) == Decimal("0.921234")
    # prices: a bad file changes nothing, a good one becomes active
    with pytest.raises(PriceListError):
        prices.import_price_list(shop, admin, PRICES + "X,1a,1,1\n", "bad.csv")
    assert prices.versions(shop) == []
    info = prices.import_price_list(shop, admin, PRICES, "p.csv")
    assert shop.pricing.version_id == info.id
    assert [e.code for e in prices.active_entries(shop, admin)] == ["359", "49"]
    report = verify(shop)
    assert report.ok, report.describe()


def test_tampering_is_found_on_postgres(pg_seeded: SeededShop) -> None:
    shop, admin, _ = pg_seeded
    fx.set_usd_rate(shop, admin, Decimal("0.92"), date(2026, 1, 1))
    with shop.db.engine.begin() as conn:
        conn.execute(text("UPDATE fx_rates SET local_per_usd = '0.5'"))
    report = verify(shop)
    assert [p.kind for p in report.problems] == ["row-altered"]


def test_concurrent_writers_keep_one_chain(pg_seeded: SeededShop) -> None:
    shop, admin, _ = pg_seeded
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                fx.set_usd_rate(shop, admin, Decimal(f"0.9{n}{i}"), date(2026, 1, 1 + i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    report = verify(shop)
    assert report.ok, report.describe()
    assert len(fx.rate_history(shop)) == 20


def test_verify_while_writers_run_never_cries_wolf(pg_seeded: SeededShop) -> None:
    """verify reads one snapshot (REPEATABLE READ): entries and rows committed while it
    reads are simply not in it — never "missing" or "changed outside the application"."""
    shop, admin, operator = pg_seeded
    stop = threading.Event()
    errors: list[BaseException] = []
    writes = [0]

    def writer(n: int) -> None:
        try:
            i = 0
            while not stop.is_set():
                i += 1
                booths.add_booth(shop, admin, f"W{n}-{i}")
                booths.set_locked(shop, admin, f"W{n}-{i}", True)
                writes[0] += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    def shifts_and_calls() -> None:
        """Calls recorded and paid, shifts closed (summed into the report cells)."""
        try:
            while not stop.is_set():
                shifts.open_shift(shop, operator, 0)
                ids = [record_call(shop, 100, booth="B1") for _ in range(3)]
                payments.pay_calls(shop, operator, ids[:2], 1000)
                shifts.close_shift(shop, operator, 200)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    threads.append(threading.Thread(target=shifts_and_calls))
    for t in threads:
        t.start()
    alarms = []
    try:
        for _ in range(25):
            report = verify(shop)
            if not report.ok:
                alarms.append(report.describe())
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert not errors, errors
    assert writes[0] > 25
    assert alarms == [], alarms[0]
    assert verify(shop).ok


def test_read_sessions_are_read_only_snapshots_on_postgres(pg_seeded: SeededShop) -> None:
    with pg_seeded.shop.db.read() as s:
        assert s.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
        assert s.execute(text("SHOW transaction_read_only")).scalar() == "on"
    with pg_seeded.shop.db.write() as s:
        assert s.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
        assert s.execute(text("SHOW transaction_read_only")).scalar() == "off"
