"""Central's use cases, one database transaction each (the HTTP layer and the CLI call
these; the owner's web pages will too).

Idempotency: a closed shift, a correction and a top-up are keyed by their UUID within
their shop. The first request stores the content's SHA-256 (of the canonical encoding)
with the answer; a repeat with the same content gets that same answer, a repeat with
other content is refused (409) and recorded as an incident. Writes for one shop are
serialised by locking the shop's row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
``BEGIN IMMEDIATE`` serialises every writer), so two processes sending the same shift at
once store it once.

Chain anchoring: every journal head a till sends is kept in arrival order. A message
whose ``previous_head`` is not the last head central holds for the shop is accepted but
flagged (``anchored = false``) and an incident is recorded.

Silent shops: a shop that has sent no heartbeat for longer than the chain's setting
(:data:`SILENT_AFTER_SETTING`, default :data:`SILENT_AFTER_DEFAULT`) is an incident,
raised once per silence and closed by the next heartbeat. Nothing runs on a timer in a
process (any number of workers serve one database): the silence is found when the
incidents are read (:func:`sweep_silent`) and, for a silence nobody looked at while it
lasted, by the heartbeat that ends it. A unique partial index allows one open silence
per shop, and both paths lock the shop's row, so two workers never raise it twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter
from sqlalchemy import Table, bindparam, func, insert, literal, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callshop_wire import (
    SCHEMA_VERSION,
    Anchor,
    CarrierBalance,
    CarrierEntry,
    CarrierLedger,
    ClosedShift,
    CorrectionPayload,
    CorrectionRecord,
    Heartbeat,
    HeartbeatAck,
    HeldHead,
    JournalHeads,
    ShiftAccepted,
    WholesalePriceList,
    WireError,
    content_sha256,
    decode,
    encode,
    format_utc,
)
from callshop_wire.payloads import ShopId
from callshop_wire.types import Text, UtcTime
from central.clock import Clock
from central.db import CentralDb
from central.errors import Conflict, Invalid, Malformed, NotFound
from central.models import (
    SILENT_KIND,
    CallRow,
    CentralSetting,
    CorrectionRow,
    HeadRow,
    HeartbeatRow,
    Incident,
    PriceListRow,
    ShiftRow,
    Shop,
)
from central.models import CarrierEntry as CarrierRow
from central.presence import mark_seen
from central.reports import shift_cost_columns, store_destinations

__all__ = [
    "HEARTBEAT_STALE",
    "SILENT_AFTER_DEFAULT",
    "SILENT_AFTER_SETTING",
    "CorrectionSum",
    "IncidentView",
    "Outcome",
    "PublishedList",
    "TopupRequest",
    "add_shop",
    "balance",
    "corrections_in_period",
    "get_shift",
    "heads",
    "incidents",
    "ledger",
    "parse",
    "publish_price_list",
    "put_correction",
    "put_shift",
    "put_topup",
    "receive_heartbeat",
    "set_silent_after",
    "silent_after",
    "sweep_silent",
    "wholesale_price_list",
]

#: A stored heartbeat older than this (by central's clock) is replaced even by one whose
#: ``sent_at`` is earlier — a till whose clock was set back must not freeze the view.
HEARTBEAT_STALE = timedelta(minutes=2)

#: A shop that has sent no heartbeat for longer than this is an incident (the default of
#: the chain's setting ``silent_after_minutes``; the till sends one every 30 s online).
SILENT_AFTER_DEFAULT = timedelta(minutes=15)
SILENT_AFTER_SETTING = "silent_after_minutes"
#: the setting's bounds, in minutes (a minute to a week)
SILENT_AFTER_RANGE = (1, 7 * 24 * 60)

InsertMode = Literal["bulk", "row"]
M = TypeVar("M", bound=BaseModel)


class TopupRequest(BaseModel):
    """``PUT /v1/shops/{shop}/carrier/topups/{topup_uuid}`` (owner only)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount_micro_usd: StrictInt = Field(gt=0, le=1_000_000 * 1_000_000)
    at: UtcTime | None = Field(default=None, description="when the money was paid; default now")
    reference: Text = ""


