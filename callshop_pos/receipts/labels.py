"""Words printed on receipts and reports, and the formatting every renderer shares.

Documents are printed in the shop's language (Bulgarian by default, English
available). Formatting lives here once so paper, PDF and the Qt print path agree
to the character.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callshop_pos.money import BGN_PER_EUR, format_minor

__all__ = [
    "LABELS",
    "Labels",
    "booth_name",
    "format_amount",
    "format_date_time",
    "labels_for",
]


@dataclass(frozen=True)
class Labels:
    receipt: str
    receipt_no: str
    operator: str
    sale_number: str
    booth: str
    billed: str
    subtotal: str
    rounding: str
    total: str
    tendered: str
    change: str
    bgn_equivalent: str
    rate_note: str
    copy: str
    vat_no: str
    x_report: str
    z_report: str
    shift: str
    opened: str
    closed: str
    printed: str
    calls: str
    talk_time: str
    billed_time: str
    by_status: str
    status_names: tuple[tuple[str, str], ...]
    cash: str
    opening_float: str
    payments: str
    payments_rounding: str  # the cash rounding within the payments (not in call prices)
    refunds: str
    expected_cash: str
    counted_cash: str
    discrepancy: str
    drawer_opens: str
    by_booth: str
    unserved_calls: str
    unpaid_calls: str
    none: str
    unrated: str
    journal_hash: str
    still_open: str
    page: str
    col_answered: str
    col_number: str
    col_destination: str
    col_duration: str
    col_price: str
    value: str
    thanks: str
    unrated_count: str
    correction: str
    fiscal_item: str
    deposits_taken: str
    deposits_returned: str
    deposit_payments: str
    open_deposits: str
    card_item: str
    card_top_up_item: str
    card_sales: str
    card_top_ups: str
    card_calls: str
    card_receipt: str  # the title of a card sale's receipt
    card_receipt_item: str
    card_serial: str

    def status(self, status: str) -> str:
        return dict(self.status_names).get(status, status)


LABELS: dict[str, Labels] = {
    "bg": Labels(
        receipt="СМЕТКА ЗА РАЗГОВОРИ",
        receipt_no="Бел. №",
        operator="Оператор",
        sale_number="УНП",
        booth="Кабина",
        billed="такс.",
        subtotal="Междинна сума",
        rounding="Закръгляне",
        total="ОБЩО",
        tendered="Платено в брой",
        change="Ресто",
        bgn_equivalent="Обща сума в BGN",
        rate_note="1 EUR = {rate} BGN",
        copy="КОПИЕ",
        vat_no="ДДС №",
        x_report="X-ОТЧЕТ",
        z_report="Z-ОТЧЕТ",
        shift="Смяна №",
        opened="Открита",
        closed="Закрита",
        printed="Отпечатан",
        calls="Разговори",
        talk_time="Време в разговор",
        billed_time="Таксувано време",
        by_status="РАЗГОВОРИ ПО СТАТУС",
        status_names=(("paid", "Платени"), ("unpaid", "Неплатени"), ("unserved", "Необслужени")),
        cash="КАСА",
        opening_float="Начална наличност",
        payments="Плащания",
        payments_rounding="  в т.ч. закръгляне",
        refunds="Върнати суми",
        expected_cash="Очаквана наличност",
        counted_cash="Преброена наличност",
        discrepancy="Разлика",
        drawer_opens="Ръчни отваряния на чекмеджето",
        by_booth="ПО КАБИНИ",
        unserved_calls="НЕОБСЛУЖЕНИ РАЗГОВОРИ",
        unpaid_calls="НЕПЛАТЕНИ РАЗГОВОРИ",
        none="няма",
        unrated="без цена",
        journal_hash="Контролна сума на журнала (SHA-256)",
        still_open="смяната е отворена",
        page="стр.",
        col_answered="Начало",
        col_number="Номер",
        col_destination="Направление",
        col_duration="Прод.",
        col_price="Цена",
        value="Стойност",
        thanks="Благодарим Ви! Заповядайте отново.",
        unrated_count="Разговори без цена",
        correction="Корекция след затваряне",
        fiscal_item="Разговор",
        deposits_taken="Взети депозити",
        deposits_returned="Върнати остатъци от депозити",
        deposit_payments="Разговори, платени от депозит",
        open_deposits="Неприключени депозити",
        card_item="Фонокарта",
        card_top_up_item="Зареждане на фонокарта",
        card_sales="Продадени фонокарти",
        card_top_ups="Заредени фонокарти",
        card_calls="Разговори с фонокарти (от баланса)",
        card_receipt="СМЕТКА",
        card_receipt_item="Предплатена фонокарта",
        card_serial="Сериен №",
    ),
    "en": Labels(
        receipt="RECEIPT",
        receipt_no="Receipt No.",
        operator="Operator",
        sale_number="Sale No.",
        booth="Booth",
        billed="billed",
        subtotal="Subtotal",
        rounding="Rounding",
        total="TOTAL",
        tendered="Cash",
        change="Change",
        bgn_equivalent="Total in BGN",
        rate_note="1 EUR = {rate} BGN",
        copy="COPY",
        vat_no="VAT No.",
        x_report="X REPORT",
        z_report="Z REPORT",
        shift="Shift No.",
        opened="Opened",
        closed="Closed",
        printed="Printed",
        calls="Calls",
        talk_time="Talk time",
        billed_time="Billed time",
        by_status="CALLS BY STATUS",
        status_names=(("paid", "Paid"), ("unpaid", "Unpaid"), ("unserved", "Unserved")),
        cash="CASH",
        opening_float="Opening float",
        payments="Payments",
        payments_rounding="  incl. cash rounding",
        refunds="Refunds",
        expected_cash="Expected cash",
        counted_cash="Counted cash",
        discrepancy="Discrepancy",
        drawer_opens="Manual drawer opens",
        by_booth="BY BOOTH",
        unserved_calls="UNSERVED CALLS",
        unpaid_calls="UNPAID CALLS",
        none="none",
        unrated="unrated",
        journal_hash="Audit journal head (SHA-256)",
        still_open="shift still open",
        page="page",
        col_answered="Answered",
        col_number="Number",
        col_destination="Destination",
        col_duration="Length",
        col_price="Price",
        value="Value",
        thanks="Thank you for calling with us!",
        unrated_count="Unrated calls",
        correction="Correction after close",
        fiscal_item="Call",
        deposits_taken="Deposits taken",
        deposits_returned="Deposit remainders returned",
        deposit_payments="Calls paid from deposits",
        open_deposits="Open deposits",
        card_item="Calling card",
        card_top_up_item="Calling card top-up",
        card_sales="Calling cards sold",
        card_top_ups="Calling card top-ups",
        card_calls="Card calls (from balances)",
        card_receipt="RECEIPT",
        card_receipt_item="Prepaid calling card",
        card_serial="Serial No.",
    ),
}


def booth_name(labels: Labels, booth: str) -> str:
    """How a booth is named on paper: a bare number gets the word in front ("Booth 3",
    "Кабина 3"); a booth with a name of its own ("Booth 4", "VIP") keeps just that."""
    return f"{labels.booth} {booth}" if booth.isdigit() else booth


def labels_for(language: str) -> Labels:
    """The label set of ``language`` ("bg" or "en"); anything else is an error."""
    try:
        return LABELS[language]
    except KeyError:
        raise ValueError(f"no receipt labels for language {language!r}") from None


def format_amount(minor: int, symbol: str, digits: int = 2) -> str:
    """``1234, "€"`` → ``"12.34 €"``; negative amounts keep their sign."""
    return f"{format_minor(minor, digits)} {symbol}".rstrip()


def format_date_time(dt: datetime) -> str:
    """Local date and time as printed: ``26.11.2026 14:05``."""
    return dt.strftime("%d.%m.%Y %H:%M")


def rate_note(labels: Labels) -> str:
    return labels.rate_note.format(rate=BGN_PER_EUR)
