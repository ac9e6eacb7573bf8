"""one key from a call to its shift and shop; archived payloads compressed with lz4

``calls`` had two foreign keys (to ``shifts`` and to ``shops``): PostgreSQL checked
both for every call stored. One key on (shift, shop) checks once and says more: the
call's shift exists *and* belongs to the call's shop. ``shifts`` gets the unique index
on (id, shop_id) such a key needs.

On PostgreSQL (14 and later, built with lz4, as Debian's and the project's images
are) the archived canonical payloads of shifts and corrections are compressed with
lz4 instead of pglz: about a third of the database's CPU to store a 150 kB payload,
for the same size (docs/performance.md). Existing rows keep their compression until
rewritten; both read the same.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAYLOADS = (('shifts', 'payload'), ('corrections', 'payload'))


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return False
    return bool(
        bind.execute(
            sa.text(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
        ).scalar()
    )


def upgrade() -> None:
    op.create_index('uq_shifts_id_shop', 'shifts', ['id', 'shop_id'], unique=True)
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_calls_shift_id_shifts'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_calls_shop_id_shops'), type_='foreignkey')
        batch_op.create_foreign_key(
            'fk_calls_shift_shop_shifts', 'shifts', ['shift_id', 'shop_id'], ['id', 'shop_id']
        )
    if _lz4_available():
        for table, column in _PAYLOADS:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4')


def downgrade() -> None:
    if _lz4_available():
        for table, column in _PAYLOADS:
            op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION pglz')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_constraint('fk_calls_shift_shop_shifts', type_='foreignkey')
        batch_op.create_foreign_key(
            op.f('fk_calls_shop_id_shops'), 'shops', ['shop_id'], ['id']
        )
        batch_op.create_foreign_key(
            op.f('fk_calls_shift_id_shifts'), 'shifts', ['shift_id'], ['id']
        )
    op.drop_index('uq_shifts_id_shop', table_name='shifts')
