"""Price lists: import, edit (as new versions), activate, read, and the pricing
(index + rater) the till and the line engine rate with.

Every change writes a new immutable version and moves the active pointer; nothing
is ever edited in place, so calls keep the prices they were rated with.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.prices import ActivePriceList, PriceListChunk, PriceListVersion
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.rating import (
    PriceEntry,
    PriceIndex,
    pricelist,
    write_price_list,
)
from callshop_pos.rating.pricelist import (
    PriceListSource,
    entries_from_lines,
    entry_line,
    has_duplicate_codes,
    price_list_lines,
)
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.pricing import (
    Pricing,
    active_version_id,
    build_pricing,
    chunk_texts,
    load_entries,
    stored_lines,
)
from callshop_pos.textsafe import check_name

__all__ = [
    "CHUNK_ENTRIES",
    "ImportCancelled",
    "ImportPlan",
    "PriceVersionInfo",
    "Pricing",
    "activate_version",
    "active_entries",
    "active_version_id",
    "build_pricing",
    "export_price_list",
    "import_price_list",
    "load_entries",
    "save_edited_version",
    "stored_digest",
    "versions",
]

#: Entries per stored chunk (~3 MB of text, ~0.3 MB compressed: any driver takes it).
CHUNK_ENTRIES = 50_000
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


class ImportCancelled(InvalidInput):
    """The administrator declined what an import would change; nothing was written."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would change against the active version (before it is written)."""

    entries: int  # entries of the new version
    active: int  # entries of the active version now (0 when none)
    added: int
    removed: int
    changed: int

    @property
    def drastic(self) -> bool:
        """Whether it removes at least half of the active prices (and at least 10):
        e.g. a 2-row list replacing 490 prices, most likely the wrong file."""
        return self.removed >= 10 and 2 * self.removed >= self.active

    def describe(self) -> str:
        return (
            f"{self.entries:,} prices replace the active {self.active:,}: "
            f"{self.added:,} added, {self.removed:,} removed, {self.changed:,} changed"
        )


def _pack(lines: Sequence[str]) -> tuple[str, list[bytes]]:
    """The digest and the compressed chunks of a version's stored lines (sorted)."""
    digest = hashlib.sha256()
    chunks = []
    for start in range(0, len(lines), CHUNK_ENTRIES):
        raw = ("\n".join(lines[start : start + CHUNK_ENTRIES]) + "\n").encode("utf-8")
        digest.update(raw)
        chunks.append(zlib.compress(raw, 1))
    return digest.hexdigest(), chunks


def stored_digest(session: Session, version_id: int) -> tuple[int, str]:
    """``(entries, SHA-256)`` of a version as stored now (``verify`` compares them with
    the journaled version row). A damaged chunk counts as ``(-1, "")``."""
    digest = hashlib.sha256()
    count = 0
    try:
        for raw in chunk_texts(session, version_id):
            digest.update(raw)
            count += raw.count(b"\n")
    except zlib.error:
        return -1, ""
    return count, digest.hexdigest()


def _load_index(shop: Shop, version_id: int) -> Callable[[], PriceIndex]:
    def load() -> PriceIndex:
        with shop.db.read() as s:
            return PriceIndex(entries_from_lines(stored_lines(s, version_id)), version_id)

    return load


#: Fields of a stored line holding a decimal number (code, country, wholesale, retail,
#: off-peak, initial, increment, connect fee, grace).
_DECIMAL_FIELDS = (2, 3, 4, 7)


def _same_values(old: str, new: str) -> bool:
    """Whether two stored lines of one code hold equal values ("0.10" is "0.1")."""
    a, b = old.split("\t"), new.split("\t")
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x == y:
            continue
        if i not in _DECIMAL_FIELDS or not x or not y or Decimal(x) != Decimal(y):
            return False
    return True


def _compare(old: Iterable[str], new: Sequence[str]) -> tuple[int, int, int, int]:
    """``(old entries, added, removed, changed)``: one merge pass over two versions'
    stored lines, both sorted by code (the old one streamed chunk by chunk)."""
    added = removed = changed = count = 0
    i, size = 0, len(new)
    for line in old:
        count += 1
        code = line[: line.index("\t") + 1]
        while i < size and new[i][: new[i].index("\t") + 1] < code:
            added += 1
            i += 1
        if i < size and new[i].startswith(code):
            if new[i] != line and not _same_values(line, new[i]):
                changed += 1
            i += 1
        else:
            removed += 1
    return count, added + size - i, removed, changed


def _plan(session: Session, based_on: int | None, lines: Sequence[str]) -> ImportPlan:
    old: Iterable[str] = stored_lines(session, based_on) if based_on is not None else ()
    active, added, removed, changed = _compare(old, lines)
    return ImportPlan(len(lines), active, added, removed, changed)


