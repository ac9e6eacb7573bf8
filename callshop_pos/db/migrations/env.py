"""Alembic environment: migrates the connection handed over by callshop_pos.db.migrate."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.types import TypeDecorator

from callshop_pos.db.models import load_all
from callshop_pos.db.types import ExactDecimal, UtcDateTime


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations must not depend on our Python types (they change; migrations don't):
    # render the plain column type they store as.
    if type_ == "type" and isinstance(obj, TypeDecorator):
        if isinstance(obj, UtcDateTime):
            return "sa.DateTime(timezone=True)"
        if isinstance(obj, ExactDecimal):
            return f"sa.String(length={obj.impl.length})"
    return False


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through callshop_pos.db.migrate (no connection)")
    context.configure(
        connection=connection,
        target_metadata=load_all(),
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
