"""Users of the till: cashiers (operators) and administrators."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["Role", "User"]


class Role(StrEnum):
    """What a user may do. An administrator has every operator function too.

    ``SYSTEM`` is never a user's role: it is the line engine acting on its own.
    """

    OPERATOR = "operator"
    ADMIN = "admin"
    SYSTEM = "system"


class User(JournaledRow, Base):
    __tablename__ = "users"
    # Role, password and the active flag are what an attacker would edit in the
    # database to gain access; the lockout counter and time are what one would reset to
    # guess passwords without limit. Every change of them is a journaled action (login,
    # login.failed, unlock, password), so the journal vouches for all of them.
    __journal_fields__ = (
        "username",
        "role",
        "password_hash",
        "active",
        "failed_logins",
        "locked_until",
        "created_at",
        "last_login_at",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
