"""silent shops: incidents can be closed, one open silence per shop, when a shop was
last heard, central settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN_SILENCE = "kind = 'silent' AND closed_at IS NULL"


def upgrade() -> None:
    op.create_table('central_settings',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_central_settings'))
    )
    with op.batch_alter_table('heartbeats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heard_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            'uq_incidents_open_silence',
            ['shop_id'],
            unique=True,
            sqlite_where=sa.text(_OPEN_SILENCE),
            postgresql_where=sa.text(_OPEN_SILENCE),
        )


def downgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('uq_incidents_open_silence')
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('heartbeats', schema=None) as batch_op:
        batch_op.drop_column('heard_at')
    op.drop_table('central_settings')
