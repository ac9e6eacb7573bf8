"""Closing the shift: X report preview, counted cash, the difference, then the Z report.

The difference (counted − expected) is shown in words as well as figures ("short
by …", "over by …", "balanced"); unserved calls are listed before the cashier
confirms, because closing leaves them unserved in a shift nobody can change.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.reports.summary import ShiftReport
from ui.action_errors import plain_words
from ui.amount_edit import AmountEdit
from ui.dialog_parts import confirm_buttons, error_line, show_error
from ui.formatting import Formatter

__all__ = ["CloseShiftDialog", "report_figures"]


def report_figures(widget: QWidget, report: ShiftReport, fmt: Formatter) -> QGridLayout:
    """The money and call figures of an X or Z report, as a two-column grid."""
    s = report.summary
    grid = QGridLayout()
    grid.setColumnStretch(0, 1)
    del widget
    rows: list[tuple[str, str]] = []

    def add(caption: str, value: str) -> None:
        rows.append((caption, value))

    add(QCoreApplication.translate("ShiftReport", "Operator"), s.operator)
    add(QCoreApplication.translate("ShiftReport", "Opened"), fmt.date_time(s.opened_at))
    add(QCoreApplication.translate("ShiftReport", "Calls"), str(s.call_count))
    add(QCoreApplication.translate("ShiftReport", "Talk time"), fmt.duration(s.talk_seconds))
    add(
        QCoreApplication.translate("ShiftReport", "Opening float"), fmt.money(s.opening_float_minor)
    )
    add(
        QCoreApplication.translate("ShiftReport", "Payments ({n})").format(n=report.payment_count),
        fmt.money(s.payments_minor),
    )
    if report.rounding_minor:
        # The paid calls' prices leave the bills' cash rounding out; the cash has it.
        add(
            QCoreApplication.translate("ShiftReport", "  incl. cash rounding"),
            fmt.money(report.rounding_minor),
        )
    if report.deposits or s.deposits_taken_minor or s.open_deposits:
        # Deposits move the expected cash: their lines come before it, so the
        # figures add up on screen (as on the X/Z paper).
        add(
            QCoreApplication.translate("ShiftReport", "Calls paid from deposits"),
            fmt.money(-s.deposit_payments_minor),
        )
        add(
            QCoreApplication.translate("ShiftReport", "Deposits taken ({n})").format(
                n=len(report.deposits)
            ),
            fmt.money(s.deposits_taken_minor),
        )
        add(
            QCoreApplication.translate("ShiftReport", "Deposit remainders returned"),
            fmt.money(-s.deposits_returned_minor),
        )
    add(
        QCoreApplication.translate("ShiftReport", "Refunds ({n})").format(n=report.refund_count),
        fmt.money(-s.refunds_minor),
    )
    add(
        QCoreApplication.translate("ShiftReport", "Expected in drawer"), fmt.money(s.expected_minor)
    )
    add(QCoreApplication.translate("ShiftReport", "Cash taken"), fmt.money(s.cash_minor))
    add(QCoreApplication.translate("ShiftReport", "Unserved calls"), str(s.unserved))
    add(QCoreApplication.translate("ShiftReport", "Unpaid calls"), str(s.unpaid))
    for row, (caption, value) in enumerate(rows):
        grid.addWidget(QLabel(caption, objectName="figureLabel"), row, 0)
        grid.addWidget(QLabel(value, objectName="figureValue"), row, 1)
    return grid


class CloseShiftDialog(QDialog):
    """Two pages: the X preview with the counted cash, then the Z report."""

    def __init__(
        self,
        report: ShiftReport,
        formatter: Formatter,
        close_shift: Callable[[int], ShiftReport],
        parent: QWidget | None = None,
        *,
        z_extras: Callable[[ShiftReport], QWidget | None] | None = None,
        backup_problem: Callable[[], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._fmt = formatter
        self._close = close_shift
        self._z_extras = z_extras  # e.g. "print again" / "save A4 PDF" (ui.receipt_actions)
        self._backup_problem = backup_problem  # why the Z's database copy failed, if it did
        self.x_report = report
        self.z_report: ShiftReport | None = None
        self.setWindowTitle(self.tr("Close shift"))
        self.setMinimumWidth(520)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._x_page(report))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.pages)
        self.counted_edit.setFocus()

    # ---- X page

    def _x_page(self, report: ShiftReport) -> QWidget:
        page = QWidget()
        title = QLabel(
            self.tr("X report — shift {id}").format(id=report.summary.id), objectName="sectionTitle"
        )
        self.counted_edit = AmountEdit(self._fmt.currency.digits)
        self.counted_edit.setObjectName("bigAmount")
        self.counted_edit.amount_changed.connect(self._on_counted)
        self.discrepancy_caption = QLabel(self.tr("Difference"), objectName="sectionTitle")
        self.discrepancy_label = QLabel("—", objectName="discrepancyNone")
        form = QFormLayout()
        form.addRow(self.tr("&Counted cash in the drawer"), self.counted_edit)
        form.addRow(self.discrepancy_caption, self.discrepancy_label)

        self.unserved_box = QLabel(objectName="warningBox")
        self.unserved_box.setWordWrap(True)
        self.unserved_box.setTextFormat(Qt.TextFormat.RichText)
        unserved = report.unserved_calls
        if unserved:
            lines = [
                self.tr(
                    "<b>{n} call(s) are still unserved.</b> Closing leaves them "
                    "unserved in this shift:"
                ).format(n=len(unserved))
            ]
            for call in unserved[:12]:
                lines.append(
                    f"{call.booth} · {call.number} · {call.destination or ''} · "
                    f"{self._fmt.money(call.price_minor, unrated=self.tr('unrated'))}"
                )
            if len(unserved) > 12:
                lines.append(self.tr("… and {n} more").format(n=len(unserved) - 12))
            self.unserved_box.setText("<br>".join(lines))
        else:
            self.unserved_box.hide()
        # An open prepaid deposit blocks the close (the core refuses it): say so before
        # the cashier counts, not after.
        self.deposit_box = QLabel(objectName="warningBox")
        self.deposit_box.setWordWrap(True)
        self.deposit_box.setTextFormat(Qt.TextFormat.RichText)
        open_booths = sorted({d.booth for d in report.deposits if d.status == "open"})
        if report.summary.open_deposits:
            self.deposit_box.setText(
                self.tr(
                    "<b>A prepaid deposit is still open at {booths}.</b> Settle it first "
                    "(pay the booth, or Booth → Settle deposit…), then close the shift."
                ).format(booths=", ".join(open_booths) or "?")
            )
            self.counted_edit.setEnabled(False)
        else:
            self.deposit_box.hide()
        self.error_label = error_line()
        buttons, self.ok_button = confirm_buttons(
            self, self.tr("Close shift (Z report)"), self._on_confirm, enabled=False
        )

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.deposit_box)
        layout.addLayout(report_figures(self, report, self._fmt))
        layout.addLayout(form)
        layout.addWidget(self.unserved_box)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        return page

    def discrepancy_text(self, difference: int) -> str:
        if difference < 0:
            return self.tr("Short by {amount}").format(amount=self._fmt.money(-difference))
        if difference > 0:
            return self.tr("Over by {amount}").format(amount=self._fmt.money(difference))
        return self.tr("Balanced")

    def _on_counted(self, amount: object) -> None:
        if not isinstance(amount, int):
            self.discrepancy_label.setText("—")
            self.ok_button.setEnabled(False)
            return
        difference = self.x_report.summary.difference_if_counted(amount)
        name = (
            "discrepancyShort"
            if difference < 0
            else "discrepancyOver"
            if difference > 0
            else "discrepancyNone"
        )
        self.discrepancy_label.setObjectName(name)
        self.discrepancy_label.style().unpolish(self.discrepancy_label)
        self.discrepancy_label.style().polish(self.discrepancy_label)
        self.discrepancy_label.setText(self.discrepancy_text(difference))
        self.ok_button.setEnabled(True)

    def _on_confirm(self) -> None:
        counted = self.counted_edit.amount()
        if counted is None:
            return
        try:
            self.z_report = self._close(counted)
        except Exception as exc:  # known or not: plain words, logged, nothing changed
            show_error(self.error_label, plain_words(exc, "close shift"))
            return
        self.pages.addWidget(self._z_page(self.z_report))
        self.pages.setCurrentIndex(1)
        self.done_button.setFocus()

    # ---- Z page

    def _z_page(self, report: ShiftReport) -> QWidget:
        page = QWidget()
        s = report.summary
        title = QLabel(
            self.tr("Z report — shift {id} closed").format(id=s.id), objectName="sectionTitle"
        )
        grid = report_figures(self, report, self._fmt)
        row = grid.rowCount()
        grid.addWidget(QLabel(self.tr("Counted"), objectName="figureLabel"), row, 0)
        grid.addWidget(
            QLabel(self._fmt.money(s.counted_minor or 0), objectName="figureValue"), row, 1
        )
        difference = s.discrepancy_minor or 0
        name = (
            "discrepancyShort"
            if difference < 0
            else "discrepancyOver"
            if difference > 0
            else "discrepancyNone"
        )
        grid.addWidget(QLabel(self.tr("Difference"), objectName="figureLabel"), row + 1, 0)
        self.z_discrepancy_label = QLabel(self.discrepancy_text(difference), objectName=name)
        grid.addWidget(self.z_discrepancy_label, row + 1, 1)
        closed = QLabel(
            self.tr("Closed {when}. Journal {hash}").format(
                when=self._fmt.date_time(s.closed_at), hash=(report.journal_head or "")[:16]
            ),
            objectName="hint",
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.done_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setText(self.tr("Done"))
        self.done_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(closed)
        problem = self._backup_problem() if self._backup_problem is not None else None
        if problem:
            # The Z stands; only the copy of the database failed (a full USB disk …).
            warning = QLabel(
                self.tr("Backup: {problem}").format(problem=problem), objectName="warningBox"
            )
            warning.setWordWrap(True)
            layout.addWidget(warning)
        extras = self._z_extras(report) if self._z_extras is not None else None
        if extras is not None:
            layout.addWidget(extras)
        layout.addWidget(buttons)
        return page

    def reject(self) -> None:
        # After the close the shift is gone: Esc only dismisses the Z report.
        if self.z_report is not None:
            self.accept()
            return
        super().reject()
