"""Charts of a period report (QtCharts): revenue and profit per day, top destinations.

Chart coordinates are floats by Qt's design; amounts become floats here and only
here, for drawing — every figure shown as text comes from the exact integers.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, Qt
from PySide6.QtGui import QColor, QPainter

from callshop_pos.services.reports.period import ReportRow

__all__ = ["daily_chart", "top_destinations_chart"]

_REVENUE = QColor("#1f5fbf")
_PROFIT = QColor("#17804a")


def _plot_value(minor: int) -> float:
    return minor / 100


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    return chart


def _view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    return view


def _value_axis(values: list[float]) -> QValueAxis:
    axis = QValueAxis()
    low = min([0.0, *values])
    high = max([0.0, *values])
    axis.setRange(low, high * 1.1 if high > 0 else 1.0)
    axis.setLabelFormat("%.0f")
    axis.applyNiceNumbers()
    return axis


def _revenue_and_profit(
    chart: QChart, series: QAbstractBarSeries, rows: list[ReportRow]
) -> list[float]:
    """Fill ``series`` with a revenue and a profit bar per row and add it to ``chart``;
    returns the plotted values (for the value axis)."""
    revenue = QBarSet(QCoreApplication.translate("Reports", "Revenue"))
    profit = QBarSet(QCoreApplication.translate("Reports", "Profit"))
    revenue.setColor(_REVENUE)
    profit.setColor(_PROFIT)
    values: list[float] = []
    for row in rows:
        r, p = _plot_value(row.revenue_minor), _plot_value(row.profit_minor)
        revenue.append(r)
        profit.append(p)
        values += [r, p]
    series.append(revenue)
    series.append(profit)
    chart.addSeries(series)
    return values


def daily_chart(rows: list[ReportRow]) -> QChartView:
    """Revenue and profit per day (bars), one category per day (``MM-DD``)."""
    chart = _chart(QCoreApplication.translate("Reports", "Revenue and profit per day"))
    series = QBarSeries()
    values = _revenue_and_profit(chart, series, rows)
    axis_x = QBarCategoryAxis()
    # Day of month within two months, MM-DD within a year (labels must be unique).
    cut = 8 if len(rows) <= 31 else 5 if len(rows) <= 366 else 0
    axis_x.append([row.key[cut:] for row in rows])
    axis_x.setLabelsAngle(-90 if len(rows) > 31 else 0)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    font = axis_x.labelsFont()  # after addAxis: the chart's theme sets the font there
    font.setPointSizeF(7.0)
    axis_x.setLabelsFont(font)
    series.attachAxis(axis_x)
    axis_y = _value_axis(values)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    return _view(chart)


def top_destinations_chart(rows: list[ReportRow], n: int = 10) -> QChartView:
    """The ``n`` destinations with the most revenue (horizontal bars, largest on top)."""
    chart = _chart(QCoreApplication.translate("Reports", "Top destinations by revenue"))
    top = sorted(rows, key=lambda r: (-r.revenue_minor, r.key))[:n]
    top.reverse()  # the largest is drawn last, i.e. on top
    series = QHorizontalBarSeries()
    values = _revenue_and_profit(chart, series, top)
    axis_y = QBarCategoryAxis()
    axis_y.append([row.key or QCoreApplication.translate("Reports", "(unknown)") for row in top])
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = _value_axis(values)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    return _view(chart)
