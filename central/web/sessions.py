"""Browser logins: the session lives in the database (any number of workers), the cookie
holds only a random value whose SHA-256 is the row's key.

A session ends after :data:`IDLE` without a request or :data:`ABSOLUTE` after the login,
whichever comes first (by the injected clock); logout deletes it. Every form carries the
session's CSRF token; the login form, before any session, a double-submit token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import delete, select

from central.auth import Principal, authenticate_user
from central.clock import Clock
from central.db import CentralDb
from central.models import Shop, User, UserShop, WebSession

__all__ = ["ABSOLUTE", "IDLE", "WebUser", "csrf_ok", "end", "lookup", "new_token", "start"]

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
#: last_seen_at is written at most this often (a poll every few seconds needs no write)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class WebUser:
    principal: Principal
    csrf: str


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def csrf_ok(expected: str, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(expected, presented or "")


def start(
    db: CentralDb, clock: Clock, hasher: PasswordHasher, username: str, password: str
) -> tuple[str, WebUser]:
    """Check the password (lockout as for the API) and open a session: (cookie, user).
    Raises :class:`central.errors.Unauthorized` / ``Locked``."""
    who = authenticate_user(db, clock, hasher, username, password)
    raw = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = clock.now()
    with db.write() as s:
        user_id = s.scalars(select(User.id).where(User.username == username)).one()
        s.execute(delete(WebSession).where(WebSession.expires_at <= now))  # housekeeping
        s.add(
            WebSession(
                id_sha256=_sha(raw),
                user_id=user_id,
                csrf_token=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=min(now + IDLE, now + ABSOLUTE),
            )
        )
    return raw, WebUser(who, csrf)


def lookup(db: CentralDb, clock: Clock, raw: str | None) -> WebUser | None:
    """The logged-in user behind a cookie, or None (unknown, expired, disabled user)."""
    if not raw:
        return None
    now = clock.now()
    key = _sha(raw)
    with db.read() as s:
        row = s.execute(
            select(WebSession, User.username, User.role, User.active)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.id_sha256 == key)
        ).one_or_none()
        if row is None:
            return None
        session, username, role, active = row
        shops = frozenset(
            s.scalars(
                select(Shop.code)
                .join(UserShop, UserShop.shop_id == Shop.id)
                .where(UserShop.user_id == session.user_id)
            )
        )
    if not active or session.expires_at <= now:
        with db.write() as s:
            s.execute(delete(WebSession).where(WebSession.id_sha256 == key))
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        with db.write() as s:
            fresh = s.get(WebSession, key)
            if fresh is not None:
                fresh.last_seen_at = now
                fresh.expires_at = min(now + IDLE, fresh.created_at + ABSOLUTE)
    return WebUser(Principal("user", username, role, shops), session.csrf_token)


def end(db: CentralDb, raw: str | None) -> None:
    if raw:
        with db.write() as s:
            s.execute(delete(WebSession).where(WebSession.id_sha256 == _sha(raw)))


def new_token() -> str:
    return secrets.token_urlsafe(32)
