<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="bg_BG">
<context>
    <name>Account</name>
    <message>
        <source>bank</source>
        <translation>банка</translation>
    </message>
    <message>
        <source>cash</source>
        <translation>в брой</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>Amount USD</source>
        <translation>Сума USD</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>Платено</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Основание</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Записано</translation>
    </message>
    <message>
        <source>By</source>
        <translation>От</translation>
    </message>
    <message>
        <source>Carrier account</source>
        <translation>Сметка при доставчика</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Наличност</translation>
    </message>
    <message>
        <source>Warn the cashier below USD</source>
        <translation>Предупреди касиера под USD</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Задай</translation>
    </message>
    <message>
        <source>Add a top-up</source>
        <translation>Ново захранване</translation>
    </message>
    <message>
        <source>Add top-up</source>
        <translation>Добави захранване</translation>
    </message>
    <message>
        <source>Value date</source>
        <translation>Вальор</translation>
    </message>
    <message>
        <source>Top-ups from</source>
        <translation>Захранвания от</translation>
    </message>
    <message>
        <source>to</source>
        <translation>до</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Покажи</translation>
    </message>
    <message>
        <source>{n} top-up(s), total USD {total}</source>
        <translation>{n} захранвания, общо USD {total}</translation>
    </message>
    <message>
        <source>{first} – {last}: USD {cost} charged for {n} call(s)</source>
        <translation>{first} – {last}: USD {cost} за {n} разговора</translation>
    </message>
    <message>
        <source>Below the warning threshold — top up soon</source>
        <translation>Под прага за предупреждение — захранете скоро</translation>
    </message>
    <message>
        <source>Above the warning threshold</source>
        <translation>Над прага за предупреждение</translation>
    </message>
</context>
<context>
    <name>Admin</name>
    <message>
        <source>Not done</source>
        <translation>Не е изпълнено</translation>
    </message>
    <message>
        <source>Import price list — columns</source>
        <translation>Внос на ценова листа — колони</translation>
    </message>
    <message>
        <source>Choose which column of the file holds each of ours. Columns of the file that are not chosen are ignored.</source>
        <translation>Изберете коя колона от файла отговаря на всяка от нашите. Неизбраните колони се пропускат.</translation>
    </message>
    <message>
        <source>(not in the file)</source>
        <translation>(няма във файла)</translation>
    </message>
    <message>
        <source>Retail prices are in BGN — convert to EUR at {rate}</source>
        <translation>Продажните цени са в лева — превърни в евро по курс {rate}</translation>
    </message>
    <message>
        <source>Required: {cols}</source>
        <translation>Задължителни: {cols}</translation>
    </message>
    <message>
        <source>A column of the file is chosen twice</source>
        <translation>Една колона от файла е избрана два пъти</translation>
    </message>
</context>
<context>
    <name>AdminWindow</name>
    <message>
        <source>CallShop POS — Administration</source>
        <translation>CallShop POS — Администрация</translation>
    </message>
    <message>
        <source>Price list</source>
        <translation>Ценова листа</translation>
    </message>
    <message>
        <source>USD rate</source>
        <translation>Курс на долара</translation>
    </message>
    <message>
        <source>Carrier account</source>
        <translation>Сметка при доставчика</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Справки</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Потребители</translation>
    </message>
    <message>
        <source>Booths</source>
        <translation>Кабини</translation>
    </message>
    <message>
        <source>Prepaid cards</source>
        <translation>Фонокарти</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Audit journal</source>
        <translation>Одитен дневник</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Незаписани промени</translation>
    </message>
    <message>
        <source>This page has changes that are not saved. Leave it and discard them?</source>
        <translation>Тази страница има незаписани промени. Да я напусна и да ги откажа?</translation>
    </message>
</context>
<context>
    <name>Audit</name>
    <message>
        <source>paid</source>
        <translation>платен</translation>
    </message>
    <message>
        <source>unpaid</source>
        <translation>неплатен</translation>
    </message>
    <message>
        <source>unserved</source>
        <translation>необслужен</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Кога</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Потребител</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Обект</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>Audit journal</source>
        <translation>Одитен дневник</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>Провери веригата</translation>
    </message>
    <message>
        <source>Chain not checked yet</source>
        <translation>Веригата още не е проверена</translation>
    </message>
    <message>
        <source>user</source>
        <translation>потребител</translation>
    </message>
    <message>
        <source>action, e.g. prices or shift</source>
        <translation>действие, напр. prices или shift</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Филтрирай</translation>
    </message>
    <message>
        <source>from</source>
        <translation>от</translation>
    </message>
    <message>
        <source>to</source>
        <translation>до</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Подробност</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Стойност</translation>
    </message>
    <message>
        <source>Correct a call of a closed shift (adds an entry; edits nothing)</source>
        <translation>Корекция на разговор от затворена смяна (добавя запис; нищо не се променя)</translation>
    </message>
    <message>
        <source>reason (required)</source>
        <translation>причина (задължително)</translation>
    </message>
    <message>
        <source>Record correction</source>
        <translation>Запиши корекцията</translation>
    </message>
    <message>
        <source>Call #</source>
        <translation>Разговор №</translation>
    </message>
    <message>
        <source>should be</source>
        <translation>да бъде</translation>
    </message>
    <message>
        <source>Journal chain: </source>
        <translation>Верига на дневника: </translation>
    </message>
