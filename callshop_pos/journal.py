"""The tamper-evident audit journal.

Every state change appends one entry carrying the SHA-256 hash of the previous
entry, so the entries form a chain: editing, deleting or inserting an entry behind
the application's back breaks it. An entry also records a digest of every *money
row* the action wrote (``rows=[...]``); ``verify`` recomputes each row's digest and
compares it with the newest entry that covers the row, so a row edited, deleted or
inserted with the sqlite3 shell is found as well.

A model joins the check by inheriting :class:`JournaledRow` and naming the columns
that form its digest in ``__journal_fields__`` — nothing else needs to know it::

    class Payment(JournaledRow, Base):
        __tablename__ = "payments"
        __journal_fields__ = ("shift_id", "amount_minor", "tendered_minor", "created_at")

    with shop.db.write() as s:
        s.add(payment)
        journal.append(s, actor, "payment.create", subject=payment,
                       payload={"amount": 150}, rows=[payment, *calls])

Call :func:`append` *after* the rows are final in the transaction (it flushes and
digests them then). A later change of a row needs a later entry covering it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Protocol

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from callshop_pos.db.base import Base
from callshop_pos.db.models.journal import GENESIS_HASH, JournalEntry, JournalHead
from callshop_pos.db.types import decimal_text

__all__ = [
    "ENCODING_VERSION",
    "GENESIS_HASH",
    "JournalActor",
    "JournaledRow",
    "RowRef",
    "append",
    "canonical_json",
    "canonical_value",
    "digest_of",
    "entries",
    "entry_hash",
    "head",
    "journaled_classes",
    "key_text",
    "row_digest",
    "row_ref",
]

#: Bumped if the canonical encoding ever changes (it is part of every hash).
ENCODING_VERSION = 1


class JournalActor(Protocol):
    """Who acted (``callshop_pos.services.auth.Actor`` satisfies this)."""

    @property
    def user_id(self) -> int | None: ...

    @property
    def username(self) -> str: ...


class JournaledRow:
    """Mixin for money rows whose content the journal vouches for.

    ``__journal_fields__`` names the mapped attributes that form the row's digest
    (never include columns that change without an audited action).
    """

    __journal_fields__: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class RowRef:
    """A journaled row's identity: table name and primary key as text."""

    table: str
    key: str


def canonical_value(value: Any) -> Any:
    """A JSON-ready, unambiguous form of ``value`` (floats are refused: money never is)."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value  # the common case, first
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, Enum):
        return canonical_value(value.value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        raise TypeError("a float reached the audit journal; money must be int or Decimal")
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in the audit journal; use aware UTC")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"journal payload keys must be str, got {k!r}")
            out[k] = canonical_value(v)
        return out
    if isinstance(value, list | tuple):
        return [canonical_value(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} into the audit journal")


def canonical_json(value: Any) -> str:
    """Canonical JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(
        canonical_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_text(identity: Sequence[Any]) -> str:
    """A primary key as text (parts joined by ``/``)."""
    return "/".join(str(canonical_value(part)) for part in identity)


def row_ref(row: Base) -> RowRef:
    """Table and primary key of a persistent (flushed) row."""
    state = inspect(row)
    identity = state.identity
    if identity is None:
        raise ValueError(f"{row!r} has no primary key yet (flush it first)")
    return RowRef(row.__table__.name, key_text(identity))  # type: ignore[attr-defined]


def digest_of(table: str, key: str, values: dict[str, Any]) -> str:
    """The digest of a row given its table, key text and journal-field values."""
    return _sha256(canonical_json([table, key, values]))


def row_digest(row: Base) -> str:
    """SHA-256 over the row's identity and its ``__journal_fields__`` values."""
    fields = getattr(type(row), "__journal_fields__", ())
    if not fields:
        raise TypeError(f"{type(row).__name__} is not a JournaledRow with __journal_fields__")
    ref = row_ref(row)
    return digest_of(ref.table, ref.key, {name: getattr(row, name) for name in fields})


class EntryFields(Protocol):
    """What an entry's hash covers (a JournalEntry, or a row selected with its columns)."""

    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    subject_type: str | None
    subject_id: str | None
    payload: str
    rows: str
    prev_hash: str


def entry_hash(entry: EntryFields) -> str:
    """The hash an entry must carry, recomputed from its other fields."""
    material = [
        ENCODING_VERSION,
        entry.seq,
        entry.at,
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.subject_type,
        entry.subject_id,
        entry.payload,
        entry.rows,
        entry.prev_hash,
    ]
    return _sha256(canonical_json(material))


def journaled_classes() -> list[type[Base]]:
    """Every mapped model class that is a JournaledRow (import models first)."""
    found: list[type[Base]] = []
    for mapper in Base.registry.mappers:
        cls: type[Base] = mapper.class_
        if issubclass(cls, JournaledRow) and cls.__journal_fields__:
            found.append(cls)
    return sorted(found, key=lambda cls: str(cls.__tablename__))


def head(session: Session) -> tuple[int, str]:
    """``(seq, hash)`` of the newest entry (``(0, GENESIS_HASH)`` when empty)."""
    row = session.get(JournalHead, 1)
    if row is None:
        return 0, GENESIS_HASH
    return row.seq, row.hash


def _subject_of(subject: Base | tuple[str, Any] | None) -> tuple[str | None, str | None]:
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, ident = subject
        return str(kind), None if ident is None else str(canonical_value(ident))
    ref = row_ref(subject)
    return ref.table, ref.key


def append(
    session: Session,
    actor: JournalActor,
    action: str,
    *,
    subject: Base | tuple[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
    rows: Iterable[Base] = (),
    removed: Iterable[Base] = (),
    at: datetime | None = None,
) -> JournalEntry:
    """Append one entry in the session's transaction and return it.

    ``subject`` is an ORM row or ``(type, id)``; ``payload`` plain values (int, str,
    bool, None, Decimal, date/datetime, enums, lists, dicts — never float); ``rows``
    are JournaledRow objects written by this action (their digests are recorded);
    ``removed`` are JournaledRow objects this action deletes (recorded as deleted).
    ``at`` defaults to the database clock (``session.info["clock"]``).
    """
    if at is None:
        clock = session.info.get("clock")
        if clock is None:
            raise RuntimeError("session has no clock; open it with Database.write()")
        at = clock.now()
    session.flush()
    covered: list[list[Any]] = []
    for row in rows:
        ref = row_ref(row)
        covered.append([ref.table, ref.key, row_digest(row)])
    for row in removed:
        ref = row_ref(row)
        covered.append([ref.table, ref.key, None])
    head_row = session.get(JournalHead, 1, with_for_update=True)
    if head_row is None:
        head_row = JournalHead(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head_row)
    subject_type, subject_id = _subject_of(subject)
    entry = JournalEntry(
        seq=head_row.seq + 1,
        at=at,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=canonical_json(payload or {}),
        rows=canonical_json(covered),
        prev_hash=head_row.hash,
    )
    entry.at = entry.at.astimezone(UTC)
    entry.hash = entry_hash(entry)
    session.add(entry)
    head_row.seq = entry.seq
    head_row.hash = entry.hash
    session.flush()
    return entry


def entries(session: Session, *, after: int = 0) -> Sequence[JournalEntry]:
    """Entries with ``seq > after``, oldest first."""
    return session.scalars(
        select(JournalEntry).where(JournalEntry.seq > after).order_by(JournalEntry.seq)
    ).all()
