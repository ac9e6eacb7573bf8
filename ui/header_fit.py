"""Column headers that keep their whole text (a Bulgarian header is often twice as long
as the English one the widths were chosen for at 1366×768).

A column the code sized is widened to its header's text, and (for the call list) to
its cells; stretched columns make the view ask for enough width to show every header
whole. This happens again whenever the texts, the rows or the header's font change.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

__all__ = ["keep_headers_whole"]

_REFIT = {
    QEvent.Type.Show,
    QEvent.Type.Polish,
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
    QEvent.Type.LanguageChange,
}


class _HeaderFit(QObject):
    def __init__(self, view: QTableView, cells: bool) -> None:
        header = view.horizontalHeader()
        super().__init__(header)
        self._view, self._header, self._cells = view, header, cells
        self._base_minimum = header.minimumSectionSize()
        header.installEventFilter(self)
        model = view.model()
        if model is not None:
            model.headerDataChanged.connect(self.fit)
            model.modelReset.connect(self.fit)
            if cells:
                model.rowsInserted.connect(self.fit)
                model.dataChanged.connect(self.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _REFIT:
            self.fit()
        return False

    def fit(self) -> None:
        if self._cells:
            self._fit_list()
            return
        header, view = self._header, self._view
        stretched: list[int] = []
        fixed = 0
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            mode = header.sectionResizeMode(section)
            wanted = header.sectionSizeHint(section)
            if mode == QHeaderView.ResizeMode.Stretch:
                stretched.append(wanted)
                continue
            if mode == QHeaderView.ResizeMode.Interactive:
                if self._cells:
                    wanted = max(wanted, view.sizeHintForColumn(section))
                if header.sectionSize(section) < wanted:
                    header.resizeSection(section, wanted)
            fixed += header.sectionSize(section)
        if stretched:
            # Stretched sections share the spare width equally: each needs the widest.
            widest = max(stretched)
            header.setMinimumSectionSize(max(header.minimumSectionSize(), widest))
            if not fixed:
                # Only stretched columns: the view asks for room for all of them (a view
                # with sized columns keeps its width and scrolls instead).
                scroll = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
                view.setMinimumWidth(widest * len(stretched) + 2 * view.frameWidth() + scroll)

    def _fit_list(self) -> None:
        """A call list: each sized column at least as wide as its header and cells
        (and as the width the code chose), no column inflated to another's header (the
        list is read whole, without scrolling sideways); the stretched ones share the
        rest, and the view asks for room for all of them."""
        header, view = self._header, self._view
        # Each section's own hint, not one inflated to the widest header of all.
        header.setMinimumSectionSize(self._base_minimum)
        fixed = stretched = 0
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            wanted = header.sectionSizeHint(section)
            if header.sectionResizeMode(section) == QHeaderView.ResizeMode.Stretch:
                stretched += wanted
                continue
            wanted = max(wanted, view.sizeHintForColumn(section))
            if header.sectionSize(section) < wanted:  # grows only: no jitter as rows come
                header.resizeSection(section, wanted)
            fixed += header.sectionSize(section)
        scroll = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        view.setMinimumWidth(fixed + stretched + 2 * view.frameWidth() + scroll)


def keep_headers_whole(view: QTableView, *, cells: bool = False) -> None:
    """Keep ``view``'s header texts whole (and its cells, with ``cells``), now and
    whenever its texts, rows or the header's font change."""
    _HeaderFit(view, cells).fit()
