"""The settings page's labels, marked for translation: each is a setting's description
(``callshop_pos.settings``), which the core keeps in English; the page shows the
translation (``QCoreApplication.translate("Settings", doc)``). A test checks that every
setting has its label here and in the Bulgarian catalogue."""

# ruff: noqa: E501 - one label per line reads best

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

__all__ = ["SETTING_LABELS"]

SETTING_LABELS = (
    QT_TRANSLATE_NOOP("Settings", "Shop name printed on receipts"),
    QT_TRANSLATE_NOOP("Settings", "Shop address printed on receipts"),
    QT_TRANSLATE_NOOP("Settings", "VAT / company number printed on receipts"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "Language of receipts, reports and the customer display: the shop's language (each till chooses its own screen language)",
    ),
    QT_TRANSLATE_NOOP("Settings", "Local time zone of the shop"),
    QT_TRANSLATE_NOOP("Settings", "Local currency (ISO code)"),
    QT_TRANSLATE_NOOP(
        "Settings", "Show the BGN equivalent (1 EUR = 1.95583 BGN) on receipts and totals"
    ),
    QT_TRANSLATE_NOOP("Settings", "Last day the BGN equivalent is shown (empty = no end)"),
    QT_TRANSLATE_NOOP(
        "Settings", "Round cash bills to this many minor units (5 = 0.05; 1 = no rounding)"
    ),
    QT_TRANSLATE_NOOP("Settings", "Warn when the carrier account falls below this (micro-USD)"),
    QT_TRANSLATE_NOOP(
        "Settings", "Margin guard: warn when retail < wholesale × USD rate × (1 + this %)"
    ),
    QT_TRANSLATE_NOOP("Settings", "The shop's country calling code"),
    QT_TRANSLATE_NOOP("Settings", "Trunk prefix of national numbers"),
    QT_TRANSLATE_NOOP("Settings", "Prefixes that start an international number"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "Off-peak windows, e.g. 'Mon-Fri 20:00-08:00,Sat-Sun 00:00-24:00' (empty = none)",
    ),
    QT_TRANSLATE_NOOP(
        "Settings", "Let booths call numbers that have no retail price (billed as unrated)"
    ),
    QT_TRANSLATE_NOOP("Settings", "Normalised number prefixes booths may never call"),
    QT_TRANSLATE_NOOP(
        "Settings", "Lock a booth after its calls are paid (unlocked by the cashier)"
    ),
    QT_TRANSLATE_NOOP("Settings", "SIP digest realm booths authenticate in"),
    QT_TRANSLATE_NOOP("Settings", "SIP: address (IPv4 HOST:PORT) the booths' ATAs register to"),
    QT_TRANSLATE_NOOP("Settings", "SIP: carrier trunk sip:USER@HOST:PORT (empty = none)"),
    QT_TRANSLATE_NOOP("Settings", "SIP: carrier trunk password"),
    QT_TRANSLATE_NOOP("Settings", "SIP: register to the carrier's trunk"),
    QT_TRANSLATE_NOOP("Settings", "SIP: seconds each trunk registration lasts (60-86400)"),
    QT_TRANSLATE_NOOP(
        "Settings", "SIP: caller ID presented to the carrier (empty = the trunk user)"
    ),
    QT_TRANSLATE_NOOP(
        "Settings", "SIP: pass the booth's own identity to the carrier (off: the trunk's)"
    ),
    QT_TRANSLATE_NOOP(
        "Settings", "SIP: User-Agent patterns banned at once (scanners; empty = none)"
    ),
    QT_TRANSLATE_NOOP("Settings", "SIP: requests N/SECONDS from one address before it is banned"),
    QT_TRANSLATE_NOOP("Settings", "SIP: seconds an abusive address stays banned"),
    QT_TRANSLATE_NOOP(
        "Settings", "Cards: access code a booth dials before the card's PIN (e.g. *77PIN*number)"
    ),
    QT_TRANSLATE_NOOP("Settings", "Cards: the till may top up a sold card"),
    QT_TRANSLATE_NOOP("Settings", "Central billing account: base URL (empty = not linked)"),
    QT_TRANSLATE_NOOP("Settings", "Central: this shop's id there"),
    QT_TRANSLATE_NOOP("Settings", "Central: this shop's API token"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "Backups: folder for the verified copies of the database, e.g. a USB disk (empty = 'backups' beside the database)",
    ),
    QT_TRANSLATE_NOOP("Settings", "Backups: how many verified copies to keep"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "Backups: a verified copy of the database at every Z and daily (off: only `callshop-pos backup`)",
    ),
    QT_TRANSLATE_NOOP("Settings", "Print a receipt after payment: always, ask or never"),
    QT_TRANSLATE_NOOP("Settings", "Attached devices by name (printer, display …)"),
)
