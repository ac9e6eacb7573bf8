"""What the pages show, read from central's tables for one user.

Every function takes the caller's :class:`Principal`; a shop the caller may not see is
:class:`NotFound` exactly like a shop that does not exist (no leak through ids)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, func, select

from callshop_wire import ClosedShift, CorrectionRecord, Heartbeat, decode, parse_utc
from central import service
from central.auth import Principal
from central.clock import Clock
from central.db import CentralDb
from central.errors import Invalid, NotFound
from central.models import (
    SILENT_KIND,
    CarrierEntry,
    CorrectionRow,
    HeartbeatRow,
    Incident,
    ShiftDestination,
    ShiftRow,
    Shop,
)
from central.presence import ONLINE_GAP, is_online
from central.reports import ReportRow

__all__ = [
    "ONLINE_WINDOW",
    "PERIODS",
    "SILENT_AFTER",
    "Counts",
    "CurrencyReport",
    "IncidentLine",
    "LiveShop",
    "Period",
    "Report",
    "ReportRow",
    "SessionDetail",
    "SessionTotals",
    "bar_chart",
    "incident_lines",
    "live",
    "month_bounds",
    "period_range",
    "report",
    "session_detail",
    "sessions",
    "shop_of",
    "totals",
    "visible_shops",
]

#: a shop whose newest heartbeat arrived longer ago than this is shown offline
ONLINE_WINDOW = ONLINE_GAP
PERIODS = ("today", "yesterday", "week", "month", "custom")


@dataclass(frozen=True, slots=True)
class ShopInfo:
    id: int
    code: str
    name: str
    timezone: str


def _visible(principal: Principal) -> object:
    if principal.role == "owner":
        return True
    return Shop.code.in_(sorted(principal.shops))


def visible_shops(db: CentralDb, principal: Principal) -> list[ShopInfo]:
    if principal.kind != "user":
        return []
    with db.read() as s:
        rows = s.execute(
            select(Shop.id, Shop.code, Shop.name, Shop.timezone)
            .where(_visible(principal))  # type: ignore[arg-type]
            .order_by(Shop.name, Shop.code)
        ).all()
    return [ShopInfo(*r) for r in rows]


def shop_of(db: CentralDb, principal: Principal, code: str) -> ShopInfo:
    """The shop, or NotFound for an unknown shop and for one the caller may not see."""
    for shop in visible_shops(db, principal):
        if shop.code == code:
            return shop
    raise NotFound(f"no shop {code!r}")


# ------------------------------------------------------------------ now


@dataclass(frozen=True, slots=True)
class LiveShop:
    shop: ShopInfo
    online: bool
    #: central's time of the newest heartbeat (offline: "offline since" it)
    last_seen: datetime | None
    #: the first heartbeat of the current unbroken run (online: "online since" it)
    online_since: datetime | None
    heartbeat: Heartbeat | None
    balance_micro_usd: int


def live(db: CentralDb, clock: Clock, principal: Principal) -> list[LiveShop]:
    shops = visible_shops(db, principal)
    now = clock.now()
    ids = [s.id for s in shops]
    with db.read() as s:
        beats = {
            r.shop_id: r
            for r in s.scalars(select(HeartbeatRow).where(HeartbeatRow.shop_id.in_(ids)))
        }
        balances = {
            shop_id: total
            for shop_id, total in s.execute(
                select(CarrierEntry.shop_id, func.sum(CarrierEntry.amount_micro_usd))
                .where(CarrierEntry.shop_id.in_(ids))
                .group_by(CarrierEntry.shop_id)
            )
        }
    out = []
    for shop in shops:
        beat = beats.get(shop.id)
        last_seen = None if beat is None else (beat.heard_at or beat.received_at)
        online = is_online(last_seen, now)
        out.append(
            LiveShop(
                shop=shop,
                online=online,
                last_seen=last_seen,
                online_since=beat.online_since if beat is not None and online else None,
                heartbeat=None if beat is None else decode(Heartbeat, beat.payload),
                balance_micro_usd=int(balances.get(shop.id) or 0),
            )
        )
    return out


# ------------------------------------------------------------------ sessions by period


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    first: date  # local dates, both included
    last: date


#: what a bad period is told (shown translated: central.web.i18n.DYNAMIC_MESSAGES)
PERIOD_NEEDS_DATES = "A custom period needs two dates, YYYY-MM-DD."
PERIOD_BACKWARDS = "The period ends before it starts."
PERIOD_TOO_LONG = "A period is at most a year."
PERIOD_UNKNOWN = "Unknown period."
PERIOD_ERRORS = (PERIOD_NEEDS_DATES, PERIOD_BACKWARDS, PERIOD_TOO_LONG, PERIOD_UNKNOWN)


def period_range(
    name: str, today: date, first: str | None = None, last: str | None = None
) -> Period:
    """The local dates of a named period (a week starts on Monday)."""
    if name == "today":
        return Period(name, today, today)
    if name == "yesterday":
        day = today - timedelta(days=1)
        return Period(name, day, day)
    if name == "week":
        return Period(name, today - timedelta(days=today.weekday()), today)
    if name == "month":
        return Period(name, today.replace(day=1), today)
    if name == "custom":
        try:
            start = date.fromisoformat(first or "")
            end = date.fromisoformat(last or "")
        except ValueError:
            raise Invalid(PERIOD_NEEDS_DATES) from None
        if end < start:
            raise Invalid(PERIOD_BACKWARDS)
        if (end - start).days > 366:
            raise Invalid(PERIOD_TOO_LONG)
        return Period(name, start, end)
    raise Invalid(PERIOD_UNKNOWN)


def _utc_bounds(period: Period, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime.combine(period.first, time(0), zone)
    end = datetime.combine(period.last + timedelta(days=1), time(0), zone)
    return start, end


def local_today(clock: Clock, tz: str) -> date:
    return clock.now().astimezone(ZoneInfo(tz)).date()


#: what a session list shows (never the payload: a shift's payload can be megabytes)
LIST_COLUMNS = tuple(
    getattr(ShiftRow, name)
    for name in (
        "shift_uuid",
        "opened_at",
        "closed_at",
        "operator",
        "currency",
        "call_count",
        "talk_seconds",
        "cash_minor",
        "unserved",
        "unpaid",
        "counted_minor",
        "expected_minor",
        "discrepancy_minor",
        "anchored",
        "billable_seconds",
        "wholesale_micro_usd",
        "wholesale_cost_minor",
        "unconverted_micro_usd",
    )
)


@dataclass(frozen=True, slots=True)
class SessionLine:
    shop: ShopInfo
    row: Any  # a Row of LIST_COLUMNS and shop_id


def sessions(
    db: CentralDb,
    clock: Clock,
    principal: Principal,
    period_name: str,
    first: str | None,
    last: str | None,
    shop_code: str | None,
) -> tuple[Period, list[SessionLine]]:
    """Every shift closed in the period, the period's days taken in each shop's own
    time zone; ``shop_code`` narrows to one shop (NotFound when not visible)."""
    shops = visible_shops(db, principal)
    if shop_code:
        shops = [shop_of(db, principal, shop_code)]
    reference_tz = shops[0].timezone if shops else "UTC"
    period = period_range(period_name, local_today(clock, reference_tz), first, last)
    lines: list[SessionLine] = []
    by_zone: dict[str, dict[int, ShopInfo]] = {}
    for shop in shops:
        by_zone.setdefault(shop.timezone, {})[shop.id] = shop
    with db.read() as s:
        # one query per time zone (the shops of a chain mostly share one), not per shop
        for tz, group in by_zone.items():
            start, end = _utc_bounds(period, tz)
            rows = s.execute(
                select(*LIST_COLUMNS, ShiftRow.shop_id)
                .where(
                    ShiftRow.shop_id.in_(list(group)),
                    ShiftRow.closed_at >= start,
                    ShiftRow.closed_at < end,
                )
                .order_by(ShiftRow.closed_at)
            ).all()
            lines.extend(SessionLine(group[r.shop_id], r) for r in rows)
    if len(by_zone) > 1 or len(shops) > 1:
        lines.sort(key=lambda line: (line.row.closed_at, line.shop.code))
    return period, lines


TOTALLED = (
    "call_count",
    "talk_seconds",
    "cash_minor",
    "unserved",
    "unpaid",
    "counted_minor",
    "expected_minor",
    "discrepancy_minor",
)


@dataclass(slots=True)
class SessionTotals:
    """The totals of a session list's shifts in one currency: amounts of shifts in
    different currencies are never added together."""

    currency: str
    call_count: int = 0
    talk_seconds: int = 0
    cash_minor: int = 0
    unserved: int = 0
    unpaid: int = 0
    counted_minor: int = 0
    expected_minor: int = 0
    discrepancy_minor: int = 0


def totals(lines: list[SessionLine]) -> list[SessionTotals]:
    """One :class:`SessionTotals` per currency of the lines, by ISO code."""
    by_currency: dict[str, SessionTotals] = {}
    for line in lines:
        r = line.row
        t = by_currency.get(r.currency) or by_currency.setdefault(
            r.currency, SessionTotals(r.currency)
        )
        for name in TOTALLED:
            setattr(t, name, getattr(t, name) + int(getattr(r, name)))
    return [by_currency[c] for c in sorted(by_currency)]


# ------------------------------------------------------------------ one session


@dataclass(frozen=True, slots=True)
class LaterCorrection:
    record: CorrectionRecord
    received_at: datetime
    anchored: bool | None


@dataclass(frozen=True, slots=True)
class SessionDetail:
    shop: ShopInfo
    row: ShiftRow
    shift: ClosedShift
    corrections: list[LaterCorrection]


def session_detail(
    db: CentralDb, principal: Principal, shop_code: str, shift_uuid: uuid.UUID
) -> SessionDetail:
    shop = shop_of(db, principal, shop_code)
    with db.read() as s:
        row = s.scalars(
            select(ShiftRow).where(
                ShiftRow.shop_id == shop.id, ShiftRow.shift_uuid == str(shift_uuid)
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"no shift {shift_uuid} in shop {shop_code!r}")
        corrections = s.scalars(
            select(CorrectionRow).where(CorrectionRow.shift_id == row.id).order_by(CorrectionRow.id)
        ).all()
        later = [
            LaterCorrection(decode(CorrectionRecord, c.payload), c.received_at, c.anchored)
            for c in corrections
        ]
    return SessionDetail(shop, row, decode(ClosedShift, row.payload), later)


# ------------------------------------------------------------------ incidents, carrier

#: the default of the chain's setting (``service.silent_after`` holds the one in force)
SILENT_AFTER = service.SILENT_AFTER_DEFAULT


@dataclass(frozen=True, slots=True)
class IncidentLine:
    shop: ShopInfo
    kind: str
    at: datetime | None
    message: str
    subject_uuid: str | None


def incident_lines(db: CentralDb, clock: Clock, principal: Principal) -> list[IncidentLine]:
    """Chain breaks and conflicting re-sends (newest first), after the shops silent now
    (the silences are the stored incidents, raised here if due: ``at`` is when the shop
    was last heard, None if never; ended silences are in the API's list)."""
    now = clock.now()
    shops = visible_shops(db, principal)
    service.sweep_silent(db, clock, [shop.code for shop in shops])
    lines: list[IncidentLine] = []
    silent: list[IncidentLine] = []
    with db.read() as s:
        for shop in shops:
            rows = s.scalars(select(Incident).where(Incident.shop_id == shop.id)).all()
            for r in rows:
                if r.kind != SILENT_KIND:
                    lines.append(IncidentLine(shop, r.kind, r.at, r.message, r.subject_uuid))
                elif r.closed_at is None:
                    heard = json.loads(r.detail).get("last_heard_at")
                    silent.append(
                        IncidentLine(shop, r.kind, parse_utc(heard) if heard else None, "", None)
                    )
    lines.sort(key=lambda line: line.at or now, reverse=True)
    return silent + lines


def month_bounds(clock: Clock, tz: str) -> tuple[datetime, datetime, Period]:
    today = local_today(clock, tz)
    period = period_range("month", today)
    start, end = _utc_bounds(period, tz)
    return start, end, period


# ------------------------------------------------------------------ reports


@dataclass(frozen=True, slots=True)
class CurrencyReport:
    """The report of the period's shifts kept in one currency."""

    currency: str
    by_day: list[ReportRow]
    by_shop: list[ReportRow]
    by_destination: list[ReportRow]
    total: ReportRow


@dataclass(frozen=True, slots=True)
class Counts:
    """What does add up across currencies: shifts, calls, billable seconds and the
    carrier cost in USD (the carrier bills in USD whatever a shop's currency)."""

    shifts: int = 0
    calls: int = 0
    billable_seconds: int = 0
    wholesale_micro_usd: int = 0


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    #: one report per currency of the period's shifts, by ISO code (amounts of
    #: different currencies are never added); a period without a shift has one, empty
    by_currency: list[CurrencyReport]
    #: the counts of every currency together
    counts: Counts

    @property
    def mixed(self) -> bool:
        """True when the period's shifts are in more than one currency."""
        return len(self.by_currency) > 1

    def only(self) -> CurrencyReport:
        """The report of a period whose shifts are all in one currency; ValueError
        when they are in several (there is no total of different currencies)."""
        if self.mixed:
            codes = ", ".join(part.currency for part in self.by_currency)
            raise ValueError(f"the report is in several currencies ({codes}): see by_currency")
        return self.by_currency[0]

    @property
    def total(self) -> ReportRow:
        """The total of a one-currency report (ValueError for several, see :meth:`only`)."""
        return self.only().total

    @property
    def by_day(self) -> list[ReportRow]:
        return self.only().by_day

    @property
    def by_shop(self) -> list[ReportRow]:
        return self.only().by_shop

    @property
    def by_destination(self) -> list[ReportRow]:
        return self.only().by_destination


@dataclass(frozen=True, slots=True)
class _Corrected:
    by_shift: dict[tuple[str, str], int]
    #: (destination, currency of the corrected call's shift)
    by_destination: dict[tuple[str, str], int]


def _corrections(db: CentralDb, period: Period, lines: list[SessionLine]) -> _Corrected:
    """Corrections of the lines' shifts. One whose shift is not among the lines (it
    arrived between the two reads) counts nowhere, in no table: the figures stay those
    of one set of shifts, each correction in its shift's currency."""
    by_shift: dict[tuple[str, str], int] = {}
    by_destination: dict[tuple[str, str], int] = {}
    shops = {line.shop.code: line.shop for line in lines}
    currency_of = {(line.shop.code, line.row.shift_uuid): line.row.currency for line in lines}
    for code in sorted(shops):
        start, end = _utc_bounds(period, shops[code].timezone)
        for c in service.corrections_in_period(db, shops[code].id, start, end):
            key = (code, c.shift_uuid)
            currency = currency_of.get(key)
            if currency is None:
                continue
            by_shift[key] = by_shift.get(key, 0) + c.amount_minor
            where = (c.destination or "?", currency)
            by_destination[where] = by_destination.get(where, 0) + c.amount_minor
    return _Corrected(by_shift, by_destination)


def _add_shift(row: ReportRow, shift: Row[Any]) -> None:
    row.shifts += 1
    row.calls += shift.call_count
    row.billable_seconds += shift.billable_seconds
    row.takings_minor += shift.cash_minor
    row.wholesale_micro_usd += shift.wholesale_micro_usd
    row.wholesale_cost_minor += shift.wholesale_cost_minor
    row.unconverted_micro_usd += shift.unconverted_micro_usd


class _Tables:
    """The rows of one currency's report while they are summed."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.by_day: dict[str, ReportRow] = {}
        self.by_shop: dict[str, ReportRow] = {}
        self.by_destination: dict[str, ReportRow] = {}
        self.total = ReportRow("total", currency=currency)

    def row(self, table: dict[str, ReportRow], key: str) -> ReportRow:
        found = table.get(key)
        if found is None:
            found = table[key] = ReportRow(key, currency=self.currency)
        return found

    def done(self) -> CurrencyReport:
        return CurrencyReport(
            self.currency,
            sorted(self.by_day.values(), key=lambda r: r.key),
            sorted(self.by_shop.values(), key=lambda r: r.key),
            sorted(self.by_destination.values(), key=lambda r: (-r.takings_minor, r.key)),
            self.total,
        )


def _latest_currency(db: CentralDb, shop_ids: list[int]) -> str:
    """The currency of the newest shift of these shops (EUR when none): what an empty
    report is shown in."""
    with db.read() as s:
        found = s.scalar(
            select(ShiftRow.currency)
            .where(ShiftRow.shop_id.in_(shop_ids))
            .order_by(ShiftRow.closed_at.desc(), ShiftRow.id.desc())
            .limit(1)
        )
    return found or "EUR"


def report(
    db: CentralDb,
    clock: Clock,
    principal: Principal,
    period_name: str,
    first: str | None,
    last: str | None,
    shop_code: str | None,
) -> Report:
    """Takings, carrier cost and profit (see :mod:`central.reports`) of the shifts
    closed in the period, by local day of closing, by shop and by destination — one
    report per currency of the shifts, for amounts of different currencies are never
    added. Corrections made to a shift's calls after it closed count in the shift's day,
    shop, currency and the call's destination, whenever they arrived
    (``corrections_minor`` says how much of the takings they are)."""
    period, lines = sessions(db, clock, principal, period_name, first, last, shop_code)
    corrected = _corrections(db, period, lines)
    parts: dict[str, _Tables] = {}
    zones: dict[str, ZoneInfo] = {}
    for line in lines:
        zone = zones.get(line.shop.timezone) or zones.setdefault(
            line.shop.timezone, ZoneInfo(line.shop.timezone)
        )
        currency = line.row.currency
        part = parts.get(currency) or parts.setdefault(currency, _Tables(currency))
        day = line.row.closed_at.astimezone(zone).date().isoformat()
        correction = corrected.by_shift.get((line.shop.code, line.row.shift_uuid), 0)
        for row in (
            part.row(part.by_day, day),
            part.row(part.by_shop, line.shop.name),
            part.total,
        ):
            _add_shift(row, line.row)
            row.takings_minor += correction
            row.corrections_minor += correction
    shops = {s.code: s for s in visible_shops(db, principal)}
    with db.read() as s:
        for code in sorted({line.shop.code for line in lines}):
            shop = shops[code]
            start, end = _utc_bounds(period, shop.timezone)
            rows = s.execute(
                select(
                    ShiftRow.currency,
                    ShiftDestination.destination,
                    func.sum(ShiftDestination.calls),
                    func.sum(ShiftDestination.billable_seconds),
                    func.sum(ShiftDestination.takings_minor),
                    func.sum(ShiftDestination.wholesale_micro_usd),
                    func.sum(ShiftDestination.wholesale_cost_minor),
                    func.sum(ShiftDestination.unconverted_micro_usd),
                )
                .join(ShiftRow, ShiftRow.id == ShiftDestination.shift_id)
                .where(
                    ShiftRow.shop_id == shop.id,
                    ShiftRow.closed_at >= start,
                    ShiftRow.closed_at < end,
                )
                .group_by(ShiftRow.currency, ShiftDestination.destination)
            ).all()
            for currency, destination, calls, billable, takings, micro, cost, unconverted in rows:
                part = parts.get(currency) or parts.setdefault(currency, _Tables(currency))
                row = part.row(part.by_destination, destination or "?")
                row.calls += int(calls or 0)
                row.billable_seconds += int(billable or 0)
                row.takings_minor += int(takings or 0)
                row.wholesale_micro_usd += int(micro or 0)
                row.wholesale_cost_minor += int(cost or 0)
                row.unconverted_micro_usd += int(unconverted or 0)
    for (key, currency), amount in corrected.by_destination.items():
        part = parts[currency]
        row = part.row(part.by_destination, key)
        row.takings_minor += amount
        row.corrections_minor += amount
    if not parts:
        ids = [shop.id for shop in shops.values()]
        if shop_code:
            ids = [shop_of(db, principal, shop_code).id]
        currency = _latest_currency(db, ids)
        parts[currency] = _Tables(currency)
    by_currency = [parts[c].done() for c in sorted(parts)]
    totals = [part.total for part in by_currency]
    return Report(
        period,
        by_currency,
        Counts(
            shifts=sum(t.shifts for t in totals),
            calls=sum(t.calls for t in totals),
            billable_seconds=sum(t.billable_seconds for t in totals),
            wholesale_micro_usd=sum(t.wholesale_micro_usd for t in totals),
        ),
    )


#: the chart's series: (figure, CSS class)
SERIES = (("takings", "bar-takings"), ("cost", "bar-cost"), ("profit", "bar-profit"))


def bar_chart(rows: list[ReportRow], width: int = 640, height: int = 180) -> dict[str, Any]:
    """Takings, converted carrier cost and profit by day as grouped bars, in SVG user
    units (drawn by the template). A day without a USD rate gets no cost or profit
    bar but a marker; a loss goes below the zero line."""
    if not rows:
        return {"groups": [], "zero": height - 20, "width": width, "height": height}
    values = []
    for r in rows:
        values.append(
            (
                r.takings_minor,
                r.wholesale_cost_minor if r.has_rate else None,
                r.profit_minor,
            )
        )
    flat = [v for triple in values for v in triple if v is not None]
    top = max(*flat, 1)
    bottom = min(*flat, 0)
    plot = height - 30  # 10 above, 20 below for the day labels
    scale = plot / (top - bottom)
    zero = 10 + top * scale
    step = width / len(rows)
    bar = step * 0.8 / 3
    groups = []
    for i, (r, triple) in enumerate(zip(rows, values, strict=True)):
        x0 = i * step + step * 0.1
        bars = []
        for j, ((name, css), value) in enumerate(zip(SERIES, triple, strict=True)):
            if value is None:
                continue
            h = abs(value) * scale
            bars.append(
                {
                    "name": name,
                    "css": css,
                    "x": round(x0 + j * bar, 1),
                    "w": round(bar, 1),
                    "y": round(zero - h if value >= 0 else zero, 1),
                    "h": round(h, 1),
                    "value": value,
                }
            )
        groups.append(
            {
                "row": r,
                "bars": bars,
                "no_rate": not r.has_rate,
                "mid": round(x0 + step * 0.4, 1),
                "label": r.key[8:10],
            }
        )
    return {"groups": groups, "zero": round(zero, 1), "width": width, "height": height}
