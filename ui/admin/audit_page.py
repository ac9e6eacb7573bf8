"""The audit journal viewer: filter by user, action and date; the verifier's chain
status in plain words; corrections of closed shifts as new entries with a reason."""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from callshop_pos.services.admin import audit_view
from callshop_pos.services.admin.admin_prices import today
from callshop_pos.services.admin.audit_view import ChainStatus, JournalLine
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till import corrections
from ui.admin.common import (
    Col,
    RecordTableModel,
    call_service,
    from_qdate,
    local_time_text,
    shop_zone,
)
from ui.admin.page_parts import date_edit, page_header, record_view
from ui.header_fit import keep_headers_whole

__all__ = ["AuditPage"]


# Words shown from data; marked here so lupdate collects them.
_DATA_WORDS = (
    QT_TRANSLATE_NOOP("Audit", "paid"),
    QT_TRANSLATE_NOOP("Audit", "unpaid"),
    QT_TRANSLATE_NOOP("Audit", "unserved"),
)


def _columns(zone: tzinfo) -> list[Col[JournalLine]]:
    return [
        Col("#", lambda e: str(e.seq), True),
        Col(QCoreApplication.translate("Audit", "When"), lambda e: local_time_text(e.at, zone)),
        Col(QCoreApplication.translate("Audit", "User"), lambda e: e.user),
        Col(QCoreApplication.translate("Audit", "Action"), lambda e: e.action),
        Col(QCoreApplication.translate("Audit", "Subject"), lambda e: e.subject),
        Col(QCoreApplication.translate("Audit", "Details"), lambda e: e.details, tooltip=True),
    ]


class AuditPage(QWidget):
    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.status: ChainStatus | None = None
        layout, head = page_header(self, QCoreApplication.translate("Audit", "Audit journal"))
        self.verify_button = QPushButton(QCoreApplication.translate("Audit", "Verify chain"))
        head.addWidget(self.verify_button)

        self.chain_label = QLabel(QCoreApplication.translate("Audit", "Chain not checked yet"))
        self.chain_label.setObjectName("chainStatus")
        self.chain_label.setWordWrap(True)
        layout.addWidget(self.chain_label)

        filters = QHBoxLayout()
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(QCoreApplication.translate("Audit", "user"))
        self.action_edit = QLineEdit()
        self.action_edit.setPlaceholderText(
            QCoreApplication.translate("Audit", "action, e.g. prices or shift")
        )
        end = today(shop)
        self.from_edit = date_edit(end.replace(day=1))
        self.to_edit = date_edit(end)
        self.filter_button = QPushButton(QCoreApplication.translate("Audit", "Filter"))
        for widget in (
            self.user_edit,
            self.action_edit,
            QLabel(QCoreApplication.translate("Audit", "from")),
            self.from_edit,
            QLabel(QCoreApplication.translate("Audit", "to")),
            self.to_edit,
            self.filter_button,
        ):
            filters.addWidget(widget)
        layout.addLayout(filters)

        self.model: RecordTableModel[JournalLine] = RecordTableModel(
            _columns(shop_zone(shop)), self
        )
        self.view = record_view(
            self.model,
            alternate=True,
            stretch_last=True,
            resize=QHeaderView.ResizeMode.ResizeToContents,
        )
        # The chosen entry's details as names and values (money as amounts).
        self.detail_table = QTableWidget(0, 2)
        self.detail_table.setHorizontalHeaderLabels(
            [
                QCoreApplication.translate("Audit", "Detail"),
                QCoreApplication.translate("Audit", "Value"),
            ]
        )
        self.detail_table.verticalHeader().hide()
        self.detail_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail_table.setWordWrap(True)
        detail_header = self.detail_table.horizontalHeader()
        detail_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        detail_header.setStretchLastSection(True)
        keep_headers_whole(self.detail_table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(self.detail_table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.selectionModel().selectionChanged.connect(self._show_details)

        box = QGroupBox(
            QCoreApplication.translate(
                "Audit", "Correct a call of a closed shift (adds an entry; edits nothing)"
            )
        )
        row = QHBoxLayout(box)
        self.call_spin = QSpinBox()
        self.call_spin.setRange(1, 2_000_000_000)
        self.status_combo = QComboBox()
        for status in ("paid", "unpaid", "unserved"):
            self.status_combo.addItem(QCoreApplication.translate("Audit", status), status)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            QCoreApplication.translate("Audit", "reason (required)")
        )
        self.correct_button = QPushButton(QCoreApplication.translate("Audit", "Record correction"))
        for part in (
            QLabel(QCoreApplication.translate("Audit", "Call #")),
            self.call_spin,
            QLabel(QCoreApplication.translate("Audit", "should be")),
            self.status_combo,
            self.reason_edit,
            self.correct_button,
        ):
            row.addWidget(part)
        layout.addWidget(box)

        self.filter_button.clicked.connect(self.refresh)
        self.verify_button.clicked.connect(self.check_chain)
        self.correct_button.clicked.connect(self.correct)

    def refresh(self) -> None:
        lines = call_service(
            self,
            lambda: audit_view.journal_lines(
                self.shop,
                self.actor,
                user=self.user_edit.text(),
                action=self.action_edit.text(),
                date_from=from_qdate(self.from_edit.date()),
                date_to=from_qdate(self.to_edit.date()),
            ),
        )
        if lines is not None:
            self.model.set_rows(lines)
            self._show_details()
        self.check_chain()

    def _show_details(self, *_args: object) -> None:
        rows = self.view.selectionModel().selectedRows()
        items = self.model.record(rows[0].row()).items if rows else ()
        self.detail_table.setRowCount(len(items))
        for row, (name, value) in enumerate(items):
            self.detail_table.setItem(row, 0, QTableWidgetItem(name))
            cell = QTableWidgetItem(value)
            cell.setToolTip(value)
            self.detail_table.setItem(row, 1, cell)
        self.detail_table.resizeRowsToContents()

    def check_chain(self) -> ChainStatus | None:
        status = call_service(self, lambda: audit_view.chain_status(self.shop, self.actor))
        if status is None:
            return None
        self.status = status
        self.chain_label.setText(
            QCoreApplication.translate("Audit", "Journal chain: ") + status.text
        )
        self.chain_label.setProperty("intact", status.intact)
        self.chain_label.style().unpolish(self.chain_label)
        self.chain_label.style().polish(self.chain_label)
        return status

    def correct(self) -> bool:
        done = call_service(
            self,
            lambda: corrections.correct_closed_shift_call(
                self.shop,
                self.actor,
                self.call_spin.value(),
                self.status_combo.currentData(),
                self.reason_edit.text(),
            ),
        )
        if done is None:
            return False
        self.reason_edit.clear()
        self.refresh()
        return True
