"""The reports page: a period, a grouping, the table with totals, two charts, and
export to CSV and PDF."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QWidget,
)

from callshop_pos.services.admin.admin_prices import today
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.reports import period as reports_admin
from callshop_pos.services.reports.export import report_csv, report_pdf
from callshop_pos.services.reports.period import GroupBy, PeriodReport, ReportRow
from ui.admin.common import (
    Col,
    RecordTableModel,
    call_service,
    from_qdate,
    micro_usd_text,
    minor_text,
    to_qdate,
)
from ui.admin.page_parts import date_edit, page_header, record_view
from ui.admin.report_charts import daily_chart, top_destinations_chart

__all__ = ["ReportsPage", "report_columns"]


def _opt(value: object, suffix: str = "") -> str:
    return "—" if value is None else f"{value}{suffix}"


def report_columns(group_title: str) -> list[Col[ReportRow]]:
    return [
        Col(group_title.removeprefix("by ").capitalize(), lambda r: r.key),
        Col(QCoreApplication.translate("Reports", "Calls"), lambda r: str(r.calls), True),
        Col(QCoreApplication.translate("Reports", "Attempts"), lambda r: str(r.attempts), True),
        Col(
            QCoreApplication.translate("Reports", "ASR"), lambda r: _opt(r.asr_percent, " %"), True
        ),
        Col(QCoreApplication.translate("Reports", "Minutes"), lambda r: str(r.minutes), True),
        Col(
            QCoreApplication.translate("Reports", "ACD"), lambda r: _opt(r.acd_seconds, " s"), True
        ),
        Col(
            QCoreApplication.translate("Reports", "Revenue"),
            lambda r: minor_text(r.revenue_minor),
            True,
        ),
        Col(
            QCoreApplication.translate("Reports", "Avg call"),
            lambda r: minor_text(r.average_call_minor),
            True,
        ),
        Col(
            QCoreApplication.translate("Reports", "Wholesale USD"),
            lambda r: micro_usd_text(r.wholesale_micro_usd),
            True,
        ),
        Col(
            QCoreApplication.translate("Reports", "Cost"),
            lambda r: minor_text(r.wholesale_cost_minor),
            True,
        ),
        Col(
            QCoreApplication.translate("Reports", "Profit"),
            lambda r: minor_text(r.profit_minor),
            True,
        ),
        Col(QCoreApplication.translate("Reports", "Unserved"), lambda r: str(r.unserved), True),
        Col(
            QCoreApplication.translate("Reports", "Unpaid"),
            lambda r: f"{r.unpaid} ({minor_text(r.unpaid_minor)})",
            True,
        ),
    ]


class ReportsPage(QWidget):
    """Runs :func:`reports_admin.period_report` (admin only) and shows the result."""

    def __init__(self, shop: Shop, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop, self.actor = shop, actor
        self.report: PeriodReport | None = None
        layout, head = page_header(self, QCoreApplication.translate("Reports", "Reports"))
        end = today(shop)
        self.first_edit = date_edit(end - timedelta(days=29))
        self.last_edit = date_edit(end)
        self.group_combo = QComboBox()
        for group, label in (
            (GroupBy.DAY, QCoreApplication.translate("Reports", "by day")),
            (GroupBy.DESTINATION, QCoreApplication.translate("Reports", "by destination")),
            (GroupBy.BOOTH, QCoreApplication.translate("Reports", "by booth")),
            (GroupBy.OPERATOR, QCoreApplication.translate("Reports", "by operator")),
        ):
            self.group_combo.addItem(label, group.value)
        self.run_button = QPushButton(QCoreApplication.translate("Reports", "Show"))
        self.run_button.setObjectName("primary")
        self.csv_button = QPushButton(QCoreApplication.translate("Reports", "CSV…"))
        self.pdf_button = QPushButton(QCoreApplication.translate("Reports", "PDF…"))
        for widget in (
            QLabel(QCoreApplication.translate("Reports", "From")),
            self.first_edit,
            QLabel(QCoreApplication.translate("Reports", "to")),
            self.last_edit,
            self.group_combo,
            self.run_button,
            self.csv_button,
            self.pdf_button,
        ):
            head.addWidget(widget)

        self.summary = QLabel()
        self.summary.setObjectName("reportSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model: RecordTableModel[ReportRow] = RecordTableModel(report_columns(""), self)
        self.view = record_view(self.model, alternate=True, resize=None)
        splitter.addWidget(self.view)
        self.charts = QWidget()
        self.charts_layout = QHBoxLayout(self.charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        splitter.addWidget(self.charts)
        splitter.setSizes([300, 300])
        layout.addWidget(splitter, 1)

        self.run_button.clicked.connect(self.run)
        self.csv_button.clicked.connect(self._on_csv)
        self.pdf_button.clicked.connect(self._on_pdf)

    def refresh(self) -> None:
        self.run()

    def set_period(self, first: date, last: date, group_by: GroupBy) -> None:
        self.first_edit.setDate(to_qdate(first))
        self.last_edit.setDate(to_qdate(last))
        self.group_combo.setCurrentIndex(self.group_combo.findData(group_by.value))

    def run(self) -> PeriodReport | None:
        first, last = from_qdate(self.first_edit.date()), from_qdate(self.last_edit.date())
        group = GroupBy(self.group_combo.currentData())
        report = call_service(
            self, lambda: reports_admin.period_report(self.shop, self.actor, first, last, group)
        )
        if report is None:
            return None
        self.report = report
        self.model = RecordTableModel(
            report_columns(self.group_combo.currentText()),
            self,
            emphasis=lambda row: row is report.total,
        )
        self.model.set_rows([*report.rows, report.total])
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the first column keeps its dates whole
        t = report.total
        text = QCoreApplication.translate(
            "Reports",
            "{calls} calls · {minutes} min · revenue {revenue} · cost {cost} · profit {profit}"
            " · ASR {asr} · ACD {acd} · {unserved} unserved · {unpaid} unpaid",
        ).format(
            calls=t.calls,
            minutes=t.minutes,
            revenue=minor_text(t.revenue_minor),
            cost=minor_text(t.wholesale_cost_minor),
            profit=minor_text(t.profit_minor),
            asr=_opt(t.asr_percent, " %"),
            acd=_opt(t.acd_seconds, " s"),
            unserved=t.unserved,
            unpaid=t.unpaid,
        )
        # Revenue is call prices; the cash taken also holds the bills' cash rounding.
        text += " · " + QCoreApplication.translate(
            "Reports",
            "revenue is call prices, without cash rounding; cash rounding of the "
            "period's payments {rounding}, revenue with it {with_rounding}",
        ).format(
            rounding=minor_text(report.cash_rounding_minor),
            with_rounding=minor_text(report.revenue_with_rounding_minor),
        )
        text += " · " + QCoreApplication.translate(
            "Reports", "ASR counts only attempts that reached the carrier"
        )
        if t.cost_without_rate:
            text += " · " + QCoreApplication.translate(
                "Reports", "{n} call(s) before the first USD rate: cost not included"
            ).format(n=t.cost_without_rate)
        self.summary.setText(text)
        self._show_charts(first, last)
        return report

    def _show_charts(self, first: date, last: date) -> None:
        while self.charts_layout.count():
            item = self.charts_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        report = self.report
        if report is None:
            return
        by_day = (
            report
            if report.group_by is GroupBy.DAY
            else reports_admin.period_report(self.shop, self.actor, first, last, GroupBy.DAY)
        )
        by_destination = (
            report
            if report.group_by is GroupBy.DESTINATION
            else reports_admin.period_report(
                self.shop, self.actor, first, last, GroupBy.DESTINATION
            )
        )
        self.charts_layout.addWidget(daily_chart(list(by_day.rows)), 3)
        self.charts_layout.addWidget(top_destinations_chart(list(by_destination.rows)), 2)

    def export_csv(self, path: Path) -> None:
        if self.report is not None:
            path.write_text(report_csv(self.report), encoding="utf-8")

    def export_pdf(self, path: Path) -> None:
        if self.report is not None:
            settings = self.shop.settings
            path.write_bytes(
                report_pdf(self.report, shop_name=settings.shop_name, currency=settings.currency)
            )

    def _on_csv(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("Reports", "Export report"),
            "report.csv",
            QCoreApplication.translate("Reports", "CSV files (*.csv)"),
        )
        if name:
            self.export_csv(Path(name))

    def _on_pdf(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            QCoreApplication.translate("Reports", "Export report"),
            "report.pdf",
            QCoreApplication.translate("Reports", "PDF files (*.pdf)"),
        )
        if name:
            self.export_pdf(Path(name))
