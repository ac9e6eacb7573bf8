"""Booths: add, change, remove (soft), lock/unlock, list — every change audited.

SIP booths authenticate with digest authentication; the database keeps only
HA1 = MD5(user:realm:password), which is all a SIP server needs and does not reveal
the password. The realm is the ``sip_realm`` setting: changing it invalidates every
booth's HA1, so each SIP booth's password must then be set again.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.booths import BillingMode, Booth, BoothDriver
from callshop_pos.db.models.users import Role
from callshop_pos.errors import InvalidInput, NotFound
from callshop_pos.money import format_minor
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.textsafe import check_name

if TYPE_CHECKING:
    from callshop_pos.services.context import Shop

__all__ = [
    "BoothChange",
    "BoothInfo",
    "add_booth",
    "get_booth",
    "list_booths",
    "record_line_alert",
    "remove_booth",
    "restore_booth",
    "set_locked",
    "sip_ha1",
    "update_booth",
]

_SIP_USER = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")
_NAME_MAX = 32


@dataclass(frozen=True, slots=True)
class BoothInfo:
    """A booth's configuration as the engine and the screens use it."""

    id: int
    name: str
    position: int
    driver: BoothDriver
    driver_settings: dict[str, Any]
    sip_user: str | None
    sip_ha1: str | None
    billing: BillingMode
    default_deposit_minor: int
    cost_cap_minor: int | None
    max_duration_s: int | None
    auto_lock: bool
    locked: bool
    active: bool


@dataclass(frozen=True, slots=True)
class BoothChange:
    """What an action changed: ``{field: (old, new)}`` and the booth afterwards."""

    booth: BoothInfo
    changed: dict[str, tuple[Any, Any]]


def sip_ha1(user: str, realm: str, password: str) -> str:
    """SIP digest HA1 (RFC 2617/3261): MD5 of ``user:realm:password``, hex."""
    material = f"{user}:{realm}:{password}".encode()
    return hashlib.md5(material, usedforsecurity=False).hexdigest()


def _info(booth: Booth) -> BoothInfo:
    return BoothInfo(
        id=booth.id,
        name=booth.name,
        position=booth.position,
        driver=booth.driver,
        driver_settings=dict(booth.driver_settings),
        sip_user=booth.sip_user,
        sip_ha1=booth.sip_ha1,
        billing=booth.billing,
        default_deposit_minor=booth.default_deposit_minor,
        cost_cap_minor=booth.cost_cap_minor,
        max_duration_s=booth.max_duration_s,
        auto_lock=booth.auto_lock,
        locked=booth.locked,
        active=booth.active,
    )


def _snapshot(booth: Booth) -> dict[str, Any]:
    values = {f: getattr(booth, f) for f in Booth.__journal_fields__}
    values.pop("sip_ha1")
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before[k], after[k]) for k in after if before.get(k) != after[k]}


def _get(s: Session, name: str) -> Booth:
    booth = s.scalars(select(Booth).where(Booth.name == name)).one_or_none()
    if booth is None:
        raise NotFound(f"there is no booth {name!r}")
    return booth


# --- validation -------------------------------------------------------------------------


def _name(value: object) -> str:
    name = check_name(value, "a booth name", max_length=_NAME_MAX)
    if not name.isprintable():
        raise InvalidInput("a booth name must be printable text")
    return name


