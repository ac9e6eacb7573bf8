"""Small pieces every administration page shares: a read-only record table model,
error reporting for service calls, section titles and money text for the admin."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from callshop_pos.money import format_minor, minor_to_decimal
from ui.action_errors import plain_words

__all__ = [
    "Col",
    "RecordTableModel",
    "call_service",
    "from_qdate",
    "micro_usd_text",
    "minor_text",
    "section_title",
    "to_qdate",
    "tr",
]

T = TypeVar("T")
R = TypeVar("R")
_Index = QModelIndex | QPersistentModelIndex


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def minor_text(minor: int | None, digits: int = 2) -> str:
    """``12345`` → ``"123.45"`` with thousands grouped by a thin space."""
    if minor is None:
        return "—"
    text = format_minor(minor, digits)
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    groups = f"{int(whole):,}".replace(",", "\u2009")
    return f"{sign}{groups}.{frac}" if frac else f"{sign}{groups}"


def micro_usd_text(micro: int | None, places: int = 2) -> str:
    """Micro-USD as dollars with ``places`` decimals (half-up), e.g. ``"1 250.00"``."""
    if micro is None:
        return "—"
    value = minor_to_decimal(micro, 6)
    cents = int(value.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return minor_text(cents, places)


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(qd: QDate) -> date:
    return date(qd.year(), qd.month(), qd.day())


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def call_service(parent: QWidget | None, action: Callable[[], R], title: str = "") -> R | None:
    """Run one service call; a failure is shown to the user in plain words (and
    logged, a bug with its traceback: :mod:`ui.action_errors`) and ``None`` returned.
    The service's transaction was rolled back: nothing changed."""
    try:
        return action()
    except Exception as exc:  # known or not: plain words, logged, nothing changed
        QMessageBox.warning(
            parent,
            title or QCoreApplication.translate("Admin", "Not done"),
            plain_words(exc, getattr(action, "__name__", "an administration action")),
        )
        return None


@dataclass(frozen=True)
class Col(Generic[T]):
    """One column of a :class:`RecordTableModel`: header and how to show a record."""

    header: str
    text: Callable[[T], str]
    numeric: bool = False
    tooltip: bool = False  # the whole text as the cell's tooltip (long cells end in "…")


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of plain records (frozen dataclasses)."""

    def __init__(
        self,
        columns: Sequence[Col[T]],
        parent: Any = None,
        *,
        emphasis: Callable[[T], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._emphasis = emphasis
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def record(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].header
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(self._columns)):
            return None
        col = self._columns[column]
        if role == Qt.ItemDataRole.DisplayRole or (
            role == Qt.ItemDataRole.ToolTipRole and col.tooltip
        ):
            return col.text(self._rows[row])
        if role == Qt.ItemDataRole.FontRole and self._emphasis is not None:
            if self._emphasis(self._rows[row]):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None


def local_time_text(when: datetime | None, zone: tzinfo) -> str:
    """A UTC instant as the shop's wall-clock time (``zone``: its ``timezone``
    setting, see :func:`shop_zone`), ``YYYY-MM-DD HH:MM``."""
    if when is None:
        return ""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def shop_zone(shop: Any) -> tzinfo:
    """The shop's time zone: times on screen are the shop's, as on its receipts."""
    return ZoneInfo(shop.settings.timezone)
