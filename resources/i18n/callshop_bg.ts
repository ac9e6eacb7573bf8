<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="bg_BG">
<context>
    <name>ActionErrors</name>
    <message>
        <source>The details are in {path}.</source>
        <extracomment>The window&apos;s log file in the data directory (rotated at 1 MB, 5 old files kept).</extracomment>
        <translation>Подробностите са във файла {path}.</translation>
    </message>
    <message>
        <source>The details are in the program&apos;s error output.</source>
        <translation>Подробностите са в изхода за грешки на програмата.</translation>
    </message>
    <message>
        <source>This did not work because of an error in the program; nothing was changed. Please try again, and tell the administrator if it happens again. ({kind}: {message}) {where}</source>
        <translation>Действието не беше изпълнено поради грешка в програмата; нищо не е променено. Опитайте отново и кажете на администратора, ако се повтори. ({kind}: {message}) {where}</translation>
    </message>
    <message>
        <source>Not done</source>
        <translation>Не е изпълнено</translation>
    </message>
</context>
<context>
    <name>AmountEdit</name>
    <message>
        <source>An amount cannot be negative.</source>
        <translation>Сумата не може да е отрицателна.</translation>
    </message>
</context>
<context>
    <name>BillLinesModel</name>
    <message>
        <source>Booth</source>
        <extracomment>Banknotes offered as one-click &quot;tendered&quot; amounts (minor units). More change than this (500.00: the largest euro note) means a mistyped amount.</extracomment>
        <translation>Кабина</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Времетраене</translation>
    </message>
    <message>
        <source>Billed</source>
        <translation>Таксувано</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Сума</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
</context>
<context>
    <name>BoothBox</name>
    <message>
        <source>No booth selected</source>
        <translation>Няма избрана кабина</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Отключи</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Заключи</translation>
    </message>
</context>
<context>
    <name>BoothCard</name>
    <message>
        <source>Please pay at the counter</source>
        <extracomment>The meters refresh this often while a booth is talking (4 times a second). How long the amount due / change stays on the screen after a payment.</extracomment>
        <translation>Моля, платете на касата</translation>
    </message>
    <message>
        <source>Time {elapsed}</source>
        <translation>Време {elapsed}</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Затворена</translation>
    </message>
    <message>
        <source>Out of order</source>
        <translation>Не работи</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Свободна</translation>
    </message>
    <message>
        <source>In use</source>
        <translation>Заета</translation>
    </message>
    <message>
        <source>Dialling</source>
        <translation>Набира</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Звъни</translation>
    </message>
    <message>
        <source>Talking</source>
        <translation>Разговаря</translation>
    </message>
</context>
<context>
    <name>BoothTile</name>
    <message>
        <source>To pay {amount} ({n} calls)</source>
        <extracomment>Price of a call in progress after ``elapsed`` seconds of talk (None = unrated).</extracomment>
        <translation>За плащане {amount} ({n} разг.)</translation>
    </message>
    <message>
        <source>unrated</source>
        <translation>без цена</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Няма връзка</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Свободна</translation>
    </message>
    <message>
        <source>Off hook</source>
        <translation>Вдигната слушалка</translation>
    </message>
    <message>
        <source>Dialling</source>
        <translation>Набира</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Звъни</translation>
    </message>
    <message>
        <source>Talking</source>
        <translation>Разговаря</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Заключена</translation>
    </message>
    <message>
        <source>{state} · locked</source>
        <translation>{state} · заключена</translation>
    </message>
    <message>
        <source>Card {amount} left</source>
        <translation>Карта: остават {amount}</translation>
    </message>
    <message>
        <source>Credit {amount}</source>
        <translation>Кредит {amount}</translation>
    </message>
    <message>
        <source>Prepaid, no deposit</source>
        <translation>Предплатена, без депозит</translation>
    </message>
    <message>
        <source>{n} to pay: {amount}</source>
        <translation>{n} за плащане: {amount}</translation>
    </message>
    <message>
        <source>{n} to pay</source>
        <translation>{n} за плащане</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>регистрирана</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>без връзка</translation>
    </message>
    <message>
        <source>online</source>
        <translation>на линия</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>готова</translation>
    </message>
    <message>
        <source>sim</source>
        <translation>симулатор</translation>
    </message>
    <message>
        <source>Rate {rate} per minute</source>
        <translation>Тарифа {rate} на минута</translation>
    </message>
    <message>
        <source>Calling card {serial}</source>
        <translation>Фонокарта {serial}</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Отключи</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Заключи</translation>
    </message>
    <message>
        <source>Hang up…</source>
        <translation>Прекъсни…</translation>
    </message>
    <message>
        <source>Take deposit…</source>
        <translation>Вземи депозит…</translation>
    </message>
    <message>
        <source>Pay this booth&apos;s calls</source>
        <translation>Плати разговорите на кабината</translation>
    </message>
    <message>
        <source>Show this booth&apos;s calls</source>
        <translation>Покажи разговорите на кабината</translation>
    </message>
</context>
<context>
    <name>CallsModel</name>
    <message>
        <source>Booth</source>
        <translation>Кабина</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Destination</source>
        <translation>Направление</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Отговорено</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Времетраене</translation>
    </message>
    <message>
        <source>Billed</source>
        <translation>Таксувано</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Цена</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Unserved</source>
        <translation>Необслужени</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Платени</translation>
    </message>
    <message>
        <source>Unpaid</source>
        <translation>Неплатени</translation>
    </message>
    <message>
        <source>interrupted (engine restart)</source>
        <translation>прекъснат (рестарт на линиите)</translation>
    </message>
    <message>
        <source>no price for this destination</source>
        <translation>няма цена за това направление</translation>
    </message>
    <message>
        <source>answer time estimated</source>
        <translation>приблизителен час на отговор</translation>
    </message>
    <message>
        <source>priced by the administrator</source>
        <translation>оценен от администратора</translation>
    </message>
    <message>
        <source>corrected after close</source>
        <translation>коригиран след затваряне</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>неизвестно</translation>
    </message>
    <message>
        <source>unrated</source>
        <translation>без цена</translation>
    </message>
