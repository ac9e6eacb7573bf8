"""Price lists: import, edit (as new versions), activate, read, and the pricing
(index + rater) the till and the line engine rate with.

Every change writes a new immutable version and moves the active pointer; nothing
is ever edited in place, so calls keep the prices they were rated with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.prices import ActivePriceList, PriceEntryRow, PriceListVersion
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.rating import (
    PriceEntry,
    PriceIndex,
    parse_price_list,
    write_price_list,
)
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.pricing import (
    EntryValues,
    Pricing,
    active_version_id,
    build_pricing,
    load_entries,
    load_values,
)
from callshop_pos.textsafe import check_name

__all__ = [
    "PriceVersionInfo",
    "Pricing",
    "activate_version",
    "active_entries",
    "active_version_id",
    "build_pricing",
    "content_digest",
    "entry_values",
    "export_price_list",
    "import_price_list",
    "load_entries",
    "load_values",
    "save_edited_version",
    "versions",
]

# Rows per INSERT batch: big enough to be fast, small enough for any driver's limits.
_CHUNK = 5_000
#: Bounds of a price-list version's name (its file name) and note.
MAX_SOURCE_LENGTH = 255
MAX_NOTE_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class PriceVersionInfo:
    """A price-list version as shown in the admin screen."""

    id: int
    created_at: datetime
    created_by: str
    source: str
    note: str
    entry_count: int
    summary: dict[str, int]
    based_on_id: int | None
    active: bool


def _info(version: PriceListVersion, active_id: int | None) -> PriceVersionInfo:
    return PriceVersionInfo(
        id=version.id,
        created_at=version.created_at,
        created_by=version.created_by,
        source=version.source,
        note=version.note,
        entry_count=version.entry_count,
        summary={k: int(v) for k, v in version.summary.items()},
        based_on_id=version.based_on_id,
        active=version.id == active_id,
    )


def entry_values(e: PriceEntry) -> EntryValues:
    return (
        e.code, e.country, e.wholesale_usd, e.retail, e.retail_offpeak,
        e.initial, e.increment, e.connect_fee, e.grace,
    )


def _dec(value: Decimal | None) -> str:
    # normalize() gives equal numbers one form ("0.10" and "0.1" → "0.1"); "-" = empty
    return "-" if value is None else str(value.normalize())


def content_digest(rows: Iterable[EntryValues]) -> str:
    """SHA-256 over the canonical encoding of a version's entries (any order).

    One tab-separated line per entry, sorted by code; the country as a JSON string
    (so no text can fake a separator), decimals in normalised form.
    """
    digest = hashlib.sha256()
    quote = json.JSONEncoder(ensure_ascii=False).encode
    lines = [
        f"{code}\t{quote(country)}\t{_dec(whole)}\t{_dec(retail)}\t{_dec(offpeak)}\t"
        f"{initial}\t{incr}\t{_dec(fee)}\t{grace}\n"
        for code, country, whole, retail, offpeak, initial, incr, fee, grace in sorted(
            rows, key=lambda r: r[0]
        )
    ]
    digest.update("".join(lines).encode("utf-8"))
    return digest.hexdigest()


_ENTRY_COLUMNS = ("version_id", "code", "country", "wholesale_usd", "retail",
                  "retail_offpeak", "initial", "increment", "connect_fee", "grace")


def _plain(value: Decimal | None) -> str | None:
    # What ExactDecimal stores: plain notation, digits as given.
    return None if value is None else format(value, "f")


def _insert_entries(s: Session, version_id: int, values: Sequence[EntryValues]) -> None:
    """Bulk insert through the driver's executemany: 50,000 rows in a fraction of a
    second (the ORM, or even Core's per-row parameter processing, costs several times
    more). Values are converted exactly as the column types would."""
    conn = s.connection()
    style = conn.dialect.paramstyle
    rows = [
        (version_id, code, country, _plain(w), _plain(r), _plain(o), i, n, _plain(f), g)
        for code, country, w, r, o, i, n, f, g in values
    ]
    if style in ("qmark", "format", "pyformat"):
        mark = "?" if style == "qmark" else "%s"
        table = PriceEntryRow.__tablename__
        sql = (f"INSERT INTO {table} ({', '.join(_ENTRY_COLUMNS)}) "
               f"VALUES ({', '.join([mark] * len(_ENTRY_COLUMNS))})")
        for start in range(0, len(rows), _CHUNK):
            conn.exec_driver_sql(sql, rows[start : start + _CHUNK])
        return
    dicts = [
        {"version_id": version_id, **dict(zip(_ENTRY_COLUMNS[1:], v, strict=True))}
        for v in values
    ]
    for start in range(0, len(dicts), _CHUNK):  # pragma: no cover - other drivers
        conn.execute(insert(PriceEntryRow), dicts[start : start + _CHUNK])


def _summary(old: Mapping[str, EntryValues], new: Mapping[str, EntryValues]) -> dict[str, int]:
    added = sum(1 for code in new if code not in old)
    removed = sum(1 for code in old if code not in new)
    changed = sum(1 for code, e in new.items() if code in old and old[code] != e)
    return {"added": added, "removed": removed, "changed": changed}


def _save_version(
    shop: Shop, actor: Actor, entries: Sequence[PriceEntry], source: str, note: str
) -> PriceVersionInfo:
    require_role(actor, Role.ADMIN)
    source = check_name(source, "the price list's name", max_length=MAX_SOURCE_LENGTH)
    note = check_name(note, "the note", max_length=MAX_NOTE_LENGTH) if note.strip() else ""
    index = PriceIndex(entries)  # refuses duplicate codes
    values = [entry_values(e) for e in entries]
    by_code = {v[0]: v for v in values}
    digest = content_digest(values)
    now = shop.clock.now()
    with shop.db.write() as s:
        pointer = s.get(ActivePriceList, 1)
        based_on = pointer.version_id if pointer is not None else None
        old = {v[0]: v for v in load_values(s, based_on)} if based_on is not None else {}
        summary = _summary(old, by_code)
        version = PriceListVersion(
            created_at=now, created_by=actor.username, source=source, note=note,
            entry_count=len(entries), content_digest=digest, based_on_id=based_on,
            summary=summary,
        )
        s.add(version)
        s.flush()
        _insert_entries(s, version.id, values)
        pointer = _point_to(s, pointer, version.id, now, actor)
        journal.append(
            s, actor, "prices.version", subject=version,
            payload={"source": source, "note": note, "entries": len(entries), **summary},
            rows=[version, pointer],
        )
        info = _info(version, version.id)
    index.version_id = info.id
    shop.use_pricing(Pricing(info.id, index, shop.settings))
    return info


def _point_to(
    s: Session, pointer: ActivePriceList | None, version_id: int, now: datetime, actor: Actor
) -> ActivePriceList:
    if pointer is None:
        pointer = ActivePriceList(id=1, version_id=version_id, activated_at=now,
                                  activated_by=actor.username)
        s.add(pointer)
    else:
        pointer.version_id, pointer.activated_at = version_id, now
        pointer.activated_by = actor.username
    return pointer


def import_price_list(
    shop: Shop,
    actor: Actor,
    data: str | bytes,
    source_name: str,
    *,
    mapping: Mapping[str, str] | None = None,
    retail_in_bgn: bool = False,
    note: str = "",
) -> PriceVersionInfo:
    """Import a price-list file as a new active version (admin only).

    The whole file is validated first; any bad row raises PriceListError (with file
    line numbers) and nothing is imported. The audit entry carries a summary of
    added / removed / changed codes against the previously active version.
    """
    require_role(actor, Role.ADMIN)
    entries = parse_price_list(data, mapping=mapping, retail_in_bgn=retail_in_bgn)
    if not entries:
        raise InvalidInput("the price list has no rows")
    return _save_version(shop, actor, entries, source_name, note)


def save_edited_version(
    shop: Shop, actor: Actor, entries: Sequence[PriceEntry], note: str
) -> PriceVersionInfo:
    """Save the admin screen's edited price list as a new active version (admin only)."""
    if not note.strip():
        raise InvalidInput("say what was changed (a note is required)")
    return _save_version(shop, actor, list(entries), "edit", note.strip())


