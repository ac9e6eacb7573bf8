"""Reading and changing the shop's settings (admin only; every change audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from callshop_pos import journal
from callshop_pos.db.models.settings import SettingRow
from callshop_pos.db.models.users import Role
from callshop_pos.receipts.devices import device_configs
from callshop_pos.services.auth import Actor, require_role
from callshop_pos.services.context import Shop, load_settings
from callshop_pos.settings import Settings

__all__ = [
    "SettingsChange",
    "get_settings",
    "load_settings",
    "update_settings",
    "write_settings",
]


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """What an update changed: ``{name: (old, new)}`` and the resulting settings."""

    changed: dict[str, tuple[Any, Any]]
    settings: Settings


def get_settings(shop: Shop) -> Settings:
    """The current settings, freshly read (any role may read them)."""
    with shop.db.read() as s:
        settings = load_settings(s)
    shop.use_settings(settings)
    return settings


def update_settings(shop: Shop, actor: Actor, **changes: object) -> SettingsChange:
    """Change settings (admin only). Values are validated together; an unknown name
    or a bad value changes nothing. Each changed setting is audited old → new."""
    require_role(actor, Role.ADMIN)
    if "devices" in changes:
        # Each device entry is read as the devices will be built, so a typo is refused
        # now, in words, rather than found at the first receipt.
        device_configs(Settings().replace(devices=changes["devices"]).devices)
    return write_settings(shop, actor, changes)


def write_settings(
    shop: Shop, actor: Actor, changes: dict[str, object], *, action: str = "settings.update"
) -> SettingsChange:
    """Validate and store ``changes``, journaled as ``action``. The caller has checked
    the role (administrators for any setting; the till's printer set-up for its own)."""
    registry = Settings.registry()
    with shop.db.write() as s:
        current = load_settings(s)
        updated = current.replace(**changes)  # validates, refuses unknown names
        changed: dict[str, tuple[Any, Any]] = {}
        touched: list[SettingRow] = []
        now = shop.clock.now()
        for name in changes:
            old, new = getattr(current, name), getattr(updated, name)
            if old == new:
                continue
            changed[name] = (old, new)
            text = journal.canonical_json(registry[name].to_json(new))
            row = s.get(SettingRow, name)
            if row is None:
                row = SettingRow(key=name, value=text, updated_at=now, updated_by=actor.username)
                s.add(row)
            else:
                row.value, row.updated_at, row.updated_by = text, now, actor.username
            touched.append(row)
        if changed:
            journal.append(
                s,
                actor,
                action,
                payload={  # secrets (the trunk password) are masked in the journal
                    name: {
                        "old": registry[name].shown(old),
                        "new": registry[name].shown(new),
                    }
                    for name, (old, new) in changed.items()
                },
                rows=touched,
            )
    shop.use_settings(updated)
    return SettingsChange(changed, updated)