</context>
<context>
    <name>CallsPanel</name>
    <message>
        <source>Calls of this shift</source>
        <translation>Разговори в смяната</translation>
    </message>
    <message>
        <source>&amp;Unserved</source>
        <translation>&amp;Необслужени</translation>
    </message>
    <message>
        <source>&amp;Paid</source>
        <translation>&amp;Платени</translation>
    </message>
    <message>
        <source>U&amp;npaid</source>
        <translation>Не&amp;платени</translation>
    </message>
    <message>
        <source>&amp;All</source>
        <translation>&amp;Всички</translation>
    </message>
    <message>
        <source>&amp;Booth</source>
        <translation>&amp;Кабина</translation>
    </message>
    <message>
        <source>All booths</source>
        <translation>Всички кабини</translation>
    </message>
    <message>
        <source>{count} selected · {total}   ({shown} shown)</source>
        <translation>{count} избрани · {total}   (показани {shown})</translation>
    </message>
    <message>
        <source>{shown} shown · Ctrl+click or Shift+arrows to select several</source>
        <translation>показани {shown} · Ctrl+щракване или Shift+стрелки за няколко</translation>
    </message>
</context>
<context>
    <name>CardSaleDialog</name>
    <message>
        <source>Sell card</source>
        <extracomment>top-up mode: ``top_up(serial, amount)`` quotes, ``sell`` records the top-up</extracomment>
        <translation>Продажба на фонокарта</translation>
    </message>
    <message>
        <source>Sell a prepaid calling card</source>
        <translation>Продажба на предплатена фонокарта</translation>
    </message>
    <message>
        <source>Top up card</source>
        <translation>Зареждане на карта</translation>
    </message>
    <message>
        <source>Top up a prepaid calling card</source>
        <translation>Зареждане на предплатена фонокарта</translation>
    </message>
    <message>
        <source>scan or type the serial</source>
        <translation>сканирайте или въведете серийния номер</translation>
    </message>
    <message>
        <source>&amp;Balance</source>
        <translation>&amp;Баланс</translation>
    </message>
    <message>
        <source>&amp;Serial</source>
        <translation>&amp;Сериен №</translation>
    </message>
    <message>
        <source>Face value</source>
        <translation>Номинал</translation>
    </message>
    <message>
        <source>&amp;Amount to add</source>
        <translation>&amp;Сума за зареждане</translation>
    </message>
    <message>
        <source>To pay</source>
        <translation>За плащане</translation>
    </message>
    <message>
        <source>&amp;Tendered</source>
        <translation>&amp;Получено</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Ресто</translation>
    </message>
    <message>
        <source>&amp;Print receipt</source>
        <translation>&amp;Печат на бележка</translation>
    </message>
    <message>
        <source>Sell  (Enter)</source>
        <translation>Продай  (Enter)</translation>
    </message>
    <message>
        <source>Top up  (Enter)</source>
        <translation>Зареди  (Enter)</translation>
    </message>
    <message>
        <source>Enter the amount to add to the card.</source>
        <translation>Въведете сумата, с която да се зареди картата.</translation>
    </message>
    <message>
        <source>not sold</source>
        <translation>непродадена</translation>
    </message>
    <message>
        <source>sold</source>
        <translation>продадена</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>в употреба</translation>
    </message>
    <message>
        <source>used up</source>
        <translation>изчерпана</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>изтекла</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>блокирана</translation>
    </message>
    <message>
        <source>Card {serial}: {status}, balance {balance}.</source>
        <translation>Карта {serial}: {status}, баланс {balance}.</translation>
    </message>
    <message>
        <source>Scan the card&apos;s barcode or type its serial.</source>
        <translation>Сканирайте баркода на картата или въведете серийния ѝ номер.</translation>
    </message>
    <message>
        <source>Card {serial}: the customer pays its face value.</source>
        <translation>Карта {serial}: клиентът плаща номинала ѝ.</translation>
    </message>
    <message>
        <source>Card {serial}: balance {before}, after the top-up {after}.</source>
        <translation>Карта {serial}: наличност {before}, след зареждането {after}.</translation>
    </message>
    <message>
        <source>Not enough: {missing} more.</source>
        <translation>Не стига: още {missing}.</translation>
    </message>
    <message>
        <source>{tendered} for a card of {value}? Check the amount handed over.</source>
        <translation>{tendered} за карта от {value}? Проверете получената сума.</translation>
    </message>
</context>
<context>
    <name>CarrierWarning</name>
    <message>
        <source>Carrier account low: ask for a top-up</source>
        <extracomment>How often the balance is read again.</extracomment>
        <translation>Сметката при оператора е ниска: поискайте зареждане</translation>
    </message>
    <message>
        <source>Calls stop going through when the carrier account runs out.</source>
        <translation>Разговорите спират, когато сметката при оператора се изчерпи.</translation>
    </message>
    <message>
        <source>Balance USD {balance}, warning below USD {threshold}.</source>
        <translation>Наличност USD {balance}, предупреждение под USD {threshold}.</translation>
    </message>
</context>
<context>
    <name>CashierApp</name>
    <message>
        <source>CallShop POS</source>
        <translation>CallShop POS</translation>
    </message>
    <message>
        <source>Language</source>
        <extracomment>Asks a yes/no question (title, text) -&gt; yes; tests replace it.</extracomment>
        <translation>Език</translation>
    </message>
    <message>
        <source>Language of the till:</source>
        <translation>Език на касата:</translation>
    </message>
    <message>
        <source>Quit the demo? Its line engine stops with the till: calls in progress are ended and recorded.</source>
        <translation>Изход от демото? Линиите му спират заедно с касата: текущите разговори се прекратяват и записват.</translation>
    </message>
    <message>
        <source>Quit the till? The line engine keeps running without it: calls in progress go on and are metered and recorded, and the booths can still be used. Stop it with “callshop-pos engine stop”.</source>
        <translation>Изход от касата? Линиите продължават да работят и без нея: текущите разговори продължават, отчитат се и се записват, а кабините могат да се ползват. Спират се с „callshop-pos engine stop“.</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Изход</translation>
    </message>
