"""The price-list page: the whole list, filter, edit retail, bulk markup, margin
guard, save as a new version, import with column mapping, export, history, and the
review of a wholesale list received from central (:mod:`ui.admin.central_list_review`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, parse_decimal
from callshop_pos.services.admin import admin_prices, prices
from callshop_pos.services.admin.price_editing import ROUNDING_STEPS
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from ui.admin.central_list_review import CentralListReview
from ui.admin.common import Col, RecordTableModel, call_service, local_time_text, shop_zone
from ui.admin.import_dialog import ColumnMappingDialog, file_headers
from ui.admin.page_parts import page_header, record_view
from ui.admin.price_list_model import Column, PriceListModel
from ui.header_fit import keep_headers_whole

__all__ = ["PriceListPage", "VersionHistoryDialog"]


def _version_columns(zone: tzinfo) -> list[Col[prices.PriceVersionInfo]]:
    def summary(v: prices.PriceVersionInfo) -> str:
        s = v.summary
        return QCoreApplication.translate("PriceListPage", "+{a} −{r} ~{c}").format(
            a=s.get("added", 0), r=s.get("removed", 0), c=s.get("changed", 0)
        )

    return [
        Col(
            QCoreApplication.translate("PriceListPage", "Version"),
            lambda v: str(v.id) + (" ●" if v.active else ""),
            True,
        ),
        Col(
            QCoreApplication.translate("PriceListPage", "Saved"),
            lambda v: local_time_text(v.created_at, zone),
        ),
        Col(QCoreApplication.translate("PriceListPage", "By"), lambda v: v.created_by),
        Col(QCoreApplication.translate("PriceListPage", "Source"), lambda v: v.source),
        Col(
            QCoreApplication.translate("PriceListPage", "Rows"), lambda v: str(v.entry_count), True
        ),
        Col(QCoreApplication.translate("PriceListPage", "Changes"), summary),
        Col(QCoreApplication.translate("PriceListPage", "Note"), lambda v: v.note),
    ]


class VersionHistoryDialog(QDialog):
    """Every version, newest first: who saved it, when, from what, what changed."""

    def __init__(
        self, history: list[prices.PriceVersionInfo], zone: tzinfo, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("PriceListPage", "Price-list versions"))
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.model: RecordTableModel[prices.PriceVersionInfo] = RecordTableModel(
            _version_columns(zone), self
        )
        self.model.set_rows(history)
        view = record_view(self.model, stretch_last=True, resize=None)
        view.resizeColumnsToContents()
        layout.addWidget(view)


def _ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def _ask_note(parent: QWidget, title: str, text: str, default: str) -> str | None:
    note, ok = QInputDialog.getText(parent, title, text, QLineEdit.EchoMode.Normal, default)
    return note if ok else None


class PriceListPage(QWidget):
    """Opens the active version; every change stays local until **Save**.

    ``ask`` and ``ask_note`` are the confirmation and note prompts (replaced by tests).
    """

    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.ask: Callable[[QWidget, str, str], bool] = _ask_yes_no
        self.ask_note: Callable[[QWidget, str, str, str], str | None] = _ask_note
        self.model = PriceListModel(parent=self)
        self.version_id: int | None = None

        self.rate_label = QLabel()
        self.rate_label.setObjectName("muted")
        layout, head = page_header(
            self, QCoreApplication.translate("PriceListPage", "Price list"), self.rate_label
        )
        self.import_button = QPushButton(QCoreApplication.translate("PriceListPage", "Import…"))
        self.export_button = QPushButton(QCoreApplication.translate("PriceListPage", "Export…"))
        self.history_button = QPushButton(QCoreApplication.translate("PriceListPage", "History"))
        self.save_button = QPushButton(
            QCoreApplication.translate("PriceListPage", "Save as new version")
        )
        self.save_button.setObjectName("primary")
        for button in (
            self.import_button,
            self.export_button,
            self.history_button,
            self.save_button,
        ):
            head.addWidget(button)

        self.central_review = CentralListReview(shop, actor, self)
        self.central_review.may_apply = self._may_apply_central_list
        self.central_review.ask = self._ask
        self.central_review.applied.connect(lambda _version: self.refresh())
        layout.addWidget(self.central_review)

        tools = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            QCoreApplication.translate("PriceListPage", "Filter: country name or dialling code")
        )
        self.filter_edit.setClearButtonEnabled(True)
        tools.addWidget(self.filter_edit, 2)
        tools.addSpacing(16)
        tools.addWidget(QLabel(QCoreApplication.translate("PriceListPage", "Selection: markup %")))
        self.markup_edit = QLineEdit("30")
        self.markup_edit.setMaximumWidth(70)
        self.markup_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        tools.addWidget(self.markup_edit)
        tools.addWidget(QLabel(QCoreApplication.translate("PriceListPage", "round to")))
        self.step_combo = QComboBox()
        for step in ROUNDING_STEPS:
            self.step_combo.addItem(str(step), str(step))
        tools.addWidget(self.step_combo)
        self.markup_button = QPushButton(
            QCoreApplication.translate("PriceListPage", "Apply markup")
        )
        self.clear_button = QPushButton(QCoreApplication.translate("PriceListPage", "Clear retail"))
        tools.addWidget(self.markup_button)
        tools.addWidget(self.clear_button)
        layout.addLayout(tools)

        self.view = QTableView()
        self.view.setObjectName("priceTable")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.NUMBER, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the country keeps its header whole
        for column, width in (
            (Column.NUMBER, 64),
            (Column.COUNTRY, 180),
            (Column.CODE, 96),
            (Column.WHOLESALE_USD, 128),
            (Column.WHOLESALE_LOCAL, 138),
            (Column.RETAIL, 84),
            (Column.RETAIL_OFFPEAK, 84),
            (Column.MARGIN, 92),
            (Column.INCREMENTS, 100),
            (Column.CONNECT_FEE, 108),
        ):
            self.view.setColumnWidth(column, width)
        keep_headers_whole(self.view)
        layout.addWidget(self.view, 1)

        self.status = QLabel()
        self.status.setObjectName("muted")
        self.refusal_label = QLabel(objectName="errorText")
        self.refusal_label.setWordWrap(True)
        self.refusal_label.hide()
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.status)
        self.model.edit_refused.connect(self._on_refused)
        self.model.dataChanged.connect(self.refusal_label.hide)
        self.model.modelReset.connect(self.refusal_label.hide)

        self.filter_edit.textChanged.connect(self._on_filter)
        self.markup_button.clicked.connect(self._on_markup)
        self.clear_button.clicked.connect(self._on_clear)
        self.save_button.clicked.connect(self.save)
        self.import_button.clicked.connect(self._on_import)
        self.export_button.clicked.connect(self._on_export)
        self.history_button.clicked.connect(self.show_history)
        self.model.dataChanged.connect(self._update_status)
        self.model.modelReset.connect(self._update_status)

    # ---- loading

    def refresh(self) -> None:
        """(Re)load the active version; unsaved edits are dropped. A wholesale list from
        central waiting for review is shown above the table."""
        view = call_service(self, lambda: admin_prices.price_list(self.shop, self.actor))
        if view is None:
            return
        self.central_review.refresh()
        self.version_id = view.version_id
        self.model.set_usd_rate(view.usd_rate)
        self.model.set_minimum_margin(view.minimum_margin_percent)
        self.model.reset(view.entries)
        if view.usd_rate is None:
            self.rate_label.setText(
                QCoreApplication.translate(
                    "PriceListPage", "No USD rate set: margins cannot be shown"
                )
            )
        else:
            self.rate_label.setText(
                QCoreApplication.translate(
                    "PriceListPage", "version {v} · USD rate {rate} · minimum margin {m} %"
                ).format(
                    v=view.version_id or "—", rate=view.usd_rate, m=view.minimum_margin_percent
                )
            )

    def unsaved(self) -> bool:
        """True when prices were edited and not saved as a new version."""
        return self.model.edited_count() > 0

    def _ask(self, parent: QWidget, title: str, text: str) -> bool:
        return self.ask(parent, title, text)  # whatever ``ask`` is at the time

    def _may_apply_central_list(self) -> bool:
        """Applying saves a new version from the active one: not over unsaved edits."""
        if not self.unsaved():
            return True
        QMessageBox.information(
            self,
            QCoreApplication.translate("PriceListPage", "Unsaved changes"),
            QCoreApplication.translate(
                "PriceListPage",
                "Save or discard your edits to the price list first: the wholesale list "
                "is applied to the saved version.",
            ),
        )
        return False

    def _on_refused(self, why: str) -> None:
        self.refusal_label.setText(why)
        self.refusal_label.show()

    def _update_status(self, *_args: object) -> None:
        below = len(self.model.below_margin_codes())
        text = QCoreApplication.translate(
            "PriceListPage",
            "{shown} of {total} destinations · {edited} edited · {below} below margin",
        )
        self.status.setText(
            text.format(
                shown=self.model.rowCount(),
                total=self.model.total_rows(),
                edited=self.model.edited_count(),
                below=below,
            )
        )

    # ---- actions

    def _on_filter(self, text: str) -> None:
        self.model.set_filter(text)

    def selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.view.selectionModel().selectedRows()}
        return [self.model.source_row(r) for r in sorted(rows)]

    def _on_markup(self) -> None:
        rows = self.selected_rows()
        if not rows:
            QMessageBox.information(
                self,
                QCoreApplication.translate("PriceListPage", "Markup"),
                QCoreApplication.translate("PriceListPage", "Select rows first."),
            )
            return
        rate = self.model.usd_rate
        if rate is None:
            QMessageBox.warning(
                self,
                QCoreApplication.translate("PriceListPage", "Markup"),
                QCoreApplication.translate("PriceListPage", "Set the USD rate first."),
            )
            return
        try:
            markup = parse_decimal(self.markup_edit.text(), allow_comma=True)
            self.model.apply_markup(rows, rate, markup, Decimal(self.step_combo.currentData()))
        except (MoneyError, InvalidInput) as exc:
            QMessageBox.warning(
                self, QCoreApplication.translate("PriceListPage", "Markup"), str(exc)
            )

    def _on_clear(self) -> None:
        self.model.clear_retail(self.selected_rows())

    def save(self) -> bool:
        """Save the working copy as a new version (after the margin guard); True if saved."""
        diff = self.model.diff()
        if diff.empty:
            QMessageBox.information(
                self,
                QCoreApplication.translate("PriceListPage", "Save"),
                QCoreApplication.translate("PriceListPage", "Nothing has changed."),
            )
            return False
        below = self.model.below_margin_codes()
        if below:
            shown = ", ".join(below[:10]) + (" …" if len(below) > 10 else "")
            question = QCoreApplication.translate(
                "PriceListPage",
                "{n} destination(s) are priced below the minimum margin of {m} %: {codes}.\n"
                "Save anyway?",
            ).format(n=len(below), m=self.model.minimum_margin, codes=shown)
            if not self.ask(
                self, QCoreApplication.translate("PriceListPage", "Margin guard"), question
            ):
                return False
        note = self.ask_note(
            self,
            QCoreApplication.translate("PriceListPage", "Save price list"),
            QCoreApplication.translate(
                "PriceListPage", "Changes: {summary}\nNote for the version history:"
            ).format(summary=diff.summary()),
            diff.summary(),
        )
        if note is None:
            return False
        entries = self.model.entries()
        saved = call_service(
            self, lambda: prices.save_edited_version(self.shop, self.actor, entries, note)
        )
        if saved is None:
            return False
        self.refresh()
        return True

    def import_file(self, path: Path, mapping: dict[str, str], retail_in_bgn: bool) -> bool:
        """Import ``path`` as a new version with the given header mapping."""
        data = path.read_bytes()
        done = call_service(
            self,
            lambda: prices.import_price_list(
                self.shop,
                self.actor,
                data,
                path.name,
                mapping=mapping,
                retail_in_bgn=retail_in_bgn,
            ),
            QCoreApplication.translate("PriceListPage", "Import refused"),
        )
        if done is None:
            return False
        self.refresh()
        return True

    def _on_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("PriceListPage", "Import price list"),
            "",
            QCoreApplication.translate("PriceListPage", "CSV files (*.csv);;All files (*)"),
        )
        if not name:
            return
        path = Path(name)
        dialog = ColumnMappingDialog(file_headers(path.read_bytes()), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.import_file(path, dialog.mapping(), dialog.bgn.isChecked())

    def export_to(self, path: Path) -> bool:
        text = call_service(self, lambda: admin_prices.export_csv(self.shop, self.actor))
        if text is None:
            return False
        path.write_text(text, encoding="utf-8")
        return True

    def _on_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("PriceListPage", "Export price list"),
            "prices.csv",
            QCoreApplication.translate("PriceListPage", "CSV files (*.csv)"),
        )
        if name:
            self.export_to(Path(name))

    def show_history(self) -> VersionHistoryDialog | None:
        history = call_service(self, lambda: admin_prices.version_history(self.shop, self.actor))
        if history is None:
            return None
        dialog = VersionHistoryDialog(history, shop_zone(self.shop), self)
        dialog.show()
        return dialog
