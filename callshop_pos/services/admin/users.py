"""Managing users (admin only, every change audited) and creating the first admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callshop_pos import journal
from callshop_pos.db.models.users import Role, User
from callshop_pos.errors import CallShopError, InvalidInput, NotFound
from callshop_pos.services.auth import (
    SYSTEM,
    Actor,
    actor_of,
    check_password_policy,
    require_role,
)
from callshop_pos.services.context import Shop
from callshop_pos.textsafe import check_name

__all__ = [
    "UserInfo",
    "add_user",
    "create_first_admin",
    "disable",
    "enable",
    "list_users",
    "set_password",
    "set_role",
    "unlock",
]

_USERS_MAX = 64


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as the admin screen lists it (never the password hash)."""

    id: int
    username: str
    role: Role
    active: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None


def _info(user: User) -> UserInfo:
    return UserInfo(
        id=user.id,
        username=user.username,
        role=user.role,
        active=user.active,
        locked_until=user.locked_until,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


def _check_username(name: str) -> str:
    name = name.strip()
    if not name or len(name) > _USERS_MAX:
        raise InvalidInput(f"a user name needs 1 to {_USERS_MAX} characters")
    check_name(name, "user name", max_length=_USERS_MAX)  # not like a spreadsheet formula
    if any(c.isspace() for c in name) or not name.isprintable():
        raise InvalidInput(f"user name {name!r} must not contain spaces")
    if name.lower() == SYSTEM.username:
        raise InvalidInput(f"{name!r} is reserved")
    return name


def _user_role(role: Role | str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        raise InvalidInput(f"role must be operator or admin, not {role!r}") from None
    if value is Role.SYSTEM:
        raise InvalidInput("role must be operator or admin")
    return value


def _get(s: Session, username: str) -> User:
    user = s.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(f"there is no user {username!r}")
    return user


def _new_user(shop: Shop, s: Session, username: str, password: str, role: Role) -> User:
    if s.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise InvalidInput(f"a user {username!r} already exists")
    user = User(
        username=username,
        role=role,
        password_hash=shop.hasher.hash(password),
        active=True,
        failed_logins=0,
        created_at=shop.clock.now(),
    )
    s.add(user)
    s.flush()
    return user


def create_first_admin(shop: Shop, username: str, password: str) -> Actor:
    """Create the shop's first administrator (``callshop-pos init``).

    Refused when an administrator already exists: later users are added by an admin.
    """
    username = _check_username(username)
    check_password_policy(password)
    with shop.db.write() as s:
        admins = s.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN))
        if admins:
            raise CallShopError("an administrator already exists; log in as one to add users")
        user = _new_user(shop, s, username, password, Role.ADMIN)
        actor = actor_of(user)
        journal.append(
            s,
            SYSTEM,
            "user.create",
            subject=user,
            payload={"username": username, "role": Role.ADMIN, "first_admin": True},
            rows=[user],
        )
    return actor


def add_user(shop: Shop, actor: Actor, username: str, password: str, role: Role | str) -> UserInfo:
    """Add a user (admin only)."""
    require_role(actor, Role.ADMIN)
    username = _check_username(username)
    role = _user_role(role)
    check_password_policy(password)
    with shop.db.write() as s:
        user = _new_user(shop, s, username, password, role)
        journal.append(
            s,
            actor,
            "user.create",
            subject=user,
            payload={"username": username, "role": role},
            rows=[user],
        )
        return _info(user)


def set_password(shop: Shop, actor: Actor, username: str, password: str) -> UserInfo:
    """Set a user's password (admins for anyone; every user for themselves).

    A new password also lifts a lockout.
    """
    if actor.username != username:
        require_role(actor, Role.ADMIN)
    else:
        require_role(actor, Role.OPERATOR)
    check_password_policy(password)
    with shop.db.write() as s:
        user = _get(s, username)
        user.password_hash = shop.hasher.hash(password)
        user.failed_logins, user.locked_until = 0, None
        journal.append(
            s, actor, "user.password", subject=user, payload={"username": username}, rows=[user]
        )
        return _info(user)


def _set_active(shop: Shop, actor: Actor, username: str, active: bool) -> UserInfo:
    require_role(actor, Role.ADMIN)
    with shop.db.write() as s:
        user = _get(s, username)
        if not active and user.role is Role.ADMIN and user.active:
            others = s.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
            )
            if not others:
                raise CallShopError("the last active administrator cannot be disabled")
        if user.active != active:
            user.active = active
            journal.append(
                s,
                actor,
                "user.enable" if active else "user.disable",
                subject=user,
                payload={"username": username},
                rows=[user],
            )
        return _info(user)


def set_role(shop: Shop, actor: Actor, username: str, role: Role | str) -> UserInfo:
    """Make a user an operator or an administrator (admin only; the last active
    administrator cannot be demoted)."""
    require_role(actor, Role.ADMIN)
    new_role = _user_role(role)
    with shop.db.write() as s:
        user = _get(s, username)
        if user.role is Role.ADMIN and new_role is not Role.ADMIN and user.active:
            others = s.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
            )
            if not others:
                raise CallShopError("the last active administrator cannot become an operator")
        if user.role is not new_role:
            old = user.role
            user.role = new_role
            journal.append(
                s,
                actor,
                "user.role",
                subject=user,
                payload={"username": username, "old": old, "new": new_role},
                rows=[user],
            )
        return _info(user)


def disable(shop: Shop, actor: Actor, username: str) -> UserInfo:
    """Disable a user: they can no longer log in (admin only; history is kept)."""
    return _set_active(shop, actor, username, False)


def enable(shop: Shop, actor: Actor, username: str) -> UserInfo:
    """Enable a disabled user again (admin only)."""
    return _set_active(shop, actor, username, True)


def unlock(shop: Shop, actor: Actor, username: str) -> UserInfo:
    """Lift a lockout after too many wrong passwords (admin only)."""
    require_role(actor, Role.ADMIN)
    with shop.db.write() as s:
        user = _get(s, username)
        user.failed_logins, user.locked_until = 0, None
        journal.append(
            s, actor, "user.unlock", subject=user, payload={"username": username}, rows=[user]
        )
        return _info(user)


def list_users(shop: Shop, actor: Actor) -> list[UserInfo]:
    """Every user, by name (admin only)."""
    require_role(actor, Role.ADMIN)
    with shop.db.read() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.username))]