</context>
<context>
    <name>CloseShiftDialog</name>
    <message>
        <source>Close shift</source>
        <translation>Затваряне на смяна</translation>
    </message>
    <message>
        <source>X report — shift {id}</source>
        <translation>X отчет — смяна {id}</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Разлика</translation>
    </message>
    <message>
        <source>&amp;Counted cash in the drawer</source>
        <translation>&amp;Преброени пари в касата</translation>
    </message>
    <message>
        <source>&lt;b&gt;{n} call(s) are still unserved.&lt;/b&gt; Closing leaves them unserved in this shift:</source>
        <translation>&lt;b&gt;{n} разговора са все още необслужени.&lt;/b&gt; При затваряне остават необслужени в тази смяна:</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… и още {n}</translation>
    </message>
    <message>
        <source>&lt;b&gt;A prepaid deposit is still open at {booths}.&lt;/b&gt; Settle it first (pay the booth, or Booth → Settle deposit…), then close the shift.</source>
        <translation>&lt;b&gt;Депозитът на {booths} още не е приключен.&lt;/b&gt; Първо го приключете (платете кабината или Кабина → Приключи депозита…), после затворете смяната.</translation>
    </message>
    <message>
        <source>Close shift (Z report)</source>
        <translation>Затвори смяната (Z отчет)</translation>
    </message>
    <message>
        <source>Short by {amount}</source>
        <translation>Липса {amount}</translation>
    </message>
    <message>
        <source>Over by {amount}</source>
        <translation>Излишък {amount}</translation>
    </message>
    <message>
        <source>Balanced</source>
        <translation>Равнение</translation>
    </message>
    <message>
        <source>Z report — shift {id} closed</source>
        <translation>Z отчет — смяна {id} е затворена</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>Преброени</translation>
    </message>
    <message>
        <source>Closed {when}. Journal {hash}</source>
        <translation>Затворена {when}. Журнал {hash}</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Готово</translation>
    </message>
    <message>
        <source>Backup: {problem}</source>
        <translation>Резервно копие: {problem}</translation>
    </message>
</context>
<context>
    <name>CustomerScreen</name>
    <message>
        <source>CallShop — customer screen</source>
        <translation>CallShop — екран за клиента</translation>
    </message>
    <message>
        <source>Call shop</source>
        <translation>Телефонна кабина</translation>
    </message>
    <message>
        <source>Talk time and price of every booth, live</source>
        <translation>Време и цена на всяка кабина, на живо</translation>
    </message>
    <message>
        <source>Booths will appear here</source>
        <translation>Кабините ще се появят тук</translation>
    </message>
    <message>
        <source>To pay: {amount}</source>
        <translation>За плащане: {amount}</translation>
    </message>
    <message>
        <source>Paid {paid}   ·   Your change {change}   ·   Thank you!</source>
        <translation>Платено {paid}   ·   Ресто {change}   ·   Благодарим ви!</translation>
    </message>
</context>
<context>
    <name>DepositDialog</name>
    <message>
        <source>Deposit — {booth}</source>
        <translation>Депозит — {booth}</translation>
    </message>
    <message>
        <source>Take a deposit for {booth}</source>
        <translation>Депозит за {booth}</translation>
    </message>
    <message>
        <source>Credit left now: {amount}</source>
        <translation>Оставащ кредит: {amount}</translation>
    </message>
    <message>
        <source>No deposit taken yet.</source>
        <translation>Все още няма депозит.</translation>
    </message>
    <message>
        <source>The amount is added to the open deposit.</source>
        <translation>Сумата се добавя към отворения депозит.</translation>
    </message>
    <message>
        <source>&amp;Amount</source>
        <translation>&amp;Сума</translation>
    </message>
    <message>
        <source>Take deposit</source>
        <translation>Вземи депозит</translation>
    </message>
</context>
<context>
    <name>DeviceWorker</name>
    <message>
        <source>The device did not answer in time ({error}).</source>
        <extracomment>How long a blocking call may take before the &quot;please wait&quot; window appears.</extracomment>
        <translation>Устройството не отговори навреме ({error}).</translation>
    </message>
    <message>
        <source>The device is not reachable: {error}</source>
        <translation>Устройството е недостъпно: {error}</translation>
    </message>
    <message>
        <source>Unexpected device error ({kind}): {error}</source>
        <translation>Неочаквана грешка на устройството ({kind}): {error}</translation>
    </message>
    <message>
        <source>Please wait</source>
        <translation>Моля, изчакайте</translation>
    </message>
</context>
<context>
    <name>DrawerReasonDialog</name>
    <message>
        <source>Open the cash drawer</source>
        <extracomment>Where the chosen system printer is remembered (the till&apos;s own preferences file).</extracomment>
        <translation>Отваряне на касовото чекмедже</translation>
    </message>
    <message>
        <source>Change for a banknote</source>
        <translation>Разваляне на банкнота</translation>
    </message>
    <message>
        <source>Wrong change corrected</source>
        <translation>Поправено грешно ресто</translation>
    </message>
    <message>
        <source>Cash taken to the safe</source>
        <translation>Пари, прибрани в сейфа</translation>
    </message>
    <message>
        <source>Float topped up</source>
        <translation>Допълнена наличност</translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation>Отвори чекмеджето</translation>
    </message>
    <message>
        <source>Opening the drawer without a sale is recorded and counted on the Z report.
&amp;Reason:</source>
        <translation>Отварянето на чекмеджето без продажба се записва и отчита в Z отчета.
&amp;Причина:</translation>
    </message>
</context>
<context>
    <name>EngineStatus</name>
    <message>
        <source>● Line engine running</source>
        <extracomment>How often the state is checked again while the engine is not connected.</extracomment>
        <translation>● Линиите работят</translation>
    </message>
    <message>
        <source>The line engine meters the booths. It keeps running when the till is closed; stop it with “callshop-pos engine stop”.</source>
        <translation>Процесът на линиите отчита кабините. Той продължава да работи и при затворена каса; спира се с „callshop-pos engine stop“.</translation>
    </message>
    <message>
        <source>■ Line engine stopped</source>
        <translation>■ Линиите са спрени</translation>
    </message>
    <message>
        <source>No line engine runs: the booths are not metered. Start it with “callshop-pos engine”; the till connects by itself.</source>
        <translation>Процесът на линиите не работи: кабините не се отчитат. Стартирайте го с „callshop-pos engine“; касата се свързва сама.</translation>
    </message>
    <message>
        <source>Line engine not reachable — reconnecting…</source>
        <translation>Няма връзка с линиите — свързване…</translation>
    </message>
    <message>
        <source>The line engine (process {pid}) runs but does not answer; the till keeps trying.</source>
        <translation>Процесът на линиите ({pid}) работи, но не отговаря; касата продължава да опитва.</translation>
    </message>
