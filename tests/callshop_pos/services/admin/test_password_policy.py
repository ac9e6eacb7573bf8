"""Passwords: at least 8 characters and not one of the commonest; old ones still log in."""

from __future__ import annotations

import pytest

from callshop_pos.db.models.users import User
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin import users
from callshop_pos.services.auth import (
    MIN_PASSWORD_LENGTH,
    Actor,
    check_password_policy,
    common_passwords,
    login,
)
from callshop_pos.services.context import Shop


def test_at_least_eight_characters() -> None:
    assert MIN_PASSWORD_LENGTH == 8
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        check_password_policy("kx7#pQ2")
    check_password_policy("kx7#pQ2z")


@pytest.mark.parametrize(
    "password", ["password", "12345678", "iloveyou", "Password1", "QWERTYUIOP", "1q2w3e4r"]
)
def test_the_commonest_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput, match="too common"):
        check_password_policy(password)


def test_the_bundled_list_is_a_few_thousand_long_passwords() -> None:
    common = common_passwords()
    assert 3_000 <= len(common) <= 10_000
    assert all(len(p) >= MIN_PASSWORD_LENGTH and p == p.lower() for p in common)
    assert "password" in common and "boss-pass" not in common


def test_new_users_need_a_good_password_old_ones_still_log_in(shop: Shop, admin: Actor) -> None:
    with pytest.raises(InvalidInput, match="at least 8"):
        users.add_user(shop, admin, "nina", "nina", "operator")
    with pytest.raises(InvalidInput, match="too common"):
        users.add_user(shop, admin, "nina", "password1", "operator")
    assert users.list_users(shop, admin)[-1].username != "nina"
    users.add_user(shop, admin, "nina", "correct horse", "operator")
    with pytest.raises(InvalidInput, match="at least 8"):
        users.set_password(shop, admin, "nina", "1234")
    # A password set under the old rule (4 characters) still logs in.
    with shop.db.write() as s:
        user = s.query(User).filter_by(username="nina").one()
        user.password_hash = shop.hasher.hash("abcd")
    assert login(shop, "nina", "abcd").username == "nina"