def _whole(name: str, value: object, *, least: int, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be a whole number, not {value!r}")
    if value < least:
        raise InvalidInput(f"{name} must be at least {least}, not {value}")
    return value


def _enum_value(kind: type[BoothDriver] | type[BillingMode], value: object) -> Any:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput(f"{value!r} is not one of {allowed}") from None


def _money_amount(
    what: str, value: object, *, above_zero: bool, optional: bool, currency: str
) -> int | None:
    """A booth's amount of money (minor units), refused in words and amounts."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"the {what} must be an amount in minor units, not {value!r}")
    shown = f"{format_minor(value)} {currency}"
    if above_zero and value <= 0:
        empty = " (empty: no cap)" if optional else ""
        raise InvalidInput(f"the {what} must be above 0.00 {currency}{empty}, not {shown}")
    if value < 0:
        raise InvalidInput(f"the {what} cannot be negative, not {shown}")
    return value


#: The settings each driver reads (see drivers/engine_cli.py and drivers/sip_cli.py).
DRIVER_SETTINGS: dict[BoothDriver, tuple[str, ...]] = {
    BoothDriver.SIMULATOR: (),
    BoothDriver.SIP: ("bind",),  # the only IPv4 address the booth's ATA may use
    # The line card's device file (e.g. /dev/phone0) and how its calls leave the shop.
    BoothDriver.QUICKNET: ("device", "route"),
}


def _driver_settings(value: object) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise InvalidInput("driver settings must be a mapping of names to values")
    journal.canonical_value(value)  # refuses floats and odd types early, with a message
    # An empty field of the form means "not set".
    return {k: v for k, v in value.items() if v not in ("", None)}


def _check_driver_settings(driver: BoothDriver, settings: dict[str, Any]) -> None:
    known = DRIVER_SETTINGS.get(driver, ())
    extra = sorted(set(settings) - set(known))
    if extra:
        if not known:
            raise InvalidInput(
                f"a {driver.value} booth has no driver setting ({', '.join(extra)} given)"
            )
        raise InvalidInput(
            f"unknown driver setting(s) for a {driver.value} booth: {', '.join(extra)} "
            f"(it has: {', '.join(known)})"
        )
    if "bind" in settings:
        try:
            ipaddress.IPv4Address(str(settings["bind"]))
        except ValueError:
            raise InvalidInput(
                f"the ATA's address must be an IPv4 address such as 192.168.1.21, "
                f"not {settings['bind']!r}"
            ) from None
    if driver is BoothDriver.QUICKNET:
        device = settings.get("device")
        if not isinstance(device, str) or not device.startswith("/"):
            raise InvalidInput(
                f"a Quicknet booth needs its line card's device file, such as /dev/phone0, "
                f"not {device!r}"
            )


#: How a Quicknet booth's calls leave the shop (driver setting ``route``): ``pstn`` on a
#: LineJACK's own line, ``voip`` through the SIP trunk (a PhoneJACK has no line: voip).
QUICKNET_ROUTES = ("pstn", "voip")


def _check_route(booth: Booth) -> None:
    route = booth.driver_settings.get("route")
    if route is None:
        return
    if booth.driver is not BoothDriver.QUICKNET:
        raise InvalidInput("only Quicknet booths have a route (voip or pstn)")
    if route not in QUICKNET_ROUTES:
        raise InvalidInput(
            f"a Quicknet booth's route is voip (through the SIP trunk; the only one of a "
            f"PhoneJACK) or pstn (a LineJACK's own line), not {route!r}"
        )


def _set_sip(booth: Booth, shop: Shop, user: str | None, password: str | None) -> None:
    if booth.driver is BoothDriver.SIP:
        if not user or not _SIP_USER.match(user):
            raise InvalidInput("a SIP booth needs a SIP user name (letters, digits, . _ ~ -)")
        if password is None:
            if booth.sip_ha1 is None or user != booth.sip_user:
                raise InvalidInput("a SIP booth needs its SIP password")
        else:
            if len(password) < 6:
                raise InvalidInput("the SIP password must have at least 6 characters")
            booth.sip_ha1 = sip_ha1(user, shop.settings.sip_realm, password)
        booth.sip_user = user
    else:
        if user or password:
            raise InvalidInput("only SIP booths have a SIP user and password")
        booth.sip_user, booth.sip_ha1 = None, None


_FIELDS = (
    "name",
    "position",
    "driver",
    "driver_settings",
    "sip_user",
    "sip_password",
    "billing",
    "default_deposit_minor",
    "cost_cap_minor",
    "max_duration_s",
    "auto_lock",
)


def _apply(shop: Shop, s: Session, booth: Booth, changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - set(_FIELDS))
    if unknown:
        raise InvalidInput(f"unknown booth setting(s): {', '.join(unknown)}")
    if "name" in changes:
        booth.name = _unique_name(s, booth, changes["name"])
    _apply_settings(booth, changes, shop.settings.currency)
    if {"driver", "driver_settings"} & set(changes):
        _check_driver_settings(booth.driver, booth.driver_settings)
    if {"driver", "sip_user", "sip_password"} & set(changes):
        _apply_sip_account(shop, s, booth, changes)
    if booth.billing is BillingMode.PREPAID and booth.default_deposit_minor <= 0:
        raise InvalidInput("a prepaid booth needs a default deposit above zero")


def _unique_name(s: Session, booth: Booth, value: Any) -> str:
    name = _name(value)
    if name != booth.name and s.scalar(
        select(func.count()).select_from(Booth).where(Booth.name == name)
    ):
        raise InvalidInput(f"a booth named {name!r} already exists (or existed)")
    return name


def _apply_settings(booth: Booth, changes: dict[str, Any], currency: str) -> None:
    """The plain settings: each checked on its own."""
    if "position" in changes:
        booth.position = _whole("position", changes["position"], least=0, optional=False) or 0
    if "driver" in changes:
        booth.driver = _enum_value(BoothDriver, changes["driver"])
    if "driver_settings" in changes:
        booth.driver_settings = _driver_settings(changes["driver_settings"])
    if {"driver", "driver_settings"} & set(changes):
        _check_route(booth)
    if "billing" in changes:
        booth.billing = _enum_value(BillingMode, changes["billing"])
    if "default_deposit_minor" in changes:
        booth.default_deposit_minor = (
            _money_amount(
                "default deposit",
                changes["default_deposit_minor"],
                above_zero=False,
                optional=False,
                currency=currency,
            )
            or 0
        )
    if "cost_cap_minor" in changes:
        booth.cost_cap_minor = _money_amount(
            "cost cap", changes["cost_cap_minor"], above_zero=True, optional=True, currency=currency
        )
    if "max_duration_s" in changes:
        booth.max_duration_s = _whole(
            "maximum duration", changes["max_duration_s"], least=1, optional=True
        )
    if "auto_lock" in changes:
        if not isinstance(changes["auto_lock"], bool):
            raise InvalidInput("auto_lock must be yes or no")
        booth.auto_lock = changes["auto_lock"]


def _apply_sip_account(shop: Shop, s: Session, booth: Booth, changes: dict[str, Any]) -> None:
    """The SIP account (user, digest of the password); a user belongs to one booth."""
    user = changes.get("sip_user", booth.sip_user)
    _set_sip(booth, shop, user, changes.get("sip_password"))
    if user:
        taken = (
            s.scalar(
                select(func.count())
                .select_from(Booth)
                .where(Booth.sip_user == user, Booth.id != booth.id)
            )
            if booth.id is not None
            else s.scalar(select(func.count()).select_from(Booth).where(Booth.sip_user == user))
        )
        if taken:
            raise InvalidInput(f"SIP user {user!r} belongs to another booth")


# --- actions ------------------------------------------------------------------------------


def add_booth(shop: Shop, actor: Actor, name: str, /, **settings: Any) -> BoothInfo:
    """Add a booth (admin only). ``settings``: position, driver, driver_settings,
    sip_user, sip_password, billing, default_deposit_minor, cost_cap_minor,
    max_duration_s, auto_lock. Defaults: simulator driver, postpaid, at the end.
    The engine (``SYSTEM``) may add the booths a simulator scenario names."""
    require_role(actor, Role.ADMIN, Role.SYSTEM)
    with shop.db.write() as s:
        position = settings.pop("position", None)
        if position is None:
            position = (s.scalar(select(func.max(Booth.position))) or 0) + 1
        booth = Booth(
            name="",
            position=0,
            driver=BoothDriver.SIMULATOR,
            driver_settings={},
            billing=BillingMode.POSTPAID,
            default_deposit_minor=0,
            auto_lock=False,
            locked=False,
            active=True,
            created_at=shop.clock.now(),
        )
        _apply(
            shop,
            s,
            booth,
            {
                "name": name,
                "position": position,
                "driver": settings.pop("driver", BoothDriver.SIMULATOR),
                **settings,
            },
        )
        s.add(booth)
        s.flush()
        journal.append(s, actor, "booth.add", subject=booth, payload=_snapshot(booth), rows=[booth])
        return _info(booth)


def update_booth(shop: Shop, actor: Actor, name: str, /, **changes: Any) -> BoothChange:
    """Change a booth's settings (admin only); ``name=`` renames it."""
    require_role(actor, Role.ADMIN)
    if not changes:
        raise InvalidInput("nothing to change")
    with shop.db.write() as s:
        booth = _get(s, name)
        before = _snapshot(booth)
        old_ha1 = booth.sip_ha1
        _apply(shop, s, booth, dict(changes))
        changed = _diff(before, _snapshot(booth))
        if booth.sip_ha1 != old_ha1:
            changed["sip_password"] = ("***", "***")
        if changed:
            journal.append(
                s,
                actor,
                "booth.update",
                subject=booth,
                payload={k: {"old": o, "new": n} for k, (o, n) in changed.items()},
                rows=[booth],
            )
        return BoothChange(_info(booth), changed)


def _set_active(shop: Shop, actor: Actor, name: str, active: bool) -> BoothChange:
    require_role(actor, Role.ADMIN)
    with shop.db.write() as s:
        booth = _get(s, name)
        if booth.active == active:
            return BoothChange(_info(booth), {})
        booth.active = active
        booth.removed_at = None if active else shop.clock.now()
        journal.append(
            s,
            actor,
            "booth.restore" if active else "booth.remove",
            subject=booth,
            payload={"name": booth.name},
            rows=[booth],
        )
        return BoothChange(_info(booth), {"active": (not active, active)})


def remove_booth(shop: Shop, actor: Actor, name: str) -> BoothChange:
    """Take a booth out of service (admin only). It stays in the database so its
    calls keep their booth; :func:`restore_booth` brings it back."""
    return _set_active(shop, actor, name, False)


def restore_booth(shop: Shop, actor: Actor, name: str) -> BoothChange:
    """Put a removed booth back into service (admin only)."""
    return _set_active(shop, actor, name, True)


def set_locked(shop: Shop, actor: Actor, name: str, locked: bool) -> BoothChange:
    """Lock or unlock a booth (cashiers, admins and the engine)."""
    require_role(actor, Role.OPERATOR, Role.SYSTEM)
    with shop.db.write() as s:
        booth = _get(s, name)
        if not booth.active:
            raise InvalidInput(f"booth {name!r} is out of service")
        if booth.locked == locked:
            return BoothChange(_info(booth), {})
        booth.locked = locked
        journal.append(
            s,
            actor,
            "booth.lock" if locked else "booth.unlock",
            subject=booth,
            payload={"name": booth.name},
            rows=[booth],
        )
        return BoothChange(_info(booth), {"locked": (not locked, locked)})


def list_booths(shop: Shop, *, include_removed: bool = False) -> list[BoothInfo]:
    """The booths in display order (in service only, unless ``include_removed``)."""
    stmt = select(Booth).order_by(Booth.position, Booth.name)
    if not include_removed:
        stmt = stmt.where(Booth.active.is_(True))
    with shop.db.read() as s:
        return [_info(b) for b in s.scalars(stmt)]


def get_booth(shop: Shop, name: str) -> BoothInfo:
    with shop.db.read() as s:
        return _info(_get(s, name))


def record_line_alert(
    shop: Shop, actor: Actor, *, booths: Sequence[str], source: str, kind: str, detail: str
) -> None:
    """Journal an alert a booth line driver raised (the engine only): e.g. abuse seen
    from a booth's own address, which is rate-limited instead of banned — an admin
    should look (Administration → Audit journal, action ``booth.alert``)."""
    require_role(actor, Role.SYSTEM)
    with shop.db.write() as s:
        journal.append(
            s,
            actor,
            "booth.alert",
            payload={
                "booths": [str(b) for b in booths],
                "source": str(source)[:64],
                "kind": str(kind)[:64],
                "detail": str(detail)[:500],
            },
        )