class IncidentView(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    shop: str
    kind: str = Field(
        description="chain_break, conflicting_resend, duplicate_call or silent (see docs)"
    )
    at: UtcTime
    subject_uuid: str | None
    message: str
    closed_at: UtcTime | None = Field(
        default=None,
        description="a silence: when the shop was heard again (null while it lasts); "
        "other kinds are never closed",
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """An idempotent write's answer and whether it repeated an earlier one."""

    answer: ShiftAccepted
    replayed: bool


@dataclass(frozen=True, slots=True)
class PublishedList:
    body: bytes
    etag: str
    version: int


# ------------------------------------------------------------------ helpers


def parse(model: type[M], body: bytes) -> M:
    """Decode a request body: 400 when it is not JSON, 422 when it is the wrong JSON."""
    try:
        return decode(model, body)
    except WireError as exc:
        if any(e.get("type") == "json_invalid" for e in exc.errors):
            raise Malformed(f"the body is not valid JSON: {exc}", details=exc.errors) from None
        raise Invalid(str(exc), details=exc.errors) from None


def _shop(s: Session, code: str, *, lock: bool = False) -> Shop:
    stmt = select(Shop).where(Shop.code == code)
    if lock:
        stmt = stmt.with_for_update()
    shop = s.scalars(stmt).one_or_none()
    if shop is None:
        raise NotFound(f"no shop {code!r}")
    return shop


def _incident(
    s: Session,
    shop: Shop,
    now: datetime,
    kind: str,
    subject: str | None,
    message: str,
    detail: dict[str, Any],
) -> Incident:
    row = Incident(
        shop_id=shop.id,
        kind=kind,
        at=now,
        subject_uuid=subject,
        message=message,
        detail=json.dumps(detail, sort_keys=True),
    )
    s.add(row)
    s.flush()
    return row


def _verdict(last: tuple[int, str] | None, anchor: Anchor, kind: str) -> str:
    """Why the message does not link to the last head held (``""`` when it does)."""
    prev = anchor.previous_head
    if last is None:
        if prev is None:
            return ""
        return (
            f"the till links this {kind} to head #{prev.seq}, but central holds "
            "no earlier head of the shop"
        )
    last_seq, last_hash = last
    if prev is None:
        return (
            f"the till says this {kind} is its first message, but central holds head "
            f"#{last_seq} from it: a till database restored from before its first sync, "
            "reinstalled, or a second till"
        )
    if prev.seq != last_seq or prev.hash != last_hash:
        return (
            f"the till links this {kind} to head #{prev.seq} {prev.hash[:12]}…, but the last "
            f"head central holds is #{last_seq} {last_hash[:12]}…: a till database restored "
            "from an old backup, a rewritten history or a second till"
        )
    if anchor.head.seq < last_seq:
        return f"the journal went backwards: head #{anchor.head.seq} after #{last_seq}"
    return ""


def _break_detail(last: tuple[int, str] | None, anchor: Anchor) -> dict[str, Any]:
    prev = anchor.previous_head
    return {
        "head": anchor.head.model_dump(mode="json"),
        "previous_head": prev.model_dump(mode="json") if prev else None,
        "held_head": {"seq": last[0], "hash": last[1]} if last else None,
    }


def _head_values(
    shop_id: int, now: datetime, anchor: Anchor, message_uuid: str, kind: str, ok: bool
) -> dict[str, Any]:
    prev = anchor.previous_head
    return {
        "shop_id": shop_id,
        "seq": anchor.head.seq,
        "hash": anchor.head.hash,
        "previous_seq": prev.seq if prev else None,
        "previous_hash": prev.hash if prev else None,
        "message_uuid": message_uuid,
        "kind": kind,
        "received_at": now,
        "anchored": ok,
    }


def _last_head(shop_id: Any) -> Any:
    return (
        select(HeadRow.seq, HeadRow.hash)
        .where(HeadRow.shop_id == shop_id)
        .order_by(HeadRow.id.desc())
        .limit(1)
    )


def _anchor(
    s: Session, shop: Shop, now: datetime, anchor: Anchor, message_uuid: str, kind: str
) -> tuple[bool, Incident | None]:
    """Keep the head; check it links to the last one held (an incident if not)."""
    found = s.execute(_last_head(shop.id)).first()
    last = (found.seq, found.hash) if found else None
    why = _verdict(last, anchor, kind)
    s.add(HeadRow(**_head_values(shop.id, now, anchor, message_uuid, kind, not why)))
    if not why:
        return True, None
    detail = _break_detail(last, anchor)
    return False, _incident(s, shop, now, "chain_break", message_uuid, why, detail)


def _conflict_incident(
    db: CentralDb,
    clock: Clock,
    shop_code: str,
    kind: str,
    subject: str,
    what: str,
    stored_sha: str,
    sent_sha: str,
) -> Conflict:
    message = (
        f"{what} {subject} is already held with other content (held {stored_sha[:12]}…, "
        f"sent {sent_sha[:12]}…); nothing was changed"
    )
    with db.write() as s:
        shop = _shop(s, shop_code)
        incident = _incident(
            s,
            shop,
            clock.now(),
            kind,
            subject,
            message,
            {"held_sha256": stored_sha, "sent_sha256": sent_sha},
        )
        incident_id = incident.id
    return Conflict(message, code="conflicting_content", incident_id=incident_id)


def _check_path(
    shop: str, payload_shop: str, uuid_path: uuid.UUID, uuid_payload: uuid.UUID, what: str
) -> None:
    if payload_shop != shop:
        raise Invalid(f"the payload is for shop {payload_shop!r}, the URL for {shop!r}")
    if uuid_payload != uuid_path:
        raise Invalid(f"the payload's {what} {uuid_payload} is not the URL's {uuid_path}")


# ------------------------------------------------------------------ shops


def add_shop(db: CentralDb, clock: Clock, code: str, name: str, timezone: str) -> None:
    try:
        TypeAdapter(ShopId).validate_python(code)
    except ValueError:
        raise Invalid(
            f"a shop code is lowercase letters, digits and dashes (sofia-1), not {code!r}"
        ) from None
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"unknown time zone {timezone!r}") from None
    try:
        with db.write() as s:
            s.add(Shop(code=code, name=name or code, timezone=timezone, created_at=clock.now()))
    except IntegrityError:
        raise Invalid(f"shop {code!r} exists already") from None


# ------------------------------------------------------------------ shifts


def _accepted(shop: str, row: ShiftRow | CorrectionRow, uid: str) -> ShiftAccepted:
    return ShiftAccepted(
        shop=shop,
        uuid=uuid.UUID(uid),
        content_sha256=row.content_sha256,
        received_at=row.received_at,
        anchored=row.anchored is not False,
        incident_id=row.incident_id,
    )


#: a check run first inside the storing transaction (a till's token: it is read in the
#: transaction that stores the shift, one transaction per PUT instead of two)
Authorize = Callable[[Session], None]


class _Parsed(NamedTuple):
    payload: ClosedShift
    canonical: bytes
    sha: str


def put_shift(
    db: CentralDb,
    clock: Clock,
    shop: str,
    shift_uuid: uuid.UUID,
    body: bytes,
    *,
    insert_mode: InsertMode = "bulk",
    authorize: Authorize | None = None,
) -> Outcome:
    """Store a closed shift once (see the module notes); the answer is the same on retry.
    ``authorize`` runs before the body is read: a caller it refuses learns nothing about
    the body and costs no decoding."""
    parsed: list[_Parsed] = []

    def read() -> _Parsed:
        if not parsed:
            payload = parse(ClosedShift, body)
            _check_path(shop, payload.shop, shift_uuid, payload.shift_uuid, "shift_uuid")
            canonical = encode(payload)
            parsed.append(_Parsed(payload, canonical, hashlib.sha256(canonical).hexdigest()))
        return parsed[0]

    store = _put_shift if insert_mode == "bulk" else _put_shift_orm
    for attempt in (1, 2):
        try:
            return store(db, clock, shop, read, authorize, insert_mode)
        except IntegrityError:
            # Another process stored it between our check and our insert (or a call UUID
            # is already in another shift): look again.
            if attempt == 2:
                p = read()
                message = (
                    f"a call of shift {p.payload.shift_uuid} is already held in another "
                    "shift of the shop; nothing was changed"
                )
                with db.write() as s:
                    incident = _incident(
                        s,
                        _shop(s, shop),
                        clock.now(),
                        "duplicate_call",
                        str(p.payload.shift_uuid),
                        message,
                        {"sha256": p.sha},
                    )
                    incident_id = incident.id
                raise Conflict(message, code="duplicate_call", incident_id=incident_id) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _put_shift(
    db: CentralDb,
    clock: Clock,
    shop_code: str,
    read: Callable[[], _Parsed],
    authorize: Authorize | None,
    insert_mode: InsertMode,
) -> Outcome:
    """The shipped path: SQLAlchemy Core, one statement per table and as few round trips
    as the locking allows — lock the shop; one probe for a held copy and the last head
    (after the lock, so it sees what the previous holder committed); the shift
    (``RETURNING id``); the calls (COPY); the head and the carrier entry."""
    with db.write() as s:
        if authorize is not None:
            authorize(s)
        p, canonical, sha = read()
        uid = str(p.shift_uuid)
        conn = s.connection()
        shop_id = conn.execute(_LOCK_SHOP, {"code": shop_code}).scalar()
        if shop_id is None:
            raise NotFound(f"no shop {shop_code!r}")
        probe = conn.execute(_PROBE, {"shop_id": shop_id, "uid": uid}).one()
        if probe.held is not None:
            if probe.held != sha:
                stored_sha = str(probe.held)
            else:
                held = s.scalars(
                    select(ShiftRow).where(ShiftRow.shop_id == shop_id, ShiftRow.shift_uuid == uid)
                ).one()
                return Outcome(_accepted(shop_code, held, uid), replayed=True)
        else:
            now = clock.now()
            last = None if probe.seq is None else (int(probe.seq), str(probe.hash))
            why = _verdict(last, p.anchor, "shift")
            incident_id = None
            if why:
                shop = s.get_one(Shop, shop_id)
                detail = _break_detail(last, p.anchor)
                incident_id = _incident(s, shop, now, "chain_break", uid, why, detail).id
            wholesale = 0
            answered = 0
            for c in p.calls:
                if c.answered and c.wholesale_micro_usd:
                    wholesale += c.wholesale_micro_usd
                    answered += 1
            cost = (
                {
                    "shop_id": shop_id,
                    "entry_uuid": uid,
                    "kind": "call_cost",
                    "at": p.closed_at,
                    "amount_micro_usd": -wholesale,
                    "reference": f"shift {p.till_id}: {answered} calls",
                    "calls": answered,
                    "recorded_by": "till",
                }
                if answered
                else None
            )
            shift_id = _insert_shift(
                conn,
                db.backend,
                _shift_values(shop_id, uid, p, canonical, sha, now, wholesale, incident_id),
                _head_values(shop_id, now, p.anchor, uid, "shift", not why),
                cost,
            )
            _insert_calls(s, shop_id, shift_id, p, insert_mode)
            store_destinations(s, shop_id, shift_id, p)
            for correction in p.corrections:
                s.add(_correction_row(shop_id, shift_id, correction, now, anchored=None))
            s.flush()
            answer = ShiftAccepted(
                shop=shop_code,
                uuid=p.shift_uuid,
                content_sha256=sha,
                received_at=now,
                anchored=not why,
                incident_id=incident_id,
            )
            return Outcome(answer, replayed=False)
    raise _conflict_incident(
        db, clock, shop_code, "conflicting_resend", uid, "shift", stored_sha, sha
    )


_SHOPS = cast(Table, Shop.__table__)
_SHIFTS = cast(Table, ShiftRow.__table__)
_HEADS = cast(Table, HeadRow.__table__)
_CARRIER = cast(Table, CarrierRow.__table__)

# The shipped path's statements, built once: SQLAlchemy compiles each once and caches
# it, and building a statement per request (its bound values and cache key) cost more
# CPU than running it.
_LOCK_SHOP = select(_SHOPS.c.id).where(_SHOPS.c.code == bindparam("code")).with_for_update()
_LAST_HEAD = _last_head(bindparam("shop_id")).subquery()
_PROBE = select(
    select(_SHIFTS.c.content_sha256)
    .where(_SHIFTS.c.shop_id == bindparam("shop_id"), _SHIFTS.c.shift_uuid == bindparam("uid"))
    .scalar_subquery()
    .label("held"),
    _LAST_HEAD.c.seq,
    _LAST_HEAD.c.hash,
).select_from(select(literal(1).label("one")).subquery().outerjoin(_LAST_HEAD, true()))

#: the columns of a shift's row, its head's and its carrier entry's that a PUT fills
_SHIFT_COLUMNS = (
    "shop_id", "shift_uuid", "till_id", "content_sha256", "payload", "received_at",
    "opened_at", "closed_at", "operator", "currency", "call_count", "attempts",
    "talk_seconds", "billable_seconds", "payments_minor", "refunds_minor", "cash_minor",
    "expected_minor", "counted_minor", "discrepancy_minor", "paid", "unserved", "unpaid",
    "unrated", "wholesale_micro_usd", "wholesale_cost_minor", "unconverted_micro_usd",
    "head_seq", "head_hash", "anchored", "incident_id",
)  # fmt: skip
_HEAD_COLUMNS = (
    "shop_id", "seq", "hash", "previous_seq", "previous_hash", "message_uuid", "kind",
    "received_at", "anchored",
)  # fmt: skip
_COST_COLUMNS = (
    "shop_id", "entry_uuid", "kind", "at", "amount_micro_usd", "reference", "calls",
    "recorded_by",
)  # fmt: skip


def _params(table: Table, prefix: str, columns: Sequence[str]) -> dict[str, Any]:
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}


