"""The reports page's charts: revenue and profit bars per day and per top destination,
with their labels, colours, values, categories and axes."""

from __future__ import annotations

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from callshop_pos.services.reports.period import ReportRow
from tests.ui.widget_facts import bulgarian
from ui.admin.report_charts import daily_chart, top_destinations_chart
from ui.i18n import Languages


def _rows() -> list[ReportRow]:
    return [
        ReportRow("2026-03-01", revenue_minor=12_00, wholesale_cost_minor=5_00),
        ReportRow("2026-03-02", revenue_minor=30_50, wholesale_cost_minor=40_00),
        ReportRow("2026-03-03", revenue_minor=7_25, wholesale_cost_minor=0),
    ]


def _bars(qtbot, view, title: str, kind: type) -> list[tuple[str, str, list[float]]]:
    """The chart's one series, checked to be a ``kind``, as (label, colour, values) per
    bar set, after checking the chart's title."""
    qtbot.addWidget(view)
    assert view.chart().title() == title
    [series] = view.chart().series()
    assert isinstance(series, kind)
    return [
        (s.label(), s.color().name(), [s.at(i) for i in range(s.count())]) for s in series.barSets()
    ]


def test_daily_chart(qtbot) -> None:
    view = daily_chart(_rows())
    assert _bars(qtbot, view, "Revenue and profit per day", QBarSeries) == [
        ("Revenue", QColor("#1f5fbf").name(), [12.0, 30.5, 7.25]),
        ("Profit", QColor("#17804a").name(), [7.0, -9.5, 7.25]),
    ]
    chart, [series] = view.chart(), view.chart().series()
    [days] = chart.axes(Qt.Orientation.Horizontal)
    assert isinstance(days, QBarCategoryAxis) and days.categories() == ["01", "02", "03"]
    [amounts] = chart.axes(Qt.Orientation.Vertical)
    assert isinstance(amounts, QValueAxis) and amounts.min() <= -9.5 and amounts.max() >= 30.5
    assert series.attachedAxes() == [days, amounts]


def test_top_destinations_chart_largest_on_top(qtbot) -> None:
    rows = [
        ReportRow(f"Country {i}", revenue_minor=i * 100, wholesale_cost_minor=i * 50)
        for i in range(1, 13)
    ] + [ReportRow("", revenue_minor=50)]
    view = top_destinations_chart(rows, n=3)
    assert _bars(qtbot, view, "Top destinations by revenue", QHorizontalBarSeries) == [
        ("Revenue", QColor("#1f5fbf").name(), [10.0, 11.0, 12.0]),
        ("Profit", QColor("#17804a").name(), [5.0, 5.5, 6.0]),
    ]
    chart, [series] = view.chart(), view.chart().series()
    [names] = chart.axes(Qt.Orientation.Vertical)
    assert names.categories() == ["Country 10", "Country 11", "Country 12"]
    [amounts] = chart.axes(Qt.Orientation.Horizontal)
    assert isinstance(amounts, QValueAxis) and amounts.max() >= 12.0
    assert series.attachedAxes() == [names, amounts]


@pytest.mark.parametrize("build", [daily_chart, top_destinations_chart])
def test_bar_labels_in_bulgarian(qtbot, qapp, build) -> None:
    languages = Languages(qapp)
    languages.apply("bg")
    try:
        view = build(_rows())
    finally:
        languages.apply("en")
    qtbot.addWidget(view)
    [series] = view.chart().series()
    assert [s.label() for s in series.barSets()] == [
        bulgarian("admin", "Reports", "Revenue"),
        bulgarian("admin", "Reports", "Profit"),
    ]
