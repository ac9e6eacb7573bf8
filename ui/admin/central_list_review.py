"""The price-list page's review of a wholesale list received from central.

A new list changes nothing until an administrator looks at it here: what it changes
against the active list (new, no longer listed and changed destinations, the cost
change, the margin each retail price would keep, rows under the minimum margin marked)
and then **Apply** (a new price-list version, through the core service that checks the
administrator's role and the margin guard) or **Reject**.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.sync import prices as central_prices
from ui.admin.common import call_service, local_time_text, shop_zone

__all__ = ["CentralListReview"]

#: rows under the margin floor, as the price table marks them
GUARD_BRUSH = QBrush(QColor("#fde2e1"))
GUARD_TEXT = QBrush(QColor("#a3221a"))
_STYLE = """
#centralListReview { background: #e9f1fd; border: 1px solid #b7cdf2; border-radius: 6px; }
#centralListReview QLabel#centralReviewTitle { font-weight: 700; font-size: 11pt; }
"""


def _ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def _change_text(change: str) -> str:
    return {
        "changed": QCoreApplication.translate("CentralListReview", "Changed"),
        "added": QCoreApplication.translate("CentralListReview", "New"),
        "not_listed": QCoreApplication.translate("CentralListReview", "No longer listed"),
        "unchanged": QCoreApplication.translate("CentralListReview", "Unchanged"),
    }[change]


def _usd(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:f}"


def _codes(codes: tuple[str, ...], shown: int = 10) -> str:
    text = ", ".join(codes[:shown])
    if len(codes) > shown:
        text += " " + QCoreApplication.translate("CentralListReview", "(and {n} more)").format(
            n=len(codes) - shown
        )
    return text


def _cost_change(row: central_prices.ReviewRow) -> str:
    old, new = row.old_wholesale_usd, row.new_wholesale_usd
    if old is None or new is None or old == new:
        return ""
    if old == 0:
        return f"{new - old:+f}"
    percent = ((new - old) * 100 / old).quantize(Decimal("0.1"))
    return f"{new - old:+f} ({percent:+} %)"


_COLUMNS = 8
_NUMERIC_FROM = 3  # wholesale now, new, cost change, retail, margin: right-aligned


class ReviewModel(QAbstractTableModel):
    """The review's rows (any number: a carrier list may have a million codes), drawn
    on demand; rows under the margin floor in the guard's colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[central_prices.ReviewRow, ...] = ()

    def set_rows(self, rows: tuple[central_prices.ReviewRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else _COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            QCoreApplication.translate("CentralListReview", "Change"),
            QCoreApplication.translate("CentralListReview", "Country"),
            QCoreApplication.translate("CentralListReview", "Code"),
            QCoreApplication.translate("CentralListReview", "Wholesale USD now"),
            QCoreApplication.translate("CentralListReview", "Wholesale USD new"),
            QCoreApplication.translate("CentralListReview", "Cost change"),
            QCoreApplication.translate("CentralListReview", "Retail"),
            QCoreApplication.translate("CentralListReview", "Margin %"),
        )[section]

    def text(self, row: int, column: int) -> str:
        r = self.rows[row]
        if column == 0:
            return _change_text(r.change)
        if column == 1:
            return r.country
        if column == 2:
            return r.code
        if column == 3:
            return _usd(r.old_wholesale_usd)
        if column == 4:
            return _usd(r.new_wholesale_usd)
        if column == 5:
            return _cost_change(r)
        if column == 6:
            return "—" if r.retail is None else f"{r.retail:.2f}"
        return "—" if r.margin_percent is None else f"{r.margin_percent}"

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= _NUMERIC_FROM:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if self.rows[row].below_margin:
            if role == Qt.ItemDataRole.BackgroundRole:
                return GUARD_BRUSH
            if role == Qt.ItemDataRole.ForegroundRole:
                return GUARD_TEXT
            if role == Qt.ItemDataRole.ToolTipRole:
                return QCoreApplication.translate("CentralListReview", "Under the minimum margin")
        return None


class CentralListReview(QFrame):
    """Hidden while there is nothing to review; :meth:`refresh` looks again.

    ``ask`` is the confirmation prompt (tests replace it); ``may_apply`` is asked before
    applying (the page refuses while it holds unsaved edits the new version would drop).
    ``applied`` carries the new price-list version's id; ``rejected`` the list's.
    """

    applied = Signal(int)
    rejected = Signal(int)

    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.ask: Callable[[QWidget, str, str], bool] = _ask_yes_no
        self.may_apply: Callable[[], bool] = lambda: True
        self.review: central_prices.PriceReview | None = None
        self.setObjectName("centralListReview")
        self.setStyleSheet(_STYLE)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        head = QHBoxLayout()
        self.title = QLabel(objectName="centralReviewTitle")
        head.addWidget(self.title, 1)
        self.apply_button = QPushButton(QCoreApplication.translate("CentralListReview", "Apply…"))
        self.apply_button.setObjectName("primary")
        self.reject_button = QPushButton(QCoreApplication.translate("CentralListReview", "Reject…"))
        head.addWidget(self.apply_button)
        head.addWidget(self.reject_button)
        layout.addLayout(head)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.guard = QLabel(objectName="errorText")
        self.guard.setWordWrap(True)
        layout.addWidget(self.guard)

        self.model = ReviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("centralReviewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 190, 80, 130, 130, 150, 80)):
            self.table.setColumnWidth(column, width)
        self.table.setMaximumHeight(190)
        layout.addWidget(self.table)

        self.apply_button.clicked.connect(self.apply)
        self.reject_button.clicked.connect(self.reject)
        self.hide()

    # ---- loading

    def refresh(self) -> None:
        """Show the newest list received from central if it waits for review."""
        pending = call_service(self, lambda: central_prices.list_to_review(self.shop, self.actor))
        review = (
            None
            if pending is None
            else call_service(
                self, lambda: central_prices.review_list(self.shop, self.actor, pending.id)
            )
        )
        self.review = review
        if pending is None or review is None:
            self.hide()
            return
        when = local_time_text(pending.received_at, shop_zone(self.shop))
        self.title.setText(
            QCoreApplication.translate(
                "CentralListReview",
                "New wholesale price list from central: version {v} (received {when})",
            ).format(v=review.version, when=when)
        )
        self.summary.setText(
            QCoreApplication.translate(
                "CentralListReview",
                "{changed} changed · {added} new (no retail price yet: not sold until "
                "priced) · {gone} no longer listed (kept) · {below} under the minimum "
                "margin of {m} %. Nothing changes until you apply it.",
            ).format(
                changed=len(review.changed),
                added=len(review.added),
                gone=len(review.not_listed),
                below=len(review.below_margin),
                m=review.minimum_margin_percent,
            )
        )
        self._show_guard(review)
        self._fill(review)
        self.show()

    def _show_guard(self, review: central_prices.PriceReview) -> None:
        if review.usd_rate is None:
            self.guard.setText(
                QCoreApplication.translate(
                    "CentralListReview",
                    "Set the USD rate first: the margin guard needs it to check this list.",
                )
            )
        elif review.below_margin:
            self.guard.setText(
                QCoreApplication.translate(
                    "CentralListReview",
                    "Margin guard: with these wholesale prices {n} destination(s) would be "
                    "under the minimum margin: {codes}. Raise their retail prices first, or "
                    "apply knowingly.",
                ).format(n=len(review.below_margin), codes=_codes(review.below_margin))
            )
        else:
            self.guard.setText("")
        self.guard.setVisible(bool(self.guard.text()))

    def _fill(self, review: central_prices.PriceReview) -> None:
        self.model.set_rows(review.rows)
        self.table.resizeColumnsToContents()  # the rows in view (Qt looks at 1,000 at most)
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), 200))  # the country

    # ---- actions

    def apply(self) -> bool:
        """Apply the list as a new price-list version (after the margin guard)."""
        review = self.review
        if review is None or not self.may_apply():
            return False
        title = QCoreApplication.translate("CentralListReview", "Apply the wholesale list")
        accept_below = False
        if review.below_margin:
            question = QCoreApplication.translate(
                "CentralListReview",
                "{n} destination(s) would be under the minimum margin of {m} %: {codes}.\n"
                "Apply anyway, with those retail prices?",
            ).format(
                n=len(review.below_margin),
                m=review.minimum_margin_percent,
                codes=_codes(review.below_margin),
            )
            if not self.ask(
                self, QCoreApplication.translate("CentralListReview", "Margin guard"), question
            ):
                return False
            accept_below = True
        elif not self.ask(
            self,
            title,
            QCoreApplication.translate(
                "CentralListReview",
                "Save central's version {v} as a new price-list version? ({changed} changed, "
                "{added} new)",
            ).format(v=review.version, changed=len(review.changed), added=len(review.added)),
        ):
            return False
        info = call_service(
            self,
            lambda: central_prices.apply_list(
                self.shop, self.actor, review.list_id, accept_below_margin=accept_below
            ),
            title,
        )
        if info is None:
            return False
        self.applied.emit(info.id)
        self.refresh()
        return True

    def reject(self) -> bool:
        """Do not apply the list (it is kept, marked rejected, in the journal)."""
        review = self.review
        if review is None:
            return False
        if not self.ask(
            self,
            QCoreApplication.translate("CentralListReview", "Reject the wholesale list"),
            QCoreApplication.translate(
                "CentralListReview",
                "Reject central's version {v}? The price list stays as it is; a later "
                "version from central will be offered again.",
            ).format(v=review.version),
        ):
            return False

        def dismiss() -> bool:
            central_prices.dismiss_list(self.shop, self.actor, review.list_id)
            return True

        if call_service(self, dismiss) is None:
            return False
        self.rejected.emit(review.list_id)
        self.refresh()
        return True