def _shift_statement(with_cost: bool) -> Any:
    """PostgreSQL: the shift, its journal head and (when it has one) its carrier entry
    in one statement (data-modifying CTEs), returning the shift's id."""
    new = insert(_SHIFTS).values(_params(_SHIFTS, "s_", _SHIFT_COLUMNS))
    new_cte = new.returning(_SHIFTS.c.id).cte("new_shift")
    stmt = select(new_cte.c.id).add_cte(
        insert(_HEADS).values(_params(_HEADS, "h_", _HEAD_COLUMNS)).cte("new_head")
    )
    if with_cost:
        row = select(*_params(_CARRIER, "c_", _COST_COLUMNS).values(), new_cte.c.id)
        stmt = stmt.add_cte(
            insert(_CARRIER).from_select([*_COST_COLUMNS, "shift_id"], row).cte("new_cost")
        )
    return stmt


_SHIFT_WITH_COST = _shift_statement(with_cost=True)
_SHIFT_WITHOUT_COST = _shift_statement(with_cost=False)


def _insert_shift(
    conn: Connection,
    backend: str,
    shift: dict[str, Any],
    head: dict[str, Any],
    cost: dict[str, Any] | None,
) -> int:
    """Insert the shift, its journal head and its carrier entry; the shift's id. On
    PostgreSQL one statement (data-modifying CTEs: one round trip instead of three)."""
    if backend == "postgresql":
        params = {"s_" + k: v for k, v in shift.items()}
        params.update(("h_" + k, v) for k, v in head.items())
        if cost is not None:
            params.update(("c_" + k, v) for k, v in cost.items())
        stmt = _SHIFT_WITHOUT_COST if cost is None else _SHIFT_WITH_COST
        return int(conn.execute(stmt, params).scalar_one())
    shift_id = int(conn.execute(insert(_SHIFTS).returning(_SHIFTS.c.id), shift).scalar_one())
    conn.execute(insert(_HEADS), head)
    if cost is not None:
        conn.execute(insert(_CARRIER), {**cost, "shift_id": shift_id})
    return shift_id


