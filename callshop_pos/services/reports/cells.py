"""Pre-summed report cells of closed shifts: build, keep current, read.

A closed shift's calls never change, so each closed shift is summed once — per local
day, and per day and booth / destination — into ``report_cells``. Closing a shift sums
it at once (:func:`sum_closed_shift`, called by ``shifts.close_shift`` right after its
transaction), so a report needs no catch-up; :func:`refresh_cells` remains the safety
net for shifts that were not summed then (an older database, a failed summing): one
write transaction per calendar month of shifts, each one set-based pass over that
month's calls, with progress reported after each month.

Per month two passes over the calls (GROUP BY shift, local day and booth; and by
destination), where the per-call work happens (day bucket, USD rate, each call's
cost rounded); a day's cells are the sums of its booth cells.
Corrections of closed shifts are never in the cells: reports apply them on top from
``call_corrections``, so they need no re-summing. The sums go stale when the shop's
time zone changes or a USD rate for one of the shift's days is set afterwards; such
shifts are summed again. Reports then read a few thousand cells instead of every call
(see ``docs/performance.md``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    delete,
    func,
    insert,
    literal,
    null,
    select,
)
from sqlalchemy.orm import Session

from callshop_pos.db.models.calls import Call, CallState
from callshop_pos.db.models.report_cells import ReportCell, ReportMonthCell, ReportShift
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.services.admin.fx import rate_from, rate_scale, usd_rates
from callshop_pos.services.cards.till_calls import is_till_call
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
    "SUMS",
    "SUMS_VERSION",
    "Progress",
    "cell_selects",
    "cell_sums",
    "month_select",
    "refresh_cells",
    "stale",
    "sum_closed_shift",
    "unsummed_shift_ids",
]

#: ``progress(done, total)``: closed shifts summed so far, of how many (called once with
#: ``done == 0`` before the first transaction and after each month).
Progress = Callable[[int, int], None]

SUMS = _SUMS = (
    "attempts",
    "calls",
    "talk_seconds",
    "billable_seconds",
    "billed_minor",
    "revenue_minor",
    "unpaid",
    "unpaid_minor",
    "unserved",
    "unserved_minor",
    "unrated",
    "wholesale_micro_usd",
    "wholesale_cost_minor",
    "cost_without_rate",
)
_DAY, _BOOTH, _DESTINATION = "day", "booth", "destination"


#: What the sums mean, stored with each shift's marker (``"_sums"`` beside the days'
#: rates): cells summed under another meaning are stale and summed again. 2: engine
#: refusals (a blocked prepaid booth …) are no longer attempts.
SUMS_VERSION = "2"
_VERSION_KEY = "_sums"


def _rates_text(days: Sequence[date], rates: Sequence[tuple[date, Decimal]]) -> str:
    summed: dict[str, str | None] = {
        d.isoformat(): (None if (r := rate_from(rates, d)) is None else format(r, "f"))
        for d in days
    }
    summed[_VERSION_KEY] = SUMS_VERSION
    return json.dumps(summed, sort_keys=True)


def _summed_days(text: str) -> list[date]:
    """The local days of a marker's rates text."""
    return [date.fromisoformat(day) for day in json.loads(text) if day != _VERSION_KEY]


def stale(marker: ReportShift, tz_name: str, rates: Sequence[tuple[date, Decimal]]) -> bool:
    if marker.tz != tz_name:
        return True
    stored: dict[str, str | None] = json.loads(marker.rates)
    if stored.pop(_VERSION_KEY, None) != SUMS_VERSION:
        return True
    for day, text in stored.items():
        current = rate_from(rates, date.fromisoformat(day))
        if (current is None) != (text is None):
            return True
        if current is not None and text is not None and Decimal(text) != current:
            return True
    return False


