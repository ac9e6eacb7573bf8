"""cards

Revision ID: 0004_cards
Revises: 0003_unrecorded_calls
Create Date: 2026-12-07 00:09:02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_cards'
down_revision: str | None = '0003_unrecorded_calls'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('card_batches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('quantity', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('face_value_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('pin_length', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('serial_first', sa.String(length=16), nullable=False),
    sa.Column('serial_last', sa.String(length=16), nullable=False),
    sa.Column('expiry_rule', sa.String(length=16), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=True),
    sa.Column('expiry_days', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('price_list_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('block_reason', sa.Text(), nullable=False),
    sa.Column('output_dir', sa.Text(), nullable=False),
    sa.CheckConstraint("(expiry_rule = 'fixed_date') = (expiry_date IS NOT NULL)", name=op.f('ck_card_batches_card_batch_expiry_date_iff_fixed')),
    sa.CheckConstraint("(expiry_rule IN ('after_first_use', 'after_creation')) = (expiry_days IS NOT NULL)", name=op.f('ck_card_batches_card_batch_expiry_days_iff_days')),
    sa.CheckConstraint("expiry_rule IN ('none', 'fixed_date', 'after_first_use', 'after_creation')", name=op.f('ck_card_batches_card_batch_expiry_rule')),
    sa.CheckConstraint('face_value_minor > 0', name=op.f('ck_card_batches_card_batch_face_value_positive')),
    sa.CheckConstraint('pin_length >= 10', name=op.f('ck_card_batches_card_batch_pin_length')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_card_batches_card_batch_quantity_positive')),
    sa.ForeignKeyConstraint(['blocked_by_id'], ['users.id'], name=op.f('fk_card_batches_blocked_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_card_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['price_list_version_id'], ['price_list_versions.id'], name=op.f('fk_card_batches_price_list_version_id_price_list_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_batches'))
    )
    op.create_table('cards',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('serial', sa.String(length=16), nullable=False),
    sa.Column('pin_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('face_value_minor', sa.BigInteger(), nullable=False),
    sa.Column('balance_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sold_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('in_use_booth', sa.String(length=64), nullable=True),
    sa.Column('in_use_since', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'created' OR balance_minor = 0", name=op.f('ck_cards_card_unsold_carries_no_money')),
    sa.CheckConstraint("status IN ('created', 'sold', 'in_use', 'exhausted', 'expired', 'blocked')", name=op.f('ck_cards_card_status')),
    sa.CheckConstraint('balance_minor >= 0', name=op.f('ck_cards_card_balance_not_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['card_batches.id'], name=op.f('fk_cards_batch_id_card_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards')),
    sa.UniqueConstraint('pin_hash', name=op.f('uq_cards_pin_hash')),
    sa.UniqueConstraint('serial', name=op.f('uq_cards_serial'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cards_batch_id'), ['batch_id'], unique=False)

    op.create_table('card_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booth', sa.String(length=64), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('card_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_attempts_card_id_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_attempts'))
    )
    with op.batch_alter_table('card_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_card_attempts_booth_at', ['booth', 'at'], unique=False)

    op.create_table('card_calls',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('card_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('call_ref', sa.String(length=128), nullable=False),
    sa.Column('booth', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_calls_card_id_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_calls')),
    sa.UniqueConstraint('call_ref', name=op.f('uq_card_calls_call_ref'))
    )
    with op.batch_alter_table('card_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_calls_card_id'), ['card_id'], unique=False)

    op.create_table('card_movements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('card_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('balance_after_minor', sa.BigInteger(), nullable=False),
    sa.Column('shift_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('operator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('tendered_minor', sa.BigInteger(), nullable=True),
    sa.Column('change_minor', sa.BigInteger(), nullable=True),
    sa.Column('call_ref', sa.String(length=128), nullable=True),
    sa.Column('booth', sa.String(length=64), nullable=True),
    sa.Column('requested_minor', sa.BigInteger(), nullable=True),
    sa.Column('fiscal_sale_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("(kind = 'debit') = (call_ref IS NOT NULL)", name=op.f('ck_card_movements_card_movement_call_iff_debit')),
    sa.CheckConstraint("kind = 'debit' OR (shift_id IS NOT NULL AND operator_id IS NOT NULL AND tendered_minor IS NOT NULL AND change_minor = tendered_minor - amount_minor)", name=op.f('ck_card_movements_card_movement_cash_in_shift')),
    sa.CheckConstraint("kind IN ('sale', 'top_up', 'debit')", name=op.f('ck_card_movements_card_movement_kind')),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_card_movements_card_movement_not_negative')),
    sa.CheckConstraint('balance_after_minor >= 0', name=op.f('ck_card_movements_card_movement_balance')),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_movements_card_id_cards')),
    sa.ForeignKeyConstraint(['fiscal_sale_id'], ['fiscal_sales.id'], name=op.f('fk_card_movements_fiscal_sale_id_fiscal_sales')),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_card_movements_operator_id_users')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_card_movements_shift_id_shifts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_movements')),
    sa.UniqueConstraint('fiscal_sale_id', name=op.f('uq_card_movements_fiscal_sale_id'))
    )
    with op.batch_alter_table('card_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_movements_card_id'), ['card_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_movements_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_movements_uuid'), ['uuid'], unique=True)
        batch_op.create_index('uq_card_movements_debit_call', ['call_ref'], unique=True, sqlite_where=sa.text("kind = 'debit'"), postgresql_where=sa.text("kind = 'debit'"))



def downgrade() -> None:
    with op.batch_alter_table('card_movements', schema=None) as batch_op:
        batch_op.drop_index('uq_card_movements_debit_call', sqlite_where=sa.text("kind = 'debit'"), postgresql_where=sa.text("kind = 'debit'"))
        batch_op.drop_index(batch_op.f('ix_card_movements_uuid'))
        batch_op.drop_index(batch_op.f('ix_card_movements_shift_id'))
        batch_op.drop_index(batch_op.f('ix_card_movements_card_id'))

    op.drop_table('card_movements')
    with op.batch_alter_table('card_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_calls_card_id'))

    op.drop_table('card_calls')
    with op.batch_alter_table('card_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_card_attempts_booth_at')

    op.drop_table('card_attempts')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cards_batch_id'))

    op.drop_table('cards')
    op.drop_table('card_batches')
