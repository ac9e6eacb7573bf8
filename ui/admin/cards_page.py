"""The prepaid cards page: create a batch (its sheets are written once, into a folder),
the batches with their cards by status, block a batch; look a card up by serial (its
balance and history) and block it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from callshop_pos.db.models.cards import ExpiryRule
from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, parse_minor
from callshop_pos.services.admin.admin_prices import today
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards import admin as cards
from callshop_pos.services.cards.admin import BatchCreated, BatchSpec
from callshop_pos.services.cards.common import BatchView, CardView, MovementView
from callshop_pos.services.context import Shop
from ui.admin.common import (
    Col,
    RecordTableModel,
    call_service,
    from_qdate,
    local_time_text,
    minor_text,
    shop_zone,
)
from ui.admin.page_parts import date_edit, page_header, record_view

__all__ = ["CardsPage"]

_C = "Cards"

# Words shown for values from the data; marked here so lupdate collects them.
_WORDS = {
    "created": QT_TRANSLATE_NOOP("Cards", "not sold"),
    "sold": QT_TRANSLATE_NOOP("Cards", "sold"),
    "in_use": QT_TRANSLATE_NOOP("Cards", "in use"),
    "exhausted": QT_TRANSLATE_NOOP("Cards", "used up"),
    "expired": QT_TRANSLATE_NOOP("Cards", "expired"),
    "blocked": QT_TRANSLATE_NOOP("Cards", "blocked"),
    "sale": QT_TRANSLATE_NOOP("Cards", "sale"),
    "top_up": QT_TRANSLATE_NOOP("Cards", "top-up"),
    "debit": QT_TRANSLATE_NOOP("Cards", "call"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate(_C, text)


def _word(value: str) -> str:
    """A status or movement kind in the reader's words."""
    return _t(str(_WORDS.get(value, value)))


def _expiry_text(b: BatchView) -> str:
    if b.expiry_rule is ExpiryRule.FIXED_DATE and b.expiry_date is not None:
        return QCoreApplication.translate("Cards", "until {date}").format(
            date=b.expiry_date.isoformat()
        )
    if b.expiry_rule is ExpiryRule.AFTER_FIRST_USE:
        return QCoreApplication.translate("Cards", "{days} d after first call").format(
            days=b.expiry_days
        )
    if b.expiry_rule is ExpiryRule.AFTER_CREATION:
        return QCoreApplication.translate("Cards", "{days} d after creation").format(
            days=b.expiry_days
        )
    return QCoreApplication.translate("Cards", "none")


def _counts_text(b: BatchView) -> str:
    return ", ".join(f"{n} {_word(status)}" for status, n in b.counts)


def _batch_columns(shop: Shop) -> list[Col[BatchView]]:
    zone = shop_zone(shop)
    return [
        Col("#", lambda b: str(b.id), True),
        Col(
            QCoreApplication.translate("Cards", "Created"),
            lambda b: local_time_text(b.created_at, zone),
        ),
        Col(QCoreApplication.translate("Cards", "Cards"), lambda b: str(b.quantity), True),
        Col(
            QCoreApplication.translate("Cards", "Face value"),
            lambda b: f"{minor_text(b.face_value_minor)} {b.currency}",
            True,
        ),
        Col(
            QCoreApplication.translate("Cards", "Serials"),
            lambda b: f"{b.serial_first} – {b.serial_last}",
        ),
        Col(QCoreApplication.translate("Cards", "Expiry"), _expiry_text),
        Col(QCoreApplication.translate("Cards", "Status"), _counts_text),
        Col(QCoreApplication.translate("Cards", "Note"), lambda b: b.note),
    ]


def _movement_columns(shop: Shop) -> list[Col[MovementView]]:
    zone = shop_zone(shop)
    return [
        Col(QCoreApplication.translate("Cards", "Time"), lambda m: local_time_text(m.at, zone)),
        Col(QCoreApplication.translate("Cards", "What"), lambda m: _word(m.kind)),
        Col(
            QCoreApplication.translate("Cards", "Amount"),
            lambda m: minor_text(m.amount_minor),
            True,
        ),
        Col(
            QCoreApplication.translate("Cards", "Balance"),
            lambda m: minor_text(m.balance_after_minor),
            True,
        ),
        Col(QCoreApplication.translate("Cards", "Booth"), lambda m: m.booth or ""),
        Col(QCoreApplication.translate("Cards", "Call"), lambda m: m.call_ref or ""),
    ]


def _ask_reason(parent: QWidget, title: str) -> str | None:
    text, ok = QInputDialog.getText(
        parent, title, QCoreApplication.translate("Cards", "Reason (kept in the audit journal):")
    )
    return text if ok else None


def _ask_folder(parent: QWidget, start: str) -> str | None:
    folder = QFileDialog.getExistingDirectory(
        parent, QCoreApplication.translate("Cards", "Folder for the card sheets"), start
    )
    return folder or None


