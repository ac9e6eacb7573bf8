"""The price-list table: an editable working copy of the whole list, filtered and
sorted in plain Python so 50,000 rows stay instant.

A ``QSortFilterProxyModel`` would call :meth:`data` back through Qt once per row
for every keystroke; here the model keeps a precomputed search key per row and a
list of the visible rows, so a filter is one list comprehension and a keystroke that
extends the previous text only re-filters the rows already visible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from enum import IntEnum
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, parse_decimal
from callshop_pos.rating.pricelist import PriceEntry
from callshop_pos.services.admin.price_editing import (
    PriceListDiff,
    below_margin,
    diff_price_lists,
    margin_percent,
    wholesale_local,
    with_markup,
)

__all__ = ["BELOW_MARGIN_ROLE", "Column", "PriceListModel"]

_Index = QModelIndex | QPersistentModelIndex
#: Data role answering True for a row under the minimum margin.
BELOW_MARGIN_ROLE = Qt.ItemDataRole.UserRole + 1

_GUARD_BRUSH = QBrush(QColor("#fde2e1"))
_EDITED_BRUSH = QBrush(QColor("#fff6d6"))
_UNPRICED_FG = QBrush(QColor("#8a8f98"))


class Column(IntEnum):
    NUMBER = 0
    COUNTRY = 1
    CODE = 2
    WHOLESALE_USD = 3
    WHOLESALE_LOCAL = 4
    RETAIL = 5
    RETAIL_OFFPEAK = 6
    MARGIN = 7
    INCREMENTS = 8
    CONNECT_FEE = 9


def _headers() -> dict[Column, str]:
    return {
        Column.NUMBER: QCoreApplication.translate("PriceListModel", "No."),
        Column.COUNTRY: QCoreApplication.translate("PriceListModel", "Country"),
        Column.CODE: QCoreApplication.translate("PriceListModel", "Code"),
        Column.WHOLESALE_USD: QCoreApplication.translate("PriceListModel", "Wholesale USD"),
        Column.WHOLESALE_LOCAL: QCoreApplication.translate("PriceListModel", "Wholesale local"),
        Column.RETAIL: QCoreApplication.translate("PriceListModel", "Retail"),
        Column.RETAIL_OFFPEAK: QCoreApplication.translate("PriceListModel", "Off-peak"),
        Column.MARGIN: QCoreApplication.translate("PriceListModel", "Margin %"),
        Column.INCREMENTS: QCoreApplication.translate("PriceListModel", "Increments"),
        Column.CONNECT_FEE: QCoreApplication.translate("PriceListModel", "Connect fee"),
    }


_NUMERIC = {
    Column.NUMBER,
    Column.CODE,
    Column.WHOLESALE_USD,
    Column.WHOLESALE_LOCAL,
    Column.RETAIL,
    Column.RETAIL_OFFPEAK,
    Column.MARGIN,
    Column.INCREMENTS,
    Column.CONNECT_FEE,
}
_EDITABLE = {Column.RETAIL, Column.RETAIL_OFFPEAK}
_NONE_LAST = Decimal("Infinity")
_N_COLUMNS = len(Column)
# data() runs thousands of times per repaint: plain ints and prebuilt values only.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_EDIT = int(Qt.ItemDataRole.EditRole.value)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGNMENT = tuple(_RIGHT if c in _NUMERIC else _LEFT for c in Column)
_FLAGS = tuple(
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | (Qt.ItemFlag.ItemIsEditable if c in _EDITABLE else Qt.ItemFlag.NoItemFlags)
    for c in Column
)
_UNPRICED_COLUMNS = {int(Column.RETAIL), int(Column.MARGIN)}
_BOLD = QFont()
_BOLD.setBold(True)


class _RowView(NamedTuple):
    texts: tuple[str, ...]
    below: bool
    edited: bool
    unpriced: bool


def _plain(value: Decimal | None, places: int | None = None) -> str:
    if value is None:
        return ""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return format(value, "f")


#: The highest retail price per minute the price list takes (a typo guard: no call
#: shop sells a minute for more; a real price above it is a mistyped one).
PLAUSIBLE_RETAIL = Decimal("50")


class PriceListModel(QAbstractTableModel):
    """Rows of a price list with a live USD rate and minimum margin.

    ``usd_rate`` may be ``None`` (no rate set yet): the local wholesale and margin
    columns are then empty and the guard is off. Edits change only the working copy;
    :meth:`entries` and :meth:`diff` give what to save. An edit that cannot be meant
    is refused and :attr:`edit_refused` says why, in words.
    """

    edit_refused = Signal(str)

    def __init__(
        self,
        entries: Sequence[PriceEntry] = (),
        *,
        usd_rate: Decimal | None = None,
        minimum_margin: Decimal = Decimal(0),
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._header_texts = [_headers()[c] for c in Column]
        self._usd_rate = usd_rate
        self._minimum_margin = minimum_margin
        self._entries: list[PriceEntry] = []
        self._original: dict[str, PriceEntry] = {}
        self._base: list[PriceEntry] = []
        self._keys: list[str] = []
        self._order: list[int] = []
        self._visible: list[int] = []
        self._filter = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._cache: dict[int, _RowView] = {}
        self._load(list(entries))

    # ---- loading and state

    def _load(self, entries: list[PriceEntry]) -> None:
        self._cache = {}
        self._entries = entries
        self._base = list(entries)
        self._original = {e.code: e for e in entries}
        self._keys = [e.country.casefold() for e in entries]
        self._order = list(range(len(entries)))
        if self._sort is not None:
            self._order.sort(
                key=self._sort_key(Column(self._sort[0])),
                reverse=self._sort[1] == Qt.SortOrder.DescendingOrder,
            )
        self._visible = self._matching(self._order, self._filter)

    def reset(self, entries: Sequence[PriceEntry]) -> None:
        """Show a new list (e.g. after saving or importing); edits are forgotten."""
        self.beginResetModel()
        self._load(list(entries))
        self.endResetModel()

    def entries(self) -> list[PriceEntry]:
        """The working copy in list order (what saving would store)."""
        return list(self._entries)

    def diff(self) -> PriceListDiff:
        """What the working copy changes relative to the list loaded last."""
        return diff_price_lists(self._base, self._entries)

    @property
    def usd_rate(self) -> Decimal | None:
        return self._usd_rate

    def set_usd_rate(self, rate: Decimal | None) -> None:
        self._usd_rate = rate
        self._cache.clear()
        self._refresh_columns(Column.WHOLESALE_LOCAL, Column.MARGIN)

    @property
    def minimum_margin(self) -> Decimal:
        return self._minimum_margin

    def set_minimum_margin(self, percent: Decimal) -> None:
        self._minimum_margin = percent
        self._cache.clear()
        self._refresh_columns(Column.NUMBER, Column.CONNECT_FEE)

    def total_rows(self) -> int:
        return len(self._entries)

    def source_row(self, view_row: int) -> int:
        """The position in the whole list of the row shown at ``view_row``."""
        return self._visible[view_row]

    def entry_at(self, view_row: int) -> PriceEntry:
        return self._entries[self._visible[view_row]]

    def is_below_margin(self, entry: PriceEntry) -> bool:
        if self._usd_rate is None:
            return False
        return below_margin(entry, self._usd_rate, self._minimum_margin)

    def below_margin_codes(self) -> list[str]:
        """Codes of every row (visible or not) under the minimum margin."""
        return [e.code for e in self._entries if self.is_below_margin(e)]

    def edited_count(self) -> int:
        return sum(1 for e in self._entries if self._original.get(e.code) != e)

    # ---- filtering and sorting

    @property
    def filter_text(self) -> str:
        return self._filter

    def _matching(self, rows: Iterable[int], text: str) -> list[int]:
        needle = text.strip().casefold()
        if not needle:
            return list(rows)
        entries = self._entries
        if needle.isdigit():
            # Digits mean a dialling code: "44" finds 44, 441, 4420…
            return [i for i in rows if entries[i].code.startswith(needle)]
        keys = self._keys
        return [i for i in rows if needle in keys[i]]

    def set_filter(self, text: str) -> None:
        """Show only rows whose country contains ``text`` (or whose code starts with it)."""
        previous = self._filter.strip().casefold()
        needle = text.strip().casefold()
        if needle == previous:
            self._filter = text
            return
        if not previous or needle.isdigit() != previous.isdigit():
            narrowing = False
        elif needle.isdigit():
            narrowing = needle.startswith(previous)
        else:
            narrowing = previous in needle
        source = self._visible if narrowing else self._order
        self.beginResetModel()
        self._filter = text
        self._visible = self._matching(source, text)
        self.endResetModel()

    def _sort_key(self, column: Column) -> Any:
        entries = self._entries
        rate = self._usd_rate

        def opt(value: Decimal | None) -> Decimal:
            return _NONE_LAST if value is None else value

        if column == Column.COUNTRY:
            keys = self._keys
            return lambda i: (keys[i], entries[i].code)
        if column == Column.CODE:
            return lambda i: entries[i].code
        if column in (Column.WHOLESALE_USD, Column.WHOLESALE_LOCAL):
            return lambda i: entries[i].wholesale_usd
        if column == Column.RETAIL:
            return lambda i: opt(entries[i].retail)
        if column == Column.RETAIL_OFFPEAK:
            return lambda i: opt(entries[i].retail_offpeak)
        if column == Column.MARGIN and rate is not None:
            return lambda i: opt(margin_percent(entries[i].retail, entries[i].wholesale_usd, rate))
        if column == Column.INCREMENTS:
            return lambda i: (entries[i].initial, entries[i].increment)
        if column == Column.CONNECT_FEE:
            return lambda i: entries[i].connect_fee
        return lambda i: i

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        old = list(self._visible)
        self._sort = (column, order)
        self._order = sorted(
            range(len(self._entries)),
            key=self._sort_key(Column(column)),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._visible = self._matching(self._order, self._filter)
        self._move_persistent(old)
        self.layoutChanged.emit()

    def _move_persistent(self, old: list[int]) -> None:
        persistent = self.persistentIndexList()
        if not persistent:
            return
        where = {src: pos for pos, src in enumerate(self._visible)}
        for index in persistent:
            src = old[index.row()]
            self.changePersistentIndex(index, self.index(where[src], index.column()))

    # ---- editing

    def _replace(self, rows: Iterable[int], make: Any) -> int:
        changed = 0
        for i in rows:
            new = make(self._entries[i])
            if new != self._entries[i]:
                self._entries[i] = new
                self._cache.pop(i, None)
                changed += 1
        if changed:
            self._refresh_columns(Column.NUMBER, Column.CONNECT_FEE)
        return changed

    def apply_markup(
        self, source_rows: Iterable[int], usd_rate: Decimal, markup: Decimal, step: Decimal
    ) -> int:
        """Set retail = wholesale × rate × (1 + markup %), rounded; returns rows changed."""
        return self._replace(source_rows, lambda e: with_markup(e, usd_rate, markup, step))

    def clear_retail(self, source_rows: Iterable[int]) -> int:
        """Remove the retail prices (calls there become unrated); returns rows changed."""
        return self._replace(source_rows, lambda e: replace(e, retail=None, retail_offpeak=None))

    def set_retail(self, source_row: int, retail: Decimal | None, *, offpeak: bool = False) -> None:
        """Set one row's retail (or off-peak) price; raises ``InvalidInput`` if not allowed."""
        entry = self._entries[source_row]
        if offpeak:
            new = replace(entry, retail_offpeak=retail)
        elif retail is None:
            new = replace(entry, retail=None, retail_offpeak=None)
        else:
            new = replace(entry, retail=retail)
        self._replace([source_row], lambda _e: new)

    def _refresh_columns(self, first: Column, last: Column) -> None:
        if self._visible:
            self.dataChanged.emit(self.index(0, first), self.index(len(self._visible) - 1, last))

    # ---- Qt model interface

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal:
            return None
        return self._header_texts[section] if 0 <= section < _N_COLUMNS else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS[index.column()] if 0 <= index.column() < _N_COLUMNS else _FLAGS[0]

    def _row(self, view_row: int) -> _RowView:
        """Texts and flags of one row, computed once per change (data() is hot)."""
        source = self._visible[view_row]
        cached = self._cache.get(source)
        if cached is None:
            entry = self._entries[source]
            texts = tuple(self._text(source, entry, column) for column in Column)
            cached = _RowView(
                texts,
                self.is_below_margin(entry),
                self._original.get(entry.code) != entry,
                entry.retail is None,
            )
            self._cache[source] = cached
        return cached

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._visible) and 0 <= column < _N_COLUMNS):
            return None
        if role in (_DISPLAY, _EDIT):
            return self._row(row).texts[column]
        if role == _ALIGN:
            return _ALIGNMENT[column]
        if role == _BACKGROUND:
            view = self._row(row)
            if view.below:
                return _GUARD_BRUSH
            return _EDITED_BRUSH if view.edited else None
        if role == _FOREGROUND:
            if column in _UNPRICED_COLUMNS and self._row(row).unpriced:
                return _UNPRICED_FG
            return None
        if role == _FONT:
            if column in _EDITABLE and self._row(row).edited:
                return _BOLD
            return None
        if role == BELOW_MARGIN_ROLE:
            return self._row(row).below
        if role == _TOOLTIP and self._row(row).below:
            return QCoreApplication.translate(
                "PriceListModel", "Retail price is below the minimum margin"
            )
        return None

    def _text(self, source: int, entry: PriceEntry, column: Column) -> str:
        rate = self._usd_rate
        if column == Column.NUMBER:
            return str(source + 1)
        if column == Column.COUNTRY:
            return entry.country
        if column == Column.CODE:
            return entry.code
        if column == Column.WHOLESALE_USD:
            return _plain(entry.wholesale_usd, 6)
        if column == Column.WHOLESALE_LOCAL:
            if rate is None:
                return ""
            return _plain(wholesale_local(entry.wholesale_usd, rate), 4)
        if column == Column.RETAIL:
            return (
                _plain(entry.retail)
                if entry.retail is not None
                else QCoreApplication.translate("PriceListModel", "not set")
            )
        if column == Column.RETAIL_OFFPEAK:
            return _plain(entry.retail_offpeak)
        if column == Column.MARGIN:
            if rate is None:
                return ""
            margin = margin_percent(entry.retail, entry.wholesale_usd, rate)
            return "" if margin is None else _plain(margin)
        if column == Column.INCREMENTS:
            grace = f" g{entry.grace}" if entry.grace else ""
            return f"{entry.initial}/{entry.increment}{grace}"
        return _plain(entry.connect_fee)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = index.column()
        if column not in _EDITABLE or not 0 <= index.row() < len(self._visible):
            return False
        text = "" if value is None else str(value).strip()

        def refuse(why: str) -> bool:
            self.edit_refused.emit(why)
            return False

        try:
            price = None if not text else parse_decimal(text, allow_comma=True)
        except MoneyError:
            return refuse(
                QCoreApplication.translate(
                    "PriceListPage", "{text} is not a price (e.g. 0.25)"
                ).format(text=text)
            )
        if price is not None and price < 0:
            return refuse(
                QCoreApplication.translate("PriceListPage", "A price cannot be negative.")
            )
        if price is not None and price > PLAUSIBLE_RETAIL:
            return refuse(
                QCoreApplication.translate(
                    "PriceListPage", "{text} per minute cannot be meant: at most {most}."
                ).format(text=text, most=PLAUSIBLE_RETAIL)
            )
        try:
            self.set_retail(
                self._visible[index.row()], price, offpeak=column == Column.RETAIL_OFFPEAK
            )
        except InvalidInput as exc:
            return refuse(str(exc))
        return True