def refresh_cells(
    shop: Shop,
    tz_name: str,
    rates: Sequence[tuple[date, Decimal]],
    digits: int = 2,
    progress: Progress | None = None,
) -> int:
    """Sum every closed shift not summed yet (or summed under another zone or rates).

    Returns how many shifts were (re)summed. Safe to run at any time and from several
    processes: a shift's cells are replaced in one transaction. The shifts are summed
    a calendar month at a time (by the local day of their first call), one write
    transaction and one pass over the calls each; ``progress`` hears how far it got.
    """
    ordered = sorted(dict(rates).items())
    with shop.db.read() as s:
        closed = set(s.scalars(select(Shift.id).where(Shift.status == ShiftStatus.CLOSED.value)))
        markers = list(s.scalars(select(ReportShift)))
        for marker in markers:
            s.expunge(marker)
        done = {m.shift_id for m in markers}
        todo = sorted((closed - done) | {m.shift_id for m in markers if stale(m, tz_name, ordered)})
        tz = ZoneInfo(tz_name)
        batches = _month_batches(s, todo, tz) if todo else []
    if progress is not None and todo:
        progress(0, len(todo))
    summed = 0
    for batch, spans in batches:
        with shop.db.write() as s:
            _sum_shifts(s, batch, tz, tz_name, ordered, digits, shop, spans)
        summed += len(batch)
        if progress is not None:
            progress(summed, len(todo))
    _sum_months(shop)
    return len(todo)


def _month_batches(
    s: Session, shift_ids: Sequence[int], tz: ZoneInfo
) -> list[tuple[list[int], dict[int, tuple[date, date]]]]:
    """``shift_ids`` grouped by the local month of each shift's first finished call (a
    shift without one joins the first group), months in order, each group with the
    first and last local day of its shifts' finished calls (one pass over the calls for
    all of them: a closed shift's calls no longer change)."""
    spans = _spans(s, Call.shift_id.in_(shift_ids), tz)
    keyed = sorted(
        (_month(span[0]) if (span := spans.get(shift_id)) is not None else date.min, shift_id)
        for shift_id in shift_ids
    )
    batches = []
    for _, group in itertools.groupby(keyed, key=lambda item: item[0]):
        ids = [shift_id for _, shift_id in group]
        batches.append((ids, {i: spans[i] for i in ids if i in spans}))
    return batches


def _spans(s: Session, shifts: ColumnElement[bool], tz: ZoneInfo) -> dict[int, tuple[date, date]]:
    """The first and last local day of the finished calls of each shift matching
    ``shifts`` (a condition on ``Call.shift_id``)."""
    spans: dict[int, tuple[date, date]] = {}
    for shift_id, low, high in s.execute(
        select(Call.shift_id, func.min(Call.ended_at), func.max(Call.ended_at))
        .where(shifts, Call.state == CallState.FINISHED.value, is_till_call())
        .group_by(Call.shift_id)
    ):
        if shift_id is not None and low is not None and high is not None:
            spans[shift_id] = (low.astimezone(tz).date(), high.astimezone(tz).date())
    return spans


def sum_closed_shift(shop: Shop, shift_id: int) -> None:
    """Sum one closed shift's calls into the cells, and its months into the month cells.

    Its own short write transactions: the rates are read inside the first one, so a
    rate set at the same moment either is in the sums or marks them stale for the
    next :func:`refresh_cells`. An open shift is left alone (nothing to sum yet).
    """
    settings = shop.settings
    tz_name = settings.timezone
    with shop.db.write() as s:
        rates = sorted(dict(usd_rates(s)).items())
        _sum_shifts(
            s,
            [shift_id],
            ZoneInfo(tz_name),
            tz_name,
            rates,
            currency_digits(settings.currency),
            shop,
        )
    _sum_months(shop)


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _sum_months(shop: Shop) -> None:
    """Sum the booth and destination cells of every month that has cells but no
    month cells yet (one INSERT … SELECT per month)."""
    with shop.db.read() as s:
        months: set[date] = set()
        for text in s.scalars(select(ReportShift.rates)):
            months |= {_month(day) for day in _summed_days(text)}
        months -= set(s.scalars(select(ReportMonthCell.month).distinct()))
    if not months:
        return
    with shop.db.write() as s:
        for month in sorted(months):
            s.execute(delete(ReportMonthCell).where(ReportMonthCell.month == month))
            s.execute(
                insert(ReportMonthCell).from_select(
                    ["month", "dimension", "value", *_SUMS], month_select(month)
                )
            )