</context>
<context>
    <name>HandOverDialog</name>
    <message>
        <source>Hand over the shift</source>
        <extracomment>(other user&apos;s name, their password, counted cash, next float or None) → done.</extracomment>
        <translation>Предаване на смяната</translation>
    </message>
    <message>
        <source>Shift {id} of {operator}</source>
        <translation>Смяна {id} на {operator}</translation>
    </message>
    <message>
        <source>Count the drawer. The shift closes with its Z report and the next operator&apos;s shift opens at once, with the counted cash as its float unless you enter another amount.</source>
        <translation>Пребройте касата. Смяната се затваря със Z отчет и смяната на следващия оператор се отваря веднага, с преброените пари като начална наличност, освен ако не въведете друга сума.</translation>
    </message>
    <message>
        <source>same as counted</source>
        <translation>като преброеното</translation>
    </message>
    <message>
        <source>Expected in drawer</source>
        <translation>Очаквано в касата</translation>
    </message>
    <message>
        <source>&amp;Counted cash</source>
        <translation>&amp;Преброени пари</translation>
    </message>
    <message>
        <source>&amp;Float of the next shift</source>
        <translation>&amp;Начална наличност на следващата смяна</translation>
    </message>
    <message>
        <source>&amp;Next operator</source>
        <translation>&amp;Следващ оператор</translation>
    </message>
    <message>
        <source>Their &amp;password</source>
        <translation>Неговата &amp;парола</translation>
    </message>
    <message>
        <source>Shift&apos;s operator</source>
        <translation>Оператор на смяната</translation>
    </message>
    <message>
        <source>{operator} confirms the count with their password (an administrator may confirm instead: type the administrator&apos;s name).</source>
        <translation>{operator} потвърждава преброяването с паролата си (вместо това може да потвърди администратор: въведете името на администратора).</translation>
    </message>
    <message>
        <source>An administrator confirms</source>
        <translation>Потвърждава администратор</translation>
    </message>
    <message>
        <source>{n} call(s) are still unserved: the hand-over leaves them unserved in the closed shift.</source>
        <translation>{n} разговор(а) все още са необслужени: предаването ги оставя необслужени в затворената смяна.</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Предай</translation>
    </message>
    <message>
        <source>Enter the cash counted in the drawer, e.g. 50.00.</source>
        <translation>Въведете преброените пари в касата, напр. 50.00.</translation>
    </message>
    <message>
        <source>Enter the next shift&apos;s float, e.g. 50.00, or leave it empty.</source>
        <translation>Въведете началната наличност на следващата смяна, напр. 50.00, или оставете празно.</translation>
    </message>
    <message>
        <source>Enter the user name and password.</source>
        <translation>Въведете потребителско име и парола.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>CallShop POS — log in</source>
        <translation>CallShop POS — вход</translation>
    </message>
    <message>
        <source>CallShop POS</source>
        <translation>CallShop POS</translation>
    </message>
    <message>
        <source>Log in to the till</source>
        <translation>Вход в касата</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>потребител</translation>
    </message>
    <message>
        <source>password</source>
        <translation>парола</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Потребител</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>П&amp;арола</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Вход</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo mode&lt;/b&gt; — simulated booths, sample prices.</source>
        <translation>&lt;b&gt;Демо режим&lt;/b&gt; — симулирани кабини, примерни цени.</translation>
    </message>
    <message>
        <source>{role}: &lt;b&gt;{name}&lt;/b&gt; / &lt;b&gt;{password}&lt;/b&gt;</source>
        <translation>{role}: &lt;b&gt;{name}&lt;/b&gt; / &lt;b&gt;{password}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>Въведете потребителско име.</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} мин {s} с</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m} мин</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} с</translation>
    </message>
    <message>
        <source>Wrong user name or password. Too many wrong passwords: the account is locked for {wait}.</source>
        <translation>Грешно потребителско име или парола. Твърде много грешни пароли: профилът е заключен за {wait}.</translation>
    </message>
    <message>
        <source>Too many wrong passwords: the account is locked for another {wait}.</source>
        <translation>Твърде много грешни пароли: профилът е заключен още {wait}.</translation>
    </message>
    <message>
        <source>This account is disabled; ask the administrator.</source>
        <translation>Този профил е изключен; обърнете се към администратора.</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Грешно потребителско име или парола.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>CallShop POS — till</source>
        <extracomment>Asked when the cashier closes the window: True to quit (None: no question). Extra widgets for the Z page of the close-shift dialog (devices: print, PDF). A closed session&apos;s view: reprint one of its receipts / its Z report (devices).</extracomment>
        <translation>CallShop POS — каса</translation>
    </message>
    <message>
        <source>Booths</source>
        <translation>Кабини</translation>
    </message>
    <message>
        <source>digits pick a booth · Enter pays it · menu key for actions</source>
        <translation>цифрите избират кабина · Enter я плаща · клавиш Меню за действия</translation>
    </message>
    <message>
        <source>PAY selected calls</source>
        <translation>ПЛАТИ избраните</translation>
    </message>
    <message>
        <source>Pay booth&apos;s calls</source>
        <translation>Плати кабината</translation>
    </message>
    <message>
        <source>Served without payment…</source>
        <translation>Обслужени без плащане…</translation>
    </message>
    <message>
        <source>Back to unserved…</source>
        <translation>Обратно в необслужени…</translation>
    </message>
    <message>
        <source>Sell card…</source>
        <translation>Продай фонокарта…</translation>
    </message>
    <message>
        <source>Top up card…</source>
        <translation>Зареждане на карта…</translation>
    </message>
    <message>
        <source>Sessions…</source>
        <translation>Сесии…</translation>
    </message>
    <message>
        <source>Language…</source>
        <translation>Език…</translation>
    </message>
    <message>
        <source>Close shift…</source>
        <translation>Затвори смяната…</translation>
    </message>
    <message>
        <source>Open shift…</source>
        <translation>Отваряне на смяна…</translation>
    </message>
    <message>
        <source>Hand over to the next operator…</source>
        <translation>Предаване на следващия оператор…</translation>
    </message>
    <message>
        <source>Lock / unlock booth</source>
        <translation>Заключи / отключи кабината</translation>
    </message>
    <message>
        <source>Hang up booth…</source>
        <translation>Прекъсни разговора…</translation>
    </message>
    <message>
        <source>Take deposit…</source>
        <translation>Вземи депозит…</translation>
    </message>
    <message>
        <source>Settle deposit…</source>
        <translation>Приключи депозита…</translation>
    </message>
    <message>
        <source>Show booth&apos;s calls</source>
        <translation>Разговори на кабината</translation>
    </message>
    <message>
        <source>How much to call…?</source>
        <translation>Колко струва…?</translation>
    </message>
    <message>
        <source>Go to booths</source>
        <translation>Към кабините</translation>
    </message>
    <message>
        <source>Go to calls</source>
        <translation>Към разговорите</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Изход</translation>
    </message>
    <message>
        <source>Administration…</source>
        <translation>Администрация…</translation>
    </message>
    <message>
        <source>&amp;Till</source>
        <translation>&amp;Каса</translation>
    </message>
    <message>
        <source>&amp;Booth</source>
        <translation>&amp;Кабина</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Изглед</translation>
    </message>
    <message>
        <source>Unpaid…</source>
        <translation>Неплатени…</translation>
    </message>
    <message>
        <source>Unserved…</source>
        <translation>Необслужени…</translation>
    </message>
    <message>
        <source>Card…</source>
        <translation>Карта…</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Заключи</translation>
    </message>
    <message>
        <source>Hang up…</source>
        <translation>Прекъсни…</translation>
    </message>
    <message>
        <source>Deposit…</source>
        <translation>Депозит…</translation>
    </message>
    <message>
        <source>Settle…</source>
        <translation>Приключи…</translation>
    </message>
    <message>
        <source>Its calls</source>
        <translation>Разговорите ѝ</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Сесии</translation>
    </message>
    <message>
        <source>Close shift</source>
        <translation>Затваряне на смяна</translation>
    </message>
    <message>
        <source>Open shift</source>
        <translation>Отвори смяна</translation>
    </message>
    <message>
        <source>The line engine is not reachable; try again in a moment.</source>
        <translation>Няма връзка с линиите; опитайте отново след малко.</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Прекъсване</translation>
    </message>
    <message>
        <source>Hang up the call in {booth} now?</source>
        <translation>Да се прекъсне ли разговорът в {booth}?</translation>
    </message>
    <message>
        <source>F2 pay selected · F3 pay booth · F4 served without payment · F6 back to unserved · F9 sessions · F12 close or open shift</source>
        <translation>F2 плати · F3 плати кабината · F4 без плащане · F6 в необслужени · F9 сесии · F12 смяна</translation>
    </message>
    <message>
        <source>{booth} is a postpaid booth: it takes no deposit.</source>
        <translation>{booth} е кабина с плащане след разговора: не приема депозит.</translation>
    </message>
    <message>
        <source>{booth}: deposit {amount} taken.</source>
        <translation>{booth}: взет депозит {amount}.</translation>
    </message>
    <message>
        <source>{booth} has no open deposit.</source>
        <translation>{booth} няма отворен депозит.</translation>
    </message>
    <message>
        <source>Settle the deposit of {booth}? Deposit {total}, calls {amount}: the calls are paid from it and the rest is handed back.</source>
        <translation>Да се приключи ли депозитът на {booth}? Депозит {total}, разговори {amount}: разговорите се плащат от него, а остатъкът се връща.</translation>
    </message>
    <message>
        <source>Settle deposit</source>
        <translation>Приключване на депозит</translation>
    </message>
    <message>
        <source>{booth}: hand back {amount}.</source>
        <translation>{booth}: върнете {amount}.</translation>
    </message>
    <message>
        <source>{count} call(s) the deposit did not cover are still unserved.</source>
        <translation>{count} разговора, непокрити от депозита, остават необслужени.</translation>
    </message>
    <message>
        <source>The line engine refused: {error}</source>
        <translation>Линиите отказаха: {error}</translation>
    </message>
    <message>
        <source>Select the calls to pay first.</source>
        <translation>Първо изберете разговорите за плащане.</translation>
    </message>
    <message>
        <source>{booth} has no unserved calls.</source>
        <translation>{booth} няма необслужени разговори.</translation>
    </message>
    <message>
        <source>Paid {total}; change {change}.</source>
        <translation>Платено {total}; ресто {change}.</translation>
    </message>
    <message>
        <source>Card {serial} sold for {total}; change {change}.</source>
        <translation>Карта {serial} е продадена за {total}; ресто {change}.</translation>
    </message>
    <message>
        <source>Card {serial} topped up by {total}; change {change}.</source>
        <translation>Карта {serial} е заредена с {total}; ресто {change}.</translation>
    </message>
    <message>
        <source>CallShop POS</source>
        <translation>CallShop POS</translation>
    </message>
