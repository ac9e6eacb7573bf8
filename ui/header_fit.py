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
        #: stretched-only views: each column's share is its header's width (see _spread)
        self._shares: list[tuple[int, int]] = []
        header.installEventFilter(self)
        view.viewport().installEventFilter(self)
        model = view.model()
        if model is not None:
            model.headerDataChanged.connect(self.fit)
            model.modelReset.connect(self.fit)
            if cells:
                model.rowsInserted.connect(self.fit)
                model.dataChanged.connect(self.fit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._header and event.type() in _REFIT:
            self.fit()
        elif event.type() == QEvent.Type.Resize and self._shares:
            self._spread()
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
        if self._shares or (stretched and not fixed):
            self._fit_shares()
        elif stretched:
            # Stretched sections share the spare width equally: each needs the widest.
            widest = max(stretched)
            header.setMinimumSectionSize(max(header.minimumSectionSize(), widest))

    def _fit_shares(self) -> None:
        """Only stretched columns: each gets its own header's width and a share of the
        rest in proportion to it (equal shares would make every column as wide as the
        longest header: nine Bulgarian headers then asked for 1,294 px), and the view
        asks for room for all of them whole."""
        header, view = self._header, self._view
        if not self._shares:
            self._shares = [
                (section, 0)
                for section in range(header.count())
                if header.sectionResizeMode(section) == QHeaderView.ResizeMode.Stretch
            ]
            for section, _ in self._shares:
                header.setSectionResizeMode(section, QHeaderView.ResizeMode.Interactive)
            header.setStretchLastSection(False)
        header.setMinimumSectionSize(self._base_minimum)
        self._shares = [
            (section, 0 if header.isSectionHidden(section) else header.sectionSizeHint(section))
            for section, _ in self._shares
        ]
        scroll = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        needed = sum(hint for _, hint in self._shares)
        view.setMinimumWidth(needed + 2 * view.frameWidth() + scroll)
        self._spread()

    def _spread(self) -> None:
        """Each column its header's width, then what its cells want, in proportion, as
        far as the view's width goes; what is left is shared in proportion too."""
        view = self._view
        shown = [(section, hint) for section, hint in self._shares if hint]
        if not shown:
            return
        wants = [max(hint, view.sizeHintForColumn(section)) for section, hint in shown]
        room = view.viewport().width()
        base = [hint for _, hint in shown]
        if room >= sum(wants):
            widths = _shared(wants, room - sum(wants), wants)
        else:
            extra = [w - b for w, b in zip(wants, base, strict=True)]
            widths = _shared(base, max(0, room - sum(base)), extra)
        for (section, _), width in zip(shown, widths, strict=True):
            self._header.resizeSection(section, width)

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


def _shared(widths: list[int], spare: int, weights: list[int]) -> list[int]:
    """``widths`` plus ``spare`` pixels shared in proportion to ``weights``, exactly: the
    pixels rounding leaves go one each to the first columns whose weight still has room
    (so no column gets more than its weight while the spare is less than their sum)."""
    total = sum(weights)
    if total <= 0 or spare <= 0:
        return list(widths)
    extra = [spare * weight // total for weight in weights]
    left = spare - sum(extra)
    for i in sorted(range(len(weights)), key=lambda i: extra[i] >= weights[i]):
        if left == 0:
            break
        extra[i] += 1
        left -= 1
    return [width + more for width, more in zip(widths, extra, strict=True)]


def keep_headers_whole(view: QTableView, *, cells: bool = False) -> None:
    """Keep ``view``'s header texts whole (and its cells, with ``cells``), now and
    whenever its texts, rows or the header's font change."""
    _HeaderFit(view, cells).fit()
