"""What central sums when a shift arrives: its carrier cost converted at the till's
USD rate of each call's day, what stays unconverted, and its figures by destination
(SQLite and PostgreSQL); the migration fills them in for shifts held before it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from alembic import command
from sqlalchemy import select, text

from callshop_wire import ClosedShift, micro_usd_to_minor
from central.db import CentralDb, _alembic_config, migrate
from central.models import HeartbeatRow, ShiftDestination, ShiftRow
from tests.callshop_wire.samples import make_shift
from tests.central.support import Central
from tests.central.web.test_pages import SOFIA, deliver

MIDNIGHT = datetime(2026, 3, 28, 21, 50, tzinfo=UTC)  # 23:50 in Sofia


def held(central: Central, shift: ClosedShift) -> tuple[ShiftRow, list[ShiftDestination]]:
    with central.db.read() as s:
        row = s.scalars(select(ShiftRow).where(ShiftRow.shift_uuid == str(shift.shift_uuid))).one()
        parts = list(s.scalars(select(ShiftDestination).where(ShiftDestination.shift_id == row.id)))
        s.expunge_all()
    return row, parts


def test_a_version_2_shift_is_held_with_its_converted_cost(central: Central) -> None:
    shift = make_shift(shop=SOFIA, usd_rate=Decimal("0.92"))
    deliver(central, shift)
    row, [part] = held(central, shift)
    micro = sum(c.wholesale_micro_usd or 0 for c in shift.calls if c.answered)
    assert (row.wholesale_micro_usd, row.wholesale_cost_minor, row.unconverted_micro_usd) == (
        micro,
        11,  # four 2.27148-cent calls and one of 3.40722 cents, each rounded half-up
        0,
    )
    assert part.destination == "Bulgaria mobile"
    assert (part.calls, part.billable_seconds) == (shift.call_count, shift.billable_seconds)
    assert part.takings_minor == 100  # the two paid calls' prices (the refund is no call's)
    assert (part.wholesale_micro_usd, part.wholesale_cost_minor, part.unconverted_micro_usd) == (
        micro,
        11,
        0,
    )


def test_a_version_1_shift_keeps_its_whole_cost_unconverted(central: Central) -> None:
    shift = make_shift(shop=SOFIA)
    deliver(central, shift)
    row, [part] = held(central, shift)
    assert row.wholesale_cost_minor == 0 and row.unconverted_micro_usd == row.wholesale_micro_usd
    assert part.wholesale_cost_minor == 0
    assert part.unconverted_micro_usd == part.wholesale_micro_usd > 0


def test_only_the_calls_of_a_day_without_a_rate_stay_unconverted(central: Central) -> None:
    rates = {date(2026, 3, 28): None, date(2026, 3, 29): Decimal("1.1")}
    shift = make_shift(shop=SOFIA, opened_at=MIDNIGHT, usd_rate=rates)
    deliver(central, shift)
    row, _ = held(central, shift)
    answered = [c for c in shift.calls if c.answered]
    last = answered[-1]  # the only call that ended after local midnight
    assert last.wholesale_micro_usd is not None
    assert row.wholesale_cost_minor == micro_usd_to_minor(
        last.wholesale_micro_usd, Decimal("1.1"), 2
    )
    assert row.unconverted_micro_usd == sum(c.wholesale_micro_usd or 0 for c in answered[:-1])


def test_the_migration_fills_in_shifts_and_heartbeats_held_before_it(tmp_path: Path) -> None:
    db = CentralDb(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with db.engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "0002")
        at = "2026-03-29 09:00:00"
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO shops (id, code, name, timezone, created_at) "
                    "VALUES (1, 's', 'S', 'Europe/Sofia', :at)"
                ),
                {"at": at},
            )
            conn.execute(
                text(
                    "INSERT INTO shifts (id, shop_id, shift_uuid, till_id, content_sha256, "
                    "payload, received_at, opened_at, closed_at, operator, currency, "
                    "call_count, attempts, talk_seconds, billable_seconds, payments_minor, "
                    "refunds_minor, cash_minor, expected_minor, counted_minor, "
                    "discrepancy_minor, paid, unserved, unpaid, unrated, wholesale_micro_usd, "
                    "head_seq, head_hash, anchored) VALUES (1, 1, 'u', 1, 'h', '{}', :at, :at, "
                    ":at, 'o', 'EUR', 2, 1, 120, 120, 50, 0, 50, 50, 50, 0, 1, 1, 0, 0, 30000, "
                    "1, 'h', 1)"
                ),
                {"at": at},
            )
            for i, (dest, status, price, micro, answered) in enumerate(
                [
                    ("Italy", "paid", 50, 20_000, at),
                    (None, "unserved", 70, 10_000, at),
                    ("Italy", "unserved", 0, None, None),  # an attempt
                ]
            ):
                conn.execute(
                    text(
                        "INSERT INTO calls (shop_id, shift_id, call_uuid, booth, number, "
                        "destination, setup_at, answered_at, ended_at, duration_s, billable_s, "
                        "price_minor, wholesale_micro_usd, status) VALUES (1, 1, :u, 'K1', "
                        "'1', :d, :at, :ans, :at, 60, 60, :p, :m, :st)"
                    ),
                    {
                        "u": f"c{i}",
                        "d": dest,
                        "at": at,
                        "ans": answered,
                        "p": price,
                        "m": micro,
                        "st": status,
                    },
                )
            conn.execute(
                text(
                    "INSERT INTO heartbeats (shop_id, sent_at, received_at, payload) "
                    "VALUES (1, :at, :at, '{}')"
                ),
                {"at": at},
            )
        migrate(db)
        with db.read() as s:
            shift = s.scalars(select(ShiftRow)).one()
            assert (shift.wholesale_cost_minor, shift.unconverted_micro_usd) == (0, 30_000)
            parts = {
                p.destination: (
                    p.calls,
                    p.takings_minor,
                    p.wholesale_micro_usd,
                    p.wholesale_cost_minor,
                    p.unconverted_micro_usd,
                )
                for p in s.scalars(select(ShiftDestination))
            }
            assert parts == {"Italy": (1, 50, 20_000, 0, 20_000), "": (1, 0, 10_000, 0, 10_000)}
            beat = s.scalars(select(HeartbeatRow)).one()
            assert beat.online_since == beat.heard_at == beat.received_at
    finally:
        db.dispose()