</context>
<context>
    <name>OpenShiftDialog</name>
    <message>
        <source>Open a shift</source>
        <translation>Отваряне на смяна</translation>
    </message>
    <message>
        <source>No shift is open</source>
        <translation>Няма отворена смяна</translation>
    </message>
    <message>
        <source>{operator}, count the cash in the drawer and enter it as the opening float. Calls that ended while no shift was open join this shift.</source>
        <translation>{operator}, пребройте парите в касата и ги въведете като начална наличност. Разговорите, приключили без отворена смяна, влизат в тази смяна.</translation>
    </message>
    <message>
        <source>Opening &amp;float</source>
        <translation>Начална &amp;наличност</translation>
    </message>
    <message>
        <source>Open shift</source>
        <translation>Отвори смяна</translation>
    </message>
    <message>
        <source>Enter the amount in the drawer, e.g. 50.00.</source>
        <translation>Въведете сумата в касата, напр. 50,00.</translation>
    </message>
</context>
<context>
    <name>PayDialog</name>
    <message>
        <source>Payment</source>
        <translation>Плащане</translation>
    </message>
    <message>
        <source>Pay {count} call(s)</source>
        <translation>Плащане на {count} разговора</translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation>Междинна сума</translation>
    </message>
    <message>
        <source>Cash rounding (to {unit})</source>
        <translation>Закръгляне (до {unit})</translation>
    </message>
    <message>
        <source>TOTAL</source>
        <translation>ОБЩО</translation>
    </message>
    <message>
        <source>{amount} BGN</source>
        <translation>{amount} лв.</translation>
    </message>
    <message>
        <source>BGN equivalent (1 € = 1.95583 лв.)</source>
        <translation>Равностойност в лева (1 € = 1,95583 лв.)</translation>
    </message>
    <message>
        <source>&amp;Tendered</source>
        <translation>&amp;Дадени</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Ресто</translation>
    </message>
    <message>
        <source>Quick cash:</source>
        <translation>Бързо:</translation>
    </message>
    <message>
        <source>E&amp;xact</source>
        <translation>&amp;Точно</translation>
    </message>
    <message>
        <source>&amp;Print receipt</source>
        <translation>&amp;Печат на бележка</translation>
    </message>
    <message>
        <source>Pay  (Enter)</source>
        <translation>Плати  (Enter)</translation>
    </message>
    <message>
        <source>{tendered} for a bill of {total}? Check the amount handed over.</source>
        <translation>{tendered} за сметка от {total}? Проверете дадената сума.</translation>
    </message>
    <message>
        <source>Still to pay</source>
        <translation>Остават</translation>
    </message>