</context>
<context>
    <name>Booths</name>
    <message>
        <source>postpaid</source>
        <translation>след разговора</translation>
    </message>
    <message>
        <source>prepaid</source>
        <translation>предплатена</translation>
    </message>
    <message>
        <source>Pos.</source>
        <translation>Поз.</translation>
    </message>
    <message>
        <source>Booth</source>
        <translation>Кабина</translation>
    </message>
    <message>
        <source>Driver</source>
        <translation>Драйвер</translation>
    </message>
    <message>
        <source>Billing</source>
        <translation>Плащане</translation>
    </message>
    <message>
        <source>Deposit</source>
        <translation>Депозит</translation>
    </message>
    <message>
        <source>Cost cap</source>
        <translation>Таван на сумата</translation>
    </message>
    <message>
        <source>Max s</source>
        <translation>Макс. с</translation>
    </message>
    <message>
        <source>Auto-lock</source>
        <translation>Автозаключване</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Booths</source>
        <translation>Кабини</translation>
    </message>
    <message>
        <source>any address (e.g. 192.168.1.21)</source>
        <translation>всеки адрес (напр. 192.168.1.21)</translation>
    </message>
    <message>
        <source>own line (LineJACK, PSTN)</source>
        <translation>собствена линия (LineJACK, PSTN)</translation>
    </message>
    <message>
        <source>VoIP through the SIP trunk</source>
        <translation>VoIP през SIP транка</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>без таван</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>без ограничение</translation>
    </message>
    <message>
        <source>Lock after each call</source>
        <translation>Заключвай след всеки разговор</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Име</translation>
    </message>
    <message>
        <source>Position in the grid</source>
        <translation>Позиция в мрежата</translation>
    </message>
    <message>
        <source>Line card device (Quicknet)</source>
        <translation>Устройство на линейната карта (Quicknet)</translation>
    </message>
    <message>
        <source>Calls go out by</source>
        <translation>Разговорите излизат през</translation>
    </message>
    <message>
        <source>ATA&apos;s only address (SIP)</source>
        <translation>Единствен адрес на ATA (SIP)</translation>
    </message>
    <message>
        <source>Default deposit ({currency})</source>
        <translation>Депозит по подразбиране ({currency})</translation>
    </message>
    <message>
        <source>Cost cap ({currency})</source>
        <translation>Таван на сумата ({currency})</translation>
    </message>
    <message>
        <source>Blocked prefixes</source>
        <translation>Блокирани префикси</translation>
    </message>
    <message>
        <source>Numbers starting with these are never callable from a booth.</source>
        <translation>Номерата, започващи с тях, никога не могат да се набират от кабина.</translation>
    </message>
    <message>
        <source>SIP booths only</source>
        <translation>само за SIP кабини</translation>
    </message>
    <message>
        <source>unchanged when empty</source>
        <translation>без промяна, ако е празно</translation>
    </message>
    <message>
        <source>SIP user</source>
        <translation>SIP потребител</translation>
    </message>
    <message>
        <source>SIP password</source>
        <translation>SIP парола</translation>
    </message>
    <message>
        <source>Max duration (s)</source>
        <translation>Макс. продължителност (с)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добави</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Запиши промените</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Премахни</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Запиши</translation>
    </message>