def _save_version(
    shop: Shop,
    actor: Actor,
    lines: list[str],
    source: str,
    note: str,
    confirm: Callable[[ImportPlan], bool] | None = None,
) -> PriceVersionInfo:
    """Store ``lines`` (stored entries, sorted by code, no duplicate) as the new active
    version. ``confirm`` sees what would change and may cancel (nothing is written);
    it is asked with no transaction open."""
    require_role(actor, Role.ADMIN)
    source = check_name(source, "the price list's name", max_length=MAX_SOURCE_LENGTH)
    note = check_name(note, "the note", max_length=MAX_NOTE_LENGTH) if note.strip() else ""
    digest, chunks = _pack(lines)
    seen: int | None = None
    plan: ImportPlan | None = None
    if confirm is not None:
        with shop.db.read() as s:
            seen = active_version_id(s)
            plan = _plan(s, seen, lines)
        if not confirm(plan):
            raise ImportCancelled("import cancelled: nothing was imported")
    now = shop.clock.now()
    with shop.db.write() as s:
        pointer = s.get(ActivePriceList, 1)
        based_on = pointer.version_id if pointer is not None else None
        if confirm is not None and based_on != seen:
            raise InvalidInput(
                "the active price list changed while you were asked; nothing was imported "
                "(run the import again)"
            )
        if plan is None:  # (what confirm saw still holds: the pointer has not moved)
            plan = _plan(s, based_on, lines)
        summary = {"added": plan.added, "removed": plan.removed, "changed": plan.changed}
        version = PriceListVersion(
            created_at=now,
            created_by=actor.username,
            source=source,
            note=note,
            entry_count=len(lines),
            content_digest=digest,
            based_on_id=based_on,
            summary=summary,
        )
        s.add(version)
        s.flush()
        s.add_all(
            PriceListChunk(
                version_id=version.id,
                seq=seq,
                entry_count=min(CHUNK_ENTRIES, len(lines) - seq * CHUNK_ENTRIES),
                data=data,
            )
            for seq, data in enumerate(chunks)
        )
        pointer = _point_to(s, pointer, version.id, now, actor)
        journal.append(
            s,
            actor,
            "prices.version",
            subject=version,
            payload={"source": source, "note": note, "entries": len(lines), **summary},
            rows=[version, pointer],
        )
        info = _info(version, version.id)
    shop.use_pricing(Pricing(info.id, _load_index(shop, info.id), shop.settings))
    return info


def _point_to(
    s: Session, pointer: ActivePriceList | None, version_id: int, now: datetime, actor: Actor
) -> ActivePriceList:
    if pointer is None:
        pointer = ActivePriceList(
            id=1, version_id=version_id, activated_at=now, activated_by=actor.username
        )
        s.add(pointer)
    else:
        pointer.version_id, pointer.activated_at = version_id, now
        pointer.activated_by = actor.username
    return pointer


def import_price_list(
    shop: Shop,
    actor: Actor,
    data: PriceListSource,
    source_name: str,
    *,
    mapping: Mapping[str, str] | None = None,
    retail_in_bgn: bool = False,
    note: str = "",
    confirm: Callable[[ImportPlan], bool] | None = None,
) -> PriceVersionInfo:
    """Import a price-list file as a new active version (admin only).

    The whole file is validated first, as it streams in (``data`` may be a binary
    file object); any bad row raises PriceListError (with file line numbers) and
    nothing is imported; so does a file of more than ``MAX_ROWS`` rows. ``confirm``,
    if given, is shown the :class:`ImportPlan` (added / removed / changed against
    the active version) before anything is written and may cancel the import
    (:class:`ImportCancelled`). The audit entry carries the same summary.
    """
    require_role(actor, Role.ADMIN)
    lines = price_list_lines(data, mapping=mapping, retail_in_bgn=retail_in_bgn)
    if not lines:
        raise InvalidInput("the price list has no rows")
    return _save_version(shop, actor, lines, source_name, note, confirm)


def save_edited_version(
    shop: Shop, actor: Actor, entries: Sequence[PriceEntry], note: str
) -> PriceVersionInfo:
    """Save the admin screen's edited price list as a new active version (admin only)."""
    if not note.strip():
        raise InvalidInput("say what was changed (a note is required)")
    if len(entries) > pricelist.MAX_ROWS:
        raise InvalidInput(f"a price list may have at most {pricelist.MAX_ROWS:,} rows")
    lines = sorted(entry_line(e) for e in entries)
    if has_duplicate_codes(lines):
        raise InvalidInput("the price list has a code twice")
    return _save_version(shop, actor, lines, "edit", note.strip())


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
            s,
            actor,
            "prices.activate",
            subject=version,
            payload={"previous": previous},
            rows=[pointer],
        )
        info = _info(version, version.id)
    shop.use_pricing(Pricing(version.id, _load_index(shop, version.id), shop.settings))
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