</context>
<context>
    <name>PrinterSetupDialog</name>
    <message>
        <source>Printer set-up</source>
        <translation>Настройка на принтера</translation>
    </message>
    <message>
        <source>Where should receipts and reports go?</source>
        <translation>Къде да отиват бележките и отчетите?</translation>
    </message>
    <message>
        <source>Chosen once for this shop; change it later in Devices → Printer set-up…. A PDF folder keeps one file per receipt or report and never overwrites one.</source>
        <translation>Избира се веднъж за обекта; може да се смени в Устройства → Настройка на принтера…. PDF папката пази по един файл за всяка бележка или отчет и никога не презаписва.</translation>
    </message>
    <message>
        <source>Receipt printer (ESC/POS) on USB</source>
        <translation>Касов принтер (ESC/POS) на USB</translation>
    </message>
    <message>
        <source>Receipt printer (ESC/POS) on a serial port</source>
        <translation>Касов принтер (ESC/POS) на сериен порт</translation>
    </message>
    <message>
        <source>Receipt printer (ESC/POS) on the network</source>
        <translation>Касов принтер (ESC/POS) в мрежата</translation>
    </message>
    <message>
        <source>A printer of this computer (system printer)</source>
        <translation>Принтер на този компютър (системен)</translation>
    </message>
    <message>
        <source>PDF files in a folder</source>
        <translation>PDF файлове в папка</translation>
    </message>
    <message>
        <source>No printer</source>
        <translation>Без принтер</translation>
    </message>
    <message>
        <source>USB vendor id</source>
        <translation>USB код на производителя</translation>
    </message>
    <message>
        <source>USB product id</source>
        <translation>USB код на продукта</translation>
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
        <source>Printer address</source>
        <translation>Адрес на принтера</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>The default printer</source>
        <translation>Принтерът по подразбиране</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>Принтер</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Избор…</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Папка</translation>
    </message>
    <message>
        <source>Payments are recorded as always; no receipt or report is printed.</source>
        <translation>Плащанията се записват както винаги; не се печатат бележки и отчети.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Запис</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Не сега</translation>
    </message>
    <message>
        <source>&amp;Printer</source>
        <translation>&amp;Принтер</translation>
    </message>
    <message>
        <source>Folder for the PDF files</source>
        <translation>Папка за PDF файловете</translation>
    </message>
</context>
<context>
    <name>QuoteBox</name>
    <message>
        <source>How much to call…?</source>
        <translation>Колко струва…?</translation>
    </message>
    <message>
        <source>number, e.g. 0049 30 …</source>
        <translation>номер, напр. 0049 30 …</translation>
    </message>
    <message>
        <source>{price} / min</source>
        <translation>{price} / мин</translation>
    </message>
    <message>
        <source>No destination for this number</source>
        <translation>Няма направление за този номер</translation>
    </message>
    <message>
        <source>no price set — calls refused</source>
        <translation>няма цена — разговорите се отказват</translation>
    </message>
    <message>
        <source>off-peak {price}</source>
        <translation>извън пиковите часове {price}</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Served without payment</source>
        <translation>Обслужени без плащане</translation>
    </message>
    <message>
        <source>Mark {count} call(s) as served without payment</source>
        <translation>Отбележи {count} разговора като обслужени без плащане</translation>
    </message>
    <message>
        <source>Back to unserved</source>
        <translation>Обратно в необслужени</translation>
    </message>
    <message>
        <source>Return {count} call(s) to unserved</source>
        <translation>Върни {count} разговора в необслужени</translation>
    </message>
    <message>
        <source>Value of the calls: {amount}</source>
        <translation>Стойност на разговорите: {amount}</translation>
    </message>
    <message>
        <source>Owner&apos;s or staff call</source>
        <translation>Разговор на собственика или персонала</translation>
    </message>
    <message>
        <source>Customer left without paying</source>
        <translation>Клиентът си тръгна без да плати</translation>
    </message>
    <message>
        <source>Bad line / call failed</source>
        <translation>Лоша връзка / неуспешен разговор</translation>
    </message>
    <message>
        <source>Goodwill</source>
        <translation>Жест към клиента</translation>
    </message>
    <message>
        <source>Charged by mistake</source>
        <translation>Таксуван по грешка</translation>
    </message>
    <message>
        <source>why? (required)</source>
        <translation>причина (задължително)</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>&amp;Причина</translation>
    </message>
    <message>
        <source>{amount} was already paid for these calls: hand it back to the customer (recorded as a refund).</source>
        <translation>За тези разговори вече са платени {amount}: върнете ги на клиента (записва се като възстановяване).</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Потвърди</translation>
    </message>
    <message>
        <source>Enter a reason first (it goes into the journal).</source>
        <translation>Първо въведете причина (записва се в дневника).</translation>
    </message>
</context>
<context>
    <name>ReceiptActions</name>
    <message>
        <source>Reprint receipt…</source>
        <translation>Повторен печат на бележка…</translation>
    </message>
    <message>
        <source>Open drawer…</source>
        <translation>Отвори чекмеджето…</translation>
    </message>
    <message>
        <source>Customer screen</source>
        <translation>Екран за клиента</translation>
    </message>
    <message>
        <source>Print X report</source>
        <translation>Печат на X отчет</translation>
    </message>
    <message>
        <source>Save shift report as PDF…</source>
        <translation>Запис на отчета като PDF…</translation>
    </message>
    <message>
        <source>Retry fiscal reversals</source>
        <translation>Повтори фискалните сторна</translation>
    </message>
    <message>
        <source>Fiscal X report</source>
        <translation>Фискален X отчет</translation>
    </message>
    <message>
        <source>&amp;Devices</source>
        <translation>&amp;Устройства</translation>
    </message>
    <message>
        <source>Printer set-up…</source>
        <translation>Настройка на принтера…</translation>
    </message>
    <message>
        <source>No receipt printer: set one up in Devices → Printer set-up…</source>
        <translation>Няма принтер за бележки: настройте го в Устройства → Настройка на принтера…</translation>
    </message>
    <message>
        <source>the receipt printer</source>
        <translation>касовия принтер</translation>
    </message>
    <message>
        <source>the default printer</source>
        <translation>принтера по подразбиране</translation>
    </message>
    <message>
        <source>nowhere (no printer)</source>
        <translation>никъде (без принтер)</translation>
    </message>
    <message>
        <source>Receipts and reports go to {where}.</source>
        <translation>Бележките и отчетите отиват към {where}.</translation>
    </message>
    <message>
        <source>No shift is open.</source>
        <translation>Няма отворена смяна.</translation>
    </message>
    <message>
        <source>No printer is set up; save the report as PDF instead.</source>
        <translation>Няма настроен принтер; запишете отчета като PDF.</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>Записано: {path}</translation>
    </message>
    <message>
        <source>Print Z report again (copy)</source>
        <translation>Печат на Z отчета отново (копие)</translation>
    </message>
    <message>
        <source>Save A4 PDF…</source>
        <translation>Запис като A4 PDF…</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Устройства</translation>
    </message>
    <message>
        <source>Save shift report</source>
        <translation>Запис на отчета на смяната</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>The devices are not set up correctly: {error}</source>
        <translation>Устройствата не са настроени правилно: {error}</translation>
    </message>
