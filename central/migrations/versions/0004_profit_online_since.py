"""profit by destination and online since

Each shift's carrier cost converted at the till's USD rate (schema 2) and what is left
unconverted; each shift's figures by destination; since when a shop has been online.
Shifts held before this revision came from version-1 tills: their whole cost stays
unconverted, and their by-destination rows are summed from the calls held.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 00:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('wholesale_cost_minor', BIG, server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('unconverted_micro_usd', BIG, server_default='0', nullable=False)
        )
    op.execute('UPDATE shifts SET unconverted_micro_usd = wholesale_micro_usd')
    op.create_table('shift_destinations',
    sa.Column('shift_id', BIG, nullable=False),
    sa.Column('destination', sa.String(length=128), nullable=False),
    sa.Column('shop_id', BIG, nullable=False),
    sa.Column('calls', BIG, nullable=False),
    sa.Column('billable_seconds', BIG, nullable=False),
    sa.Column('takings_minor', BIG, nullable=False),
    sa.Column('wholesale_micro_usd', BIG, nullable=False),
    sa.Column('wholesale_cost_minor', BIG, nullable=False),
    sa.Column('unconverted_micro_usd', BIG, nullable=False),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_destinations_shift_id_shifts')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shift_destinations_shop_id_shops')),
    sa.PrimaryKeyConstraint('shift_id', 'destination', name=op.f('pk_shift_destinations'))
    )
    op.execute(
        "INSERT INTO shift_destinations (shift_id, destination, shop_id, calls, "
        "billable_seconds, takings_minor, wholesale_micro_usd, wholesale_cost_minor, "
        "unconverted_micro_usd) "
        "SELECT shift_id, COALESCE(destination, ''), MIN(shop_id), COUNT(*), SUM(billable_s), "
        "SUM(CASE WHEN status = 'paid' THEN COALESCE(price_minor, 0) ELSE 0 END), "
        "SUM(COALESCE(wholesale_micro_usd, 0)), 0, SUM(COALESCE(wholesale_micro_usd, 0)) "
        "FROM calls WHERE answered_at IS NOT NULL "
        "GROUP BY shift_id, COALESCE(destination, '')"
    )
    with op.batch_alter_table('heartbeats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_since', sa.DateTime(timezone=True), nullable=True))
    # the earliest heartbeat central can vouch for is the one it holds
    op.execute(
        'UPDATE heartbeats SET heard_at = COALESCE(heard_at, received_at), '
        'online_since = received_at'
    )


def downgrade() -> None:
    with op.batch_alter_table('heartbeats', schema=None) as batch_op:
        batch_op.drop_column('online_since')
    op.drop_table('shift_destinations')
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_column('unconverted_micro_usd')
        batch_op.drop_column('wholesale_cost_minor')