</context>
<context>
    <name>Cards</name>
    <message>
        <source>not sold</source>
        <translation>непродадени</translation>
    </message>
    <message>
        <source>sold</source>
        <translation>продадени</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>в употреба</translation>
    </message>
    <message>
        <source>used up</source>
        <translation>изчерпани</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>изтекли</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>блокирани</translation>
    </message>
    <message>
        <source>sale</source>
        <translation>продажба</translation>
    </message>
    <message>
        <source>top-up</source>
        <translation>зареждане</translation>
    </message>
    <message>
        <source>call</source>
        <translation>разговор</translation>
    </message>
    <message>
        <source>until {date}</source>
        <translation>до {date}</translation>
    </message>
    <message>
        <source>{days} d after first call</source>
        <translation>{days} дни след първия разговор</translation>
    </message>
    <message>
        <source>{days} d after creation</source>
        <translation>{days} дни след създаването</translation>
    </message>
    <message>
        <source>none</source>
        <translation>без срок</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Създадена</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Карти</translation>
    </message>
    <message>
        <source>Face value</source>
        <translation>Номинал</translation>
    </message>
    <message>
        <source>Serials</source>
        <translation>Серийни номера</translation>
    </message>
    <message>
        <source>Expiry</source>
        <translation>Валидност</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Състояние</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Бележка</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Час</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Какво</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Сума</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>Баланс</translation>
    </message>
    <message>
        <source>Booth</source>
        <translation>Кабина</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <source>Reason (kept in the audit journal):</source>
        <translation>Причина (записва се в одитния журнал):</translation>
    </message>
    <message>
        <source>Folder for the card sheets</source>
        <translation>Папка за листовете с карти</translation>
    </message>
    <message>
        <source>Prepaid cards</source>
        <translation>Фонокарти</translation>
    </message>
    <message>
        <source>Block batch…</source>
        <translation>Блокирай партидата…</translation>
    </message>
    <message>
        <source>New batch</source>
        <translation>Нова партида</translation>
    </message>
    <message>
        <source>No expiry</source>
        <translation>Без срок</translation>
    </message>
    <message>
        <source>On a fixed date</source>
        <translation>До определена дата</translation>
    </message>
    <message>
        <source>Days after the first call</source>
        <translation>Дни след първия разговор</translation>
    </message>
    <message>
        <source>Days after creation</source>
        <translation>Дни след създаването</translation>
    </message>
    <message>
        <source>note (optional)</source>
        <translation>бележка (по желание)</translation>
    </message>
    <message>
        <source>folder for the sheets</source>
        <translation>папка за листовете</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Избери…</translation>
    </message>
    <message>
        <source>Create batch</source>
        <translation>Създай партида</translation>
    </message>
    <message>
        <source>PIN digits</source>
        <translation>Цифри на ПИН</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Дата</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Дни</translation>
    </message>
    <message>
        <source>Sheets to</source>
        <translation>Листове в</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Карта</translation>
    </message>
    <message>
        <source>serial (scan or type)</source>
        <translation>сериен № (сканирайте или въведете)</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Покажи</translation>
    </message>
    <message>
        <source>Block card…</source>
        <translation>Блокирай картата…</translation>
    </message>
    <message>
        <source>Face value: {problem}</source>
        <translation>Номинал: {problem}</translation>
    </message>
    <message>
        <source>Choose the folder the sheets are written to.</source>
        <translation>Изберете папката, в която да се запишат листовете.</translation>
    </message>
    <message>
        <source>{count} cards created. Their sheets (with the PINs) are in {folder} — print them and keep the folder safe: they are never made again.</source>
        <translation>Създадени са {count} карти. Листовете им (с ПИН кодовете) са в {folder} — отпечатайте ги и пазете папката: те никога не се създават отново.</translation>
    </message>
    <message>
        <source>Block batch #{id}</source>
        <translation>Блокиране на партида №{id}</translation>
    </message>
    <message>
        <source>, expires {time}</source>
        <translation>, валидна до {time}</translation>
    </message>
    <message>
        <source>{serial}: {status}, balance {balance} {currency} of {face}{expires}</source>
        <translation>{serial}: {status}, баланс {balance} {currency} от {face}{expires}</translation>
    </message>
    <message>
        <source>Block card {serial}</source>
        <translation>Блокиране на карта {serial}</translation>
    </message>
    <message>
        <source>Choose a batch in the list first.</source>
        <translation>Първо изберете партида в списъка.</translation>
    </message>
</context>
<context>
    <name>CentralListReview</name>
    <message>
        <source>Changed</source>
        <extracomment>rows under the margin floor, as the price table marks them</extracomment>
        <translation>Променена</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Нова</translation>
    </message>
    <message>
        <source>No longer listed</source>
        <translation>Вече не е в листата</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>Без промяна</translation>
    </message>
    <message>
        <source>(and {n} more)</source>
        <translation>(и още {n})</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Промяна</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Държава</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Wholesale USD now</source>
        <translation>Доставна USD сега</translation>
    </message>
    <message>
        <source>Wholesale USD new</source>
        <translation>Доставна USD нова</translation>
    </message>
    <message>
        <source>Cost change</source>
        <translation>Промяна на цената</translation>
    </message>
    <message>
        <source>Retail</source>
        <translation>Продажна</translation>
    </message>
    <message>
        <source>Margin %</source>
        <translation>Марж %</translation>
    </message>
    <message>
        <source>Under the minimum margin</source>
        <translation>Под минималния марж</translation>
    </message>
    <message>
        <source>Apply…</source>
        <translation>Приложи…</translation>
    </message>
    <message>
        <source>Reject…</source>
        <translation>Отхвърли…</translation>
    </message>
    <message>
        <source>New wholesale price list from central: version {v} (received {when})</source>
        <translation>Нова доставна ценова листа от централата: версия {v} (получена {when})</translation>
    </message>
    <message>
        <source>{changed} changed · {added} new (no retail price yet: not sold until priced) · {gone} no longer listed (kept) · {below} under the minimum margin of {m} %. Nothing changes until you apply it.</source>
        <translation>{changed} променени · {added} нови (още без продажна цена: не се продават, докато не получат цена) · {gone} вече не са в листата (остават) · {below} под минималния марж от {m} %. Нищо не се променя, докато не я приложите.</translation>
    </message>
    <message>
        <source>Set the USD rate first: the margin guard needs it to check this list.</source>
        <translation>Първо въведете курса на долара: защитата на маржа се нуждае от него, за да провери листата.</translation>
    </message>
    <message>
        <source>Margin guard: with these wholesale prices {n} destination(s) would be under the minimum margin: {codes}. Raise their retail prices first, or apply knowingly.</source>
        <translation>Защита на маржа: с тези доставни цени {n} направления биха били под минималния марж: {codes}. Първо вдигнете продажните им цени или приложете съзнателно.</translation>
    </message>
    <message>
        <source>Apply the wholesale list</source>
        <translation>Прилагане на доставната листа</translation>
    </message>
    <message>
        <source>{n} destination(s) would be under the minimum margin of {m} %: {codes}.
