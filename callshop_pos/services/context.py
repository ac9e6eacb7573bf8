"""The shop context every service function receives: ``fn(shop, actor, ...)``.

A :class:`Shop` bundles the database, the clock, the password hasher, the loaded
settings and the current pricing (price index + rater of the active price-list
version). The pricing is rebuilt once per price-list version (or settings change)
and swapped in with one assignment, so a reader always sees a consistent pair.
"""

from __future__ import annotations

import json
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher, Type
from sqlalchemy import select

from callshop_pos.clock import Clock
from callshop_pos.db.database import Database
from callshop_pos.db.models.journal import JournalHead
from callshop_pos.db.models.settings import SettingRow
from callshop_pos.services.pricing import Pricing, active_version_id, build_pricing
from callshop_pos.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.orm import Session

__all__ = ["Shop", "default_hasher", "load_settings"]


def load_settings(session: Session) -> Settings:
    """The settings stored in the database (defaults for the rest)."""
    raw = {row.key: json.loads(row.value) for row in session.scalars(select(SettingRow))}
    return Settings.from_json(raw)


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's recommended (RFC 9106 low-memory) parameters."""
    return PasswordHasher(type=Type.ID)


class Shop:
    """Database + clock + settings + pricing: the one object services are given."""

    def __init__(
        self,
        db: Database,
        *,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.db = db
        self.clock: Clock = db.clock
        self.hasher = hasher if hasher is not None else default_hasher()
        self._lock = threading.Lock()
        self._settings: Settings | None = None
        self._pricing: Pricing | None = None
        self._seen_head: int | None = None
        #: Make the copy after a Z in a background child process (the cashier window
        #: sets it: verifying a year's copy takes about as long as ``verify``).
        self.background_backups = False
        #: The installation's data directory when the caller chose one (``--data-dir``);
        #: None: ``config.data_dir()``. Secrets beside the database live there (cards.key).
        self.data_dir: Path | None = None

    @classmethod
    def open(
        cls,
        url: str | URL,
        *,
        clock: Clock | None = None,
        hasher: PasswordHasher | None = None,
    ) -> Shop:
        """Open (create and migrate if needed) the database at ``url``."""
        return cls(Database.open(url, clock=clock), hasher=hasher)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Shop:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def dummy_hash(self) -> str:
        """A hash to check unknown user names against (same cost as a real check)."""
        return self.hasher.hash("not a password of anyone")

    # --- settings -------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The loaded settings (read from the database on first use)."""
        current = self._settings
        if current is None:
            with self.db.read() as s:
                current = load_settings(s)
            self.use_settings(current)
        return current

    def use_settings(self, settings: Settings) -> None:
        """Swap in new settings; the pricing is rebuilt if they affect rating."""
        with self._lock:
            old = self._settings
            self._settings = settings
            if self._pricing is not None and old is not None and _rating_changed(old, settings):
                self._pricing = None

    # --- pricing --------------------------------------------------------------------

    @property
    def pricing(self) -> Pricing:
        """The index and rater of the active price-list version (built on first use)."""
        current = self._pricing
        if current is None:
            settings = self.settings
            with self.db.read() as s:
                current = build_pricing(s, settings)
            with self._lock:
                if self._settings is settings:
                    self._pricing = current
        return current

    def use_pricing(self, pricing: Pricing) -> None:
        """Swap in a freshly built pricing (after an import)."""
        with self._lock:
            self._pricing = pricing

    # --- other processes' changes ---------------------------------------------------

    def refresh(self) -> bool:
        """Pick up settings and price-list changes made by another process.

        Cheap when nothing changed (one primary-key read of the journal head: every
        change is journaled). Returns True when something was reloaded.
        """
        with self.db.read() as s:
            head = s.scalar(select(JournalHead.seq).where(JournalHead.id == 1))
        if head == self._seen_head:
            return False
        with self.db.read() as s:
            settings = load_settings(s)
            version = active_version_id(s)
        changed = settings != self._settings
        if changed:
            self.use_settings(settings)
        pricing = self._pricing
        if pricing is not None and pricing.version_id != version:
            with self._lock:
                self._pricing = None
            changed = True
        self._seen_head = head
        return changed


def _rating_changed(old: Settings, new: Settings) -> bool:
    fields = ("country_code", "national_prefix", "intl_prefixes", "offpeak", "timezone", "currency")
    return any(getattr(old, f) != getattr(new, f) for f in fields)