</context>
<context>
    <name>ReprintDialog</name>
    <message>
        <source>Reprint a receipt</source>
        <translation>Повторен печат на бележка</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Бележка</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Час</translation>
    </message>
    <message>
        <source>Booths</source>
        <translation>Кабини</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Разговори</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Общо</translation>
    </message>
    <message>
        <source>Card {serial}</source>
        <translation>Фонокарта {serial}</translation>
    </message>
    <message>
        <source>Top-up {serial}</source>
        <translation>Зареждане {serial}</translation>
    </message>
    <message>
        <source>Print copy</source>
        <translation>Печат на копие</translation>
    </message>
    <message>
        <source>No payments in this shift yet.</source>
        <translation>Все още няма плащания в тази смяна.</translation>
    </message>
</context>
<context>
    <name>SessionsDialog</name>
    <message>
        <source>Sessions</source>
        <translation>Сесии</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;От</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;До</translation>
    </message>
    <message>
        <source>&amp;Open session</source>
        <translation>&amp;Отвори сесията</translation>
    </message>
    <message>
        <source>Enter or double-click opens a session.</source>
        <translation>Enter или двойно щракване отваря сесия.</translation>
    </message>
</context>
<context>
    <name>SessionsModel</name>
    <message>
        <source>No.</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Отворена</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Затворена</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Разговори</translation>
    </message>
    <message>
        <source>Talk time</source>
        <translation>Време разговори</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>Пари</translation>
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
        <source>open</source>
        <translation>отворена</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>затворена</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Общо</translation>
    </message>
    <message>
        <source>{n} shift(s)</source>
        <translation>{n} смени</translation>
    </message>
</context>
<context>
    <name>ShiftBar</name>
    <message>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <source>Shift opened</source>
        <translation>Смяна от</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Разговори</translation>
    </message>
    <message>
        <source>Cash taken</source>
        <translation>Събрани пари</translation>
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
        <source>Expected in drawer</source>
        <translation>Очаквано в касата</translation>
    </message>
</context>
<context>
    <name>ShiftDetailDialog</name>
    <message>
        <source>Session {id}</source>
        <translation>Сесия {id}</translation>
    </message>
    <message>
        <source>Session {id} — {operator} — {status}</source>
        <translation>Сесия {id} — {operator} — {status}</translation>
    </message>
    <message>
        <source>open</source>
        <translation>отворена</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>затворена</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Създадена</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Затворена</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Разговори</translation>
    </message>
    <message>
        <source>Total minutes</source>
        <translation>Общо минути</translation>
    </message>
    <message>
        <source>Cash taken</source>
        <translation>Събрани пари</translation>
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
        <source>Cash difference</source>
        <translation>Разлика в касата</translation>
    </message>
    <message>
        <source>Reprint a receipt…</source>
        <translation>Повторен печат на бележка…</translation>
    </message>
    <message>
        <source>Print Z report (copy)</source>
        <translation>Печат на Z отчет (копие)</translation>
    </message>
    <message>
        <source>Print X report</source>
        <translation>Печат на X отчет</translation>
    </message>
</context>
<context>
    <name>ShiftOwnerDialog</name>
    <message>
        <source>Another operator&apos;s shift is open</source>
        <translation>Отворена е смяна на друг оператор</translation>
    </message>
    <message>
        <source>{user}, shift {id} of {operator} is open (since {since}). Nobody works in another operator&apos;s shift: take it over with a hand-over (the drawer is counted, {operator}&apos;s shift closes and yours opens), or log out.</source>
        <translation>{user}, смяна {id} на {operator} е отворена (от {since}). Никой не работи в смяна на друг оператор: поемете я с предаване (касата се преброява, смяната на {operator} се затваря и вашата се отваря) или излезте.</translation>
    </message>
    <message>
        <source>Hand over to me…</source>
        <translation>Предай на мен…</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Изход</translation>
    </message>
    <message>
        <source>Work in it as administrator</source>
        <translation>Работа в нея като администратор</translation>
    </message>
</context>
<context>
    <name>ShiftReport</name>
    <message>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Отворена</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Разговори</translation>
    </message>
    <message>
        <source>Talk time</source>
        <translation>Време разговори</translation>
    </message>
    <message>
        <source>Opening float</source>
        <translation>Начална наличност</translation>
    </message>
    <message>
        <source>Payments ({n})</source>
        <translation>Плащания ({n})</translation>
    </message>
    <message>
        <source>  incl. cash rounding</source>
        <translation>  в т.ч. закръгляне</translation>
    </message>
    <message>
        <source>Calls paid from deposits</source>
        <translation>Разговори, платени от депозит</translation>
    </message>
    <message>
        <source>Deposits taken ({n})</source>
        <translation>Взети депозити ({n})</translation>
    </message>
    <message>
        <source>Deposit remainders returned</source>
        <translation>Върнати остатъци от депозити</translation>
    </message>
    <message>
        <source>Refunds ({n})</source>
        <translation>Възстановени ({n})</translation>
    </message>
    <message>
        <source>Cash taken</source>
        <translation>Събрани пари</translation>
    </message>
    <message>
        <source>Expected in drawer</source>
        <translation>Очаквано в касата</translation>
    </message>
    <message>
        <source>Unserved calls</source>
        <translation>Необслужени разговори</translation>
    </message>
    <message>
        <source>Unpaid calls</source>
        <translation>Неплатени разговори</translation>
    </message>
