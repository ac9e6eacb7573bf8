"""What the till did with its devices: prints, cash-drawer opens, fiscal sales.

All three are journaled rows: a print log or drawer open deleted behind the
application's back (to hide a reprint or an unexplained drawer open) breaks the
audit chain like a deleted payment would. Rows are only ever inserted, except a
fiscal sale, which moves pending -> printed and is linked to its payment.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from callshop_pos.db.base import Base
from callshop_pos.journal import JournaledRow

__all__ = ["DrawerOpen", "FiscalKind", "FiscalSale", "FiscalState", "PrintLog"]


class PrintLog(JournaledRow, Base):
    """One document printed (or saved as PDF); reprints have ``copy`` set."""

    __tablename__ = "print_log"
    __journal_fields__ = ("at", "actor_id", "document", "subject_id", "copy", "target", "ok")
    __table_args__ = (
        CheckConstraint(
            "document IN ('receipt', 'card_receipt', 'x_report', 'z_report')",
            name="print_log_document",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    document: Mapped[str] = mapped_column(String(16))
    # payment id (receipt), card movement id (card_receipt) or shift id (report)
    subject_id: Mapped[int]
    copy: Mapped[bool]
    target: Mapped[str] = mapped_column(String(16))  # escpos / pdf / system
    ok: Mapped[bool]
    detail: Mapped[str] = mapped_column(Text, default="")


class DrawerOpen(JournaledRow, Base):
    """The cash drawer opened by hand (no sale): counted on the Z report."""

    __tablename__ = "drawer_opens"
    __journal_fields__ = ("at", "actor_id", "shift_id", "reason")

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)


class FiscalKind(StrEnum):
    SALE = "sale"
    REVERSAL = "reversal"


class FiscalState(StrEnum):
    PENDING = "pending"  # number allocated, sent (or about to be) to the device
    PRINTED = "printed"  # the device registered it


class FiscalSale(JournaledRow, Base):
    """A document registered (or being registered) on the fiscal device.

    The unique sale number is generated here, by the till: the device serial, the
    operator code and the next sequence number of that pair. A reversal keeps the
    original's number (the protocol requires it) and points at it.
    """

    __tablename__ = "fiscal_sales"
    __journal_fields__ = (
        "kind",
        "unique_sale_number",
        "sequence",
        "content_key",
        "amount_minor",
        "state",
        "payment_id",
        "refund_id",
        "receipt_number",
        "receipt_datetime",
        "fiscal_memory_serial",
    )
    __table_args__ = (
        # A sale number is used once; reversals repeat their original's number.
        Index(
            "uq_fiscal_sales_sale_number",
            "unique_sale_number",
            unique=True,
            sqlite_where=text("kind = 'sale'"),
            postgresql_where=text("kind = 'sale'"),
        ),
        CheckConstraint("kind IN ('sale', 'reversal')", name="fiscal_kind"),
        CheckConstraint("state IN ('pending', 'printed')", name="fiscal_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    unique_sale_number: Mapped[str] = mapped_column(String(21))
    device_serial: Mapped[str] = mapped_column(String(8))
    operator_code: Mapped[int]
    sequence: Mapped[int]
    #: digest of what was sold (calls and total): a retry of the same sale finds it
    content_key: Mapped[str] = mapped_column(String(200), index=True)
    amount_minor: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    printed_at: Mapped[datetime | None]
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), unique=True)
    original_id: Mapped[int | None] = mapped_column(ForeignKey("fiscal_sales.id"))
    receipt_number: Mapped[str | None] = mapped_column(String(32))
    receipt_datetime: Mapped[str | None] = mapped_column(String(32))
    fiscal_memory_serial: Mapped[str | None] = mapped_column(String(32))