class CardsPage(QWidget):
    """``ask_reason`` and ``ask_folder`` are the prompts (replaced by tests)."""

    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.ask_reason: Callable[[QWidget, str], str | None] = _ask_reason
        self.ask_folder: Callable[[QWidget, str], str | None] = _ask_folder
        self.last_created: BatchCreated | None = None
        self.card: CardView | None = None
        layout, head = page_header(self, QCoreApplication.translate("Cards", "Prepaid cards"))
        self.block_batch_button = QPushButton(QCoreApplication.translate("Cards", "Block batch…"))
        head.addWidget(self.block_batch_button)
        layout.addWidget(self._build_new_batch())
        self.result_label = QLabel(objectName="muted")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self.batches: RecordTableModel[BatchView] = RecordTableModel(_batch_columns(shop), self)
        self.batch_view = record_view(
            self.batches,
            pick_rows=True,
            stretch_last=True,
            resize=QHeaderView.ResizeMode.ResizeToContents,
        )
        layout.addWidget(self.batch_view, 2)
        layout.addWidget(self._build_lookup())
        self.history: RecordTableModel[MovementView] = RecordTableModel(
            _movement_columns(shop), self
        )
        self.history_view = record_view(self.history)
        layout.addWidget(self.history_view, 1)
        self.block_batch_button.clicked.connect(self.block_selected_batch)
        self._on_rule()

    # ---- building

    def _build_new_batch(self) -> QGroupBox:
        box = QGroupBox(QCoreApplication.translate("Cards", "New batch"))
        grid = QGridLayout(box)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, cards.MAX_BATCH)
        self.quantity_spin.setValue(100)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("10.00")
        self.pin_spin = QSpinBox()
        self.pin_spin.setRange(10, 20)
        self.pin_spin.setValue(cards.DEFAULT_PIN_LENGTH)
        self.rule_combo = QComboBox()
        for rule, text in (
            (ExpiryRule.NONE, QCoreApplication.translate("Cards", "No expiry")),
            (ExpiryRule.FIXED_DATE, QCoreApplication.translate("Cards", "On a fixed date")),
            (
                ExpiryRule.AFTER_FIRST_USE,
                QCoreApplication.translate("Cards", "Days after the first call"),
            ),
            (ExpiryRule.AFTER_CREATION, QCoreApplication.translate("Cards", "Days after creation")),
        ):
            self.rule_combo.addItem(text, rule.value)
        self.expiry_date = date_edit(today(self.shop) + timedelta(days=365))
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 3660)
        self.days_spin.setValue(90)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(QCoreApplication.translate("Cards", "note (optional)"))
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(
            QCoreApplication.translate("Cards", "folder for the sheets")
        )
        self.folder_button = QPushButton(QCoreApplication.translate("Cards", "Choose…"))
        self.create_button = QPushButton(QCoreApplication.translate("Cards", "Create batch"))
        self.create_button.setObjectName("primary")
        rows: list[list[tuple[str, Any]]] = [
            [
                (QCoreApplication.translate("Cards", "Cards"), self.quantity_spin),
                (QCoreApplication.translate("Cards", "Face value"), self.value_edit),
                (QCoreApplication.translate("Cards", "PIN digits"), self.pin_spin),
            ],
            [
                (QCoreApplication.translate("Cards", "Expiry"), self.rule_combo),
                (QCoreApplication.translate("Cards", "Date"), self.expiry_date),
                (QCoreApplication.translate("Cards", "Days"), self.days_spin),
            ],
            [
                (QCoreApplication.translate("Cards", "Note"), self.note_edit),
                (QCoreApplication.translate("Cards", "Sheets to"), self.folder_edit),
            ],
        ]
        for r, row in enumerate(rows):
            for c, (label, widget) in enumerate(row):
                grid.addWidget(QLabel(label), r, 2 * c)
                grid.addWidget(widget, r, 2 * c + 1)
        grid.addWidget(self.folder_button, 2, 4)
        grid.addWidget(self.create_button, 2, 5)
        self.rule_combo.currentIndexChanged.connect(self._on_rule)
        self.folder_button.clicked.connect(self._choose_folder)
        self.create_button.clicked.connect(self.create_batch)
        return box

    def _build_lookup(self) -> QGroupBox:
        box = QGroupBox(QCoreApplication.translate("Cards", "Card"))
        row = QHBoxLayout(box)
        self.serial_edit = QLineEdit()
        self.serial_edit.setPlaceholderText(
            QCoreApplication.translate("Cards", "serial (scan or type)")
        )
        self.show_button = QPushButton(QCoreApplication.translate("Cards", "Show"))
        self.block_card_button = QPushButton(QCoreApplication.translate("Cards", "Block card…"))
        self.card_label = QLabel(objectName="muted")
        row.addWidget(self.serial_edit)
        row.addWidget(self.show_button)
        row.addWidget(self.card_label, 1)
        row.addWidget(self.block_card_button)
        self.serial_edit.returnPressed.connect(self.show_card)
        self.show_button.clicked.connect(self.show_card)
        self.block_card_button.clicked.connect(self.block_card)
        self.block_card_button.setEnabled(False)
        return box

    # ---- data

    def refresh(self) -> None:
        listed = call_service(self, lambda: cards.list_batches(self.shop, self.actor))
        if listed is not None:
            self.batches.set_rows(listed)
        if self.card is not None:
            self.show_card()

    def _on_rule(self) -> None:
        rule = ExpiryRule(self.rule_combo.currentData())
        self.expiry_date.setEnabled(rule is ExpiryRule.FIXED_DATE)
        self.days_spin.setEnabled(rule in (ExpiryRule.AFTER_FIRST_USE, ExpiryRule.AFTER_CREATION))

    def _choose_folder(self) -> None:
        folder = self.ask_folder(self, self.folder_edit.text() or str(Path.home()))
        if folder:
            self.folder_edit.setText(folder)

    def spec(self) -> BatchSpec:
        """The batch as the form describes it (InvalidInput: a value is wrong)."""
        try:
            value = parse_minor(self.value_edit.text())
        except MoneyError as exc:
            raise InvalidInput(
                QCoreApplication.translate("Cards", "Face value: {problem}").format(problem=exc)
            ) from None
        rule = ExpiryRule(self.rule_combo.currentData())
        return BatchSpec(
            quantity=self.quantity_spin.value(),
            face_value_minor=value,
            pin_length=self.pin_spin.value(),
            expiry_rule=rule,
            expiry_date=from_qdate(self.expiry_date.date())
            if rule is ExpiryRule.FIXED_DATE
            else None,
            expiry_days=self.days_spin.value()
            if rule in (ExpiryRule.AFTER_FIRST_USE, ExpiryRule.AFTER_CREATION)
            else None,
            note=self.note_edit.text().strip(),
        )

    def create_batch(self) -> bool:
        def action() -> BatchCreated:
            folder = self.folder_edit.text().strip()
            if not folder:
                raise InvalidInput(
                    QCoreApplication.translate(
                        "Cards", "Choose the folder the sheets are written to."
                    )
                )
            return cards.create_batch(self.shop, self.actor, self.spec(), Path(folder))

        created = call_service(self, action)
        if created is None:
            return False
        self.last_created = created
        self.result_label.setText(
            QCoreApplication.translate(
                "Cards",
                "{count} cards created. Their sheets (with the PINs) are in {folder} — "
                "print them and keep the folder safe: they are never made again.",
            ).format(count=created.batch.quantity, folder=created.folder)
        )
        self.value_edit.clear()
        self.note_edit.clear()
        self.refresh()
        return True

    def selected_batch(self) -> BatchView | None:
        rows = self.batch_view.selectionModel().selectedRows()
        return self.batches.record(rows[0].row()) if rows else None

    def select_batch(self, batch_id: int) -> None:
        for row, batch in enumerate(self.batches.rows()):
            if batch.id == batch_id:
                self.batch_view.selectRow(row)

    def block_selected_batch(self) -> bool:
        batch = self.selected_batch()
        if batch is None:
            call_service(self, _no_batch_chosen)
            return False
        reason = self.ask_reason(
            self, QCoreApplication.translate("Cards", "Block batch #{id}").format(id=batch.id)
        )
        if reason is None:
            return False
        done = call_service(
            self, lambda: cards.block_batch(self.shop, self.actor, batch.id, reason)
        )
        if done is None:
            return False
        self.refresh()
        return True

    def show_card(self) -> bool:
        serial = self.serial_edit.text()
        card = call_service(self, lambda: cards.show_card(self.shop, self.actor, serial))
        self.card = card
        self.block_card_button.setEnabled(card is not None)
        if card is None:
            self.card_label.clear()
            self.history.set_rows([])
            return False
        expires = (
            QCoreApplication.translate("Cards", ", expires {time}").format(
                time=local_time_text(card.expires_at, shop_zone(self.shop))
            )
            if card.expires_at is not None
            else ""
        )
        self.card_label.setText(
            QCoreApplication.translate(
                "Cards", "{serial}: {status}, balance {balance} {currency} of {face}{expires}"
            ).format(
                serial=card.serial,
                status=_word(card.status.value),
                balance=minor_text(card.balance_minor),
                currency=card.currency,
                face=minor_text(card.face_value_minor),
                expires=expires,
            )
        )
        self.history.set_rows(list(card.history))
        return True

    def block_card(self) -> bool:
        card = self.card
        if card is None:
            return False
        reason = self.ask_reason(
            self,
            QCoreApplication.translate("Cards", "Block card {serial}").format(serial=card.serial),
        )
        if reason is None:
            return False
        done = call_service(
            self, lambda: cards.block_card(self.shop, self.actor, card.serial, reason)
        )
        if done is None:
            return False
        self.refresh()
        return True


def _no_batch_chosen() -> None:
    raise InvalidInput(QCoreApplication.translate("Cards", "Choose a batch in the list first."))
