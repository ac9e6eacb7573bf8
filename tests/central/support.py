"""Helpers behind the central service's test fixtures."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from sqlalchemy import create_engine, make_url, text

from central import auth, service
from central.api import basic_auth, create_app
from central.clock import FixedClock
from central.db import CentralDb, migrate

PG_ENV = "CALLSHOP_TEST_PG_URL"
START = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
OWNER_PASSWORD = "owner-pass"
MANAGER_PASSWORD = "manager-pass"


def fast_hasher() -> PasswordHasher:
    """argon2id with tiny costs: the same algorithm, fast enough for tests."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)


def postgres_url_or_skip() -> str:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{PG_ENV} is not set but CI is: the PostgreSQL tests must run in CI")
    pytest.skip(f"{PG_ENV} not set")


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, private schema (dropped afterwards)."""
    base = postgres_url_or_skip()
    schema = f"c_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


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
