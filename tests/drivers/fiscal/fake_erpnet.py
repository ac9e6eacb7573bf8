"""A fake ErpNet.FP print server, written from its PROTOCOL.md.

Endpoints, request fields and answers follow the protocol text: ``GET /printers``,
``GET /printers/{id}``, ``GET /printers/{id}/status``, ``POST /printers/{id}/receipt``
and ``reversalreceipt``, ``xreport``, ``zreport``, ``deposit``, ``withdraw`` — sync, or
async with ``asyncTimeout`` and caller-chosen ``taskId`` — and
``GET /printers/taskinfo?id=``. Like the real server (ServiceController.Enqueue) a
reused task id is refused with code E109, and receipt answers carry ``"ok"`` as the
strings ``"true"``/``"false"`` exactly as the protocol's examples show.

Knobs let tests inject device errors, slow printing, and answers lost on the wire
(the request is executed but the connection is dropped before the answer).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PRINTER_ID = "dt279013"
INFO = {
    "uri": "bg.dt.p.isl.com://COM15",
    "serialNumber": "DT279013",
    "fiscalMemorySerialNumber": "02279013",
    "manufacturer": "Datecs",
    "model": "FP-2000",
    "firmwareVersion": "1.00BG 23NOV18 1000",
    "itemTextMaxLength": 36,
    "commentTextMaxLength": 42,
    "operatorPasswordMaxLength": 8,
    "taxIdentificationNumber": "000713391",
    "supportedPaymentTypes": ["cash", "card"],
}
STD_MESSAGES = [
    {"type": "info", "text": "Serial number and number of FM are set"},
    {"type": "info", "text": "FM is formatted"},
]


@dataclass
class FakeState:
    printed: list[dict[str, Any]] = field(default_factory=list)  # every fiscal document
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_receipt: int = 85
    device_error: dict[str, str] | None = None  # next print fails with this message
    print_delay_s: float = 0.0
    drop_answers: int = 0  # POST answers to drop (executed, then the connection is cut)
    hang_s: float = 0.0  # delay before answering any request (timeout tests)
    ready: bool = True  # False: still detecting printers (the server answers 405)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    # -- plumbing ----------------------------------------------------------------------
    def _answer(self, payload: Any, status: int = 200) -> None:
        state = self.server.state
        with state.lock:
            drop = state.drop_answers > 0 and self.command == "POST"
            if drop:
                state.drop_answers -= 1
        if drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)  # executed, but the answer is lost
            return
        body = json.dumps(payload, default=_json_default).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _parts(self) -> tuple[list[str], dict[str, str]]:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        return [p for p in url.path.split("/") if p], query

    # -- GET ---------------------------------------------------------------------------
    def do_GET(self) -> None:
        state = self.server.state
        if state.hang_s:
            time.sleep(state.hang_s)
        parts, query = self._parts()
        state.requests.append(("GET", self.path, None))
        if not state.ready and parts != ["printers", "taskinfo"]:
            return self._answer({}, 405)
        if parts == ["printers"]:
            return self._answer({PRINTER_ID: INFO})
        if parts == ["printers", "taskinfo"]:
            task = state.tasks.get(query.get("id", ""))
            if task is None:
                return self._answer({"taskStatus": "unknown"})
            info: dict[str, Any] = {"taskStatus": task["status"]}
            if task["status"] == "finished":
                info["result"] = task["result"]
            return self._answer(info)
        if len(parts) >= 2 and parts[0] == "printers" and parts[1] != PRINTER_ID:
            return self._answer({}, 404)
        if parts == ["printers", PRINTER_ID]:
            return self._answer(INFO)
        if parts == ["printers", PRINTER_ID, "status"]:
            return self._answer(self._status())
        return self._answer({}, 404)

    def _status(self) -> dict[str, Any]:
        err = self.server.state.device_error
        if err is not None:
            return {
                "ok": False,
                "messages": [{"type": "error", **err}, *STD_MESSAGES],
            }
        return {"deviceDateTime": "2026-11-26T14:05:00", "ok": True, "messages": STD_MESSAGES}

    # -- POST --------------------------------------------------------------------------
    def do_POST(self) -> None:
        state = self.server.state
        if state.hang_s:
            time.sleep(state.hang_s)
        parts, query = self._parts()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw, parse_float=Decimal) if raw else {}
        state.requests.append(("POST", self.path, body))
        if len(parts) != 3 or parts[0] != "printers":
            return self._answer({}, 404)
        if parts[1] != PRINTER_ID:
            return self._answer({}, 404)
        action = parts[2]
        if action not in (
            "receipt",
            "reversalreceipt",
            "xreport",
            "zreport",
            "deposit",
            "withdraw",
        ):
            return self._answer({}, 404)
        task_id = query.get("taskId")
        if "asyncTimeout" not in query:
            return self._answer(self._execute(action, body))
        with state.lock:
            if task_id is None:
                task_id = f"T{len(state.tasks) + 1:021d}"
            in_use = task_id in state.tasks
            if not in_use:
                state.tasks[task_id] = {"status": "enqueued", "result": None}
        if in_use:
            text = f'Task Id "{task_id}" is already used'
            return self._answer(
                {"ok": False, "messages": [{"type": "error", "code": "E109", "text": text}]}
            )
        threading.Thread(target=self._run_task, args=(task_id, action, body), daemon=True).start()
        return self._answer({"taskId": task_id})

    def _run_task(self, task_id: str, action: str, body: dict[str, Any]) -> None:
        state = self.server.state
        state.tasks[task_id]["status"] = "running"
        result = self._execute(action, body)
        state.tasks[task_id].update(status="finished", result=result)

    def _execute(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        if state.print_delay_s:
            time.sleep(state.print_delay_s)
        with state.lock:
            err, state.device_error = state.device_error, None
            if err is not None:
                return {"ok": "false", "messages": [{"type": "error", **err}, *STD_MESSAGES]}
            if action in ("receipt", "reversalreceipt"):
                number = f"{state.next_receipt:07d}"
                state.next_receipt += 1
                amount = sum(
                    Decimal(str(i["unitPrice"])) * Decimal(str(i.get("quantity", 1)))
                    for i in body.get("items", [])
                    if i.get("type", "sale") == "sale"
                )
                for i in body.get("items", []):
                    if i.get("type") == "surcharge-amount":
                        amount += Decimal(str(i["amount"]))
                    elif i.get("type") == "discount-amount":
                        amount -= Decimal(str(i["amount"]))
                state.printed.append({"action": action, "number": number, **body})
                return {
                    "ok": "true",
                    "messages": STD_MESSAGES,
                    "receiptNumber": number,
                    "receiptDateTime": "2026-11-26T14:05:18",
                    "receiptAmount": amount,
                    "fiscalMemorySerialNumber": "02279013",
                }
            state.printed.append({"action": action, **body})
            return {"ok": "true", "messages": STD_MESSAGES}


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # the fake only: JSON numbers on the wire, as the real server sends
    raise TypeError(type(value).__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FakeState

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that gave up (timeout tests) leave broken pipes behind: expected here.
        pass


@contextmanager
def fake_erpnet() -> Iterator[tuple[str, FakeState]]:
    """A running fake server on 127.0.0.1 (ephemeral port): yields (base URL, state)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = FakeState()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}", server.state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
