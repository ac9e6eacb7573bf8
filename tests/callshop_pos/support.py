"""Helpers behind the core test fixtures (importable by any test module)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import create_engine, make_url, text

from callshop_pos.clock import FakeClock
from callshop_pos.db import Database
from callshop_pos.services.admin import users
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.context import Shop

ADMIN_PASSWORD = "admin-pass"
OPERATOR_PASSWORD = "olga-pass"
PG_ENV = "CALLSHOP_TEST_PG_URL"


def fast_hasher() -> PasswordHasher:
    """argon2id with tiny cost parameters: the same algorithm, fast enough for tests."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID)


class SeededShop(NamedTuple):
    shop: Shop
    admin: Actor
    operator: Actor


def migrated_template(directory: Path) -> Path:
    """An empty, migrated SQLite database file to copy (migrating once per session)."""
    path = directory / "template.db"
    Database.open(f"sqlite:///{path}").dispose()
    return path


def make_shop(url: str, clock: FakeClock, template: Path | None = None) -> SeededShop:
    """A migrated shop with an admin (admin) and an operator (olga).

    With ``template`` (a file from :func:`migrated_template`) and a SQLite URL the
    schema is copied instead of migrated again, which is much faster.
    """
    target = make_url(url)
    if template is not None and target.get_backend_name() == "sqlite" and target.database:
        shutil.copyfile(template, target.database)
    shop = Shop.open(url, clock=clock, hasher=fast_hasher())
    try:
        admin = users.create_first_admin(shop, "admin", ADMIN_PASSWORD)
        olga = users.add_user(shop, admin, "olga", OPERATOR_PASSWORD, Role.OPERATOR)
    except BaseException:
        shop.close()
        raise
    return SeededShop(shop, admin, Actor(olga.id, olga.username, olga.role))


def postgres_url_or_skip() -> str:
    """The test server's URL; skip when not configured, fail when CI expects it."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{PG_ENV} is not set but CI is: the PostgreSQL tests must run in CI")
    pytest.skip(f"{PG_ENV} not set (set it to a PostgreSQL URL to run the postgres tests)")


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, private schema (dropped afterwards)."""
    base = postgres_url_or_skip()
    schema = f"t_{secrets.token_hex(6)}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin_engine.dispose()
