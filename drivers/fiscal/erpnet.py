"""Fiscal printer client for the ErpNet.FP print server (its Net.FP HTTP JSON protocol).

ErpNet.FP (github.com/erpnet/ErpNet.FP, ``PROTOCOL.md``) runs next to the till and
drives the Bulgarian fiscal printer (Datecs, Daisy, Tremol, ISL, ...). This client
implements the ``FiscalDevice`` port: status, fiscal receipts carrying the till's
unique sale number, reversal (refund) receipts referencing the original sale, X
and Z reports, cash deposit/withdraw.

Exactly-once printing (no double receipt after a timeout)
---------------------------------------------------------
Every print is sent as an *idempotent task* (``?asyncTimeout=0&taskId=...``, see
"Print Fiscal Receipt (Idempotent)"). The task id is derived from the document —
``S-<unique sale number>`` for a sale, ``R-<sale number>-<refund ref>`` for a
reversal — never random, so *any* retry of the same sale (after a timeout, after
the till restarted, after the cashier pressed PAY again) names the same task:

1. POST with the task id. The server answers ``{"taskId": ...}`` at once; then
   poll ``GET /printers/taskinfo?id=`` until ``taskStatus`` is ``finished`` and read
   its ``result``.
2. If the server says the id is already used (``E109``), an earlier attempt got
   through: nothing is printed again, we only poll for that task's result.
3. If the POST timed out or the connection broke, we do not know whether it
   arrived: ask ``taskinfo`` first. ``enqueued``/``running``/``finished`` → poll;
   ``unknown`` → it never arrived, so POSTing again is safe (and if it did arrive
   meanwhile, step 2 catches it).
4. While polling, a task that turns ``unknown`` means the print server restarted
   and lost its task list; the outcome is then uncertain and we stop with an error
   instead of printing again (the cashier checks the printer's last receipt).

The till stores the result (receipt number, date, fiscal memory number) as soon as
it has it, so a sale already registered never reaches the device again.

Money goes out as JSON numbers written from exact decimals (never through float)
and comes back parsed as ``Decimal``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from http.client import HTTPException
from typing import Any

from callshop_pos.clock import Clock, SystemClock
from callshop_pos.money import format_minor, to_minor
from callshop_pos.receipts.fiscal import (
    FiscalItem,
    FiscalMessage,
    FiscalReceiptResult,
    FiscalReversal,
    FiscalSale,
    FiscalStatus,
)
from callshop_pos.receipts.ports import FiscalDeviceError, FiscalDeviceUnreachable

__all__ = ["ErpNetFiscalPrinter", "ErpNetSettings", "dumps_exact", "sale_task_id"]

TASK_ID_IN_USE = "E109"
MAX_TASK_ATTEMPTS = 5


@dataclass(frozen=True)
class ErpNetSettings:
    base_url: str = "http://localhost:8001"
    printer_id: str = ""
    request_timeout_s: float = 5.0  # one HTTP request
    print_timeout_s: float = 60.0  # a whole print task, queue included
    poll_interval_s: float = 0.2
    operator: str = ""
    operator_password: str = ""
    tax_group: int = 2  # Bulgarian VAT group "Б" (20 %) for telephone services
    item_text_max: int = 22  # device's itemTextMaxLength (DP-25: 22)

    def __post_init__(self) -> None:
        if not self.printer_id:
            raise ValueError("the ErpNet.FP printer id is required (e.g. dt517985)")
        parsed = urllib.parse.urlsplit(self.base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"ErpNet.FP address must be an http(s) URL, not {self.base_url!r}")


def sale_task_id(unique_sale_number: str) -> str:
    return f"S-{unique_sale_number}"


def reversal_task_id(unique_sale_number: str, reference: str) -> str:
    return f"R-{unique_sale_number}-{reference}"


def dumps_exact(value: Any) -> str:
    """JSON text where ``Decimal`` values become exact JSON numbers (no float detour)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        raise TypeError("refusing to send a float amount")
    if isinstance(value, dict):
        return (
            "{" + ",".join(f"{json.dumps(str(k))}:{dumps_exact(v)}" for k, v in value.items()) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps_exact(v) for v in value) + "]"
    raise TypeError(f"cannot encode {type(value).__name__}")


