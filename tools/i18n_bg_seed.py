"""One-off helper kept for translators: fills empty Bulgarian translations in
resources/i18n/callshop_bg.ts from the table below (Qt Linguist is the normal tool).

Run ``python tools/i18n_bg_seed.py`` then ``python tools/update_translations.py``.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# ruff: noqa: E501 - translation pairs read best on one line

TS = Path(__file__).resolve().parent.parent / "resources" / "i18n" / "callshop_bg.ts"

BG = {
    # shared words
    "Booth": "Кабина",
    "Number": "Номер",
    "Destination": "Направление",
    "Duration": "Времетраене",
    "Billed": "Таксувано",
    "Amount": "Сума",
    "unknown": "неизвестно",
    "unrated": "без цена",
    "Answered": "Отговорено",
    "Price": "Цена",
    "Status": "Статус",
    "Unserved": "Необслужени",
    "Paid": "Платени",
    "Unpaid": "Неплатени",
    "Operator": "Оператор",
    "Opened": "Отворена",
    "Closed": "Затворена",
    "Calls": "Разговори",
    "Talk time": "Време разговори",
    "Opening float": "Начална наличност",
    "Payments ({n})": "Плащания ({n})",
    "Refunds ({n})": "Възстановени ({n})",
    "Cash taken": "Събрани пари",
    "Expected in drawer": "Очаквано в касата",
    "Unserved calls": "Необслужени разговори",
    "Unpaid calls": "Неплатени разговори",
    "Cash": "Пари",
    "open": "отворена",
    "closed": "затворена",
    "Total": "Общо",
    "{n} shift(s)": "{n} смени",
    "No.": "№",
    "Created": "Създадена",
    "Total minutes": "Общо минути",
    "Cash difference": "Разлика в касата",
    # booth tile
    "Offline": "Няма връзка",
    "Free": "Свободна",
    "Off hook": "Вдигната слушалка",
    "Dialling": "Набира",
    "Ringing": "Звъни",
    "Talking": "Разговаря",
    "Locked": "Заключена",
    "{state} · locked": "{state} · заключена",
    "Credit {amount}": "Кредит {amount}",
    "Prepaid, no deposit": "Предплатена, без депозит",
    "{n} to pay": "{n} за плащане",
    "registered": "регистрирана",
    "offline": "без връзка",
    "online": "на линия",
    "ready": "готова",
    "sim": "симулатор",
    "Rate {rate} per minute": "Тарифа {rate} на минута",
    "Unlock": "Отключи",
    "Lock": "Заключи",
    "Hang up…": "Прекъсни…",
    "Take deposit…": "Вземи депозит…",
    "Pay this booth's calls": "Плати разговорите на кабината",
    "Show this booth's calls": "Покажи разговорите на кабината",
    # calls model and panel
    "interrupted (engine restart)": "прекъснат (рестарт на линиите)",
    "no price for this destination": "няма цена за това направление",
    "answer time estimated": "приблизителен час на отговор",
    "priced by the administrator": "оценен от администратора",
    "corrected after close": "коригиран след затваряне",
    "Calls of this shift": "Разговори в смяната",
    "&Unserved": "&Необслужени",
    "&Paid": "&Платени",
    "U&npaid": "Не&платени",
    "&All": "&Всички",
    "&Booth": "&Кабина",
    "All booths": "Всички кабини",
    "{count} selected · {total}   ({shown} shown)": "{count} избрани · {total}   (показани {shown})",
    "{shown} shown · Ctrl+click or Shift+arrows to select several": "показани {shown} · Ctrl+щракване или Shift+стрелки за няколко",
    # app
    "Language": "Език",
    "Language of the till:": "Език на касата:",
    # close shift
    "Close shift": "Затваряне на смяна",
    "X report — shift {id}": "X отчет — смяна {id}",
    "Difference": "Разлика",
    "&Counted cash in the drawer": "&Преброени пари в касата",
    "<b>{n} call(s) are still unserved.</b> Closing leaves them unserved in this shift:": "<b>{n} разговора са все още необслужени.</b> При затваряне остават необслужени в тази смяна:",
    "… and {n} more": "… и още {n}",
    "Close shift (Z report)": "Затвори смяната (Z отчет)",
    "Short by {amount}": "Липса {amount}",
    "Over by {amount}": "Излишък {amount}",
    "Balanced": "Равнение",
    "Z report — shift {id} closed": "Z отчет — смяна {id} е затворена",
    "Counted": "Преброени",
    "Closed {when}. Journal {hash}": "Затворена {when}. Журнал {hash}",
    "Done": "Готово",
    # deposit
    "Deposit — {booth}": "Депозит — {booth}",
    "Take a deposit for {booth}": "Депозит за {booth}",
    "Credit left now: {amount}": "Оставащ кредит: {amount}",
    "No deposit taken yet.": "Все още няма депозит.",
    "&Add to the credit left (otherwise replace it)": "&Добави към оставащия кредит (иначе го замени)",
    "&Amount": "&Сума",
    "Take deposit": "Вземи депозит",
    # login
    "CallShop POS — log in": "CallShop POS — вход",
    "CallShop POS": "CallShop POS",
    "Log in to the till": "Вход в касата",
    "user name": "потребител",
    "password": "парола",
    "&User": "&Потребител",
    "&Password": "П&арола",
    "Log in": "Вход",
    "<b>Demo mode</b> — simulated booths, sample prices.": "<b>Демо режим</b> — симулирани кабини, примерни цени.",
    "{role}: <b>{name}</b> / <b>{password}</b>": "{role}: <b>{name}</b> / <b>{password}</b>",
    "Enter your user name.": "Въведете потребителско име.",
    # main window
    "CallShop POS — till": "CallShop POS — каса",
    "Booths": "Кабини",
    "digits pick a booth · Enter pays it · menu key for actions": "цифрите избират кабина · Enter я плаща · клавиш Меню за действия",
    "F2 pay selected · F3 pay booth · F4 served without payment · F6 back to unserved · "
    "F9 sessions · F12 close shift": "F2 плати избраните · F3 плати кабината · F4 обслужени без плащане · "
    "F6 обратно в необслужени · F9 сесии · F12 затвори смяната",
    "PAY selected calls": "ПЛАТИ избраните",
    "Pay booth's calls": "Плати кабината",
    "Served without payment…": "Обслужени без плащане…",
    "Back to unserved…": "Обратно в необслужени…",
    "Sessions…": "Сесии…",
    "Language…": "Език…",
    "Close shift…": "Затвори смяната…",
    "Lock / unlock booth": "Заключи / отключи кабината",
    "Hang up booth…": "Прекъсни разговора…",
    "Show booth's calls": "Разговори на кабината",
    "How much to call…?": "Колко струва…?",
    "Administration…": "Администрация…",
    "Unpaid…": "Неплатени…",
    "Unserved…": "Необслужени…",
    "Deposit…": "Депозит…",
    "Its calls": "Разговорите ѝ",
    "No booth selected": "Няма избрана кабина",
    "Go to booths": "Към кабините",
    "Go to calls": "Към разговорите",
    "Log out": "Изход",
    "&Till": "&Каса",
    "&View": "&Изглед",
    "The line engine is not reachable; try again in a moment.": "Няма връзка с линиите; опитайте отново след малко.",
    "Hang up": "Прекъсване",
    "Hang up the call in {booth} now?": "Да се прекъсне ли разговорът в {booth}?",
    "{booth} is a postpaid booth: it takes no deposit.": "{booth} е кабина с плащане след разговора: не приема депозит.",
    "The line engine refused: {error}": "Линиите отказаха: {error}",
    "Select the calls to pay first.": "Първо изберете разговорите за плащане.",
    "{booth} has no unserved calls.": "{booth} няма необслужени разговори.",
    "Paid {total}; change {change}.": "Платено {total}; ресто {change}.",
    # open shift
    "Open a shift": "Отваряне на смяна",
    "No shift is open": "Няма отворена смяна",
    "{operator}, count the cash in the drawer and enter it as the opening float. Calls that "
    "ended while no shift was open join this shift.": "{operator}, пребройте парите в касата и ги въведете като начална наличност. "
    "Разговорите, приключили без отворена смяна, влизат в тази смяна.",
    "Opening &float": "Начална &наличност",
    "Open shift": "Отвори смяна",
    "Enter the amount in the drawer, e.g. 50.00.": "Въведете сумата в касата, напр. 50,00.",
    # pay
    "Payment": "Плащане",
    "Pay {count} call(s)": "Плащане на {count} разговора",
    "Subtotal": "Междинна сума",
    "Cash rounding (to {unit})": "Закръгляне (до {unit})",
    "TOTAL": "ОБЩО",
    "{amount} BGN": "{amount} лв.",
    "BGN equivalent (1 € = 1.95583 лв.)": "Равностойност в лева (1 € = 1,95583 лв.)",
    "&Tendered": "&Дадени",
    "Change": "Ресто",
    "Quick cash:": "Бързо:",
    "E&xact": "&Точно",
    "&Print receipt": "&Печат на бележка",
    "Pay  (Enter)": "Плати  (Enter)",
    "Still to pay": "Остават",
    # quote
    "number, e.g. 0049 30 …": "номер, напр. 0049 30 …",
    "{price} / min": "{price} / мин",
    "No destination for this number": "Няма направление за този номер",
    "no price set — calls refused": "няма цена — разговорите се отказват",
    "off-peak {price}": "извън пиковите часове {price}",
    # reason
    "Served without payment": "Обслужени без плащане",
    "Mark {count} call(s) as served without payment": "Отбележи {count} разговора като обслужени без плащане",
    "Back to unserved": "Обратно в необслужени",
    "Return {count} call(s) to unserved": "Върни {count} разговора в необслужени",
    "Value of the calls: {amount}": "Стойност на разговорите: {amount}",
    "Owner's or staff call": "Разговор на собственика или персонала",
    "Customer left without paying": "Клиентът си тръгна без да плати",
    "Bad line / call failed": "Лоша връзка / неуспешен разговор",
    "Goodwill": "Жест към клиента",
    "Charged by mistake": "Таксуван по грешка",
    "why? (required)": "причина (задължително)",
    "&Reason": "&Причина",
    "{amount} was already paid for these calls: hand it back to the customer (recorded as a "
    "refund).": "За тези разговори вече са платени {amount}: върнете ги на клиента "
    "(записва се като възстановяване).",
    "Confirm": "Потвърди",
    # sessions
    "Sessions": "Сесии",
    "&From": "&От",
    "&To": "&До",
    "&Open session": "&Отвори сесията",
    "Enter or double-click opens a session.": "Enter или двойно щракване отваря сесия.",
    "Session {id}": "Сесия {id}",
    "Session {id} — {operator} — {status}": "Сесия {id} — {operator} — {status}",
    # customer screen and devices (other ui/ modules)
    "Please pay at the counter": "Моля, платете на касата",
    "Time {elapsed}": "Време {elapsed}",
    "Out of order": "Не работи",
    "In use": "Заета",
    "CallShop — customer screen": "CallShop — екран за клиента",
    "Call shop": "Телефонна кабина",
    "Talk time and price of every booth, live": "Време и цена на всяка кабина, на живо",
    "Booths will appear here": "Кабините ще се появят тук",
    "To pay: {amount}": "За плащане: {amount}",
    "Paid {paid}   ·   Your change {change}   ·   Thank you!": "Платено {paid}   ·   Ресто {change}   ·   Благодарим ви!",
    "The device did not answer in time ({error}).": "Устройството не отговори навреме ({error}).",
    "The device is not reachable: {error}": "Устройството е недостъпно: {error}",
    "Unexpected device error ({kind}): {error}": "Неочаквана грешка на устройството ({kind}): {error}",
    "Please wait": "Моля, изчакайте",
    "Printer for receipts and reports": "Принтер за бележки и отчети",
    "Receipt not printed": "Бележката не е отпечатана",
    # devices menu (ui/receipt_actions.py, ui/till_devices.py)
    "Open the cash drawer": "Отваряне на касовото чекмедже",
    "Change for a banknote": "Разваляне на банкнота",
    "Wrong change corrected": "Поправено грешно ресто",
    "Cash taken to the safe": "Пари, прибрани в сейфа",
    "Float topped up": "Допълнена наличност",
    "Open drawer": "Отвори чекмеджето",
    "Opening the drawer without a sale is recorded and counted on the Z report.\n&Reason:": "Отварянето на чекмеджето без продажба се записва и отчита в Z отчета.\n&Причина:",
    "Reprint receipt…": "Повторен печат на бележка…",
    "Open drawer…": "Отвори чекмеджето…",
    "Customer screen": "Екран за клиента",
    "System printer…": "Системен принтер…",
    "Print X report": "Печат на X отчет",
    "Save shift report as PDF…": "Запис на отчета като PDF…",
    "Retry fiscal reversals": "Повтори фискалните сторна",
    "&Devices": "&Устройства",
    "Receipts without a receipt printer go to {name}.": "Без принтер за бележки те се печатат на {name}.",
    "the default printer": "принтера по подразбиране",
    "No shift is open.": "Няма отворена смяна.",
    "No printer is set up; save the report as PDF instead.": "Няма настроен принтер; запишете отчета като PDF.",
    "Saved {path}": "Записано: {path}",
    "Print Z report again (copy)": "Печат на Z отчета отново (копие)",
    "Save A4 PDF…": "Запис като A4 PDF…",
    "Devices": "Устройства",
    "Save shift report": "Запис на отчета на смяната",
    "PDF (*.pdf)": "PDF (*.pdf)",
    "The devices are not set up correctly: {error}": "Устройствата не са настроени правилно: {error}",
    "Reprint a receipt": "Повторен печат на бележка",
    "Receipt": "Бележка",
    "Time": "Час",
    "Print copy": "Печат на копие",
    "No payments in this shift yet.": "Все още няма плащания в тази смяна.",
    "Registering the sale on the fiscal printer…": "Регистриране на продажбата във фискалния принтер…",
    "The cash drawer did not open: {error}": "Чекмеджето не се отвори: {error}",
    "No receipt printer is set up: configure one in the administration (devices) or choose a system printer (Devices → System printer…).": "Няма настроен принтер за бележки: настройте го в администрацията (устройства) или изберете системен принтер (Устройства → Системен принтер…).",
    "Copy of receipt": "Копие на бележка",
    "{what} {number} printed.": "{what} {number} е отпечатана.",
    "The receipt was not printed: {error}. The payment is recorded; reprint it from Devices → Reprint receipt.": "Бележката не е отпечатана: {error}. Плащането е записано; отпечатайте я от Устройства → Повторен печат на бележка.",
    "The receipt was not printed: {error}": "Бележката не е отпечатана: {error}",
    "Receipt {number} sent to the printer.": "Бележка {number} е изпратена към принтера.",
    "Opening the drawer without a sale needs a reason.": "Отварянето на чекмеджето без продажба изисква причина.",
    "No cash drawer is attached (it opens through the receipt printer).": "Няма свързано касово чекмедже (то се отваря през принтера за бележки).",
    "Drawer opened ({n} manual opens this shift).": "Чекмеджето е отворено ({n} ръчни отваряния в смяната).",
    "The refund is recorded, but the fiscal printer did not print its reversal: {error}. Retry from Devices → Retry fiscal reversals.": "Възстановяването е записано, но фискалният принтер не отпечата сторното: {error}. Повторете от Устройства → Повтори фискалните сторна.",
    "Fiscal Z report done.": "Фискалният Z отчет е направен.",
    "The fiscal printer did not make its Z report: {error}. Run it with “callshop-pos fiscal z-report” once the printer is back.": "Фискалният принтер не направи Z отчет: {error}. Пуснете го с „callshop-pos fiscal z-report“, когато принтерът е на линия.",
    "The report was not printed: {error}": "Отчетът не е отпечатан: {error}",
    "{kind} report of shift {id} printed.": "{kind} отчетът на смяна {id} е отпечатан.",
    "Cannot write {path}: {error}": "Не може да се запише {path}: {error}",
    "Customer display: {error}": "Дисплей за клиента: {error}",
    # deposits (prepaid booths) and fiscal refusal
    "The amount is added to the open deposit.": "Сумата се добавя към отворения депозит.",
    "Settle deposit…": "Приключи депозита…",
    "Settle…": "Приключи…",
    "{booth}: deposit {amount} taken.": "{booth}: взет депозит {amount}.",
    "{booth} has no open deposit.": "{booth} няма отворен депозит.",
    "Settle the deposit of {booth}? Deposit {total}, calls {amount}: the calls are paid from it and the rest is handed back.": "Да се приключи ли депозитът на {booth}? Депозит {total}, разговори {amount}: разговорите се плащат от него, а остатъкът се връща.",
    "Settle deposit": "Приключване на депозит",
    "{booth}: hand back {amount}.": "{booth}: върнете {amount}.",
    "{count} call(s) the deposit did not cover are still unserved.": "{count} разговора, непокрити от депозита, остават необслужени.",
    "Payment refused, nothing was recorded: the fiscal printer cannot register the sale ({error}). Check that it is switched on and connected, then press Pay again.": "Плащането е отказано, нищо не е записано: фискалният принтер не може да регистрира продажбата ({error}). Проверете дали е включен и свързан и натиснете Плати отново.",
    # shift bar
    "Shift opened": "Смяна от",
    "Open shift…": "Отваряне на смяна…",
    "An amount cannot be negative.": "Сумата не може да е отрицателна.",
    "{tendered} for a bill of {total}? Check the amount handed over.": "{tendered} за сметка от {total}? Проверете дадената сума.",
    "Enter a reason first (it goes into the journal).": "Първо въведете причина (записва се в дневника).",
    # login refusals
    "{m} min {s} s": "{m} мин {s} с",
    "{m} min": "{m} мин",
    "{s} s": "{s} с",
    "Wrong user name or password. Too many wrong passwords: the account is locked for {wait}.": "Грешно потребителско име или парола. Твърде много грешни пароли: профилът е заключен за {wait}.",
    "Too many wrong passwords: the account is locked for another {wait}.": "Твърде много грешни пароли: профилът е заключен още {wait}.",
    "This account is disabled; ask the administrator.": "Този профил е изключен; обърнете се към администратора.",
    "Wrong user name or password.": "Грешно потребителско име или парола.",
    # open shift after declining, the line engine's state, quitting
    "F2 pay selected · F3 pay booth · F4 served without payment · F6 back to unserved · "
    "F9 sessions · F12 close or open shift": "F2 плати · F3 плати кабината · F4 без плащане · "
    "F6 в необслужени · F9 сесии · F12 смяна",
    "● Line engine running": "● Линиите работят",
    "■ Line engine stopped": "■ Линиите са спрени",
    "Line engine not reachable — reconnecting…": "Няма връзка с линиите — свързване…",
    "The line engine meters the booths. It keeps running when the till is closed; stop it with “callshop-pos engine stop”.": "Процесът на линиите отчита кабините. Той продължава да работи и при затворена каса; спира се с „callshop-pos engine stop“.",
    "No line engine runs: the booths are not metered. Start it with “callshop-pos engine”; the till connects by itself.": "Процесът на линиите не работи: кабините не се отчитат. Стартирайте го с „callshop-pos engine“; касата се свързва сама.",
    "The line engine (process {pid}) runs but does not answer; the till keeps trying.": "Процесът на линиите ({pid}) работи, но не отговаря; касата продължава да опитва.",
    "Quit the demo? Its line engine stops with the till: calls in progress are ended and recorded.": "Изход от демото? Линиите му спират заедно с касата: текущите разговори се прекратяват и записват.",
    "Quit the till? The line engine keeps running without it: calls in progress go on and are metered and recorded, and the booths can still be used. Stop it with “callshop-pos engine stop”.": "Изход от касата? Линиите продължават да работят и без нея: текущите разговори продължават, отчитат се и се записват, а кабините могат да се ползват. Спират се с „callshop-pos engine stop“.",
    "Quit": "Изход",
    "  incl. cash rounding": "  в т.ч. закръгляне",
    # the link to central in the status bar
    "never": "никога",
    "Central: not linked, {n} shift(s) waiting": "Централа: няма връзка, {n} смени чакат",
    "Link the till with: callshop-pos sync link URL …": "Свържете касата с: callshop-pos sync link URL …",
    "Central: {n} waiting": "Централа: {n} чакат",
    "Central: all sent": "Централа: всичко е изпратено",
    "{n} refused": "{n} отказани",
    "offline since {at}": "без връзка от {at}",
    "last sent {at}": "последно изпратено {at}",
    "Central: {url} (shop {shop})": "Централа: {url} (обект {shop})",
    "Waiting: {n}; refused: {p}; sent: {d}": "Чакат: {n}; отказани: {p}; изпратени: {d}",
    "Last success: {at}": "Последен успех: {at}",
    "Last error ({at}): {error}": "Последна грешка ({at}): {error}",
    "Central: status unknown": "Централа: състоянието е неизвестно",
}


def fill(ts: Path, table: dict[str, str]) -> int:
    """Fill the unfinished translations of ``ts`` from ``table``; 1 if any is missing."""
    tree = ET.parse(ts)
    missing = []
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if translation.text and translation.get("type") != "unfinished":
            continue
        if source in table:
            translation.text = table[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print(f"no translation: {source!r}", file=sys.stderr)
    return 1 if missing else 0


def main() -> int:
    return fill(TS, BG)


if __name__ == "__main__":
    sys.exit(main())
