"""Who is acting, what they may do, and logging in.

Every service function receives an :class:`Actor` and checks the role itself with
:func:`require_role` — the UI hiding a button is never the protection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from callshop_pos import journal
from callshop_pos.db.models.users import Role, User
from callshop_pos.errors import CallShopError, InvalidInput, PermissionDenied
from callshop_pos.services.context import Shop

__all__ = [
    "LOCKOUT",
    "MAX_FAILED_LOGINS",
    "MIN_PASSWORD_LENGTH",
    "SYSTEM",
    "Actor",
    "LoginFailed",
    "LoginRefusal",
    "Role",
    "actor_of",
    "check_password_policy",
    "common_passwords",
    "hash_password",
    "login",
    "require_role",
]

#: Wrong passwords in a row that lock an account …
MAX_FAILED_LOGINS = 5
#: … for this long.
LOCKOUT = timedelta(minutes=5)
#: New passwords are at least this long (passwords set under an older rule still log in).
MIN_PASSWORD_LENGTH = 8

_WRONG_CREDENTIALS = "wrong user name or password"


class LoginRefusal(StrEnum):
    """Why a login was refused, for a window that words it in its own language."""

    WRONG = "wrong"  # wrong user name or password (never says which)
    NOW_LOCKED = "now_locked"  # wrong, and that was one too many: locked from now
    LOCKED = "locked"  # still locked from earlier wrong passwords
    DISABLED = "disabled"


class LoginFailed(CallShopError):
    """The login was refused (message says why, never which of name/password was wrong);
    :attr:`refusal` and :attr:`locked_s` (seconds of lock left) say it for translation."""

    def __init__(
        self, message: str, refusal: LoginRefusal = LoginRefusal.WRONG, locked_s: int = 0
    ) -> None:
        super().__init__(message)
        self.refusal = refusal
        self.locked_s = locked_s


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated user an action runs as (or :data:`SYSTEM`)."""

    user_id: int | None
    username: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


#: The line engine acting on its own (recording calls, auto-locking booths).
SYSTEM = Actor(user_id=None, username="system", role=Role.SYSTEM)


def require_role(actor: Actor, *allowed: Role) -> None:
    """Raise PermissionDenied unless ``actor`` has one of ``allowed`` roles.

    An administrator may do everything an operator may: ``require_role(a, Role.OPERATOR)``
    accepts admins. ``SYSTEM`` passes only where ``Role.SYSTEM`` is listed.
    """
    if not allowed:
        raise ValueError("require_role needs at least one role")
    if actor.role in allowed or (actor.role is Role.ADMIN and Role.OPERATOR in allowed):
        return
    names = " or ".join(role.value for role in allowed)
    raise PermissionDenied(f"{actor.username} ({actor.role.value}) may not do this; needs {names}")


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, role=user.role)


@cache
def common_passwords() -> frozenset[str]:
    """The commonest passwords of at least 8 characters, lower-cased (a list bundled in
    ``resources/passwords``; its source is noted beside it)."""
    text = (resources.files("resources.passwords") / "common-passwords.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(line for line in text.splitlines() if line)


def check_password_policy(password: str) -> None:
    """Refuse a new password that is too short, padded with spaces or one of the
    commonest (checked when a password is set, never at login)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if password != password.strip():
        raise InvalidInput("the password must not start or end with spaces")
    if password.lower() in common_passwords():
        raise InvalidInput(
            "this password is too common (it is on lists attackers try first); choose another"
        )


def hash_password(shop: Shop, password: str) -> str:
    """An argon2id hash of ``password`` with the shop's hasher parameters."""
    return shop.hasher.hash(password)


def _seconds(delta: timedelta) -> int:
    """Whole seconds of ``delta``, rounded up (a lock never shows as over too early)."""
    return max(1, int(delta.total_seconds() + 0.999))


def _wait_text(delta: timedelta) -> str:
    seconds = _seconds(delta)
    minutes, secs = divmod(seconds, 60)
    if minutes and secs:
        return f"{minutes} min {secs} s"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def login(shop: Shop, username: str, password: str) -> Actor:
    """Check a user's password and return the Actor to run actions as.

    Five wrong passwords in a row lock the account for five minutes (the message says
    how long is left); a disabled account cannot log in; an unknown user and a wrong
    password get the same message. Every attempt is written to the audit journal.
    """
    now = shop.clock.now()
    outcome: Actor | LoginFailed
    with shop.db.write() as s:
        user = s.scalars(select(User).where(User.username == username)).one_or_none()
        outcome = _attempt(shop, user=user, password=password, now=now)
        if user is None:
            probe = Actor(user_id=None, username=username[:64] or "?", role=Role.OPERATOR)
            journal.append(s, probe, "login.failed", payload={"reason": "unknown user"})
        elif isinstance(outcome, Actor):
            journal.append(s, outcome, "login", subject=user, rows=[user])
        else:
            journal.append(
                s,
                actor_of(user),
                "login.failed",
                subject=user,
                payload={
                    "reason": str(outcome),
                    "failed_logins": user.failed_logins,
                    "locked_until": user.locked_until,
                },
                rows=[user],
            )
    if isinstance(outcome, LoginFailed):
        raise outcome
    return outcome


def _attempt(shop: Shop, *, user: User | None, password: str, now: datetime) -> Actor | LoginFailed:
    if user is None:
        # Spend the same time as a real check so timing does not reveal user names.
        _verify(shop.hasher, shop.dummy_hash, password)
        return LoginFailed(_WRONG_CREDENTIALS)
    if user.locked_until is not None and now < user.locked_until:
        left = user.locked_until - now
        return LoginFailed(
            f"too many wrong passwords: the account is locked for another {_wait_text(left)}",
            LoginRefusal.LOCKED,
            _seconds(left),
        )
    if user.locked_until is not None:
        # The lock has run out: a fresh set of attempts.
        user.locked_until = None
        user.failed_logins = 0
    if not _verify(shop.hasher, user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            return LoginFailed(
                f"{_WRONG_CREDENTIALS}; too many wrong passwords: the account is locked "
                f"for {_wait_text(LOCKOUT)}",
                LoginRefusal.NOW_LOCKED,
                _seconds(LOCKOUT),
            )
        return LoginFailed(_WRONG_CREDENTIALS)
    if not user.active:
        return LoginFailed(f"the account {user.username!r} is disabled", LoginRefusal.DISABLED)
    user.failed_logins = 0
    user.last_login_at = now
    if shop.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = shop.hasher.hash(password)
    return actor_of(user)
