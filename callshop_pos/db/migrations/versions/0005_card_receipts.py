"""card receipts: the print log also records a card sale's receipt

Revision ID: 0005_card_receipts
Revises: 0004_cards
Create Date: 2026-12-07 01:50:00

A downgrade fails while card receipts are in the print log (their rows are history
and are not deleted).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0005_card_receipts'
down_revision: str | None = '0004_cards'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'ck_print_log_print_log_document'


def upgrade() -> None:
    with op.batch_alter_table('print_log', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(
            op.f(NAME), "document IN ('receipt', 'card_receipt', 'x_report', 'z_report')"
        )


def downgrade() -> None:
    with op.batch_alter_table('print_log', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(NAME), type_='check')
        batch_op.create_check_constraint(
            op.f(NAME), "document IN ('receipt', 'x_report', 'z_report')"
        )
