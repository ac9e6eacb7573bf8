"""Kept for translators: fills empty Bulgarian translations of the administration
window in resources/i18n/admin_bg.ts from the table below (Qt Linguist is the
normal tool). Run it, then ``python tools/update_translations.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from i18n_bg_seed import fill  # the same filling, for the admin catalogue

# ruff: noqa: E501 - translation pairs read best on one line

TS = Path(__file__).resolve().parent.parent / "resources" / "i18n" / "admin_bg.ts"

BG = {
    # window
    "CallShop POS — Administration": "CallShop POS — Администрация", "Price list": "Ценова листа",
    "USD rate": "Курс на долара", "Carrier account": "Сметка при доставчика", "Reports": "Справки",
    "Users": "Потребители", "Booths": "Кабини", "Settings": "Настройки",
    "Audit journal": "Одитен дневник", "Not done": "Не е изпълнено",
    # price list
    "No.": "№", "Country": "Държава", "Code": "Код", "Wholesale USD": "Доставна USD",
    "Wholesale local": "Доставна (местна)", "Retail": "Продажна", "Off-peak": "Извън пика",
    "Margin %": "Марж %", "Increments": "Таксуване", "Connect fee": "Такса свързване",
    "Retail price is below the minimum margin": "Продажната цена е под минималния марж",
    "not set": "няма", "+{a} −{r} ~{c}": "+{a} −{r} ~{c}", "Version": "Версия",
    "Saved": "Записана", "By": "От", "Source": "Източник", "Rows": "Редове",
    "Changes": "Промени", "Note": "Бележка", "Price-list versions": "Версии на ценовата листа",
    "Import…": "Внос…", "Export…": "Износ…", "History": "История",
    "Save as new version": "Запиши като нова версия",
    "Filter: country name or dialling code": "Филтър: държава или код за набиране",
    "Selection: markup %": "Избраните: надценка %", "round to": "закръгли до",
    "Apply markup": "Приложи надценка", "Clear retail": "Изчисти продажната цена",
    "No USD rate set: margins cannot be shown": "Няма курс на долара: маржът не може да се покаже",
    "version {v} · USD rate {rate} · minimum margin {m} %": "версия {v} · курс USD {rate} · минимален марж {m} %",
    "{shown} of {total} destinations · {edited} edited · {below} below margin": "{shown} от {total} направления · {edited} променени · {below} под маржа",
    "Markup": "Надценка", "Select rows first.": "Първо изберете редове.",
    "Set the USD rate first.": "Първо въведете курса на долара.", "Save": "Запиши",
    "Nothing has changed.": "Няма промени.",
    "{n} destination(s) are priced below the minimum margin of {m} %: {codes}.\nSave anyway?": "{n} направления са с цена под минималния марж от {m} %: {codes}.\nДа се запише ли въпреки това?",
    "Margin guard": "Защита на маржа", "Save price list": "Запис на ценовата листа",
    "Changes: {summary}\nNote for the version history:": "Промени: {summary}\nБележка за историята на версиите:",
    "Import refused": "Вносът е отказан", "Import price list": "Внос на ценова листа",
    "CSV files (*.csv);;All files (*)": "CSV файлове (*.csv);;Всички файлове (*)",
    "Export price list": "Износ на ценовата листа", "CSV files (*.csv)": "CSV файлове (*.csv)",
    "Import price list — columns": "Внос на ценова листа — колони",
    "Choose which column of the file holds each of ours. Columns of the file that are not chosen are ignored.": "Изберете коя колона от файла отговаря на всяка от нашите. Неизбраните колони се пропускат.",
    "(not in the file)": "(няма във файла)",
    "Retail prices are in BGN — convert to EUR at {rate}": "Продажните цени са в лева — превърни в евро по курс {rate}",
    "Required: {cols}": "Задължителни: {cols}",
    "A column of the file is chosen twice": "Една колона от файла е избрана два пъти",
    # USD rate
    "From date": "От дата", "Local per USD": "Местна валута за 1 USD", "Set at": "Въведен на",
    "Set a new rate": "Нов курс", "Set rate": "Въведи курса", "1 USD =": "1 USD =",
    "local, from": "местна валута, от", "Today 1 USD = {rate}": "Днес 1 USD = {rate}",
    "No rate set yet": "Още няма въведен курс",
    # account
    "bank": "банка", "cash": "в брой", "Date": "Дата", "Amount USD": "Сума USD",
    "Paid by": "Платено", "Reference": "Основание", "Recorded": "Записано",
    "Balance": "Наличност", "Warn the cashier below USD": "Предупреди касиера под USD",
    "Set": "Задай", "Add a top-up": "Ново захранване", "Add top-up": "Добави захранване",
    "Value date": "Вальор", "Top-ups from": "Захранвания от", "to": "до", "Show": "Покажи",
    "{n} top-up(s), total USD {total}": "{n} захранвания, общо USD {total}",
    "Below the warning threshold — top up soon": "Под прага за предупреждение — захранете скоро",
    "Above the warning threshold": "Над прага за предупреждение",
    "{first} – {last}: USD {cost} charged for {n} call(s)": "{first} – {last}: USD {cost} за {n} разговора",
    # reports
    "Revenue and profit per day": "Оборот и печалба по дни", "Revenue": "Оборот",
    "Profit": "Печалба", "Top destinations by revenue": "Водещи направления по оборот",
    "(unknown)": "(неизвестно)", "Calls": "Разговори", "Attempts": "Опити", "ASR": "ASR",
    "Minutes": "Минути", "ACD": "ACD", "Avg call": "Ср. разговор", "Cost": "Разход",
    "Unserved": "Необслужени", "Unpaid": "Неплатени", "by day": "по дни",
    "by destination": "по направления", "by booth": "по кабини", "by operator": "по оператори",
    "CSV…": "CSV…", "PDF…": "PDF…", "From": "От",
    "{calls} calls · {minutes} min · revenue {revenue} · cost {cost} · profit {profit} · ASR {asr} · ACD {acd} · {unserved} unserved · {unpaid} unpaid": "{calls} разговора · {minutes} мин · оборот {revenue} · разход {cost} · печалба {profit} · ASR {asr} · ACD {acd} · {unserved} необслужени · {unpaid} неплатени",
    "{n} call(s) before the first USD rate: cost not included": "{n} разговора преди първия курс на долара: разходът им не е включен",
    "Export report": "Износ на справката", "PDF files (*.pdf)": "PDF файлове (*.pdf)",
    # users
    "operator": "оператор", "admin": "администратор", "disabled": "изключен",
    "locked until {t}": "заключен до {t}", "active": "активен", "User": "Потребител",
    "Role": "Роля", "State": "Състояние", "Last login": "Последен вход", "Created": "Създаден",
    "New password": "Нова парола", "New password for {u}:": "Нова парола за {u}:",
    "Disable": "Изключи", "Enable": "Включи", "Reset password…": "Нова парола…",
    "Unlock": "Отключи", "Add a user": "Нов потребител", "user name": "потребителско име",
    "password": "парола", "Add": "Добави",
    # booths
    "postpaid": "след разговора", "prepaid": "предплатена", "Pos.": "Поз.", "Booth": "Кабина",
    "Driver": "Драйвер", "Billing": "Плащане", "Deposit": "Депозит", "Cost cap": "Таван на сумата",
    "Max s": "Макс. с", "Auto-lock": "Автозаключване", "yes": "да", "no cap": "без таван",
    "no limit": "без ограничение", "Lock after each call": "Заключвай след всеки разговор",
    "Name": "Име", "Position in the grid": "Позиция в мрежата",
    "Driver settings (JSON)": "Настройки на драйвера (JSON)", "Default deposit": "Депозит по подразбиране",
    "Max duration (s)": "Макс. продължителност (с)", "Save changes": "Запиши промените",
    "Remove": "Премахни", "SIP user": "SIP потребител", "SIP password": "SIP парола",
    "SIP booths only": "само за SIP кабини", "unchanged when empty": "без промяна, ако е празно",
    "Switch role": "Смени ролята", "Blocked prefixes (never callable from booths)": "Забранени префикси (не могат да се набират от кабините)",
    # settings
    "Shop (receipt header)": "Обект (горна част на бележката)", "Money": "Пари",
    "Number normalisation and rating": "Номера и тарифиране", "Booths and printing": "Кабини и печат",
    "Devices": "Устройства", "Other": "Други", "Save settings": "Запиши настройките",
    "Nothing has changed": "Няма промени",
    # audit
    "paid": "платен", "unpaid": "неплатен", "unserved": "необслужен", "When": "Кога",
    "Action": "Действие", "Subject": "Обект", "Details": "Подробности",
    "Verify chain": "Провери веригата", "Chain not checked yet": "Веригата още не е проверена",
    "user": "потребител", "action, e.g. prices or shift": "действие, напр. prices или shift",
    "Filter": "Филтрирай", "from": "от",
    "Correct a call of a closed shift (adds an entry; edits nothing)": "Корекция на разговор от затворена смяна (добавя запис; нищо не се променя)",
    "reason (required)": "причина (задължително)", "Record correction": "Запиши корекцията",
    "Call #": "Разговор №", "should be": "да бъде", "Journal chain: ": "Верига на дневника: ",
}


def main() -> int:
    return fill(TS, BG)


if __name__ == "__main__":
    sys.exit(main())
