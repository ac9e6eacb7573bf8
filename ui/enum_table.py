"""What the till's read-only tables (bill lines, sessions, calls) share: their
columns are the members of an ``IntEnum``, each with a header text, and figures
are right-aligned while words are left-aligned."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

__all__ = ["EnumTableModel", "cell_alignment"]

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)


def cell_alignment(figure: bool) -> int:
    """The alignment a model returns for a cell: right for a figure, else left; centred
    vertically."""
    return _RIGHT if figure else _LEFT


class EnumTableModel(QAbstractTableModel):
    """A table model whose column count and horizontal header come from an ``IntEnum``.

    Subclasses set :attr:`columns` and :attr:`figures` (the right-aligned columns),
    give :meth:`header_text` (translated with their own ``self.tr``, so each string
    keeps its class as its translation context) and provide ``rowCount`` and ``data``.
    """

    columns: ClassVar[type[IntEnum]]
    figures: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # The view asks for the column count with every index it makes (each cell of
        # each repaint): a plain instance attribute is the cheapest answer.
        self._column_count = len(self.columns)

    def header_text(self, column: int) -> str:
        """The header of ``column`` (one of :attr:`columns`)."""
        raise NotImplementedError

    def alignment(self, column: int) -> int:
        """Header and cell alignment of ``column``."""
        return cell_alignment(column in self.figures)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._column_count

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self._column_count:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.header_text(section)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(section)
        return None
