"""The owner's period reports: calls, minutes, revenue, wholesale cost and profit by
day, destination, booth or operator — administrators only.

How the figures are defined (all money exact, in integers):

- A call belongs to the period (and the day) in which it *ended*, in the shop's
  local time. ``attempts`` counts every finished call row, answered or not;
  ``calls`` counts answered ones; ASR = calls / attempts; ACD = talk seconds / calls.
- ``billed`` is the retail price of every answered call; ``revenue`` is the price of
  the calls whose status is *paid*; ``unpaid``/``unserved`` count (and sum) the
  others. A closed shift's calls are never edited: an administrator's correction is
  a separate row, and the report applies the newest correction of each call.
- ``wholesale cost`` is each answered call's carrier cost (micro-USD) converted at the
  USD→local rate in force on the call's local date, rounded half-up to the minor unit
  **per call**, so the totals of every grouping add up to the same amount and equal a
  sum over the calls. Calls dated before the first rate are counted in
  ``cost_without_rate`` and left out of the local cost (the report says so).
- ``profit`` = revenue − wholesale cost (local).

The grouping and sums run in SQL (one pass over the period's rows; day buckets and
rate epochs are balanced ``CASE`` trees over the ``ended_at`` index, so no per-row
Python runs), which keeps a 1,000,000-call period under a second on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from callshop_pos.db.models.calls import Call, CallCorrection, CallState, CallStatus
from callshop_pos.db.models.shifts import Shift
from callshop_pos.db.models.users import Role, User
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin.fx import rate_scale, usd_rates
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.reports.cards import CardCash, card_totals_between
from callshop_pos.services.reports.cells import cell_sums, refresh_cells, unsummed_shift_ids
from callshop_pos.services.reports.rows import (
    GroupBy,
    ReportRow,
    aggregate_columns,
    bucket,
    currency_digits,
    local_midnight_utc,
    no_rate,
    row_from,
)

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = [
    "MAX_PERIOD_DAYS",
    "GroupBy",
    "PeriodReport",
    "ReportRow",
    "build_period_report",
    "period_report",
]

#: Longest period one report covers (ten years of days in one CASE tree is plenty).
MAX_PERIOD_DAYS = 3660
_NO_OPERATOR = "—"


@dataclass(frozen=True, slots=True)
class PeriodReport:
    """A report over ``first``..``last`` (local dates, both included)."""

    first: date
    last: date
    group_by: GroupBy
    rows: tuple[ReportRow, ...]
    total: ReportRow
    rates: tuple[tuple[date, Decimal], ...] = field(default=())
    #: prepaid calling cards in the period, counted apart from the calls above: sold and
    #: topped up (cash taken at the till) and debited (card calls, paid from balances)
    cards: CardCash = field(default=CardCash())

    def top(self, n: int, *, by: str = "revenue_minor") -> tuple[ReportRow, ...]:
        """The ``n`` rows with the largest ``by`` figure (ties by key)."""
        return tuple(sorted(self.rows, key=lambda r: (-getattr(r, by), r.key))[:n])


# ---- SQL building blocks


def _rate_epochs(
    rates: Sequence[tuple[date, Decimal]], first: date, last: date
) -> list[tuple[date, Decimal]]:
    """The rates that apply to some day of first..last, oldest first."""
    ordered = sorted(rates)
    epochs: list[tuple[date, Decimal]] = []
    for since, rate in ordered:
        if since > last:
            break
        if since <= first:
            epochs = [(since, rate)]
        else:
            epochs.append((since, rate))
    return epochs


@dataclass(frozen=True, slots=True)
class _Query:
    tz: tzinfo
    first: date
    last: date
    rates: tuple[tuple[date, Decimal], ...]
    digits: int


def _epoch_rate(q: _Query) -> tuple[Any, int]:
    """The per-call USD rate as a scaled integer CASE over ``ended_at``, and its scale."""
    epochs = _rate_epochs(q.rates, q.first, q.last)
    scale = rate_scale(rate for _, rate in epochs)
    rate_int = bucket(
        Call.ended_at,
        [local_midnight_utc(since, q.tz) for since, _ in epochs],
        [literal(int(rate.scaleb(scale)), Integer) for _, rate in epochs],
        no_rate(),
    )
    return rate_int, scale


def _period_bounds(q: _Query) -> tuple[datetime, datetime]:
    return local_midnight_utc(q.first, q.tz), local_midnight_utc(q.last + timedelta(days=1), q.tz)


def _day_keys(q: _Query) -> tuple[list[datetime], list[str]]:
    days = [q.first + timedelta(days=i) for i in range((q.last - q.first).days + 1)]
    return [local_midnight_utc(d, q.tz) for d in days], [d.isoformat() for d in days]


def build_period_report(
    session: Session,
    *,
    first: date,
    last: date,
    group_by: GroupBy,
    tz: tzinfo,
    rates: Sequence[tuple[date, Decimal]],
    digits: int = 2,
    use_cells: bool = False,
) -> PeriodReport:
    """Aggregate the calls that ended between local ``first`` and ``last`` (inclusive).

    ``rates`` are the dated USD→local rates (``(valid_from, rate)``). Rows are ordered
    by key (days in date order, including days without calls). With ``use_cells`` the
    closed shifts listed in ``report_shifts`` are read from their pre-summed cells
    (see :mod:`callshop_pos.services.reports.cells`) and only the other calls are
    summed here; without it every call is read. The caller checks the actor's role
    (see :func:`period_report`).
    """
    if last < first:
        raise InvalidInput("the period ends before it starts")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(f"a report covers at most {MAX_PERIOD_DAYS} days")
    # A later rate for the same day is a correction: it wins (dict keeps the last).
    q = _Query(tz, first, last, tuple(sorted(dict(rates).items())), digits)
    start, end = _period_bounds(q)
    in_period = and_(
        Call.state == CallState.FINISHED.value, Call.ended_at >= start, Call.ended_at < end
    )
    key_expr: Any
    day_labels: list[str] = []
    if group_by is GroupBy.DAY:
        bounds, day_labels = _day_keys(q)
        key_expr = bucket(Call.ended_at, bounds, list(range(len(bounds))), -1)
    elif group_by is GroupBy.DESTINATION:
        key_expr = func.coalesce(Call.destination, "")
    elif group_by is GroupBy.BOOTH:
        key_expr = Call.booth
    else:
        key_expr = Call.shift_id
    key = key_expr.label("k")
    live = in_period
    raw: dict[Any, ReportRow] = {}
    if use_cells:
        # Calls of shifts without cells (open, or closed since the cells were built)
        # and calls in no shift yet are summed from the calls table, by index.
        unsummed = unsummed_shift_ids(session)
        live = and_(
            in_period,
            or_(Call.shift_id.is_(None), Call.shift_id.in_(unsummed))
            if unsummed
            else Call.shift_id.is_(None),
        )
        for cell_key, row in cell_sums(session, group_by, first, last).items():
            k = cell_key
            if group_by is GroupBy.DAY:
                k = (date.fromisoformat(str(cell_key)) - first).days
            raw[k] = raw.get(k, ReportRow("")).plus(row)
    rate_int, scale = _epoch_rate(q)
    stmt = select(key, *aggregate_columns(rate_int, scale, digits)).where(live).group_by(key)
    for k, *values in session.execute(stmt):
        raw[k] = raw.get(k, ReportRow("")).plus(row_from("", values))

    corrections = _corrections(session, q, in_period, key_expr)
    for k, delta in corrections.items():
        raw[k] = raw.get(k, ReportRow("")).plus(delta)

    rows = _label(session, group_by, raw, day_labels)
    total = ReportRow("total")
    for row in rows:
        total = total.plus(row)
    cards = card_totals_between(session, start, end)
    return PeriodReport(first, last, group_by, tuple(rows), total, q.rates, cards)


def _label(
    session: Session, group_by: GroupBy, raw: Mapping[Any, ReportRow], day_labels: list[str]
) -> list[ReportRow]:
    if group_by is GroupBy.DAY:
        return [replace(raw.get(i, ReportRow("")), key=label) for i, label in enumerate(day_labels)]
    if group_by is GroupBy.OPERATOR:
        names = _operator_names(session, [k for k in raw if k is not None])
        merged: dict[str, ReportRow] = {}
        for shift_id, row in raw.items():
            name = names.get(shift_id, _NO_OPERATOR) if shift_id is not None else _NO_OPERATOR
            merged[name] = merged.get(name, ReportRow(name)).plus(row)
        return [replace(merged[name], key=name) for name in sorted(merged)]
    return [replace(raw[k], key=str(k)) for k in sorted(raw, key=str)]


def _operator_names(session: Session, shift_ids: list[int]) -> dict[int, str]:
    if not shift_ids:
        return {}
    stmt = (
        select(Shift.id, User.username)
        .join(User, User.id == Shift.operator_id)
        .where(Shift.id.in_(shift_ids))
    )
    return {shift_id: name for shift_id, name in session.execute(stmt)}


def _corrections(
    session: Session, q: _Query, in_period: Any, key_expr: Any
) -> dict[Any, ReportRow]:
    """Per group, how the newest correction of each corrected call moves the figures."""
    newest = (
        select(CallCorrection.call_id, func.max(CallCorrection.id).label("cid"))
        .group_by(CallCorrection.call_id)
        .subquery()
    )
    stmt = (
        select(key_expr, Call.status, CallCorrection.new_status, Call.price_minor, Call.answered_at)
        .join(newest, newest.c.call_id == Call.id)
        .join(CallCorrection, CallCorrection.id == newest.c.cid)
        .where(in_period)
    )
    deltas: dict[Any, ReportRow] = {}
    for k, old, new, price, answered_at in session.execute(stmt):
        if old == new or answered_at is None:
            continue
        delta = _status_delta(old, -1, price or 0).plus(_status_delta(new, 1, price or 0))
        deltas[k] = deltas.get(k, ReportRow("")).plus(delta)
    return deltas


def _status_delta(status: str, sign: int, price: int) -> ReportRow:
    if status == CallStatus.PAID.value:
        return ReportRow("", revenue_minor=sign * price)
    if status == CallStatus.UNPAID.value:
        return ReportRow("", unpaid=sign, unpaid_minor=sign * price)
    return ReportRow("", unserved=sign, unserved_minor=sign * price)


def period_report(
    shop: Shop,
    actor: Actor,
    first: date,
    last: date,
    group_by: GroupBy,
    progress: Callable[[int, int], None] | None = None,
) -> PeriodReport:
    """The owner's report for local dates ``first``..``last`` (admin only).

    Operators are refused here, not only in the UI: the report shows wholesale cost
    and profit. Closed shifts not summed yet are summed first (after an upgrade: a
    year of history, once); ``progress(done, total)`` hears how far that got.
    """
    require_role(actor, Role.ADMIN)
    settings = shop.settings
    digits = currency_digits(settings.currency)
    with shop.db.read() as s:
        rates = usd_rates(s)
    refresh_cells(shop, settings.timezone, rates, digits, progress=progress)
    with shop.db.read() as s:
        return build_period_report(
            s,
            first=first,
            last=last,
            group_by=group_by,
            tz=ZoneInfo(settings.timezone),
            rates=rates,
            digits=digits,
            use_cells=True,
        )