Apply anyway, with those retail prices?</source>
        <translation>{n} направления биха били под минималния марж от {m} %: {codes}.
Да се приложи ли въпреки това, с тези продажни цени?</translation>
    </message>
    <message>
        <source>Margin guard</source>
        <translation>Защита на маржа</translation>
    </message>
    <message>
        <source>Save central&apos;s version {v} as a new price-list version? ({changed} changed, {added} new)</source>
        <translation>Да се запише ли версия {v} от централата като нова версия на ценовата листа? ({changed} променени, {added} нови)</translation>
    </message>
    <message>
        <source>Reject the wholesale list</source>
        <translation>Отхвърляне на доставната листа</translation>
    </message>
    <message>
        <source>Reject central&apos;s version {v}? The price list stays as it is; a later version from central will be offered again.</source>
        <translation>Да се отхвърли ли версия {v} от централата? Ценовата листа остава както е; следваща версия от централата ще бъде предложена отново.</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <source>Receipt printer (ESC/POS or PDF folder)</source>
        <extracomment>Each device entry: its title and its options (name, label, kind, default).</extracomment>
        <translation>Принтер за бележки (ESC/POS или PDF папка)</translation>
    </message>
    <message>
        <source>Customer pole display</source>
        <translation>Клиентски дисплей</translation>
    </message>
    <message>
        <source>Fiscal printer (ErpNet.FP)</source>
        <translation>Фискален принтер (ErpNet.FP)</translation>
    </message>
    <message>
        <source>Connection (serial:/dev/ttyUSB0, tcp:192.168.1.50, usb:0x04b8:0x0202, pdf:/folder)</source>
        <translation>Връзка (serial:/dev/ttyUSB0, tcp:192.168.1.50, usb:0x04b8:0x0202, pdf:/папка)</translation>
    </message>
    <message>
        <source>Paper width (mm)</source>
        <translation>Ширина на хартията (мм)</translation>
    </message>
    <message>
        <source>Characters per line</source>
        <translation>Знаци на ред</translation>
    </message>
    <message>
        <source>Code page</source>
        <translation>Кодова страница</translation>
    </message>
    <message>
        <source>Code page number</source>
        <translation>Номер на кодовата страница</translation>
    </message>
    <message>
        <source>Printer model profile</source>
        <translation>Профил на модела принтер</translation>
    </message>
    <message>
        <source>Paper cut (partial, full, none)</source>
        <translation>Рязане на хартията (partial, full, none)</translation>
    </message>
    <message>
        <source>Logo image file</source>
        <translation>Файл с лого</translation>
    </message>
    <message>
        <source>Cash drawer pin (2 or 5)</source>
        <translation>Извод за чекмеджето (2 или 5)</translation>
    </message>
    <message>
        <source>Open the drawer for cash payments</source>
        <translation>Отваряне на чекмеджето при плащане в брой</translation>
    </message>
    <message>
        <source>Serial port</source>
        <translation>Сериен порт</translation>
    </message>
    <message>
        <source>Speed (baud)</source>
        <translation>Скорост (бод)</translation>
    </message>
    <message>
        <source>A fiscal printer registers every sale</source>
        <translation>Фискален принтер регистрира всяка продажба</translation>
    </message>
    <message>
        <source>ErpNet.FP server address</source>
        <translation>Адрес на сървъра ErpNet.FP</translation>
    </message>
    <message>
        <source>Printer id on the server</source>
        <translation>Код на принтера в сървъра</translation>
    </message>
    <message>
        <source>Device serial (e.g. DT279013)</source>
        <translation>Сериен номер на устройството (напр. DT279013)</translation>
    </message>
    <message>
        <source>Operator code</source>
        <translation>Код на оператора</translation>
    </message>
    <message>
        <source>Operator name</source>
        <translation>Име на оператора</translation>
    </message>
    <message>
        <source>Operator password</source>
        <translation>Парола на оператора</translation>
    </message>
    <message>
        <source>Tax group</source>
        <translation>Данъчна група</translation>
    </message>
    <message>
        <source>Item text length</source>
        <translation>Дължина на текста на артикула</translation>
    </message>
    <message>
        <source>Print timeout (seconds)</source>
        <translation>Време за печат (секунди)</translation>
    </message>