def _shift_values(
    shop_id: int,
    uid: str,
    p: ClosedShift,
    canonical: bytes,
    sha: str,
    now: datetime,
    wholesale: int,
    incident_id: int | None,
) -> dict[str, Any]:
    return {
        "shop_id": shop_id,
        "shift_uuid": uid,
        "till_id": p.till_id,
        "content_sha256": sha,
        "payload": canonical.decode("utf-8"),
        "received_at": now,
        "opened_at": p.opened_at,
        "closed_at": p.closed_at,
        "operator": p.operator,
        "currency": p.currency,
        "call_count": p.call_count,
        "attempts": p.attempts,
        "talk_seconds": p.talk_seconds,
        "billable_seconds": p.billable_seconds,
        "payments_minor": p.payments_minor,
        "refunds_minor": p.refunds_minor,
        "cash_minor": p.cash_minor,
        "expected_minor": p.expected_minor,
        "counted_minor": p.counted_minor,
        "discrepancy_minor": p.discrepancy_minor,
        "paid": p.paid,
        "unserved": p.unserved,
        "unpaid": p.unpaid,
        "unrated": p.unrated,
        "wholesale_micro_usd": wholesale,
        **shift_cost_columns(p),
        "head_seq": p.anchor.head.seq,
        "head_hash": p.anchor.head.hash,
        "anchored": incident_id is None,
        "incident_id": incident_id,
    }