def month_select(month: date) -> Select[Any]:
    """One month's month cells as they follow from the cells: ``month, dimension,
    value, *sums`` per booth and destination (``verify`` recounts with it too)."""
    return (
        select(
            literal(month, Date),
            ReportCell.dimension,
            ReportCell.value,
            *(func.sum(getattr(ReportCell, name)) for name in _SUMS),
        )
        .where(
            ReportCell.dimension.in_((_BOOTH, _DESTINATION)),
            ReportCell.day >= month,
            ReportCell.day < _next_month(month),
        )
        .group_by(ReportCell.dimension, ReportCell.value)
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def cell_selects(
    s: Session,
    shifts: ColumnElement[bool],
    tz: ZoneInfo,
    rates: Sequence[tuple[date, Decimal]],
    digits: int,
) -> tuple[dict[int, tuple[date, date]], list[Select[Any]]]:
    """The cells of the shifts matching ``shifts`` (a condition on ``Call.shift_id``):
    each shift's first and last local day, and the SELECTs giving the cell rows
    ``shift_id, day, dimension, value, *sums`` (one per dimension, each straight from
    the calls; none without calls). ``verify`` recounts with them; summing inserts the
    booth and destination rows and derives the day rows from the booth rows, which
    gives the same figures (every call has a booth)."""
    spans, by_dimension = _dimension_selects(s, shifts, tz, rates, digits)
    return spans, list(by_dimension.values())


def _dimension_selects(
    s: Session,
    shifts: ColumnElement[bool],
    tz: ZoneInfo,
    rates: Sequence[tuple[date, Decimal]],
    digits: int,
    spans: dict[int, tuple[date, date]] | None = None,
) -> tuple[dict[int, tuple[date, date]], dict[str, Select[Any]]]:
    """:func:`cell_selects` with the SELECTs keyed by dimension (``spans``: the shifts'
    first and last local days when known already)."""
    finished = (shifts, Call.state == CallState.FINISHED.value, is_till_call())
    if spans is None:
        spans = _spans(s, shifts, tz)
    if not spans:
        return spans, {}
    days = _days(min(a for a, _ in spans.values()), max(b for _, b in spans.values()))
    bounds = [local_midnight_utc(d, tz) for d in days]
    day_rates = [rate_from(rates, d) for d in days]
    scale = rate_scale(r for r in day_rates if r is not None)
    # The rate changes on few days: one branch per run of days with the same rate.
    runs = [i for i, r in enumerate(day_rates) if i == 0 or r != day_rates[i - 1]]
    rate_int = bucket(
        Call.ended_at,
        [bounds[i] for i in runs],
        [
            no_rate() if r is None else literal(int(r.scaleb(scale)), Integer)
            for r in (day_rates[i] for i in runs)
        ],
        no_rate(),
    )
    day = bucket(Call.ended_at, bounds, [literal(d, Date) for d in days], null())
    sums = aggregate_columns(rate_int, scale, digits)
    selects: dict[str, Select[Any]] = {}
    for dimension, value in (
        (_DAY, literal("")),
        (_BOOTH, Call.booth),
        (_DESTINATION, func.coalesce(Call.destination, "")),
    ):
        grouping = (Call.shift_id, day) if dimension == _DAY else (Call.shift_id, day, value)
        selects[dimension] = (
            select(Call.shift_id, day, literal(dimension), value, *sums)
            .where(*finished)
            .group_by(*grouping)
        )
    return spans, selects


def _sum_shifts(
    s: Session,
    shift_ids: Sequence[int],
    tz: ZoneInfo,
    tz_name: str,
    rates: Sequence[tuple[date, Decimal]],
    digits: int,
    shop: Shop,
    spans: dict[int, tuple[date, date]] | None = None,
) -> None:
    """Replace the cells of some shifts: two INSERT … SELECT statements over their calls
    (booth and destination cells) and one over the booth cells (day cells); no call
    row passes through Python."""
    touched: set[date] = set()  # months whose month cells must be summed again
    for text in s.scalars(select(ReportShift.rates).where(ReportShift.shift_id.in_(shift_ids))):
        touched |= {_month(day) for day in _summed_days(text)}
    s.execute(delete(ReportCell).where(ReportCell.shift_id.in_(shift_ids)))
    s.execute(delete(ReportShift).where(ReportShift.shift_id.in_(shift_ids)))
    closed = list(
        s.scalars(
            select(Shift.id).where(
                Shift.id.in_(shift_ids), Shift.status == ShiftStatus.CLOSED.value
            )
        )
    )
    if not closed:
        if touched:
            s.execute(delete(ReportMonthCell).where(ReportMonthCell.month.in_(sorted(touched))))
        return
    if spans is not None:
        spans = {i: span for i, span in spans.items() if i in closed}
    spans, selects = _dimension_selects(s, Call.shift_id.in_(closed), tz, rates, digits, spans)
    columns = ["shift_id", "day", "dimension", "value", *_SUMS]
    if selects:
        for dimension in (_BOOTH, _DESTINATION):
            s.execute(insert(ReportCell).from_select(columns, selects[dimension]))
        # Every call has a booth: a day's cells are the sums of its booth cells
        # (a few rows per shift instead of another pass over the calls).
        s.execute(
            insert(ReportCell).from_select(
                columns,
                select(
                    ReportCell.shift_id,
                    ReportCell.day,
                    literal(_DAY),
                    literal(""),
                    *(func.sum(getattr(ReportCell, name)) for name in _SUMS),
                )
                .where(ReportCell.dimension == _BOOTH, ReportCell.shift_id.in_(closed))
                .group_by(ReportCell.shift_id, ReportCell.day),
            )
        )
    now = shop.clock.now()
    for first, last in spans.values():
        touched |= {_month(d) for d in _days(first, last)}
    if touched:
        s.execute(delete(ReportMonthCell).where(ReportMonthCell.month.in_(sorted(touched))))
    for shift_id in closed:
        span = spans.get(shift_id)
        days = _days(*span) if span is not None else []
        s.add(
            ReportShift(shift_id=shift_id, tz=tz_name, rates=_rates_text(days, rates), built_at=now)
        )


def unsummed_shift_ids(session: Session) -> list[int]:
    """Shifts whose calls are not in the cells (open ones, and closed ones not summed)."""
    summed = select(ReportShift.shift_id)
    return list(session.scalars(select(Shift.id).where(Shift.id.not_in(summed))))


def cell_sums(session: Session, group_by: GroupBy, first: date, last: date) -> dict[Any, ReportRow]:
    """The cells of ``first``..``last`` summed per group key: the local date (ISO text)
    for DAY, the shift id for OPERATOR, the booth or destination name otherwise (whole
    months of those two are read from the month cells)."""
    dimension = {GroupBy.BOOTH: _BOOTH, GroupBy.DESTINATION: _DESTINATION}.get(group_by, _DAY)
    key: Any
    if group_by is GroupBy.DAY:
        key = ReportCell.day
    elif group_by is GroupBy.OPERATOR:
        key = ReportCell.shift_id
    else:
        key = ReportCell.value
    out: dict[Any, ReportRow] = {}

    def add(rows: Any) -> None:
        for k, *values in rows:
            k = k.isoformat() if isinstance(k, date) else k  # noqa: PLW2901
            row = row_from("", values)
            out[k] = out[k].plus(row) if k in out else row

    day_ranges = [(first, last)]
    if dimension != _DAY:
        # Whole calendar months inside the period come from the month cells.
        start = first if first.day == 1 else _next_month(first)
        end = start
        while _next_month(end) <= last + timedelta(days=1):
            end = _next_month(end)
        if end > start:
            day_ranges = [(first, start - timedelta(days=1)), (end, last)]
            summed = set(
                session.scalars(
                    select(ReportMonthCell.month)
                    .distinct()
                    .where(ReportMonthCell.month >= start, ReportMonthCell.month < end)
                )
            )
            month = start
            while month < end:  # a month being re-summed right now: read its days
                if month not in summed:
                    day_ranges.append((month, _next_month(month) - timedelta(days=1)))
                month = _next_month(month)
            if summed:
                add(
                    session.execute(
                        select(
                            ReportMonthCell.value,
                            *(func.sum(getattr(ReportMonthCell, n)) for n in _SUMS),
                        )
                        .where(
                            ReportMonthCell.dimension == dimension,
                            ReportMonthCell.month.in_(sorted(summed)),
                        )
                        .group_by(ReportMonthCell.value)
                    )
                )
    sums = [func.sum(getattr(ReportCell, name)) for name in _SUMS]
    for low, high in day_ranges:
        if low > high:
            continue
        add(
            session.execute(
                select(key, *sums)
                .where(
                    ReportCell.dimension == dimension, ReportCell.day >= low, ReportCell.day <= high
                )
                .group_by(key)
            )
        )
    return out