</context>
<context>
    <name>PriceListModel</name>
    <message>
        <source>No.</source>
        <extracomment>Data role answering True for a row under the minimum margin.</extracomment>
        <translation>№</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Държава</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Код</translation>
    </message>
    <message>
        <source>Wholesale USD</source>
        <translation>Доставна USD</translation>
    </message>
    <message>
        <source>Wholesale local</source>
        <translation>Доставна (местна)</translation>
    </message>
    <message>
        <source>Retail</source>
        <translation>Продажна</translation>
    </message>
    <message>
        <source>Off-peak</source>
        <translation>Извън пика</translation>
    </message>
    <message>
        <source>Margin %</source>
        <translation>Марж %</translation>
    </message>
    <message>
        <source>Increments</source>
        <translation>Таксуване</translation>
    </message>
    <message>
        <source>Connect fee</source>
        <translation>Такса свързване</translation>
    </message>
    <message>
        <source>Retail price is below the minimum margin</source>
        <extracomment>The highest retail price per minute the price list takes (a typo guard: no call shop sells a minute for more; a real price above it is a mistyped one).</extracomment>
        <translation>Продажната цена е под минималния марж</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>няма</translation>
    </message>
</context>
<context>
    <name>PriceListPage</name>
    <message>
        <source>+{a} −{r} ~{c}</source>
        <translation>+{a} −{r} ~{c}</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Версия</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Записана</translation>
    </message>
    <message>
        <source>By</source>
        <translation>От</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Източник</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Редове</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Промени</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Бележка</translation>
    </message>
    <message>
        <source>Price-list versions</source>
        <translation>Версии на ценовата листа</translation>
    </message>
    <message>
        <source>Price list</source>
        <translation>Ценова листа</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Внос…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Износ…</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Save as new version</source>
        <translation>Запиши като нова версия</translation>
    </message>
    <message>
        <source>Filter: country name or dialling code</source>
        <translation>Филтър: държава или код за набиране</translation>
    </message>
    <message>
        <source>Selection: markup %</source>
        <translation>Избраните: надценка %</translation>
    </message>
    <message>
        <source>round to</source>
        <translation>закръгли до</translation>
    </message>
    <message>
        <source>Apply markup</source>
        <translation>Приложи надценка</translation>
    </message>
    <message>
        <source>Clear retail</source>
        <translation>Изчисти продажната цена</translation>
    </message>
    <message>
        <source>No USD rate set: margins cannot be shown</source>
        <translation>Няма курс на долара: маржът не може да се покаже</translation>
    </message>
    <message>
        <source>version {v} · USD rate {rate} · minimum margin {m} %</source>
        <translation>версия {v} · курс USD {rate} · минимален марж {m} %</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Незаписани промени</translation>
    </message>
    <message>
        <source>Save or discard your edits to the price list first: the wholesale list is applied to the saved version.</source>
        <translation>Първо запишете или отхвърлете промените си в ценовата листа: доставната листа се прилага към записаната версия.</translation>
    </message>
    <message>
        <source>{shown} of {total} destinations · {edited} edited · {below} below margin</source>
        <translation>{shown} от {total} направления · {edited} променени · {below} под маржа</translation>
    </message>
    <message>
        <source>Markup</source>
        <translation>Надценка</translation>
    </message>
    <message>
        <source>Select rows first.</source>
        <translation>Първо изберете редове.</translation>
    </message>
    <message>
        <source>Set the USD rate first.</source>
        <translation>Първо въведете курса на долара.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Запиши</translation>
    </message>
    <message>
        <source>Nothing has changed.</source>
        <translation>Няма промени.</translation>
    </message>
    <message>
        <source>{n} destination(s) are priced below the minimum margin of {m} %: {codes}.
Save anyway?</source>
        <translation>{n} направления са с цена под минималния марж от {m} %: {codes}.
Да се запише ли въпреки това?</translation>
    </message>
    <message>
        <source>Margin guard</source>
        <translation>Защита на маржа</translation>
    </message>
    <message>
        <source>Save price list</source>
        <translation>Запис на ценовата листа</translation>
    </message>
    <message>
        <source>Changes: {summary}
