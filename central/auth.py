"""Who is asking: a till (per-shop API token) or a central user (owner / manager).

Tokens look like ``cst_<id>.<secret>``: the id finds the row, only SHA-256 of the 256-bit
secret is stored (a slow hash adds nothing to a random secret of that size), compared in
constant time; a revoked token is refused. Users log in with argon2id passwords; five
wrong passwords in a row lock the account for five minutes (by the injected clock).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from central.clock import Clock
from central.db import CentralDb
from central.errors import Forbidden, Invalid, Locked, NotFound, Unauthorized
from central.models import ApiToken, Shop, User, UserShop

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "Principal",
    "add_user",
    "authenticate_token",
    "authenticate_user",
    "issue_token",
    "revoke_token",
    "token_principal",
]

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
TOKEN_PREFIX = "cst_"
ROLES = ("owner", "manager")


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: a till of one shop, or a user (owner: every shop)."""

    kind: str  # "till" or "user"
    name: str
    role: str  # "till", "owner", "manager"
    shops: frozenset[str] = field(default_factory=frozenset)  # codes; empty for an owner

    def may_see(self, shop: str) -> bool:
        return self.role == "owner" or shop in self.shops

    def require_shop(self, shop: str) -> None:
        if not self.may_see(shop):
            raise Forbidden(f"{self.name} may not use shop {shop!r}")

    def require_owner(self) -> None:
        if self.role != "owner":
            raise Forbidden("only the owner may do this")


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(db: CentralDb, clock: Clock, shop_code: str, label: str = "") -> str:
    """A new token for ``shop_code``; the only time its secret is ever shown."""
    token_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    with db.write() as s:
        shop = s.scalars(select(Shop).where(Shop.code == shop_code)).one_or_none()
        if shop is None:
            raise NotFound(f"no shop {shop_code!r}")
        s.add(
            ApiToken(
                token_id=token_id,
                shop_id=shop.id,
                secret_sha256=_sha(secret),
                label=label,
                created_at=clock.now(),
            )
        )
    return f"{TOKEN_PREFIX}{token_id}.{secret}"


def revoke_token(db: CentralDb, clock: Clock, token_id: str) -> None:
    token_id = token_id.removeprefix(TOKEN_PREFIX).split(".", 1)[0]
    with db.write() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_id == token_id)).one_or_none()
        if row is None:
            raise NotFound(f"no token {token_id!r}")
        if row.revoked_at is None:
            row.revoked_at = clock.now()


def authenticate_token(db: CentralDb, presented: str) -> Principal:
    """The till behind a bearer token (401 when unknown, malformed or revoked)."""
    with db.read() as s:
        return token_principal(s, presented)


_TOKEN = (
    select(ApiToken.secret_sha256, ApiToken.revoked_at, Shop.code)
    .join(Shop, Shop.id == ApiToken.shop_id)
    .where(ApiToken.token_id == bindparam("token_id"))
)


def token_principal(s: Session, presented: str) -> Principal:
    """:func:`authenticate_token` inside a transaction the caller holds (the busiest
    request authenticates in the transaction that stores its shift)."""
    if not presented.startswith(TOKEN_PREFIX) or "." not in presented:
        raise Unauthorized("not a callshop-central API token")
    token_id, secret = presented[len(TOKEN_PREFIX) :].split(".", 1)
    row = s.execute(_TOKEN, {"token_id": token_id}).one_or_none()
    if row is None or not hmac.compare_digest(row.secret_sha256, _sha(secret)):
        raise Unauthorized("unknown API token")
    if row.revoked_at is not None:
        raise Unauthorized("this API token was revoked")
    return Principal("till", f"till of {row.code}", "till", frozenset({row.code}))


def add_user(
    db: CentralDb,
    clock: Clock,
    hasher: PasswordHasher,
    username: str,
    password: str,
    role: str,
    shops: list[str] | tuple[str, ...] = (),
) -> None:
    if role not in ROLES:
        raise Invalid(f"role must be owner or manager, not {role!r}")
    if not username.strip() or len(username) > 64:
        raise Invalid("a user name needs 1 to 64 characters")
    if len(password) < 8:
        raise Invalid("a password needs at least 8 characters")
    if role == "owner" and shops:
        raise Invalid("an owner sees every shop; give shops to managers only")
    if role == "manager" and not shops:
        raise Invalid("a manager needs at least one shop (--shop CODE)")
    with db.write() as s:
        if s.scalars(select(User.id).where(User.username == username)).first() is not None:
            raise Invalid(f"user {username!r} exists already")
        ids = []
        for code in shops:
            shop_id = s.scalars(select(Shop.id).where(Shop.code == code)).one_or_none()
            if shop_id is None:
                raise NotFound(f"no shop {code!r}")
            ids.append(shop_id)
        user = User(
            username=username,
            password_hash=hasher.hash(password),
            role=role,
            active=True,
            failed_logins=0,
            created_at=clock.now(),
        )
        s.add(user)
        s.flush()
        s.add_all(UserShop(user_id=user.id, shop_id=shop_id) for shop_id in ids)


def authenticate_user(
    db: CentralDb, clock: Clock, hasher: PasswordHasher, username: str, password: str
) -> Principal:
    """Check a password (argon2id); lockout after ``MAX_FAILURES`` wrong ones in a row.

    The slow hash is checked outside any transaction (on SQLite a write transaction would
    hold every till's writes for its duration); only a failure, a first success after
    failures or a rehash writes, and the failure counter is incremented in the database
    itself, so parallel wrong guesses all count. Unknown users cost the same hash check.
    """
    now = clock.now()
    with db.read() as s:
        user = s.scalars(select(User).where(User.username == username)).one_or_none()
        shops = frozenset(
            s.scalars(
                select(Shop.code)
                .join(UserShop, UserShop.shop_id == Shop.id)
                .where(UserShop.user_id == (user.id if user else -1))
            )
        )
    if user is None:
        _dummy_check(hasher, password)
        raise Unauthorized("wrong user name or password")
    if user.locked_until is not None and user.locked_until > now:
        left = int((user.locked_until - now).total_seconds())
        raise Locked(f"account locked for another {left // 60} min {left % 60} s")
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        with db.write() as s:
            failures = s.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_logins=User.failed_logins + 1)
                .returning(User.failed_logins)
            ).scalar_one()
            if failures >= MAX_FAILURES:
                s.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_logins=0, locked_until=now + LOCKOUT)
                )
        raise Unauthorized("wrong user name or password") from None
    rehash = hasher.check_needs_rehash(user.password_hash)
    if user.failed_logins or user.locked_until is not None or rehash:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if rehash:
            values["password_hash"] = hasher.hash(password)
        with db.write() as s:
            s.execute(update(User).where(User.id == user.id).values(**values))
    if not user.active:
        raise Unauthorized("this account is disabled")
    return Principal("user", username, user.role, shops)


_DUMMY: dict[int, str] = {}


def _dummy_check(hasher: PasswordHasher, password: str) -> None:
    key = id(hasher)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not-a-password")
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        hasher.verify(_DUMMY[key], password)