def _put_shift_orm(
    db: CentralDb,
    clock: Clock,
    shop_code: str,
    read: Callable[[], _Parsed],
    authorize: Authorize | None,
    insert_mode: InsertMode,
) -> Outcome:
    """The same through the ORM, one object per row: the naive way, kept as the
    benchmark's baseline (``insert_mode="row"``)."""
    with db.write() as s:
        if authorize is not None:
            authorize(s)
        p, canonical, sha = read()
        uid = str(p.shift_uuid)
        shop = _shop(s, shop_code, lock=True)
        held = s.scalars(
            select(ShiftRow).where(ShiftRow.shop_id == shop.id, ShiftRow.shift_uuid == uid)
        ).one_or_none()
        if held is not None:
            if held.content_sha256 == sha:
                return Outcome(_accepted(shop_code, held, uid), replayed=True)
            stored_sha = held.content_sha256
        else:
            stored_sha = ""
        if not stored_sha:
            now = clock.now()
            anchored, incident = _anchor(s, shop, now, p.anchor, uid, "shift")
            wholesale = sum(c.wholesale_micro_usd or 0 for c in p.calls if c.answered)
            row = ShiftRow(
                shop_id=shop.id,
                shift_uuid=uid,
                till_id=p.till_id,
                content_sha256=sha,
                payload=canonical.decode("utf-8"),
                received_at=now,
                opened_at=p.opened_at,
                closed_at=p.closed_at,
                operator=p.operator,
                currency=p.currency,
                call_count=p.call_count,
                attempts=p.attempts,
                talk_seconds=p.talk_seconds,
                billable_seconds=p.billable_seconds,
                payments_minor=p.payments_minor,
                refunds_minor=p.refunds_minor,
                cash_minor=p.cash_minor,
                expected_minor=p.expected_minor,
                counted_minor=p.counted_minor,
                discrepancy_minor=p.discrepancy_minor,
                paid=p.paid,
                unserved=p.unserved,
                unpaid=p.unpaid,
                unrated=p.unrated,
                wholesale_micro_usd=wholesale,
                **shift_cost_columns(p),
                head_seq=p.anchor.head.seq,
                head_hash=p.anchor.head.hash,
                anchored=anchored,
                incident_id=incident.id if incident else None,
            )
            s.add(row)
            s.flush()
            _insert_calls(s, shop.id, row.id, p, insert_mode)
            store_destinations(s, shop.id, row.id, p)
            for correction in p.corrections:
                s.add(_correction_row(shop.id, row.id, correction, now, anchored=None))
            answered = sum(1 for c in p.calls if c.answered and c.wholesale_micro_usd)
            if answered:
                s.add(
                    CarrierRow(
                        shop_id=shop.id,
                        entry_uuid=uid,
                        kind="call_cost",
                        at=p.closed_at,
                        amount_micro_usd=-wholesale,
                        reference=f"shift {p.till_id}: {answered} calls",
                        shift_id=row.id,
                        calls=answered,
                        recorded_by="till",
                    )
                )
            s.flush()
            return Outcome(_accepted(shop_code, row, uid), replayed=False)
    raise _conflict_incident(
        db, clock, shop_code, "conflicting_resend", uid, "shift", stored_sha, sha
    )


#: the ``calls`` columns a shift's calls fill, in the order of :func:`_call_rows`
CALL_COLUMNS = (
    "shop_id",
    "shift_id",
    "call_uuid",
    "booth",
    "number",
    "destination",
    "setup_at",
    "answered_at",
    "ended_at",
    "duration_s",
    "billable_s",
    "price_minor",
    "wholesale_micro_usd",
    "status",
)


def _call_rows(shop_id: int, shift_id: int, p: ClosedShift) -> list[tuple[Any, ...]]:
    return [
        (
            shop_id,
            shift_id,
            str(c.call_uuid),
            c.booth,
            c.number,
            c.destination,
            c.setup_at,
            c.answered_at,
            c.ended_at,
            c.duration_s,
            c.billable_s,
            c.price_minor,
            c.wholesale_micro_usd,
            c.status,
        )
        for c in p.calls
    ]