Note for the version history:</source>
        <translation>Промени: {summary}
Бележка за историята на версиите:</translation>
    </message>
    <message>
        <source>Import refused</source>
        <translation>Вносът е отказан</translation>
    </message>
    <message>
        <source>Import price list</source>
        <translation>Внос на ценова листа</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV файлове (*.csv);;Всички файлове (*)</translation>
    </message>
    <message>
        <source>Export price list</source>
        <translation>Износ на ценовата листа</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV файлове (*.csv)</translation>
    </message>
    <message>
        <source>{text} is not a price (e.g. 0.25)</source>
        <translation>{text} не е цена (напр. 0,25)</translation>
    </message>
    <message>
        <source>A price cannot be negative.</source>
        <translation>Цената не може да е отрицателна.</translation>
    </message>
    <message>
        <source>{text} per minute cannot be meant: at most {most}.</source>
        <translation>{text} на минута не може да е вярно: най-много {most}.</translation>
    </message>
</context>
<context>
    <name>Reports</name>
    <message>
        <source>Revenue and profit per day</source>
        <translation>Оборот и печалба по дни</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>Оборот</translation>
    </message>
    <message>
        <source>Profit</source>
        <translation>Печалба</translation>
    </message>
    <message>
        <source>Top destinations by revenue</source>
        <translation>Водещи направления по оборот</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(неизвестно)</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Разговори</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Опити</translation>
    </message>
    <message>
        <source>ASR</source>
        <translation>ASR</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Минути</translation>
    </message>
    <message>
        <source>ACD</source>
        <translation>ACD</translation>
    </message>
    <message>
        <source>Avg call</source>
        <translation>Ср. разговор</translation>
    </message>
    <message>
        <source>Wholesale USD</source>
        <translation>Доставна USD</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Разход</translation>
    </message>
    <message>
        <source>Unserved</source>
        <translation>Необслужени</translation>
    </message>
    <message>
        <source>Unpaid</source>
        <translation>Неплатени</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Справки</translation>
    </message>
    <message>
        <source>by day</source>
        <translation>по дни</translation>
    </message>
    <message>
        <source>by destination</source>
        <translation>по направления</translation>
    </message>
    <message>
        <source>by booth</source>
        <translation>по кабини</translation>
    </message>
    <message>
        <source>by operator</source>
        <translation>по оператори</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Покажи</translation>
    </message>
    <message>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>From</source>
        <translation>От</translation>
    </message>
    <message>
        <source>to</source>
        <translation>до</translation>
    </message>
    <message>
        <source>{calls} calls · {minutes} min · revenue {revenue} · cost {cost} · profit {profit} · ASR {asr} · ACD {acd} · {unserved} unserved · {unpaid} unpaid</source>
        <translation>{calls} разговора · {minutes} мин · оборот {revenue} · разход {cost} · печалба {profit} · ASR {asr} · ACD {acd} · {unserved} необслужени · {unpaid} неплатени</translation>
    </message>
    <message>
        <source>revenue is call prices, without cash rounding; cash rounding of the period&apos;s payments {rounding}, revenue with it {with_rounding}</source>
        <translation>оборотът е по цени на разговорите, без закръгляне на сметките; закръгляне в плащанията за периода {rounding}, оборот със закръгляне {with_rounding}</translation>
    </message>
    <message>
        <source>ASR counts only attempts that reached the carrier</source>
        <translation>ASR брои само опитите, стигнали до доставчика</translation>
    </message>
    <message>
        <source>{n} call(s) before the first USD rate: cost not included</source>
        <translation>{n} разговора преди първия курс на долара: разходът им не е включен</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Износ на справката</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV файлове (*.csv)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF файлове (*.pdf)</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Shop (receipt header)</source>
        <translation>Обект (горна част на бележката)</translation>
    </message>
    <message>
        <source>Money</source>
        <translation>Пари</translation>
    </message>
    <message>
        <source>Number normalisation and rating</source>
        <translation>Номера и тарифиране</translation>
    </message>
    <message>
        <source>Booths and printing</source>
        <translation>Кабини и печат</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Устройства</translation>
    </message>
    <message>
        <source>Central billing account</source>
        <translation>Централна сметка</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Други</translation>
    </message>
    <message>
        <source>Settings</source>
        <extracomment>Which settings each section shows (the rest go to &quot;Other&quot;).</extracomment>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Запиши настройките</translation>
    </message>
    <message>
        <source>(not set up)</source>
        <extracomment>The currency shown beside each amount&apos;s field (&quot;EUR&quot;, &quot;USD&quot;).</extracomment>
        <translation>(не е настроено)</translation>
    </message>
    <message>
        <source>Nothing has changed</source>
        <translation>Няма промени</translation>
    </message>
    <message>
        <source>Shop name printed on receipts</source>
        <translation>Име на обекта върху бележките</translation>
    </message>
    <message>
        <source>Shop address printed on receipts</source>
        <translation>Адрес на обекта върху бележките</translation>
    </message>
    <message>
        <source>VAT / company number printed on receipts</source>
        <translation>ДДС / ЕИК номер върху бележките</translation>
    </message>
    <message>
        <source>Language of receipts, reports and the customer display: the shop&apos;s language (each till chooses its own screen language)</source>
        <translation>Език на бележките, отчетите и дисплея за клиента: езикът на обекта (всяка каса избира свой език на екрана)</translation>
    </message>
    <message>
        <source>Local time zone of the shop</source>
        <translation>Часова зона на обекта</translation>
    </message>
    <message>
        <source>Local currency (ISO code)</source>
        <translation>Местна валута (ISO код)</translation>
    </message>
    <message>
        <source>Show the BGN equivalent (1 EUR = 1.95583 BGN) on receipts and totals</source>
        <translation>Показвай равностойността в лева (1 EUR = 1,95583 BGN) по бележки и суми</translation>
    </message>
    <message>
        <source>Last day the BGN equivalent is shown (empty = no end)</source>
        <translation>Последен ден с равностойност в лева (празно = без край)</translation>
    </message>
    <message>
        <source>Cash bills are rounded to a multiple of this amount (0.05; 0.01 = no rounding)</source>
        <translation>Сметките в брой се закръгляват до кратно на тази сума (0.05; 0.01 = без закръгляне)</translation>
    </message>
    <message>
        <source>Warn the cashier when the carrier account falls below this amount in USD (0 = never)</source>
        <translation>Предупреждение към касиера, когато сметката при доставчика падне под тази сума в USD (0 = никога)</translation>
    </message>
    <message>
        <source>Margin guard: warn when retail &lt; wholesale × USD rate × (1 + this %)</source>
        <translation>Защита на маржа: предупреди, когато продажна &lt; доставна × курс USD × (1 + този %)</translation>
    </message>
    <message>
        <source>The shop&apos;s country calling code</source>
        <translation>Телефонен код на страната на обекта</translation>
    </message>
    <message>
        <source>Trunk prefix of national numbers</source>
        <translation>Префикс за национални номера</translation>
    </message>
    <message>
        <source>Prefixes that start an international number</source>
        <translation>Префикси, с които започва международен номер</translation>
    </message>
    <message>
        <source>Off-peak windows, e.g. &apos;Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00&apos; (empty = none)</source>
        <translation>Часове извън пика, напр. &apos;Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00&apos; (празно = няма)</translation>
    </message>
    <message>
        <source>Let booths call numbers that have no retail price (billed as unrated)</source>
        <translation>Разреши разговори към номера без продажна цена (таксуват се като нетарифирани)</translation>
    </message>
    <message>
        <source>Normalised number prefixes booths may never call</source>
        <translation>Префикси на номера, които кабините никога не могат да набират</translation>
    </message>
    <message>
        <source>Lock a booth after its calls are paid (unlocked by the cashier)</source>
        <translation>Заключвай кабината след плащане (отключва касиерът)</translation>
    </message>
    <message>
        <source>SIP digest realm booths authenticate in</source>
        <translation>SIP realm за удостоверяване на кабините</translation>
    </message>
    <message>
        <source>SIP: address (IPv4 HOST:PORT) the booths&apos; ATAs register to</source>
        <translation>SIP: адрес (IPv4 HOST:PORT), към който се регистрират адаптерите на кабините</translation>
    </message>
    <message>
        <source>SIP: carrier trunk sip:USER@HOST:PORT (empty = none)</source>
        <translation>SIP: транк на доставчика sip:USER@HOST:PORT (празно = няма)</translation>
    </message>
    <message>
        <source>SIP: carrier trunk password</source>
        <translation>SIP: парола за транка на доставчика</translation>
    </message>
    <message>
        <source>SIP: register to the carrier&apos;s trunk</source>
        <translation>SIP: регистрирай се към транка на доставчика</translation>
    </message>
    <message>
        <source>SIP: seconds each trunk registration lasts (60-86400)</source>
        <translation>SIP: секунди валидност на всяка регистрация (60-86400)</translation>
    </message>
    <message>
        <source>SIP: caller ID presented to the carrier (empty = the trunk user)</source>
        <translation>SIP: номер на викащия към доставчика (празно = потребителят на транка)</translation>
    </message>
    <message>
        <source>SIP: pass the booth&apos;s own identity to the carrier (off: the trunk&apos;s)</source>
        <translation>SIP: подавай самоличността на кабината към доставчика (изкл.: тази на транка)</translation>
    </message>
    <message>
        <source>SIP: User-Agent patterns banned at once (scanners; empty = none)</source>
        <translation>SIP: шаблони на User-Agent, блокирани веднага (скенери; празно = няма)</translation>
    </message>
    <message>
        <source>SIP: requests N/SECONDS from one address before it is banned</source>
        <translation>SIP: заявки N/СЕКУНДИ от един адрес преди блокиране</translation>
    </message>
    <message>
        <source>SIP: seconds an abusive address stays banned</source>
        <translation>SIP: секунди, за които злоупотребяващ адрес остава блокиран</translation>
    </message>
    <message>
        <source>Cards: access code a booth dials before the card&apos;s PIN (e.g. *77PIN*number)</source>
        <translation>Фонокарти: код, който кабината набира преди ПИН на картата (напр. *77ПИН*номер)</translation>
    </message>
    <message>
        <source>Cards: the till may top up a sold card</source>
        <translation>Фонокарти: касата може да зарежда продадена карта</translation>
    </message>
    <message>
        <source>Central billing account: base URL (empty = not linked)</source>
        <translation>Централна сметка: базов URL (празно = няма връзка)</translation>
    </message>
    <message>
        <source>Central: this shop&apos;s id there</source>
        <translation>Централа: идентификатор на този обект там</translation>
    </message>
    <message>
        <source>Central: this shop&apos;s API token</source>
        <translation>Централа: API ключ на този обект</translation>
    </message>
    <message>
        <source>Backups: folder for the verified copies of the database, e.g. a USB disk (empty = &apos;backups&apos; beside the database)</source>
        <translation>Архиви: папка за проверените копия на базата, напр. USB диск (празно = &apos;backups&apos; до базата)</translation>
    </message>
    <message>
        <source>Backups: how many verified copies to keep</source>
        <translation>Архиви: колко проверени копия да се пазят</translation>
    </message>
    <message>
        <source>Backups: a verified copy of the database at every Z and daily (off: only `callshop-pos backup`)</source>
        <translation>Архиви: проверено копие на базата при всеки Z отчет и всеки ден (изключено: само с `callshop-pos backup`)</translation>
    </message>
    <message>
        <source>Print a receipt after payment: always, ask or never</source>
        <translation>Печат на бележка след плащане: винаги, питай или никога</translation>
    </message>
    <message>
        <source>Receipt printer: escpos, system, pdf or none (empty = not set up yet: the till asks at the first payment)</source>
        <translation>Принтер за бележки: escpos, system (системен), pdf или none (няма); празно = още не е настроен: касата пита при първото плащане</translation>
    </message>
    <message>
        <source>System printer for receipts and reports (empty = the default printer)</source>
        <translation>Системен принтер за бележки и отчети (празно = принтерът по подразбиране)</translation>
    </message>
    <message>
        <source>Attached devices by name (printer, display …)</source>
        <translation>Свързани устройства по име (принтер, дисплей …)</translation>
    </message>
