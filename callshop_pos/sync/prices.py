"""Wholesale price lists published centrally: pulled, stored as *pending*, applied only
when an administrator reviews and applies one.

Applying merges the list's wholesale prices into the active price list (the shop's
retail prices, tariffs and steps stay as they are; a code new to the shop comes in
without a retail price, i.e. not sold until priced) and saves it through the
administrator's own price path (:func:`callshop_pos.services.admin.prices.save_edited_version`:
a new, journaled version). The margin guard runs first: when the new wholesale prices
put retail prices under the shop's minimum margin, applying is refused unless the
administrator accepts those rows explicitly (after raising retail prices, or knowingly).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from callshop_pos import journal
from callshop_pos.db.models.sync import PendingPriceList, PriceListStatus, SyncState
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.rating.pricelist import PriceEntry
from callshop_pos.services import outbox
from callshop_pos.services.admin import admin_prices, prices
from callshop_pos.services.admin.price_editing import below_margin, margin_percent
from callshop_pos.services.auth import SYSTEM, Actor, require_role
from callshop_pos.services.context import Shop
from callshop_pos.services.outbox_payload import canonical
from callshop_pos.sync.link import LinkConfig
from callshop_pos.sync.remote import _decode, _ok, fetch_balance
from callshop_wire import WholesalePriceList, decode, to_json_dict

if TYPE_CHECKING:
    from callshop_pos.sync.sender import Sender

__all__ = [
    "PendingList",
    "PriceReview",
    "ReviewRow",
    "apply_list",
    "dismiss_list",
    "list_to_review",
    "pending_lists",
    "pull_price_list",
    "review_list",
    "store_list",
]

PRICE_LIST_PATH = "/v1/price-lists/wholesale"


@dataclass(frozen=True, slots=True)
class PendingList:
    id: int
    version: str
    received_at: datetime
    status: str
    entries: int
    reviewed_at: datetime | None
    applied_version_id: int | None


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One destination as the review shows it: what the list changes, and the margin
    its retail price would keep at the new wholesale price and today's USD rate."""

    change: str  # "changed", "added", "not_listed", or "unchanged" (shown when below margin)
    code: str
    country: str
    old_wholesale_usd: Decimal | None  # None: new to the shop
    new_wholesale_usd: Decimal | None  # None: central no longer lists it (the shop keeps it)
    retail: Decimal | None
    margin_percent: Decimal | None  # None: no retail price, or no USD rate
    below_margin: bool


@dataclass(frozen=True, slots=True)
class PriceReview:
    """What applying a pending list would change (nothing is changed by a review)."""

    list_id: int
    version: str
    changed: tuple[tuple[str, Decimal, Decimal], ...]  # code, old wholesale, new wholesale
    added: tuple[str, ...]  # codes new to the shop (no retail price yet)
    not_listed: tuple[str, ...]  # the shop's codes central no longer lists (kept)
    below_margin: tuple[str, ...]  # codes whose retail would be under the margin floor
    usd_rate: Decimal | None
    entries: tuple[PriceEntry, ...]  # the merged list that would be saved
    #: every changed, added and no-longer-listed destination, then any other that would
    #: be under the margin floor; by code within each
    rows: tuple[ReviewRow, ...] = ()
    minimum_margin_percent: Decimal = Decimal(0)


# ------------------------------------------------------------------ pulling


def store_list(shop: Shop, price_list: WholesalePriceList, etag: str | None) -> int | None:
    """Keep a published list as pending (once per version); its id, or None when that
    version is already known."""
    version = str(price_list.version)
    content = canonical(to_json_dict(price_list)).decode("utf-8")
    with shop.db.write() as s:
        outbox.state_row(s).price_list_etag = etag
        if s.scalar(select(PendingPriceList.id).where(PendingPriceList.version == version)):
            return None
        row = PendingPriceList(
            version=version,
            etag=etag,
            received_at=shop.clock.now(),
            content=content,
            content_sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
            status=PriceListStatus.PENDING.value,
        )
        s.add(row)
        s.flush()
        journal.append(
            s,
            SYSTEM,
            "sync.price_list.received",
            subject=row,
            payload={"version": version, "entries": len(price_list.entries)},
            rows=[row],
        )
        return row.id


