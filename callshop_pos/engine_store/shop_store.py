"""The engine's booth store and tariff over the shop database (the real ports).

Booth settings and lock state live in the ``booths`` table (through the booths
service, so every lock the engine takes is audited as the ``system`` actor).
Prepaid deposits are money of the till's shift: the deposits service keeps them
(journaled, in the shift's cash); the engine only reads each booth's credit from
there (:meth:`ShopBoothStore.deposits`) and keeps nothing of it in a file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select

from callshop_pos.clock import utc
from callshop_pos.db.models.booths import Booth
from callshop_pos.db.models.calls import Call, CallState, CallStatus
from callshop_pos.db.models.cards import CardAttempt
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.shifts import Shift, ShiftStatus
from callshop_pos.engine_store.call_recorder import finish_interrupted, last_heartbeat
from callshop_pos.engine_store.rater_tariff import RaterTariff
from callshop_pos.errors import InvalidInput
from callshop_pos.lines.booth import MAX_CALL_S, AdmissionRules, BoothConfig, DepositCredit
from callshop_pos.lines.cards import WRONG_PIN_WINDOW_S, Refused
from callshop_pos.lines.engine import SavedBooth
from callshop_pos.lines.faults import Fault, classify
from callshop_pos.lines.recorder import CallRecorder
from callshop_pos.services.admin import booths as booth_service
from callshop_pos.services.auth import SYSTEM
from callshop_pos.services.cards.till_calls import is_till_call
from callshop_pos.services.context import Shop
from callshop_pos.services.till.deposits import open_deposit_balances
from callshop_pos.services.unrecorded import set_aside

__all__ = [
    "LEGACY_STATE_FILE",
    "DatabaseGone",
    "ShopBoothStore",
    "database_file_check",
    "ensure_booths",
    "recorded_refs",
    "recover_interrupted",
    "recovery_end",
    "shop_tariff",
]

log = logging.getLogger(__name__)
#: Where earlier versions kept deposits (read no more; see ShopBoothStore).
LEGACY_STATE_FILE = "engine-state.json"


def shop_tariff(shop: Shop) -> RaterTariff:
    """The tariff of the shop's active price list (cheap: the pricing is cached)."""
    pricing = shop.pricing
    return RaterTariff(pricing.rater, pricing.version_id)


class ShopBoothStore:
    """:class:`~callshop_pos.lines.engine.BoothStore` over the shop database."""

    def __init__(self, shop: Shop, state_dir: Path) -> None:
        self.shop = shop
        legacy = state_dir / LEGACY_STATE_FILE
        if legacy.exists():
            # Earlier versions kept deposits there, outside the shift's cash: say so
            # loudly (the file is left as it is for the administrator to read).
            log.error(
                "%s holds deposits of an earlier version that are not in any shift; "
                "take them at the till again and remove the file",
                legacy,
            )

    def booths(self) -> list[BoothConfig]:
        auto_lock_all = self.shop.settings.auto_lock_after_pay
        return [
            BoothConfig(
                name=b.name,
                position=b.position,
                driver=b.driver.value,
                billing=b.billing,
                default_deposit_minor=b.default_deposit_minor or None,
                cost_cap_minor=b.cost_cap_minor,
                max_duration_s=b.max_duration_s,
                auto_lock=b.auto_lock or auto_lock_all,
                locked=b.locked,
            )
            for b in booth_service.list_booths(self.shop)
        ]

    def rules(self) -> AdmissionRules:
        self.shop.refresh()  # settings or prices changed by the till or the admin
        settings = self.shop.settings
        return AdmissionRules(
            blocked_prefixes=tuple(settings.blocked_prefixes),
            allow_unrated_calls=settings.allow_unrated_calls,
            card_access_code=settings.card_access_code,
        )

    def unpaid_counts(self) -> dict[str, int]:
        """Answered, finished calls not yet dealt with, in the open shift or waiting
        for the next one (a calling card's calls are never the till's to collect)."""
        with self.shop.db.read() as s:
            open_shift = s.scalars(
                select(Shift.id).where(Shift.status == ShiftStatus.OPEN.value)
            ).one_or_none()
            rows = s.execute(
                select(Call.booth, func.count())
                .where(
                    Call.state == CallState.FINISHED.value,
                    Call.status == CallStatus.UNSERVED.value,
                    Call.answered_at.is_not(None),
                    or_(Call.shift_id.is_(None), Call.shift_id == open_shift),
                    is_till_call(),
                )
                .group_by(Call.booth)
            ).all()
        return {booth: int(count) for booth, count in rows}

    def saved_state(self) -> dict[str, SavedBooth]:
        """Each booth's lock and, for an unlocked booth, the wrong card PINs that still
        count towards it: refused as ``wrong_pin`` within :data:`WRONG_PIN_WINDOW_S`
        and after the booth's last unlock (from the attempts log and the journal)."""
        horizon = self.shop.clock.now() - timedelta(seconds=WRONG_PIN_WINDOW_S)
        with self.shop.db.read() as s:
            booths = s.scalars(select(Booth).where(Booth.active.is_(True))).all()
            unlocked = dict(
                s.execute(
                    select(JournalEntry.subject_id, func.max(JournalEntry.at))
                    .where(
                        JournalEntry.action == "booth.unlock",
                        JournalEntry.subject_type == Booth.__tablename__,
                        JournalEntry.at > horizon,
                    )
                    .group_by(JournalEntry.subject_id)
                ).all()
            )
            wrong: dict[str, list[datetime]] = {}
            for booth, at in s.execute(
                select(CardAttempt.booth, CardAttempt.at)
                .where(
                    CardAttempt.booth.in_([b.name for b in booths if not b.locked]),
                    CardAttempt.at > horizon,
                    CardAttempt.reason == Refused.WRONG_PIN.value,
                )
                .order_by(CardAttempt.at)
            ).all():
                wrong.setdefault(booth, []).append(at)
        state = {}
        for b in booths:
            since = unlocked.get(str(b.id))
            pins = [at for at in wrong.get(b.name, []) if since is None or at > since]
            state[b.name] = SavedBooth(b.locked, tuple(pins))
        return state

    def save_lock(self, booth: str, locked: bool) -> None:
        booth_service.set_locked(self.shop, SYSTEM, booth, locked)

    def deposits(self) -> dict[str, DepositCredit]:
        return {
            booth: DepositCredit(b.deposit_id, b.amount_minor, b.used_minor)
            for booth, b in open_deposit_balances(self.shop).items()
        }