</context>
<context>
    <name>UsdRate</name>
    <message>
        <source>From date</source>
        <translation>От дата</translation>
    </message>
    <message>
        <source>Local per USD</source>
        <translation>Местна валута за 1 USD</translation>
    </message>
    <message>
        <source>Set at</source>
        <translation>Въведен на</translation>
    </message>
    <message>
        <source>By</source>
        <translation>От</translation>
    </message>
    <message>
        <source>USD rate</source>
        <translation>Курс на долара</translation>
    </message>
    <message>
        <source>Set a new rate</source>
        <translation>Нов курс</translation>
    </message>
    <message>
        <source>Set rate</source>
        <translation>Въведи курса</translation>
    </message>
    <message>
        <source>1 USD =</source>
        <translation>1 USD =</translation>
    </message>
    <message>
        <source>local, from</source>
        <translation>местна валута, от</translation>
    </message>
    <message>
        <source>Today 1 USD = {rate}</source>
        <translation>Днес 1 USD = {rate}</translation>
    </message>
    <message>
        <source>No rate set yet</source>
        <translation>Още няма въведен курс</translation>
    </message>
</context>
<context>
    <name>Users</name>
    <message>
        <source>operator</source>
        <translation>оператор</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>администратор</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>изключен</translation>
    </message>
    <message>
        <source>locked until {t}</source>
        <translation>заключен до {t}</translation>
    </message>
    <message>
        <source>active</source>
        <translation>активен</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Потребител</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Роля</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Състояние</translation>
    </message>
    <message>
        <source>Last login</source>
        <translation>Последен вход</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Създаден</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Нова парола</translation>
    </message>
    <message>
        <source>New password for {u}:</source>
        <translation>Нова парола за {u}:</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Потребители</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Изключи</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Включи</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>Нова парола…</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Отключи</translation>
    </message>
    <message>
        <source>Switch role</source>
        <translation>Смени ролята</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>Нов потребител</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>потребителско име</translation>
    </message>
    <message>
        <source>password</source>
        <translation>парола</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добави</translation>
    </message>
</context>
</TS>