def pull_price_list(sender: Sender, link: LinkConfig) -> int | None:
    """Ask central for its wholesale list (``If-None-Match`` the last ETag); store a new
    one as pending. Returns the new pending list's id, if any."""
    with sender.shop.db.read() as s:
        state = s.get(SyncState, 1)
        etag = state.price_list_etag if state is not None else None
    headers = {"If-None-Match": etag} if etag else {}
    reply = sender.request(link, "GET", PRICE_LIST_PATH, headers=headers)
    if reply.status == 304:
        return None
    if reply.status == 404:
        return None  # nothing published yet
    price_list = _decode(WholesalePriceList, _ok(reply, "price list"), "price list")
    return store_list(sender.shop, price_list, reply.header("etag"))


def pull_job(sender: Sender, link: LinkConfig) -> None:
    """The sender's periodic pull: carrier balance, then the price list."""
    fetch_balance(sender, link)
    pull_price_list(sender, link)


# ------------------------------------------------------------------ review and apply


def pending_lists(shop: Shop, actor: Actor) -> list[PendingList]:
    require_role(actor, Role.ADMIN)
    with shop.db.read() as s:
        rows = list(s.scalars(select(PendingPriceList).order_by(PendingPriceList.id.desc())))
        return [
            PendingList(
                id=r.id,
                version=r.version,
                received_at=r.received_at,
                status=r.status,
                entries=len(decode(WholesalePriceList, r.content).entries),
                reviewed_at=r.reviewed_at,
                applied_version_id=r.applied_version_id,
            )
            for r in rows
        ]


def _load(shop: Shop, list_id: int) -> tuple[PendingPriceList, WholesalePriceList]:
    with shop.db.read() as s:
        row = s.get(PendingPriceList, list_id)
        if row is None:
            raise NotFound(f"no wholesale price list {list_id}")
        return row, decode(WholesalePriceList, row.content)


def review_list(shop: Shop, actor: Actor, list_id: int) -> PriceReview:
    """What applying list ``list_id`` would change, with the margin guard's verdict."""
    require_role(actor, Role.ADMIN)
    row, published = _load(shop, list_id)
    current = {e.code: e for e in prices.active_entries(shop, actor)}
    incoming = {e.code: e for e in published.entries}
    merged: list[PriceEntry] = []
    changed: list[tuple[str, Decimal, Decimal]] = []
    added: list[str] = []
    for code, entry in sorted(current.items()):
        new = incoming.get(code)
        if new is None or new.wholesale_usd == entry.wholesale_usd:
            merged.append(entry)
            continue
        changed.append((code, entry.wholesale_usd, new.wholesale_usd))
        merged.append(_with_wholesale(entry, new.wholesale_usd))
    for code, new in sorted(incoming.items()):
        if code not in current:
            added.append(code)
            merged.append(
                PriceEntry(
                    country=new.country, code=code, wholesale_usd=new.wholesale_usd, retail=None
                )
            )
    rate = admin_prices.current_usd_rate(shop, actor)
    margin = Decimal(shop.settings.minimum_margin_percent)
    under = tuple(e.code for e in merged if rate is not None and below_margin(e, rate, margin))
    not_listed = tuple(sorted(set(current) - set(incoming)))
    return PriceReview(
        list_id=row.id,
        version=row.version,
        changed=tuple(changed),
        added=tuple(added),
        not_listed=not_listed,
        below_margin=under,
        usd_rate=rate,
        entries=tuple(merged),
        rows=_rows(merged, current, changed, added, not_listed, set(under), rate),
        minimum_margin_percent=margin,
    )


#: the review lists what the list changes first, then rows it leaves under the margin
_ROW_ORDER = {"changed": 0, "added": 1, "not_listed": 2, "unchanged": 3}


