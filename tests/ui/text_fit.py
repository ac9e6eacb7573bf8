"""Does every text a person can see fit its widget? Font metrics against the space the
widget's style gives the text (its content rect), for labels, buttons, check boxes, tool
buttons, tabs, group box titles, combo boxes, list items and table headers. A table
cell may be elided when its tooltip carries the whole text; a header or a button may not.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListView,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTabBar,
    QTableView,
    QToolButton,
    QWidget,
)

_RICH = re.compile(r"<[a-zA-Z!/][^>]*>")

# Anti-aliasing and rounding may differ by a pixel between measuring and painting.
_SLACK = 1


def _plain(text: str) -> str:
    """The text as painted: mnemonic ampersands dropped, the widest line of several."""
    lines = text.replace("&&", "\0").replace("&", "").replace("\0", "&").split("\n")
    return max(lines, key=len) if lines else ""


def _width(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _name(widget: QWidget) -> str:
    parts = []
    w: QWidget | None = widget
    while w is not None and len(parts) < 3:
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(parts))


def _label(label: QLabel, must_fit: frozenset[str] = frozenset()) -> str | None:
    text = label.text()
    if (
        not text
        or label.wordWrap()
        or label.textFormat() == Qt.TextFormat.RichText
        or (label.textFormat() == Qt.TextFormat.AutoText and _RICH.search(text) is not None)
    ):
        return None
    if (
        getattr(label, "elides", False)
        and text in label.toolTip()
        and label.objectName() not in must_fit
    ):
        return None  # painted with "…", the whole text in its tooltip
    rect = label.contentsRect()
    margin = label.margin() * 2 + max(label.indent(), 0)
    need = _width(label.fontMetrics(), _plain(text))
    lines = text.count("\n") + 1
    if need > rect.width() - margin + _SLACK:
        return f"{need} px wide in {rect.width() - margin} px"
    metrics = label.fontMetrics()
    # A label paints over its padding, clipped only by its own rectangle; a line is
    # cut when the rectangle is lower than the line's letters (ascent).
    if (lines - 1) * metrics.lineSpacing() + metrics.ascent() > label.height() + _SLACK:
        return f"{lines} line(s) in {label.height()} px high"
    return None


def _button(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    style = button.style()
    option = QStyleOptionButton()
    option.initFrom(button)
    option.text = button.text()
    option.icon = button.icon()
    option.iconSize = button.iconSize()
    if isinstance(button, QCheckBox):
        element = QStyle.SubElement.SE_CheckBoxContents
    elif isinstance(button, QRadioButton):
        element = QStyle.SubElement.SE_RadioButtonContents
    else:
        element = QStyle.SubElement.SE_PushButtonContents
    rect = style.subElementRect(element, option, button)
    room = rect.width()
    if not button.icon().isNull():
        room -= button.iconSize().width() + 4
    need = _width(button.fontMetrics(), text)
    if need > room + _SLACK:
        return f"{need} px wide in {room} px"
    return None


def _tool_button(button: QToolButton) -> str | None:
    if button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
        return None
    text = _plain(button.text())
    if not text:
        return None
    # A tool button is as wide as its size hint asks when its text fits.
    hint = button.sizeHint().width()
    if button.width() + _SLACK < hint:
        return f"{hint} px wanted, {button.width()} px given"
    return None


def _header(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None or header.isHidden():
        return []
    problems = []
    style = header.style()
    orientation = header.orientation()
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        option = QStyleOptionHeader()
        option.initFrom(header)
        option.section = section
        option.text = str(text)
        option.orientation = orientation
        option.textAlignment = Qt.AlignmentFlag.AlignCenter
        if header.isSortIndicatorShown():
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
        needed = style.sizeFromContents(
            QStyle.ContentsType.CT_HeaderSection,
            option,
            header.fontMetrics().size(Qt.TextFlag.TextShowMnemonic, str(text)),
            header,
        )
        size = header.sectionSize(section)
        need = needed.width() if orientation == Qt.Orientation.Horizontal else needed.height()
        if orientation == Qt.Orientation.Horizontal and need > size + _SLACK:
            problems.append(f"header {text!r}: {need} px wanted, {size} px given")
    return problems


def _cells(view: QAbstractItemView) -> list[str]:
    """Cells elided without a tooltip that carries the whole text."""
    model = view.model()
    if model is None:
        return []
    problems = []
    metrics = view.fontMetrics()
    rows = min(model.rowCount(QModelIndex()), 50)
    columns = 1 if isinstance(view, QListView) else model.columnCount(QModelIndex())
    for row in range(rows):
        for column in range(columns):
            index = model.index(row, column, QModelIndex())
            text = model.data(index, Qt.ItemDataRole.DisplayRole)
            if not text:
                continue
            rect = view.visualRect(index)
            if isinstance(view, QListView):
                # A list lays its items out as wide as the widest: what counts is the
                # part inside the viewport (a list is not meant to scroll sideways).
                rect = rect.intersected(view.viewport().rect())
            if rect.width() <= 0:
                continue
            option = QStyleOptionViewItem()
            option.font = view.font()
            option.fontMetrics = metrics
            option.rect = rect
            option.widget = view  # so the style sheet's item padding counts
            need = view.itemDelegateForIndex(index).sizeHint(option, index).width()
            if need <= rect.width() + _SLACK:
                continue
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            if tip and str(text).rstrip("…") in str(tip):
                continue
            problems.append(f"cell {text!r}: {need} px wanted, {rect.width()} px given")
    return problems


def needs_sideways_scroll(view: QAbstractItemView) -> list[str]:
    """A list that must be read whole at a glance needs no horizontal scrolling: its
    columns fit its viewport."""
    bar = view.horizontalScrollBar()
    if bar.maximum() <= bar.minimum():
        return []
    return [
        f"{_name(view)}: scrolls sideways by {bar.maximum() - bar.minimum()} px "
        f"(viewport {view.viewport().width()} px)"
    ]


def overflowing_texts(root: QWidget, *, must_fit: frozenset[str] = frozenset()) -> list[str]:
    """One line per visible text in ``root`` (and its children) that does not fit;
    labels named in ``must_fit`` may not end in "…" even with a tooltip."""
    problems: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root.window()) or not widget.isVisible():
            continue
        found: list[str] = []
        if isinstance(widget, QLabel):
            why = _label(widget, must_fit)
            found = [f"label {widget.text()!r}: {why}"] if why else []
        elif isinstance(widget, QToolButton):
            why = _tool_button(widget)
            found = [f"tool button {widget.text()!r}: {why}"] if why else []
        elif isinstance(widget, QAbstractButton):
            why = _button(widget)
            found = [f"button {widget.text()!r}: {why}"] if why else []
        elif isinstance(widget, QHeaderView):
            found = _header(widget)
        elif isinstance(widget, QTabBar):
            for tab in range(widget.count()):
                text = _plain(widget.tabText(tab))
                need = _width(widget.fontMetrics(), text) + 8
                if need > widget.tabRect(tab).width():
                    found.append(f"tab {text!r}: {need} px in {widget.tabRect(tab).width()} px")
        elif isinstance(widget, QGroupBox) and widget.title():
            need = _width(widget.fontMetrics(), _plain(widget.title())) + 8
            if need > widget.width():
                found.append(f"group {widget.title()!r}: {need} px in {widget.width()} px")
        elif isinstance(widget, QComboBox) and widget.currentText():
            hint = widget.minimumSizeHint().width()
            if widget.width() + _SLACK < hint:
                found.append(f"combo {widget.currentText()!r}: {hint} px in {widget.width()} px")
        if isinstance(widget, (QTableView, QListView)):
            found += _cells(widget)
        problems += [f"{_name(widget)}: {line}" for line in found]
    return problems