def _insert_calls(
    s: Session, shop_id: int, shift_id: int, p: ClosedShift, mode: InsertMode
) -> None:
    tuples = _call_rows(shop_id, shift_id, p)
    if not tuples:
        return
    dialect = s.get_bind().dialect
    if mode == "bulk" and dialect.name == "postgresql" and dialect.driver == "psycopg":
        # PostgreSQL: COPY … FROM STDIN on the transaction's own connection, the fastest
        # way in (one statement; a multi-row INSERT costs psycopg more to prepare than
        # COPY costs in total)
        driver = s.connection().connection.driver_connection
        assert driver is not None  # a live psycopg connection inside the transaction
        try:
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY calls ({', '.join(CALL_COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in tuples:
                    copy.write_row(row)
        except Exception as exc:
            # the driver's own error (not wrapped by SQLAlchemy): a unique or foreign-key
            # violation (SQLSTATE class 23) is said as SQLAlchemy's IntegrityError
            if str(getattr(exc, "sqlstate", "") or "").startswith("23"):
                raise IntegrityError("COPY calls", None, exc) from exc
            raise
        return
    rows = [dict(zip(CALL_COLUMNS, row, strict=True)) for row in tuples]
    if mode == "bulk":
        # SQLite: one Core executemany (sqlite3 loops in C). (The ORM's bulk insert
        # would split the rows into groups by which columns are NULL.)
        s.connection().execute(insert(cast(Table, CallRow.__table__)), rows)
    else:  # the naive way, kept as the benchmark's baseline: one statement per row
        for values in rows:
            s.add(CallRow(**values))
            s.flush()


def get_shift(db: CentralDb, shop: str, shift_uuid: uuid.UUID) -> bytes:
    """The shift exactly as the till sent it (canonical JSON)."""
    with db.read() as s:
        shop_row = _shop(s, shop)
        payload = s.scalars(
            select(ShiftRow.payload).where(
                ShiftRow.shop_id == shop_row.id, ShiftRow.shift_uuid == str(shift_uuid)
            )
        ).one_or_none()
    if payload is None:
        raise NotFound(f"shop {shop!r} has no shift {shift_uuid}")
    return payload.encode("utf-8")


# ------------------------------------------------------------------ corrections


def _correction_row(
    shop_id: int,
    shift_id: int,
    c: CorrectionRecord,
    now: datetime,
    *,
    anchored: bool | None,
    incident_id: int | None = None,
) -> CorrectionRow:
    return CorrectionRow(
        shop_id=shop_id,
        shift_id=shift_id,
        correction_uuid=str(c.correction_uuid),
        call_uuid=str(c.call_uuid),
        content_sha256=content_sha256(c),
        payload=encode(c).decode("utf-8"),
        amount_minor=c.amount_minor,
        received_at=now,
        anchored=anchored,
        incident_id=incident_id,
    )


def put_correction(
    db: CentralDb, clock: Clock, shop: str, correction_uuid: uuid.UUID, body: bytes
) -> Outcome:
    payload = parse(CorrectionPayload, body)
    _check_path(
        shop, payload.shop, correction_uuid, payload.correction.correction_uuid, "correction_uuid"
    )
    c = payload.correction
    uid = str(c.correction_uuid)
    sha = content_sha256(c)
    with db.write() as s:
        shop_row = _shop(s, shop, lock=True)
        held = s.scalars(
            select(CorrectionRow).where(
                CorrectionRow.shop_id == shop_row.id, CorrectionRow.correction_uuid == uid
            )
        ).one_or_none()
        stored_sha = ""
        if held is not None:
            if held.content_sha256 == sha:
                return Outcome(_accepted(shop, held, uid), replayed=True)
            stored_sha = held.content_sha256
        else:
            shift_id = s.scalars(
                select(ShiftRow.id).where(
                    ShiftRow.shop_id == shop_row.id,
                    ShiftRow.shift_uuid == str(payload.shift_uuid),
                )
            ).one_or_none()
            if shift_id is None:
                raise Conflict(
                    f"central holds no shift {payload.shift_uuid} yet: send the shift first",
                    code="shift_unknown",
                )
            in_shift = s.scalars(
                select(CallRow.id).where(
                    CallRow.shift_id == shift_id, CallRow.call_uuid == str(c.call_uuid)
                )
            ).first()
            if in_shift is None:
                raise Invalid(f"call {c.call_uuid} is not in shift {payload.shift_uuid}")
            now = clock.now()
            anchored, incident = _anchor(s, shop_row, now, payload.anchor, uid, "correction")
            row = _correction_row(
                shop_row.id,
                shift_id,
                c,
                now,
                anchored=anchored,
                incident_id=incident.id if incident else None,
            )
            s.add(row)
            s.flush()
            return Outcome(_accepted(shop, row, uid), replayed=False)
    raise _conflict_incident(
        db, clock, shop, "conflicting_resend", uid, "correction", stored_sha, sha
    )


@dataclass(frozen=True, slots=True)
class CorrectionSum:
    """The corrections of one shift's calls to one destination: their count and the
    change of the shift's takings (minor units)."""

    shift_uuid: str
    destination: str | None
    count: int
    amount_minor: int


def corrections_in_period(
    db: CentralDb, shop_id: int, closed_from: datetime, closed_to: datetime
) -> list[CorrectionSum]:
    """Every correction held for the shop's shifts closed in ``[closed_from, closed_to)``
    — whenever the correction itself arrived — summed by shift and by the corrected
    call's destination. Each correction carries the change from the call's status
    before it, so the sum of a call's corrections is its whole change, in any order."""
    with db.read() as s:
        rows = s.execute(
            select(
                ShiftRow.shift_uuid,
                CallRow.destination,
                func.count(CorrectionRow.id),
                func.sum(CorrectionRow.amount_minor),
            )
            .join(ShiftRow, ShiftRow.id == CorrectionRow.shift_id)
            .join(
                CallRow,
                (CallRow.shop_id == CorrectionRow.shop_id)
                & (CallRow.call_uuid == CorrectionRow.call_uuid),
            )
            .where(
                CorrectionRow.shop_id == shop_id,
                ShiftRow.closed_at >= closed_from,
                ShiftRow.closed_at < closed_to,
            )
            .group_by(ShiftRow.shift_uuid, CallRow.destination)
            .order_by(ShiftRow.shift_uuid, CallRow.destination)
        ).all()
    return [
        CorrectionSum(uid, destination, int(count), int(amount or 0))
        for uid, destination, count, amount in rows
    ]


def heads(db: CentralDb, shop: str) -> JournalHeads:
    with db.read() as s:
        shop_row = _shop(s, shop)
        rows = s.scalars(
            select(HeadRow).where(HeadRow.shop_id == shop_row.id).order_by(HeadRow.id)
        ).all()
        return JournalHeads(
            schema_version=SCHEMA_VERSION,
            shop=shop,
            heads=tuple(
                HeldHead(
                    seq=r.seq,
                    hash=r.hash,
                    uuid=uuid.UUID(r.message_uuid),
                    received_at=r.received_at,
                    anchored=r.anchored,
                )
                for r in rows
            ),
        )


def incidents(db: CentralDb, shop: str, clock: Clock | None = None) -> list[IncidentView]:
    """The shop's incidents, oldest first; with a ``clock``, a silence that has begun
    since anyone last looked is raised first (:func:`sweep_silent`)."""
    if clock is not None:
        sweep_silent(db, clock, [shop])
    with db.read() as s:
        shop_row = _shop(s, shop)
        rows = s.scalars(
            select(Incident).where(Incident.shop_id == shop_row.id).order_by(Incident.id)
        ).all()
        return [
            IncidentView(
                id=r.id,
                shop=shop,
                kind=r.kind,
                at=r.at,
                subject_uuid=r.subject_uuid,
                message=r.message,
                closed_at=r.closed_at,
            )
            for r in rows
        ]


# ------------------------------------------------------------------ heartbeat


def receive_heartbeat(db: CentralDb, clock: Clock, shop: str, body: bytes) -> HeartbeatAck:
    """Keep the newest heartbeat of the shop (by the till's ``sent_at``; see
    :data:`HEARTBEAT_STALE`). Never booked as money. The shop is heard: an open silence
    is closed (one that nobody looked at while it lasted is recorded, closed)."""
    payload = parse(Heartbeat, body)
    if payload.shop != shop:
        raise Invalid(f"the payload is for shop {payload.shop!r}, the URL for {shop!r}")
    now = clock.now()
    values = {
        "sent_at": payload.sent_at,
        "received_at": now,
        "payload": encode(payload).decode("utf-8"),
    }
    with db.write() as s:
        shop_row = _shop(s, shop, lock=True)  # against a sweep raising this silence now
        last_heard = _last_heard(s, shop_row)
        ins = pg_insert if db.backend == "postgresql" else sqlite_insert
        stmt = ins(HeartbeatRow).values(shop_id=shop_row.id, **values)
        table = HeartbeatRow.__table__
        newer = (stmt.excluded.sent_at >= table.c.sent_at) | (
            table.c.received_at < now - HEARTBEAT_STALE
        )
        upsert = stmt.on_conflict_do_update(
            index_elements=[table.c.shop_id], set_=values, where=newer
        ).returning(table.c.shop_id)
        applied = s.execute(upsert).first() is not None
        mark_seen(s, shop_row.id, now)  # heard now; online since when
        _end_silence(s, shop_row, now, last_heard)
    return HeartbeatAck(applied=applied, server_time=now)


# ------------------------------------------------------------------ silent shops


def _silent_after(s: Session) -> timedelta:
    value = s.scalar(
        select(CentralSetting.value).where(CentralSetting.name == SILENT_AFTER_SETTING)
    )
    return SILENT_AFTER_DEFAULT if value is None else timedelta(minutes=int(value))


def silent_after(db: CentralDb) -> timedelta:
    """After how long without a heartbeat a shop is an incident (the chain's setting)."""
    with db.read() as s:
        return _silent_after(s)


def set_silent_after(db: CentralDb, clock: Clock, minutes: int, by: str) -> None:
    """Change the chain's setting (minutes, 1 to a week). Open silences stay open; the
    next read raises or spares shops by the new limit."""
    low, high = SILENT_AFTER_RANGE
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
        raise Invalid(f"a shop is silent after {low} to {high} minutes, not {minutes!r}")
    try:
        with db.write() as s:
            row = s.get(CentralSetting, SILENT_AFTER_SETTING)
            if row is None:
                s.add(
                    CentralSetting(
                        name=SILENT_AFTER_SETTING,
                        value=str(minutes),
                        updated_at=clock.now(),
                        updated_by=by,
                    )
                )
            else:
                row.value, row.updated_at, row.updated_by = str(minutes), clock.now(), by
    except IntegrityError:
        raise Conflict(
            "the setting was changed by someone else at the same moment; try again",
            code="version_conflict",
        ) from None


def _last_heard(s: Session, shop: Shop) -> datetime:
    """When central last received a heartbeat of the shop (when it was added, if never)."""
    row = s.execute(
        select(HeartbeatRow.heard_at, HeartbeatRow.received_at).where(
            HeartbeatRow.shop_id == shop.id
        )
    ).first()
    if row is None:
        return shop.created_at
    return cast(datetime, row.heard_at or row.received_at)


def _open_silence(s: Session, shop: Shop) -> Incident | None:
    return s.scalars(
        select(Incident).where(
            Incident.shop_id == shop.id,
            Incident.kind == SILENT_KIND,
            Incident.closed_at.is_(None),
        )
    ).first()


def _add_silence(
    s: Session, shop: Shop, last: datetime, limit: timedelta, closed_at: datetime | None
) -> None:
    heard = s.scalar(select(func.count()).where(HeartbeatRow.shop_id == shop.id))
    minutes = int(limit.total_seconds() // 60)
    if heard:
        message = (
            f"no heartbeat since {last:%Y-%m-%d %H:%M:%S} UTC, more than {minutes} minutes: "
            "the till is off, offline or its engine is not running"
        )
    else:
        message = (
            f"never heard from since the shop was added ({last:%Y-%m-%d %H:%M:%S} UTC), more "
            f"than {minutes} minutes: the till is not linked yet, or offline"
        )
    s.add(
        Incident(
            shop_id=shop.id,
            kind=SILENT_KIND,
            at=last + limit,
            subject_uuid=None,
            message=message,
            detail=json.dumps(
                {
                    "last_heard_at": format_utc(last) if heard else None,
                    "silent_after_minutes": minutes,
                },
                sort_keys=True,
            ),
            closed_at=closed_at,
        )
    )
    s.flush()


def _end_silence(s: Session, shop: Shop, now: datetime, last_heard: datetime) -> None:
    silence = _open_silence(s, shop)
    if silence is not None:
        silence.closed_at = now
        return
    limit = _silent_after(s)
    if now - last_heard > limit:
        _add_silence(s, shop, last_heard, limit, closed_at=now)


def sweep_silent(db: CentralDb, clock: Clock, shops: Sequence[str] | None = None) -> int:
    """Raise an incident for each shop (of ``shops``, default all) silent for longer
    than the setting and without an open silence; how many were raised. Idempotent and
    safe from any number of processes at once (see the module notes)."""
    now = clock.now()
    with db.read() as s:
        limit = _silent_after(s)
        stmt = (
            select(
                Shop.code,
                Shop.created_at,
                HeartbeatRow.heard_at,
                HeartbeatRow.received_at,
                select(Incident.id)
                .where(
                    Incident.shop_id == Shop.id,
                    Incident.kind == SILENT_KIND,
                    Incident.closed_at.is_(None),
                )
                .exists()
                .label("open"),
            )
            .outerjoin(HeartbeatRow, HeartbeatRow.shop_id == Shop.id)
            .order_by(Shop.code)
        )
        if shops is not None:
            stmt = stmt.where(Shop.code.in_(list(shops)))
        candidates = [
            code
            for code, created, heard, received, is_open in s.execute(stmt)
            if not is_open and now - (heard or received or created) > limit
        ]
    raised = 0
    for code in candidates:
        with db.write() as s:
            shop = _shop(s, code, lock=True)  # a heartbeat arriving now waits, or wins
            last = _last_heard(s, shop)
            limit = _silent_after(s)
            if now - last > limit and _open_silence(s, shop) is None:
                _add_silence(s, shop, last, limit, closed_at=None)
                raised += 1
    return raised


def latest_heartbeat(db: CentralDb, shop: str) -> tuple[Heartbeat, datetime] | None:
    """The heartbeat held for the shop and when central received it (the live view)."""
    with db.read() as s:
        shop_row = _shop(s, shop)
        row = s.get(HeartbeatRow, shop_row.id)
        if row is None:
            return None
        return decode(Heartbeat, row.payload), row.received_at


# ------------------------------------------------------------------ carrier account


def put_topup(
    db: CentralDb, clock: Clock, shop: str, topup_uuid: uuid.UUID, body: bytes, by: str
) -> Outcome:
    request = parse(TopupRequest, body)
    uid = str(topup_uuid)
    sha = content_sha256(request)
    with db.write() as s:
        shop_row = _shop(s, shop, lock=True)
        held = s.scalars(
            select(CarrierRow).where(
                CarrierRow.shop_id == shop_row.id, CarrierRow.entry_uuid == uid
            )
        ).one_or_none()
        now = clock.now()
        if held is None:
            held = CarrierRow(
                shop_id=shop_row.id,
                entry_uuid=uid,
                kind="topup",
                at=request.at or now,
                amount_micro_usd=request.amount_micro_usd,
                reference=request.reference,
                recorded_by=by,
            )
            s.add(held)
            s.flush()
            replayed = False
        else:
            same = (
                held.kind == "topup"
                and held.amount_micro_usd == request.amount_micro_usd
                and held.reference == request.reference
                and (request.at is None or held.at == request.at)
            )
            if not same:
                raise Conflict(
                    f"top-up {uid} is already held with other content", code="conflicting_content"
                )
            replayed = True
        return Outcome(
            ShiftAccepted(
                shop=shop, uuid=topup_uuid, content_sha256=sha, received_at=held.at, anchored=True
            ),
            replayed=replayed,
        )


def _sum(s: Session, *where: Any) -> int:
    return int(
        s.scalar(select(func.coalesce(func.sum(CarrierRow.amount_micro_usd), 0)).where(*where)) or 0
    )


def balance(db: CentralDb, clock: Clock, shop: str) -> CarrierBalance:
    with db.read() as s:
        shop_row = _shop(s, shop)
        total = _sum(s, CarrierRow.shop_id == shop_row.id)
        last_topup = s.scalar(
            select(func.max(CarrierRow.at)).where(
                CarrierRow.shop_id == shop_row.id, CarrierRow.kind == "topup"
            )
        )
    return CarrierBalance(
        schema_version=SCHEMA_VERSION,
        shop=shop,
        balance_micro_usd=total,
        as_of=clock.now(),
        last_topup_at=last_topup,
    )


def ledger(db: CentralDb, shop: str, date_from: datetime, date_to: datetime) -> CarrierLedger:
    """The account's entries with ``date_from <= at < date_to`` and the balances around."""
    if date_to < date_from:
        raise Invalid("the period ends before it starts")
    with db.read() as s:
        shop_row = _shop(s, shop)
        mine = CarrierRow.shop_id == shop_row.id
        opening = _sum(s, mine, CarrierRow.at < date_from)
        rows = s.execute(
            select(CarrierRow, ShiftRow.shift_uuid)
            .outerjoin(ShiftRow, ShiftRow.id == CarrierRow.shift_id)
            .where(mine, CarrierRow.at >= date_from, CarrierRow.at < date_to)
            .order_by(CarrierRow.at, CarrierRow.id)
        ).all()
    entries = tuple(
        CarrierEntry(
            entry_id=r.id,
            kind=r.kind,  # type: ignore[arg-type]
            at=r.at,
            amount_micro_usd=r.amount_micro_usd,
            reference=r.reference,
            shift_uuid=uuid.UUID(shift_uuid) if shift_uuid else None,
        )
        for r, shift_uuid in rows
    )
    topups = sum(e.amount_micro_usd for e in entries if e.kind == "topup")
    costs = sum(e.amount_micro_usd for e in entries if e.kind == "call_cost")
    return CarrierLedger(
        schema_version=SCHEMA_VERSION,
        shop=shop,
        date_from=date_from,
        date_to=date_to,
        opening_balance_micro_usd=opening,
        topups_micro_usd=topups,
        costs_micro_usd=costs,
        closing_balance_micro_usd=opening + sum(e.amount_micro_usd for e in entries),
        entries=entries,
    )


# ------------------------------------------------------------------ wholesale price list


def _etag(version: int, sha: str) -> str:
    return f'"v{version}-{sha[:16]}"'


def publish_price_list(db: CentralDb, clock: Clock, body: bytes, by: str) -> PublishedList:
    """Publish the next version (its ``version`` must be the current one + 1)."""
    payload = parse(WholesalePriceList, body)
    sha = content_sha256(payload)
    try:
        with db.write() as s:
            current = int(s.scalar(select(func.coalesce(func.max(PriceListRow.version), 0))) or 0)
            if payload.version != current + 1:
                held = s.get(PriceListRow, payload.version)
                if held is not None and held.content_sha256 == sha:
                    return PublishedList(
                        held.payload.encode(), _etag(held.version, sha), held.version
                    )
                raise Conflict(
                    f"the next version is {current + 1}, not {payload.version}",
                    code="version_conflict",
                )
            text = encode(payload).decode("utf-8")
            s.add(
                PriceListRow(
                    version=payload.version,
                    published_at=clock.now(),
                    published_by=by,
                    content_sha256=sha,
                    entry_count=len(payload.entries),
                    payload=text,
                )
            )
    except IntegrityError:
        raise Conflict(
            "another version was published at the same moment", code="version_conflict"
        ) from None
    return PublishedList(text.encode(), _etag(payload.version, sha), payload.version)


def wholesale_price_list(db: CentralDb) -> PublishedList:
    with db.read() as s:
        row = s.scalars(select(PriceListRow).order_by(PriceListRow.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound("no wholesale price list has been published yet")
    return PublishedList(row.payload.encode(), _etag(row.version, row.content_sha256), row.version)