def _rows(
    merged: list[PriceEntry],
    current: dict[str, PriceEntry],
    changed: list[tuple[str, Decimal, Decimal]],
    added: list[str],
    not_listed: tuple[str, ...],
    under: set[str],
    rate: Decimal | None,
) -> tuple[ReviewRow, ...]:
    kinds = {code: "changed" for code, _, _ in changed}
    kinds.update((code, "added") for code in added)
    kinds.update((code, "not_listed") for code in not_listed)
    rows = []
    for entry in merged:
        kind = kinds.get(entry.code, "unchanged")
        if kind == "unchanged" and entry.code not in under:
            continue
        old = current.get(entry.code)
        rows.append(
            ReviewRow(
                change=kind,
                code=entry.code,
                country=entry.country,
                old_wholesale_usd=old.wholesale_usd if old is not None else None,
                new_wholesale_usd=None if kind == "not_listed" else entry.wholesale_usd,
                retail=entry.retail,
                margin_percent=(
                    margin_percent(entry.retail, entry.wholesale_usd, rate)
                    if rate is not None
                    else None
                ),
                below_margin=entry.code in under,
            )
        )
    return tuple(sorted(rows, key=lambda r: (_ROW_ORDER[r.change], r.code)))


def list_to_review(shop: Shop, actor: Actor) -> PendingList | None:
    """The list the price-list screen offers for review: the newest list received from
    central, while it is pending (once it is applied or dismissed, older pending lists
    are superseded and not offered: applying one would bring back older prices)."""
    require_role(actor, Role.ADMIN)
    with shop.db.read() as s:
        r = s.scalars(
            select(PendingPriceList).order_by(PendingPriceList.id.desc()).limit(1)
        ).first()
        if r is None or r.status != PriceListStatus.PENDING.value:
            return None  # (only the newest is read: a list may hold a million codes)
        return PendingList(
            id=r.id,
            version=r.version,
            received_at=r.received_at,
            status=r.status,
            entries=len(decode(WholesalePriceList, r.content).entries),
            reviewed_at=r.reviewed_at,
            applied_version_id=r.applied_version_id,
        )


def _with_wholesale(entry: PriceEntry, wholesale: Decimal) -> PriceEntry:
    return PriceEntry(
        country=entry.country,
        code=entry.code,
        wholesale_usd=wholesale,
        retail=entry.retail,
        retail_offpeak=entry.retail_offpeak,
        initial=entry.initial,
        increment=entry.increment,
        connect_fee=entry.connect_fee,
        grace=entry.grace,
    )


def apply_list(
    shop: Shop, actor: Actor, list_id: int, *, accept_below_margin: bool = False
) -> prices.PriceVersionInfo:
    """Apply a reviewed pending list as a new price-list version (admin only)."""
    review = review_list(shop, actor, list_id)
    row, _ = _load(shop, list_id)
    if row.status != PriceListStatus.PENDING.value:
        raise InvalidInput(f"wholesale price list {list_id} is already {row.status}")
    if review.usd_rate is None:
        raise InvalidInput("set the USD rate first: the margin guard needs it")
    if review.below_margin and not accept_below_margin:
        shown = ", ".join(review.below_margin[:10])
        more = f" and {len(review.below_margin) - 10} more" if len(review.below_margin) > 10 else ""
        raise InvalidInput(
            f"margin guard: with these wholesale prices the retail price of {shown}{more} "
            f"is under the {shop.settings.minimum_margin_percent} % minimum margin; raise "
            "those retail prices first, or accept them explicitly"
        )
    info = prices.save_edited_version(
        shop,
        actor,
        list(review.entries),
        f"central wholesale list {review.version}: {len(review.changed)} changed, "
        f"{len(review.added)} new",
    )
    _close(shop, actor, list_id, PriceListStatus.APPLIED, info.id)
    return info


def dismiss_list(shop: Shop, actor: Actor, list_id: int) -> None:
    """The administrator decides not to apply a pending list (kept, marked dismissed)."""
    require_role(actor, Role.ADMIN)
    _close(shop, actor, list_id, PriceListStatus.DISMISSED, None)


def _close(
    shop: Shop, actor: Actor, list_id: int, status: PriceListStatus, version_id: int | None
) -> None:
    with shop.db.write() as s:
        row = s.get(PendingPriceList, list_id)
        if row is None:
            raise NotFound(f"no wholesale price list {list_id}")
        if row.status != PriceListStatus.PENDING.value:
            raise InvalidInput(f"wholesale price list {list_id} is already {row.status}")
        row.status = status.value
        row.reviewed_at = shop.clock.now()
        row.reviewed_by_id = actor.user_id
        row.applied_version_id = version_id
        journal.append(
            s,
            actor,
            f"sync.price_list.{status.value}",
            subject=row,
            payload={"version": row.version, "price_version_id": version_id},
            rows=[row],
        )
