"""Login, lockout, disabled users, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.db.models.users import User
from callshop_pos.errors import PermissionDenied
from callshop_pos.services.admin import users
from callshop_pos.services.auth import (
    SYSTEM,
    Actor,
    LoginFailed,
    Role,
    login,
    require_role,
)
from callshop_pos.services.context import Shop
from tests.callshop_pos.support import ADMIN_PASSWORD, OPERATOR_PASSWORD


def _actions(shop: Shop) -> list[tuple[str, str]]:
    with shop.db.read() as s:
        return [(e.action, e.actor_name) for e in s.scalars(select(JournalEntry))]


def test_passwords_are_stored_as_argon2id_hashes(shop: Shop) -> None:
    with shop.db.read() as s:
        user = s.scalars(select(User).where(User.username == "olga")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert OPERATOR_PASSWORD not in user.password_hash


def test_login_returns_the_actor_and_is_audited(shop: Shop, operator: Actor) -> None:
    assert login(shop, "olga", OPERATOR_PASSWORD) == operator
    assert _actions(shop)[-1] == ("login", "olga")


def test_wrong_user_and_wrong_password_get_the_same_message(shop: Shop) -> None:
    with pytest.raises(LoginFailed) as wrong_password:
        login(shop, "olga", "nope")
    with pytest.raises(LoginFailed) as wrong_user:
        login(shop, "nobody", "nope")
    assert str(wrong_password.value) == str(wrong_user.value) == "wrong user name or password"
    assert _actions(shop)[-2:] == [("login.failed", "olga"), ("login.failed", "nobody")]


def test_five_wrong_passwords_lock_the_account_for_five_minutes(
    shop: Shop, clock: FakeClock
) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed, match=r"^wrong user name or password$"):
            login(shop, "olga", "bad")
    with pytest.raises(LoginFailed, match="locked for 5 min"):
        login(shop, "olga", "bad")
    # Even the right password is refused while locked; the message says how long.
    clock.advance(90)
    with pytest.raises(LoginFailed, match="locked for another 3 min 30 s"):
        login(shop, "olga", OPERATOR_PASSWORD)
    clock.advance(209)
    with pytest.raises(LoginFailed, match="another 1 s"):
        login(shop, "olga", OPERATOR_PASSWORD)
    clock.advance(1)
    assert login(shop, "olga", OPERATOR_PASSWORD).username == "olga"
    assert [a for a, _ in _actions(shop)].count("login.failed") == 7


def test_the_counter_restarts_after_a_good_login(shop: Shop) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(shop, "olga", "bad")
    login(shop, "olga", OPERATOR_PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed, match=r"^wrong user name or password$"):
            login(shop, "olga", "bad")


def test_after_the_lock_runs_out_there_are_five_fresh_attempts(
    shop: Shop, clock: FakeClock
) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(shop, "olga", "bad")
    clock.advance(301)
    for _ in range(4):
        with pytest.raises(LoginFailed, match=r"^wrong user name or password$"):
            login(shop, "olga", "bad")
    with pytest.raises(LoginFailed, match="locked"):
        login(shop, "olga", "bad")


def test_an_admin_can_unlock_an_account(shop: Shop, admin: Actor) -> None:
    for _ in range(5):
        with pytest.raises(LoginFailed):
            login(shop, "olga", "bad")
    users.unlock(shop, admin, "olga")
    assert login(shop, "olga", OPERATOR_PASSWORD).username == "olga"


def test_a_disabled_user_cannot_log_in(shop: Shop, admin: Actor) -> None:
    users.disable(shop, admin, "olga")
    with pytest.raises(LoginFailed, match="disabled"):
        login(shop, "olga", OPERATOR_PASSWORD)
    # A wrong password does not reveal that the account is disabled.
    with pytest.raises(LoginFailed, match=r"^wrong user name or password$"):
        login(shop, "olga", "bad")
    users.enable(shop, admin, "olga")
    assert login(shop, "olga", OPERATOR_PASSWORD).role is Role.OPERATOR


def test_require_role() -> None:
    admin = Actor(1, "a", Role.ADMIN)
    operator = Actor(2, "o", Role.OPERATOR)
    require_role(admin, Role.ADMIN)
    require_role(admin, Role.OPERATOR)  # an admin has every operator function
    require_role(operator, Role.OPERATOR)
    require_role(SYSTEM, Role.OPERATOR, Role.SYSTEM)
    with pytest.raises(PermissionDenied, match="needs admin"):
        require_role(operator, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        require_role(SYSTEM, Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        require_role(admin, Role.SYSTEM)


def test_admin_password_is_the_seeded_one(shop: Shop, admin: Actor) -> None:
    assert login(shop, "admin", ADMIN_PASSWORD) == admin
