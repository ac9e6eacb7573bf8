"""Helpers behind the core test fixtures (importable by any test module)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

from argon2 import PasswordHasher, Type
from sqlalchemy import make_url

from callshop_pos.clock import FakeClock
from callshop_pos.db import Database
from callshop_pos.services.admin import users
from callshop_pos.services.auth import Actor, Role
from callshop_pos.services.context import Shop

ADMIN_PASSWORD = "admin-pass"
OPERATOR_PASSWORD = "olga-pass"


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
