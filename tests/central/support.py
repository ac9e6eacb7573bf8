"""Helpers behind the central service's test fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher, Type
from fastapi import FastAPI

from central import auth, service
from central.api import basic_auth, create_app
from central.clock import FixedClock
from central.db import CentralDb, migrate

START = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
OWNER_PASSWORD = "owner-pass"
MANAGER_PASSWORD = "manager-pass"


def fast_hasher() -> PasswordHasher:
    """argon2id with tiny costs: the same algorithm, fast enough for tests."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)


@dataclass
class Central:
    """A migrated central with two shops, a token each, an owner and a manager."""

    db: CentralDb
    clock: FixedClock
    hasher: PasswordHasher
    tokens: dict[str, str]

    def app(self, **kwargs: object) -> FastAPI:
        return create_app(self.db, clock=self.clock, hasher=self.hasher, **kwargs)  # type: ignore[arg-type]

    def till(self, shop: str = "sofia-1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[shop]}"}

    @staticmethod
    def owner() -> dict[str, str]:
        return {"Authorization": basic_auth("boss", OWNER_PASSWORD)}

    @staticmethod
    def manager() -> dict[str, str]:
        return {"Authorization": basic_auth("mira", MANAGER_PASSWORD)}


def make_central(url: str) -> Central:
    db = CentralDb(url)
    migrate(db)
    clock = FixedClock(START)
    hasher = fast_hasher()
    service.add_shop(db, clock, "sofia-1", "Sofia, Vitosha 1", "Europe/Sofia")
    service.add_shop(db, clock, "plovdiv-2", "Plovdiv, Glavna 2", "Europe/Sofia")
    tokens = {code: auth.issue_token(db, clock, code, "till") for code in ("sofia-1", "plovdiv-2")}
    auth.add_user(db, clock, hasher, "boss", OWNER_PASSWORD, "owner")
    auth.add_user(db, clock, hasher, "mira", MANAGER_PASSWORD, "manager", ["plovdiv-2"])
    return Central(db, clock, hasher, tokens)
