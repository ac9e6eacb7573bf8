"""``callshop-pos verify``: is the audit journal intact, and does every money row
agree with it?

Checks, in one read-only pass:

1. the chain — entries numbered 1, 2, 3 … without gaps, each carrying the hash of
   the one before, each hash recomputed from the entry's content;
2. the head row — it names the last entry (so a removed tail is noticed);
3. every journaled row (models inheriting ``JournaledRow``) — its digest equals the
   one recorded by the newest entry covering it; a row no entry covers was inserted
   behind the application's back; a covered row that is gone was deleted;
4. every price-list version — its entries still hash to its recorded digest;
5. what reports and billing are read from without being money rows themselves:
   the report cells of every summed closed shift are recounted from its calls (the
   same SELECTs that summed them), the month cells from the cells, and every closed
   shift's payments, refunds and expected cash from its payments, refunds, deposits and
   card sales (so a row re-journaled with the application's own library still shows);
6. every prepaid card's balance — sales + top-ups − debits of its movements, and what
   its newest movement left.

What it cannot see alone: someone who rewrites the whole chain consistently. That is
why the head hash goes out with each Z report and synced shift.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, aliased

from callshop_pos import journal
from callshop_pos.db.base import Base
from callshop_pos.db.models import load_all
from callshop_pos.db.models.calls import Call
from callshop_pos.db.models.cards import Card, CardMovement, CardMovementKind
from callshop_pos.db.models.deposits import BoothDeposit
from callshop_pos.db.models.journal import JournalEntry, JournalHead
from callshop_pos.db.models.payments import Payment, Refund
from callshop_pos.db.models.prices import PriceListVersion
from callshop_pos.db.models.report_cells import ReportCell, ReportMonthCell, ReportShift
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.services.admin.fx import usd_rates
from callshop_pos.services.admin.prices import stored_digest
from callshop_pos.services.context import load_settings
from callshop_pos.services.reports.cards import CardCash, card_cash
from callshop_pos.services.reports.cells import SUMS, cell_selects, month_select, stale
from callshop_pos.services.reports.rows import currency_digits
from callshop_pos.services.reports.summary import DepositCash, deposit_cash, expected_cash

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = ["Problem", "VerifyReport", "verify"]

_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``seq`` is the journal entry concerned (None: a row no entry covers)."""

    seq: int | None
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    rows_checked: int
    head_seq: int
    head_hash: str
    problems: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken(self) -> Problem | None:
        """The problem at the earliest journal entry (rows with no entry come last)."""
        return self.problems[0] if self.problems else None

    def describe(self, limit: int = 20) -> str:
        """A human summary (several lines)."""
        if self.ok:
            return (
                f"journal intact: {self.entries} entries, {self.rows_checked} money rows "
                f"checked; head #{self.head_seq} {self.head_hash}"
            )
        first = self.first_broken
        assert first is not None
        where = f"entry #{first.seq}" if first.seq is not None else "a row with no entry"
        lines = [f"journal BROKEN: first broken entry: {where}: {first.message}"]
        lines += [f"  - {p.message}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)


def _iter_entries(session: Session) -> Iterator[Any]:
    # Plain rows, not ORM objects: a journal can hold millions of entries.
    e = JournalEntry
    stmt = (
        select(
            e.seq,
            e.at,
            e.actor_id,
            e.actor_name,
            e.action,
            e.subject_type,
            e.subject_id,
            e.payload,
            e.rows,
            e.prev_hash,
            e.hash,
        )
        .order_by(e.seq)
        .execution_options(yield_per=_BATCH)
    )
    yield from session.execute(stmt)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # (table, key) -> (seq, digest or None) of the newest entry covering the row
        self.latest: dict[tuple[str, str], tuple[int, str | None]] = {}
        self.entries = 0
        self.last_seq = 0
        self.last_hash = journal.GENESIS_HASH
        self.rows_checked = 0
        self.closes: dict[int, int] = {}  # shift id -> seq of its shift.close entry

    def add(self, seq: int | None, kind: str, message: str) -> None:
        self.problems.append(Problem(seq, kind, message))

    def chain(self, session: Session) -> None:
        for entry in _iter_entries(session):
            self.entries += 1
            expected = self.last_seq + 1
            if entry.seq != expected:
                missing = (
                    f"#{expected}" if entry.seq == expected + 1 else f"#{expected}–#{entry.seq - 1}"
                )
                self.add(expected, "entry-missing", f"journal entry {missing} is missing (deleted)")
            elif entry.prev_hash != self.last_hash:
                self.add(
                    entry.seq,
                    "chain",
                    f"journal entry #{entry.seq} does not follow entry #{self.last_seq} "
                    "(previous-hash differs: an entry was replaced or inserted)",
                )
            if journal.entry_hash(entry) != entry.hash:
                self.add(
                    entry.seq,
                    "entry-altered",
                    f"journal entry #{entry.seq} ({entry.action}) was altered "
                    "(its hash does not match its content)",
                )
            self._cover(entry)
            if entry.action == "shift.close" and entry.subject_id is not None:
                self.closes[int(entry.subject_id)] = entry.seq
            self.last_seq, self.last_hash = entry.seq, entry.hash

    def _cover(self, entry: Any) -> None:
        try:
            rows: Any = json.loads(entry.rows)
            for table, key, digest in rows:
                self.latest[(str(table), str(key))] = (entry.seq, digest)
        except (ValueError, TypeError):
            self.add(
                entry.seq,
                "entry-altered",
                f"journal entry #{entry.seq} has an unreadable list of rows",
            )

    def head(self, session: Session) -> None:
        head = session.get(JournalHead, 1)
        if head is None:
            if self.entries:
                self.add(self.last_seq, "head", "the journal head row is missing (deleted)")
            return
        if head.seq > self.last_seq:
            self.add(
                self.last_seq + 1,
                "entry-missing",
                f"journal entries #{self.last_seq + 1}–#{head.seq} are missing "
                "(the newest entries were deleted)",
            )
        elif head.seq < self.last_seq or head.hash != self.last_hash:
            self.add(
                head.seq + 1 if head.seq < self.last_seq else head.seq,
                "head",
                f"the journal head (#{head.seq}) does not match the last entry "
                f"(#{self.last_seq}): entries were added outside the application",
            )

    def rows(self, session: Session) -> None:
        by_table: dict[str, type[Base]] = {
            str(cls.__tablename__): cls for cls in journal.journaled_classes()
        }
        for table, cls in by_table.items():
            mapper = sa_inspect(cls)
            keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
            fields = list(cls.__journal_fields__)  # type: ignore[attr-defined]
            stmt = select(*(getattr(cls, name) for name in keys + fields)).execution_options(
                yield_per=_BATCH
            )
            for row in session.execute(stmt):
                self.rows_checked += 1
                key = journal.key_text(row[: len(keys)])
                recorded = self.latest.pop((table, key), None)
                if recorded is None:
                    self.add(
                        None,
                        "row-unjournaled",
                        f"{table} #{key} has no journal entry (inserted outside the application)",
                    )
                    continue
                seq, digest = recorded
                values = dict(zip(fields, row[len(keys) :], strict=True))
                if digest is None:
                    self.add(
                        seq,
                        "row-resurrected",
                        f"{table} #{key} was removed by journal entry #{seq} but exists again",
                    )
                elif journal.digest_of(table, key, values) != digest:
                    self.add(
                        seq,
                        "row-altered",
                        f"{table} #{key} differs from journal entry #{seq} "
                        "(changed outside the application)",
                    )
        for (table, key), (seq, digest) in sorted(self.latest.items(), key=lambda i: i[1][0]):
            if digest is not None and table in by_table:
                self.add(
                    seq,
                    "row-missing",
                    f"{table} #{key} recorded by journal entry #{seq} is missing (deleted)",
                )

    def prices(self, session: Session) -> None:
        for version in session.scalars(select(PriceListVersion).order_by(PriceListVersion.id)):
            count, digest = stored_digest(session, version.id)
            if count != version.entry_count or digest != version.content_digest:
                covering = self.latest.get((str(PriceListVersion.__tablename__), str(version.id)))
                self.add(
                    covering[0] if covering else None,
                    "price-entries-altered",
                    f"price-list version {version.id}: its entries were changed "
                    "outside the application",
                )

    def shift_sums(self, session: Session) -> None:
        """Every closed shift's stored sums against its payments, refunds, deposits."""

        def per_shift(column: Any, shift_col: Any) -> dict[int, int]:
            return {
                int(k): int(v or 0)
                for k, v in session.execute(select(shift_col, func.sum(column)).group_by(shift_col))
                if k is not None
            }

        paid = per_shift(Payment.total_minor, Payment.shift_id)
        refunded = per_shift(Refund.total_minor, Refund.shift_id)
        with_deposits = set(session.scalars(select(BoothDeposit.shift_id).distinct()))
        with_cards = set(session.scalars(select(CardMovement.shift_id).distinct()))
        for shift in session.scalars(
            select(Shift).where(Shift.status == ShiftStatus.CLOSED.value).order_by(Shift.id)
        ):
            payments, refunds = paid.get(shift.id, 0), refunded.get(shift.id, 0)
            deposits = (
                deposit_cash(session, shift.id)
                if shift.id in with_deposits
                else DepositCash(taken=0, returned=0, paid=0, open=0)
            )
            cards = card_cash(session, shift.id) if shift.id in with_cards else CardCash()
            expected = expected_cash(shift.opening_float_minor, payments, refunds, deposits, cards)
            stored = (shift.payments_minor, shift.refunds_minor, shift.expected_minor)
            counted = shift.counted_minor
            if stored != (payments, refunds, expected) or (
                counted is not None and shift.discrepancy_minor != counted - expected
            ):
                self.add(
                    self.closes.get(shift.id),
                    "shift-sums",
                    f"shift {shift.id}: its Z figures (payments {stored[0]}, refunds "
                    f"{stored[1]}, expected cash {stored[2]}) no longer add up from its "
                    f"payments, refunds and deposits ({payments}, {refunds}, {expected}): "
                    "changed outside the application",
                )

    def card_balances(self, session: Session) -> None:
        """Every card's balance against its movements: sales + top-ups − debits, and
        the balance the newest movement left (a card never sold holds nothing)."""
        signed = case(
            (CardMovement.kind == CardMovementKind.DEBIT.value, -CardMovement.amount_minor),
            else_=CardMovement.amount_minor,
        )
        sums = (
            select(
                CardMovement.card_id.label("card_id"),
                func.sum(signed).label("total"),
                func.max(CardMovement.id).label("last_id"),
            )
            .group_by(CardMovement.card_id)
            .subquery()
        )
        last = aliased(CardMovement)
        total = func.coalesce(sums.c.total, 0)
        after = func.coalesce(last.balance_after_minor, 0)
        stmt = (
            select(Card.id, Card.serial, Card.balance_minor, total, after)
            .outerjoin(sums, sums.c.card_id == Card.id)
            .outerjoin(last, last.id == sums.c.last_id)
            .where(or_(Card.balance_minor != total, Card.balance_minor != after))
            .order_by(Card.id)
        )
        for card_id, serial, balance, moved, left in session.execute(stmt):
            covered = self.latest.get(("cards", str(card_id)))
            self.add(
                covered[0] if covered is not None else None,
                "card-balance",
                f"card {serial}: balance {balance} does not add up from its sales, "
                f"top-ups and debits ({moved}; its last movement left {left}): changed "
                "outside the application",
            )

    def report_cells(self, session: Session) -> None:
        """The cells recounted from the calls, the month cells from the cells."""
        settings = load_settings(session)  # as of this snapshot
        tz_name = settings.timezone
        rates = sorted(dict(usd_rates(session)).items())
        closed = set(
            session.scalars(select(Shift.id).where(Shift.status == ShiftStatus.CLOSED.value))
        )
        markers = {m.shift_id: m for m in session.scalars(select(ReportShift))}
        fresh = {i for i, m in markers.items() if i in closed and not stale(m, tz_name, rates)}
        for shift_id in sorted(set(markers) - closed):
            self._cells_problem(f"shift {shift_id} is marked as summed but is not closed")
        stored: dict[tuple[Any, ...], list[tuple[int, ...]]] = defaultdict(list)
        columns = [getattr(ReportCell, name) for name in SUMS]
        for row in session.execute(
            select(
                ReportCell.shift_id,
                ReportCell.day,
                ReportCell.dimension,
                ReportCell.value,
                *columns,
            )
        ):
            stored[_cell_key(row)].append(_sums(row[4:]))
        counted: dict[tuple[Any, ...], tuple[int, ...]] = {}
        if fresh:
            _spans, selects = cell_selects(
                session,
                Call.shift_id.in_(select(ReportShift.shift_id)),
                ZoneInfo(tz_name),
                rates,
                currency_digits(settings.currency),
            )
            for stmt in selects:
                for row in session.execute(stmt):
                    if row[0] in fresh:
                        counted[_cell_key(row)] = _sums(row[4:])
        bad: set[int] = set()
        for key, values in stored.items():
            shift_id = key[0]
            if shift_id not in markers or (
                shift_id in fresh and (len(values) != 1 or counted.get(key) != values[0])
            ):
                bad.add(shift_id)
        bad |= {key[0] for key in counted if key not in stored}
        for shift_id in sorted(bad):
            self._cells_problem(f"the report cells of shift {shift_id} do not match its calls")
        for month in sorted(set(session.scalars(select(ReportMonthCell.month).distinct()))):
            recount = {(r[1], r[2]): _sums(r[3:]) for r in session.execute(month_select(month))}
            kept: dict[tuple[str, str], list[tuple[int, ...]]] = defaultdict(list)
            month_columns = [getattr(ReportMonthCell, name) for name in SUMS]
            for row in session.execute(
                select(ReportMonthCell.dimension, ReportMonthCell.value, *month_columns).where(
                    ReportMonthCell.month == month
                )
            ):
                kept[(row[0], row[1])].append(_sums(row[2:]))
            if {k: v[0] for k, v in kept.items() if len(v) == 1} != recount or any(
                len(v) != 1 for v in kept.values()
            ):
                self._cells_problem(
                    f"the month report cells of {_as_date(month):%Y-%m} do not match "
                    "the cells of its days"
                )

    def _cells_problem(self, what: str) -> None:
        self.add(
            None,
            "report-cells",
            f"report cells: {what} (changed outside the application; the owner's "
            "reports would be wrong)",
        )


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _cell_key(row: Any) -> tuple[Any, ...]:
    return (int(row[0]), _as_date(row[1]), str(row[2]), str(row[3]))


def _sums(values: Any) -> tuple[int, ...]:
    return tuple(int(v or 0) for v in values)


def _order(problem: Problem) -> tuple[int, int]:
    return (0, problem.seq) if problem.seq is not None else (1, 0)


def verify(shop: Shop) -> VerifyReport:
    """Check the whole journal and every journaled row; never changes anything."""
    load_all()
    checker = _Checker()
    with shop.db.read() as s:
        checker.chain(s)
        checker.head(s)
        checker.prices(s)
        checker.rows(s)
        checker.shift_sums(s)
        checker.card_balances(s)
        checker.report_cells(s)
    problems = tuple(sorted(checker.problems, key=_order))
    return VerifyReport(
        entries=checker.entries,
        rows_checked=checker.rows_checked,
        head_seq=checker.last_seq,
        head_hash=checker.last_hash,
        problems=problems,
    )
