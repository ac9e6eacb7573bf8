"""unrecorded calls

Revision ID: 0003_unrecorded_calls
Revises: 0002_sync
Create Date: 2026-12-06 21:17:19
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_unrecorded_calls'
down_revision: str | None = '0002_sync'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('unrecorded_calls',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booth', sa.String(length=64), nullable=False),
    sa.Column('call_ref', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('event', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unrecorded_calls'))
    )
    with op.batch_alter_table('unrecorded_calls', schema=None) as batch_op:
        batch_op.create_index('ux_unrecorded_calls_ref_kind', ['call_ref', 'kind'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('unrecorded_calls', schema=None) as batch_op:
        batch_op.drop_index('ux_unrecorded_calls_ref_kind')

    op.drop_table('unrecorded_calls')
