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
    "{text} is not a price (e.g. 0.25)": "{text} не е цена (напр. 0,25)",
    "A price cannot be negative.": "Цената не може да е отрицателна.",
    "{text} per minute cannot be meant: at most {most}.": "{text} на минута не може да е вярно: най-много {most}.",
    "Unsaved changes": "Незаписани промени",
    "This page has changes that are not saved. Leave it and discard them?": "Тази страница има незаписани промени. Да я напусна и да ги откажа?",
    # settings labels (ui/admin/setting_texts.py)
    'Central billing account': 'Централна сметка',
    'Shop name printed on receipts': 'Име на обекта върху бележките',
    'Shop address printed on receipts': 'Адрес на обекта върху бележките',
    'VAT / company number printed on receipts': 'ДДС / ЕИК номер върху бележките',
    "Language of receipts, reports and the customer display: the shop's language (each till chooses its own screen language)": 'Език на бележките, отчетите и дисплея за клиента: езикът на обекта (всяка каса избира свой език на екрана)',
    'Local time zone of the shop': 'Часова зона на обекта',
    'Local currency (ISO code)': 'Местна валута (ISO код)',
    'Show the BGN equivalent (1 EUR = 1.95583 BGN) on receipts and totals': 'Показвай равностойността в лева (1 EUR = 1,95583 BGN) по бележки и суми',
    'Last day the BGN equivalent is shown (empty = no end)': 'Последен ден с равностойност в лева (празно = без край)',
    'Round cash bills to this many minor units (5 = 0.05; 1 = no rounding)': 'Закръгляй сметките в брой до толкова стотинки (5 = 0,05; 1 = без закръгляне)',
    'Warn when the carrier account falls below this (micro-USD)': 'Предупреди, когато сметката при доставчика падне под това (микро-USD)',
    'Margin guard: warn when retail < wholesale × USD rate × (1 + this %)': 'Защита на маржа: предупреди, когато продажна < доставна × курс USD × (1 + този %)',
    "The shop's country calling code": 'Телефонен код на страната на обекта',
    'Trunk prefix of national numbers': 'Префикс за национални номера',
    'Prefixes that start an international number': 'Префикси, с които започва международен номер',
    "Off-peak windows, e.g. 'Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00' (empty = none)": "Часове извън пика, напр. 'Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00' (празно = няма)",
    'Let booths call numbers that have no retail price (billed as unrated)': 'Разреши разговори към номера без продажна цена (таксуват се като нетарифирани)',
    'Normalised number prefixes booths may never call': 'Префикси на номера, които кабините никога не могат да набират',
    'Lock a booth after its calls are paid (unlocked by the cashier)': 'Заключвай кабината след плащане (отключва касиерът)',
    'SIP digest realm booths authenticate in': 'SIP realm за удостоверяване на кабините',
    "SIP: address (IPv4 HOST:PORT) the booths' ATAs register to": 'SIP: адрес (IPv4 HOST:PORT), към който се регистрират адаптерите на кабините',
    'SIP: carrier trunk sip:USER@HOST:PORT (empty = none)': 'SIP: транк на доставчика sip:USER@HOST:PORT (празно = няма)',
    'SIP: carrier trunk password': 'SIP: парола за транка на доставчика',
    "SIP: register to the carrier's trunk": 'SIP: регистрирай се към транка на доставчика',
    'SIP: seconds each trunk registration lasts (60-86400)': 'SIP: секунди валидност на всяка регистрация (60-86400)',
    'SIP: caller ID presented to the carrier (empty = the trunk user)': 'SIP: номер на викащия към доставчика (празно = потребителят на транка)',
    "SIP: pass the booth's own identity to the carrier (off: the trunk's)": 'SIP: подавай самоличността на кабината към доставчика (изкл.: тази на транка)',
    'SIP: User-Agent patterns banned at once (scanners; empty = none)': 'SIP: шаблони на User-Agent, блокирани веднага (скенери; празно = няма)',
    'SIP: requests N/SECONDS from one address before it is banned': 'SIP: заявки N/СЕКУНДИ от един адрес преди блокиране',
    'SIP: seconds an abusive address stays banned': 'SIP: секунди, за които злоупотребяващ адрес остава блокиран',
    'Central billing account: base URL (empty = not linked)': 'Централна сметка: базов URL (празно = няма връзка)',
    "Central: this shop's id there": 'Централа: идентификатор на този обект там',
    "Central: this shop's API token": 'Централа: API ключ на този обект',
    "Backups: folder for the verified copies of the database, e.g. a USB disk (empty = 'backups' beside the database)": "Архиви: папка за проверените копия на базата, напр. USB диск (празно = 'backups' до базата)",
    'Backups: how many verified copies to keep': 'Архиви: колко проверени копия да се пазят',
    'Backups: a verified copy of the database at every Z and daily (off: only `callshop-pos backup`)': 'Архиви: проверено копие на базата при всеки Z отчет и всеки ден (изключено: само с `callshop-pos backup`)',
    'Print a receipt after payment: always, ask or never': 'Печат на бележка след плащане: винаги, питай или никога',
    'Attached devices by name (printer, display …)': 'Свързани устройства по име (принтер, дисплей …)',
}


def main() -> int:
    return fill(TS, BG)


if __name__ == "__main__":
    sys.exit(main())
