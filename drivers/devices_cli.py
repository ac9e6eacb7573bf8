"""``callshop-pos devices …`` and ``callshop-pos fiscal …``: the till's devices, headless.

For the technician and for shops run from scripts:

* ``devices show`` — what the ``devices`` setting configures (nothing is opened);
* ``devices test-print`` — a sample receipt, marked COPY, on the receipt printer;
* ``devices drawer --reason TEXT`` — open the cash drawer by hand (journaled, on the Z);
* ``fiscal status`` — ask the fiscal printer (through ErpNet.FP) whether it is ready;
* ``fiscal x-report`` / ``fiscal z-report`` — the device's own daily reports;
* ``fiscal deposit AMOUNT`` / ``fiscal withdraw AMOUNT`` — service cash in/out.

Commands that change something log in (``--user``; password from a prompt or the
first line of standard input) and are journaled.
"""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from callshop_pos.cli._shop import add_user_option, login_as, with_shop
from callshop_pos.errors import InvalidInput
from callshop_pos.money import MoneyError, format_minor, parse_minor
from callshop_pos.receipts.samples import sample_receipt
from callshop_pos.services.context import Shop
from callshop_pos.services.till.fiscal import FiscalGate
from callshop_pos.services.till.printing import open_drawer
from drivers.devices import Devices, build_devices

__all__ = ["register"]


def register(subparsers: Any) -> None:
    dev = subparsers.add_parser("devices", help="receipt printer, cash drawer, customer display")
    sub = dev.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    p = sub.add_parser("show", help="the configured devices")
    p.set_defaults(func=with_shop(_cmd_show))
    p = sub.add_parser("test-print", help="print a sample receipt (marked COPY)")
    p.set_defaults(func=with_shop(_cmd_test_print))
    p = sub.add_parser("drawer", help="open the cash drawer by hand (reason required)")
    p.add_argument("--reason", required=True, help="why the drawer is opened without a sale")
    add_user_option(p)
    p.set_defaults(func=with_shop(_cmd_drawer))

    fis = subparsers.add_parser("fiscal", help="the fiscal printer (through ErpNet.FP)")
    sub = fis.add_subparsers(dest="fiscal_command", metavar="ACTION", required=True)
    p = sub.add_parser("status", help="is the fiscal printer ready?")
    p.set_defaults(func=with_shop(_cmd_fiscal_status))
    for name, text in (
        ("x-report", "print the device's X report"),
        ("z-report", "print the device's Z report (closes its day)"),
    ):
        p = sub.add_parser(name, help=text)
        add_user_option(p)
        p.set_defaults(func=with_shop(_cmd_fiscal_report), report=name)
    for name, text in (
        ("deposit", "register cash put into the drawer"),
        ("withdraw", "register cash taken out of the drawer"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("amount", help="e.g. 50.00")
        add_user_option(p)
        p.set_defaults(func=with_shop(_cmd_fiscal_cash), operation=name)


def _devices(shop: Shop) -> Devices:
    return build_devices(shop.settings)


def _gate(shop: Shop) -> FiscalGate:
    gate = _devices(shop).fiscal
    if gate is None:
        raise InvalidInput("no fiscal device is configured (devices setting, entry 'fiscal')")
    return gate


def _cmd_show(args: argparse.Namespace, shop: Shop) -> int:
    devices = _devices(shop)
    entries = shop.settings.devices
    printer = entries.get("printer", {}).get("connection") if devices.printer else None
    display = entries.get("display", {}).get("port") if devices.display else None
    print(f"receipt printer: {printer or 'none'}")
    print(f"cash drawer:     {'on the receipt printer' if devices.drawer else 'none'}")
    print(f"pole display:    {display or 'none'}")
    if devices.fiscal is None:
        print("fiscal device:   off")
    else:
        c = devices.fiscal.config
        print(
            f"fiscal device:   {c.printer_id} at {c.url} (serial {c.device_serial}, "
            f"operator code {c.operator_code:04d})"
        )
    print(f"print policy:    {shop.settings.print_policy}")
    return 0


def _cmd_test_print(args: argparse.Namespace, shop: Shop) -> int:
    printer = _devices(shop).printer
    if printer is None:
        raise InvalidInput("no receipt printer is configured (devices setting, entry 'printer')")
    printer.print_receipt(sample_receipt(is_copy=True))
    print("sample receipt sent to the printer")
    return 0


def _cmd_drawer(args: argparse.Namespace, shop: Shop) -> int:
    drawer = _devices(shop).drawer
    if drawer is None:
        raise InvalidInput("no cash drawer: it needs an ESC/POS receipt printer")
    actor = login_as(shop, args.user)
    opened = open_drawer(shop, actor, drawer, args.reason)
    print(f"drawer opened (manual open {opened.opens_this_shift} of this shift)")
    return 0


def _cmd_fiscal_status(args: argparse.Namespace, shop: Shop) -> int:
    status = _gate(shop).device.status()
    when = f", device time {status.device_time:%Y-%m-%d %H:%M:%S}" if status.device_time else ""
    print(f"fiscal printer ready{when}")
    for m in status.messages:
        print(f"  {m.type}{' ' + m.code if m.code else ''}: {m.text}")
    return 0


def _cmd_fiscal_report(args: argparse.Namespace, shop: Shop) -> int:
    gate = _gate(shop)
    actor = login_as(shop, args.user)
    run = gate.z_report if args.report == "z-report" else gate.x_report
    run(shop, actor)
    print(f"fiscal {args.report} printed")
    return 0


def _cmd_fiscal_cash(args: argparse.Namespace, shop: Shop) -> int:
    try:
        amount = parse_minor(args.amount)
    except MoneyError as exc:
        raise InvalidInput(f"amount: {exc}") from None
    if amount <= 0:
        raise InvalidInput("the amount must be positive")
    gate = _gate(shop)
    actor = login_as(shop, args.user)
    reference = f"cli-{uuid.uuid4().hex[:12]}"
    run = gate.deposit if args.operation == "deposit" else gate.withdraw
    run(shop, actor, amount, reference)
    print(f"fiscal {args.operation} of {format_minor(amount)} registered")
    return 0