def _amount(minor: int) -> Decimal:
    return Decimal(format_minor(minor))


def _truthy(value: Any) -> bool:
    # PROTOCOL.md shows both JSON booleans and the strings "true"/"false".
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _messages(payload: dict[str, Any]) -> tuple[FiscalMessage, ...]:
    out = []
    for m in payload.get("messages") or ():
        if isinstance(m, dict):
            out.append(
                FiscalMessage(
                    str(m.get("type", "")), str(m.get("text", "")), str(m.get("code", ""))
                )
            )
    return tuple(out)


def _device_time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class _Uncertain(Exception):
    """The request may or may not have reached the server (timeout, broken connection)."""


class ErpNetFiscalPrinter:
    """Implements the ``FiscalDevice`` port over the ErpNet.FP HTTP API."""

    def __init__(self, settings: ErpNetSettings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self._clock = clock or SystemClock()
        self._printer = urllib.parse.quote(settings.printer_id, safe="")

    # -- port: status and simple commands -----------------------------------------
    def status(self) -> FiscalStatus:
        try:
            payload = self._request("GET", f"/printers/{self._printer}/status")
        except _Uncertain as exc:
            raise FiscalDeviceUnreachable(f"fiscal printer did not answer: {exc}") from exc
        status = FiscalStatus(
            ok=_truthy(payload.get("ok")),
            messages=_messages(payload),
            device_time=_device_time(payload.get("deviceDateTime")),
        )
        if not status.ok:
            raise FiscalDeviceError("fiscal printer is not ready", status.messages)
        return status

    def x_report(self, reference: str | None = None) -> FiscalStatus:
        return self._status_task("xreport", {}, f"X-{reference or uuid.uuid4().hex[:16]}")

    def z_report(self, reference: str | None = None) -> FiscalStatus:
        return self._status_task("zreport", {}, f"Z-{reference or uuid.uuid4().hex[:16]}")

    def deposit(self, amount_minor: int, reference: str | None = None) -> FiscalStatus:
        return self._status_task(
            "deposit", self._money_body(amount_minor), f"D-{reference or uuid.uuid4().hex[:16]}"
        )

    def withdraw(self, amount_minor: int, reference: str | None = None) -> FiscalStatus:
        return self._status_task(
            "withdraw", self._money_body(amount_minor), f"W-{reference or uuid.uuid4().hex[:16]}"
        )

    # -- port: receipts -------------------------------------------------------------
    def print_receipt(self, sale: FiscalSale) -> FiscalReceiptResult:
        body: dict[str, Any] = {"uniqueSaleNumber": sale.unique_sale_number}
        body.update(self._credentials(sale.operator, sale.operator_password))
        body["items"] = self._items(sale.items, sale.surcharge_minor, sale.footer)
        body["payments"] = [{"amount": _amount(sale.paid_minor), "paymentType": sale.payment_type}]
        result = self._run_task("receipt", body, sale_task_id(sale.unique_sale_number))
        return self._receipt_result(result, "the fiscal receipt was not printed")

    def print_reversal(self, reversal: FiscalReversal) -> FiscalReceiptResult:
        original = reversal.original
        body: dict[str, Any] = {
            "uniqueSaleNumber": reversal.original_sale_number,
            "receiptNumber": original.receipt_number,
            "receiptDateTime": original.receipt_datetime,
            "fiscalMemorySerialNumber": original.fiscal_memory_serial,
            "reason": str(reversal.reason),
        }
        body.update(self._credentials(reversal.operator, reversal.operator_password))
        body["items"] = self._items(reversal.items, 0, ())
        total = sum(i.unit_price_minor * i.quantity for i in reversal.items)
        body["payments"] = [{"amount": _amount(total), "paymentType": "cash"}]
        task = reversal_task_id(reversal.original_sale_number, reversal.reference)
        result = self._run_task("reversalreceipt", body, task)
        return self._receipt_result(result, "the reversal receipt was not printed")

    # -- request bodies ---------------------------------------------------------------
    def _credentials(self, operator: str, password: str) -> dict[str, Any]:
        operator = operator or self.settings.operator
        password = password or self.settings.operator_password
        return {"operator": operator, "operatorPassword": password} if operator else {}

    def _money_body(self, amount_minor: int) -> dict[str, Any]:
        if amount_minor <= 0:
            raise ValueError("deposit and withdraw amounts must be positive")
        body: dict[str, Any] = {"amount": _amount(amount_minor)}
        body.update(self._credentials("", ""))
        return body

    def _items(
        self, items: tuple[FiscalItem, ...], surcharge_minor: int, footer: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for item in items:
            out.append(
                {
                    "text": item.text[: self.settings.item_text_max],
                    "quantity": item.quantity,
                    "unitPrice": _amount(item.unit_price_minor),
                    "taxGroup": item.tax_group,
                }
            )
        if surcharge_minor > 0:
            out.append({"type": "surcharge-amount", "amount": _amount(surcharge_minor)})
        elif surcharge_minor < 0:
            out.append({"type": "discount-amount", "amount": _amount(-surcharge_minor)})
        out.extend({"type": "footer-comment", "text": text} for text in footer)
        return out

    # -- results ----------------------------------------------------------------------
    def _receipt_result(self, payload: dict[str, Any], what: str) -> FiscalReceiptResult:
        messages = _messages(payload)
        if not _truthy(payload.get("ok")):
            raise FiscalDeviceError(what, messages)
        try:
            amount = payload.get("receiptAmount", 0)
            return FiscalReceiptResult(
                receipt_number=str(payload["receiptNumber"]),
                receipt_datetime=str(payload["receiptDateTime"]),
                amount_minor=to_minor(Decimal(str(amount))),
                fiscal_memory_serial=str(payload.get("fiscalMemorySerialNumber", "")),
                messages=messages,
            )
        except (KeyError, ArithmeticError) as exc:
            raise FiscalDeviceError(f"{what}: the print server's answer lacks {exc}") from exc

    def _status_task(self, action: str, body: dict[str, Any], task_id: str) -> FiscalStatus:
        payload = self._run_task(action, body, task_id)
        status = FiscalStatus(_truthy(payload.get("ok")), _messages(payload))
        if not status.ok:
            raise FiscalDeviceError(f"fiscal printer refused the {action}", status.messages)
        return status

    # -- the idempotent task protocol -----------------------------------------------
    def _run_task(self, action: str, body: dict[str, Any], base_id: str) -> dict[str, Any]:
        """Run one print task exactly once and return its result (see module docstring).

        A task id an *earlier* call already used is never printed again: if that task
        printed, its result is returned; if the device refused it (the receipt was
        voided), the next id in the series (``<id>.2``, ``<id>.3`` ...) is used.
        """
        data = dumps_exact(body).encode("utf-8")
        for n in range(1, MAX_TASK_ATTEMPTS + 1):
            task_id = base_id if n == 1 else f"{base_id}.{n}"
            earlier, result = self._submit(action, data, task_id)
            if not earlier or _truthy(result.get("ok")):
                return result
        raise FiscalDeviceError(
            f"the fiscal printer refused this document {MAX_TASK_ATTEMPTS} times; "
            "check the printer (paper, cover, fiscal memory) before trying again"
        )

    def _submit(self, action: str, data: bytes, task_id: str) -> tuple[bool, dict[str, Any]]:
        """POST one task; returns (whether an earlier call had sent it, its result)."""
        path = f"/printers/{self._printer}/{action}?" + urllib.parse.urlencode(
            {"asyncTimeout": 0, "taskId": task_id}
        )
        try:
            answer = self._request("POST", path, data)
        except _Uncertain:
            if self._task_status(task_id)[0] != "unknown":
                return False, self._wait_for(task_id)  # it arrived after all
            try:  # it never arrived: sending it again cannot print twice
                answer = self._request("POST", path, data)
            except _Uncertain as exc:
                raise FiscalDeviceUnreachable(f"fiscal printer did not answer: {exc}") from exc
        if answer.get("taskId") == task_id:
            return False, self._wait_for(task_id)
        messages = _messages(answer)
        if any(m.code == TASK_ID_IN_USE for m in messages):
            return True, self._wait_for(task_id)
        if "ok" in answer:  # the server rejected the request itself
            raise FiscalDeviceError(f"fiscal printer refused the {action}", messages)
        raise FiscalDeviceError(f"unexpected answer from the print server: {answer!r}")

    def _task_status(self, task_id: str) -> tuple[str, dict[str, Any]]:
        query = urllib.parse.urlencode({"id": task_id})
        try:
            info = self._request("GET", f"/printers/taskinfo?{query}")
        except _Uncertain as exc:
            raise FiscalDeviceUnreachable(f"fiscal print server did not answer: {exc}") from exc
        result = info.get("result")
        return str(info.get("taskStatus", "unknown")).lower(), result if isinstance(
            result, dict
        ) else {}

    def _wait_for(self, task_id: str) -> dict[str, Any]:
        deadline = self._clock.monotonic() + self.settings.print_timeout_s
        while True:
            status, result = self._task_status(task_id)
            if status == "finished":
                return result
            if status == "unknown":
                # The server registers a task before answering, so it only forgets
                # one when it restarted: the outcome is unknowable from here.
                raise FiscalDeviceError(
                    f"the print server lost task {task_id} (restarted?); whether it printed "
                    "is unknown - check the fiscal printer's last receipt before trying again"
                )
            if status == "timeout":
                raise FiscalDeviceError(f"the fiscal printer timed out on task {task_id}")
            if self._clock.monotonic() >= deadline:
                raise FiscalDeviceUnreachable(
                    f"fiscal printer did not finish task {task_id} in "
                    f"{self.settings.print_timeout_s:g} s; trying again will not print twice"
                )
            self._clock.sleep(self.settings.poll_interval_s)

    # -- HTTP -------------------------------------------------------------------------
    def _request(self, method: str, path: str, data: bytes | None = None) -> dict[str, Any]:
        url = self.settings.base_url.rstrip("/") + path
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json; charset=utf-8")
        try:
            with urllib.request.urlopen(request, timeout=self.settings.request_timeout_s) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            endpoint = path.split("?", maxsplit=1)[0]
            if exc.code == 405:  # the server answers 405 until it has found its printers
                raise FiscalDeviceUnreachable(
                    "the fiscal print server is still starting (detecting printers)"
                ) from exc
            if exc.code >= 500:  # it failed somewhere: whether a print went out is unknown
                raise _Uncertain(f"HTTP {exc.code} for {method} {endpoint}") from exc
            raise FiscalDeviceError(
                f"print server answered HTTP {exc.code} for {method} {endpoint}"
                + (" (unknown printer id?)" if exc.code == 404 else "")
            ) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError):
                # Refused: nothing was sent, so this is plainly unreachable, not uncertain.
                raise FiscalDeviceUnreachable(
                    f"fiscal print server at {self.settings.base_url} is not running"
                ) from exc
            raise _Uncertain(str(exc.reason)) from exc
        except (TimeoutError, ConnectionError, HTTPException) as exc:
            raise _Uncertain(str(exc) or type(exc).__name__) from exc
        try:
            payload = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FiscalDeviceError("the print server sent an unreadable answer") from exc
        if not isinstance(payload, dict):
            raise FiscalDeviceError("the print server sent an unexpected answer")
        return payload