def activate_version(shop: Shop, actor: Actor, version_id: int) -> PriceVersionInfo:
    """Make an earlier version the active one again (admin only; audited)."""
    require_role(actor, Role.ADMIN)
    with shop.db.write() as s:
        version = s.get(PriceListVersion, version_id)
        if version is None:
            raise NotFound(f"there is no price-list version {version_id}")
        pointer = s.get(ActivePriceList, 1)
        previous = pointer.version_id if pointer is not None else None
        pointer = _point_to(s, pointer, version.id, shop.clock.now(), actor)
        journal.append(
            s, actor, "prices.activate", subject=version,
            payload={"previous": previous}, rows=[pointer],
        )
        info = _info(version, version.id)
        entries = load_entries(s, version.id)
    shop.use_pricing(Pricing(version.id, PriceIndex(entries, version.id), shop.settings))
    return info


def active_entries(shop: Shop, actor: Actor) -> list[PriceEntry]:
    """The entries of the active version, ordered by code (empty before any import).

    They carry wholesale prices, so only an administrator (or the :data:`SYSTEM`
    actor, for the shop's own machinery) may read them; operators are refused.
    """
    require_role(actor, Role.ADMIN, Role.SYSTEM)
    with shop.db.read() as s:
        version_id = active_version_id(s)
        return load_entries(s, version_id) if version_id is not None else []


def versions(shop: Shop) -> list[PriceVersionInfo]:
    """Every price-list version, newest first."""
    with shop.db.read() as s:
        active = active_version_id(s)
        rows = s.scalars(select(PriceListVersion).order_by(PriceListVersion.id.desc())).all()
        return [_info(v, active) for v in rows]


def export_price_list(shop: Shop, actor: Actor, *, delimiter: str = ",") -> str:
    """The active version as CSV text in the import format (administrators only:
    it has the wholesale prices)."""
    entries = active_entries(shop, actor)
    if not entries:
        raise NotFound("there is no active price list to export")
    return write_price_list(entries, delimiter=delimiter)