class DatabaseGone(OSError):
    """The database file the engine opened is no longer where it was."""


def database_file_check(shop: Shop) -> Callable[[], None] | None:
    """For a SQLite shop: a check that the database file the engine opened is still at
    its path (same device and inode), raising :class:`DatabaseGone` when it was
    removed, moved or replaced — SQLite would go on writing to the old file, and
    what is written there is lost. None for a server database."""
    if not shop.db.is_sqlite or not shop.db.url.database or shop.db.url.database == ":memory:":
        return None
    path = Path(shop.db.url.database).resolve()
    first = path.stat()
    identity = (first.st_dev, first.st_ino)

    def check() -> None:
        try:
            now = path.stat()
        except OSError as exc:
            raise DatabaseGone(f"the database file {path} is gone: {exc}") from exc
        if (now.st_dev, now.st_ino) != identity:
            raise DatabaseGone(f"the database file {path} was replaced")

    return check


def ensure_booths(shop: Shop, names: Iterable[str], driver: str) -> list[str]:
    """Create the booths in ``names`` that do not exist yet (postpaid, ``driver``);
    returns the names created. A removed booth of that name is an error."""
    existing = {b.name: b for b in booth_service.list_booths(shop, include_removed=True)}
    created: list[str] = []
    for name in dict.fromkeys(names):
        booth = existing.get(name)
        if booth is None:
            booth_service.add_booth(shop, SYSTEM, name, driver=driver)
            created.append(name)
        elif not booth.active:
            raise InvalidInput(f"booth {name!r} is out of service; restore it first")
    return created


def recovery_end(shop: Shop, call_ref: str) -> datetime | None:
    """When a call a crashed engine left in progress is taken to have ended:
    ``min(last heartbeat, now, answer + the booth's maximum duration)``, the maximum
    being :data:`MAX_CALL_S` for a booth without one. A heartbeat row moved ahead (by
    hand or by a clock jump) can so never bill beyond what can be true. None when
    the call has no row."""
    with shop.db.read() as s:
        row = s.execute(
            select(Call.answered_at, Call.setup_at, Booth.max_duration_s)
            .outerjoin(Booth, Booth.name == Call.booth)
            .where(Call.call_ref == call_ref)
        ).one_or_none()
    if row is None:
        return None
    answered_at, setup_at, max_s = row
    now = utc(shop.clock.now())
    beat = last_heartbeat(shop)
    end = now if beat is None else min(utc(beat), now)
    start = utc(answered_at or setup_at)
    return max(start, min(end, start + timedelta(seconds=max_s or MAX_CALL_S)))


def recover_interrupted(shop: Shop, recorder: CallRecorder, skip: Iterable[str] = ()) -> list[int]:
    """Finish every call a crashed engine left in progress (flag ``interrupted``,
    ended at :func:`recovery_end`) except those in ``skip`` (their records still
    wait in a spill journal); returns their ids. Safe to run twice: nothing is
    recorded twice. Never aborts: a call the database refuses to finish is set aside
    as an unrecorded call (kind ``recovery``) and the others are finished; a call that
    fails for another reason (the database away) is left for the next start."""
    done: list[int] = []
    left = set(skip)
    for call in recorder.calls_in_progress():
        if call.call_ref in left:
            continue
        try:
            end = recovery_end(shop, call.call_ref)
            done.append(finish_interrupted(shop, call.call_ref, end))
        except Exception as exc:
            fault = classify(exc)
            if fault in (Fault.BUSY, Fault.STORAGE):
                log.error(
                    "call %s of %s could not be finished now (%s); tried again at the next start",
                    call.call_ref,
                    call.booth,
                    exc,
                )
                continue
            event = json.dumps(
                {
                    "kind": "recovery",
                    "booth": call.booth,
                    "call_ref": call.call_ref,
                    "call_id": call.call_id,
                    "end": end.isoformat() if end is not None else None,
                }
            )
            try:
                set_aside(
                    shop,
                    call.booth,
                    call.call_ref,
                    "recovery",
                    event,
                    f"{type(exc).__name__}: {exc}",
                )
            except Exception:
                log.exception(
                    "call %s of %s could not be finished nor set aside", call.call_ref, call.booth
                )
                continue
            log.error(
                "call %s of %s could not be finished (%s): set aside as an unrecorded "
                "call to resolve",
                call.call_ref,
                call.booth,
                exc,
            )
    return done


def recorded_refs(shop: Shop, refs: Iterable[str]) -> set[str]:
    """Those of ``refs`` that already have a call row (any state)."""
    wanted = list(dict.fromkeys(refs))
    found: set[str] = set()
    with shop.db.read() as s:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            found.update(s.scalars(select(Call.call_ref).where(Call.call_ref.in_(chunk))))
    return found
