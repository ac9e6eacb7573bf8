"""User management: admin only, audited, validated."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import CallShopError, InvalidInput, NotFound, PermissionDenied
from callshop_pos.services.admin import users
from callshop_pos.services.auth import Actor, LoginFailed, Role, login
from callshop_pos.services.context import Shop


def _entries(shop: Shop) -> int:
    with shop.db.read() as s:
        return s.scalar(select(func.count()).select_from(JournalEntry)) or 0


def test_admin_adds_users_and_they_can_log_in(shop: Shop, admin: Actor) -> None:
    info = users.add_user(shop, admin, "ivan", "secret-1", "admin")
    assert info.role is Role.ADMIN and info.active
    assert login(shop, "ivan", "secret-1").role is Role.ADMIN
    assert [u.username for u in users.list_users(shop, admin)] == ["admin", "ivan", "olga"]


@pytest.mark.parametrize(
    "call",
    [
        lambda shop, op: users.add_user(shop, op, "x", "secret-1", Role.OPERATOR),
        lambda shop, op: users.set_password(shop, op, "admin", "secret-1"),
        lambda shop, op: users.disable(shop, op, "admin"),
        lambda shop, op: users.enable(shop, op, "admin"),
        lambda shop, op: users.unlock(shop, op, "admin"),
        users.list_users,
    ],
)
def test_operators_are_refused_in_the_service_layer(shop: Shop, operator: Actor, call) -> None:  # type: ignore[no-untyped-def]
    before = _entries(shop)
    with pytest.raises(PermissionDenied):
        call(shop, operator)
    assert _entries(shop) == before


def test_a_user_may_change_their_own_password(shop: Shop, operator: Actor) -> None:
    users.set_password(shop, operator, "olga", "new-secret")
    assert login(shop, "olga", "new-secret") == operator
    with pytest.raises(LoginFailed):
        login(shop, "olga", "olga-pass")


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("olga", "secret-1", "operator", "already exists"),
        ("", "secret-1", "operator", "1 to 64"),
        ("two words", "secret-1", "operator", "spaces"),
        ("system", "secret-1", "operator", "reserved"),
        ("ivan", "abc", "operator", "at least 8"),
        ("ivan", "password1", "operator", "too common"),
        ("ivan", " secret ", "operator", "spaces"),
        ("ivan", "secret-1", "boss", "operator or admin"),
        ("ivan", "secret-1", "system", "operator or admin"),
    ],
)
def test_bad_user_input_is_refused(
    shop: Shop, admin: Actor, name: str, password: str, role: str, message: str
) -> None:
    before = _entries(shop)
    with pytest.raises(InvalidInput, match=message):
        users.add_user(shop, admin, name, password, role)
    assert _entries(shop) == before


def test_the_first_admin_is_created_once(shop: Shop) -> None:
    with pytest.raises(CallShopError, match="already exists"):
        users.create_first_admin(shop, "boss", "secret-1")


def test_the_last_admin_cannot_be_disabled(shop: Shop, admin: Actor) -> None:
    with pytest.raises(CallShopError, match="last active administrator"):
        users.disable(shop, admin, "admin")
    users.add_user(shop, admin, "ivan", "secret-1", Role.ADMIN)
    users.disable(shop, admin, "admin")


def test_unknown_user(shop: Shop, admin: Actor) -> None:
    with pytest.raises(NotFound):
        users.disable(shop, admin, "nobody")