</context>
<context>
    <name>SyncStatus</name>
    <message>
        <source>never</source>
        <extracomment>How often the state is read again.</extracomment>
        <translation>никога</translation>
    </message>
    <message>
        <source>Central: not linked, {n} shift(s) waiting</source>
        <translation>Централа: няма връзка, {n} смени чакат</translation>
    </message>
    <message>
        <source>Link the till with: callshop-pos sync link URL …</source>
        <translation>Свържете касата с: callshop-pos sync link URL …</translation>
    </message>
    <message>
        <source>Central: {n} waiting</source>
        <translation>Централа: {n} чакат</translation>
    </message>
    <message>
        <source>Central: all sent</source>
        <translation>Централа: всичко е изпратено</translation>
    </message>
    <message>
        <source>{n} refused</source>
        <translation>{n} отказани</translation>
    </message>
    <message>
        <source>offline since {at}</source>
        <translation>без връзка от {at}</translation>
    </message>
    <message>
        <source>last sent {at}</source>
        <translation>последно изпратено {at}</translation>
    </message>
    <message>
        <source>Central: {url} (shop {shop})</source>
        <translation>Централа: {url} (обект {shop})</translation>
    </message>
    <message>
        <source>Waiting: {n}; refused: {p}; sent: {d}</source>
        <translation>Чакат: {n}; отказани: {p}; изпратени: {d}</translation>
    </message>
    <message>
        <source>Last success: {at}</source>
        <translation>Последен успех: {at}</translation>
    </message>
    <message>
        <source>Last error ({at}): {error}</source>
        <translation>Последна грешка ({at}): {error}</translation>
    </message>
    <message>
        <source>Central: status unknown</source>
        <translation>Централа: състоянието е неизвестно</translation>
    </message>
</context>
<context>
    <name>TillDevices</name>
    <message>
        <source>Registering the sale on the fiscal printer…</source>
        <extracomment>Builds the devices the shop&apos;s settings configure; raises CallShopError/ValueError on a malformed ``devices`` setting (the till then works without devices).</extracomment>
        <translation>Регистриране на продажбата във фискалния принтер…</translation>
    </message>
    <message>
        <source>Payment refused, nothing was recorded: the fiscal printer cannot register the sale ({error}). Check that it is switched on and connected, then press Pay again.</source>
        <translation>Плащането е отказано, нищо не е записано: фискалният принтер не може да регистрира продажбата ({error}). Проверете дали е включен и свързан и натиснете Плати отново.</translation>
    </message>
    <message>
        <source>The cash drawer did not open: {error}</source>
        <translation>Чекмеджето не се отвори: {error}</translation>
    </message>
    <message>
        <source>No receipt printer is set up: choose one in Devices → Printer set-up….</source>
        <translation>Няма настроен принтер за бележки: изберете в Устройства → Настройка на принтера….</translation>
    </message>
    <message>
        <source>Copy of receipt</source>
        <translation>Копие на бележка</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Бележка</translation>
    </message>
    <message>
        <source>{what} {number} printed.</source>
        <translation>{what} {number} е отпечатана.</translation>
    </message>
    <message>
        <source>The receipt was not printed: {error}. The payment is recorded; reprint it from Devices → Reprint receipt.</source>
        <translation>Бележката не е отпечатана: {error}. Плащането е записано; отпечатайте я от Устройства → Повторен печат на бележка.</translation>
    </message>
    <message>
        <source>The receipt was not printed: {error}. The card sale is recorded; reprint it from Devices → Reprint receipt.</source>
        <translation>Бележката не е отпечатана: {error}. Продажбата на фонокартата е записана; отпечатайте я от Устройства → Повторен печат на бележка.</translation>
    </message>
    <message>
        <source>The receipt was not printed: {error}</source>
        <translation>Бележката не е отпечатана: {error}</translation>
    </message>
    <message>
        <source>Receipt {number} sent to the printer.</source>
        <translation>Бележка {number} е изпратена към принтера.</translation>
    </message>
    <message>
        <source>Opening the drawer without a sale needs a reason.</source>
        <translation>Отварянето на чекмеджето без продажба изисква причина.</translation>
    </message>
    <message>
        <source>No cash drawer is attached (it opens through the receipt printer).</source>
        <translation>Няма свързано касово чекмедже (то се отваря през принтера за бележки).</translation>
    </message>
    <message>
        <source>Drawer opened ({n} manual opens this shift).</source>
        <translation>Чекмеджето е отворено ({n} ръчни отваряния в смяната).</translation>
    </message>
    <message>
        <source>The refund is recorded, but the fiscal printer did not print its reversal: {error}. Retry from Devices → Retry fiscal reversals.</source>
        <translation>Възстановяването е записано, но фискалният принтер не отпечата сторното: {error}. Повторете от Устройства → Повтори фискалните сторна.</translation>
    </message>
    <message>
        <source>Fiscal Z report done.</source>
        <translation>Фискалният Z отчет е направен.</translation>
    </message>
    <message>
        <source>The fiscal printer did not make its Z report: {error}. Run it with “callshop-pos fiscal z-report” once the printer is back.</source>
        <translation>Фискалният принтер не направи Z отчет: {error}. Пуснете го с „callshop-pos fiscal z-report“, когато принтерът е на линия.</translation>
    </message>
    <message>
        <source>Fiscal X report done.</source>
        <translation>Фискалният X отчет е направен.</translation>
    </message>
    <message>
        <source>The fiscal printer did not make its X report: {error}</source>
        <translation>Фискалният принтер не направи X отчет: {error}</translation>
    </message>
    <message>
        <source>The report was not printed: {error}</source>
        <translation>Отчетът не е отпечатан: {error}</translation>
    </message>
    <message>
        <source>{kind} report of shift {id} printed.</source>
        <translation>{kind} отчетът на смяна {id} е отпечатан.</translation>
    </message>
    <message>
        <source>Cannot write {path}: {error}</source>
        <translation>Не може да се запише {path}: {error}</translation>
    </message>
    <message>
        <source>Customer display: {error}</source>
        <translation>Дисплей за клиента: {error}</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <source>Printer for receipts and reports</source>
        <extracomment>The printed column is never wider than this on a big sheet (a receipt stays a receipt). Nor is the type larger than this (points), whatever the paper.</extracomment>
        <translation>Принтер за бележки и отчети</translation>
    </message>
</context>
</TS>
