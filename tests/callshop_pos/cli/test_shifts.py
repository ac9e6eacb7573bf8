"""``callshop-pos shifts …`` run as a real subprocess (``python main.py``), password on stdin."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from callshop_pos.cli import build_parser
from callshop_pos.cli import run as run_cli
from callshop_pos.services.auth import Actor
from callshop_pos.services.context import Shop
from callshop_pos.services.till.call_status import mark_unpaid
from callshop_pos.services.till.payments import pay_calls
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import ADMIN_PASSWORD, OPERATOR_PASSWORD

ROOT = Path(__file__).resolve().parents[3]

SUMMARY_KEYS = {
    "id",
    "status",
    "operator",
    "opened_at",
    "closed_at",
    "call_count",
    "talk_seconds",
    "billable_seconds",
    "cash",
    "unserved",
    "unpaid",
}
CALL_KEYS = {
    "id",
    "booth",
    "number",
    "destination",
    "answered_at",
    "ended_at",
    "duration",
    "billable_seconds",
    "price",
    "status",
    "flags",
}


def cli(db_url: str, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", "--db", db_url, "shifts", *args],
        cwd=ROOT,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(db_url: str, *args: str, password: str = OPERATOR_PASSWORD) -> str:
    done = cli(db_url, *args, password=password)
    assert done.returncode == 0, done.stderr
    return done.stdout


class InProcess:
    """The same parser and runner as main.py, in this process (fast), stdin faked."""

    def __init__(
        self, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.db_url, self.monkeypatch, self.capsys = db_url, monkeypatch, capsys

    def __call__(self, *args: str, password: str = OPERATOR_PASSWORD) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
        code = run_cli(build_parser().parse_args(["--db", self.db_url, "shifts", *args]))
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def inproc(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcess:
    return InProcess(db_url, monkeypatch, capsys)


def test_open_pay_close_list_and_show(
    shop: Shop, operator: Actor, db_url: str, tmp_path: Path, inproc: InProcess
) -> None:
    waiting = record_call(shop, 250, booth="B1", duration_s=95)  # before any shift
    opened = json.loads(
        ok(db_url, "open", "--user", "olga", "--float", "50.00", "--format", "json")
    )
    assert opened["status"] == "open" and opened["opening_float"] == "50.00"
    assert opened["adopted_calls"] == [waiting]
    other = record_call(shop, 130, booth="B2", duration_s=40)
    unrated = record_call(shop, None, booth="B2", duration_s=10)
    record_call(shop, None, booth="B1", answered=False)
    pay_calls(shop, operator, [waiting], 300)
    mark_unpaid(shop, operator, [other], "regular")

    code, _, err = inproc("open", "--user", "olga")
    assert code == 1 and "still open" in err

    z = ok(db_url, "close", "--user", "olga", "--counted", "52.40")
    assert "Z report" in z and "discrepancy:       -0.10" in z

    shown = json.loads(
        ok(db_url, "show", str(opened["id"]), "--format", "json", password=ADMIN_PASSWORD)
    )
    assert set(shown) >= SUMMARY_KEYS
    assert (shown["status"], shown["operator"], shown["call_count"]) == ("closed", "olga", 3)
    assert (shown["cash"], shown["unserved"], shown["unpaid"]) == ("2.50", 1, 1)
    assert shown["talk_seconds"] == 145
    assert shown["expected_cash"] == "52.50" and shown["discrepancy"] == "-0.10"
    assert shown["opened_at"].endswith("+02:00") and shown["closed_at"] is not None
    calls = shown["calls"]
    assert [c["id"] for c in calls] == [waiting, other, unrated]
    assert all(set(c) == CALL_KEYS for c in calls)
    first = calls[0]
    assert (first["booth"], first["number"], first["destination"]) == (
        "B1",
        "00441234567",
        "United Kingdom",
    )
    assert (first["duration"], first["price"], first["status"]) == (95, "2.50", "paid")
    assert calls[2]["price"] is None and calls[2]["flags"] == ["unrated"]

    listed = json.loads(
        ok(db_url, "list", "--format", "json", "--status", "closed", password=ADMIN_PASSWORD)
    )
    assert [s["id"] for s in listed["shifts"]] == [opened["id"]]
    assert set(listed["shifts"][0]) >= SUMMARY_KEYS
    assert listed["total"]["cash"] == "2.50" and listed["total"]["call_count"] == 3

    pdf = tmp_path / "z.pdf"
    table = ok(db_url, "show", str(opened["id"]), "--pdf", str(pdf), password=ADMIN_PASSWORD)
    assert "Shift" in table and "unrated" in table
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "52.40" in text and "-0.10" in text  # counted cash and the discrepancy

    code, out, _ = inproc("list", "--format", "csv", password=ADMIN_PASSWORD)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [str(opened["id"]), "total"]
    assert rows[-1]["cash"] == "2.50"
    code, out, _ = inproc("show", str(opened["id"]), "--format", "csv", password=ADMIN_PASSWORD)
    call_rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["price"] for r in call_rows] == ["2.50", "1.30", ""]


def test_bad_input_and_wrong_password(
    shop: Shop, monkeypatch: pytest.MonkeyPatch, inproc: InProcess
) -> None:
    run = inproc

    def refused(*args: str, password: str = OPERATOR_PASSWORD) -> str:
        code, _, err = run(*args, password=password)
        assert code == 1
        return err

    assert "wrong user name or password" in refused("open", "--user", "olga", password="nope")
    assert "--float" in refused("open", "--user", "olga", "--float", "12.345")
    assert "--from" in refused("list", "--from", "yesterday", password=ADMIN_PASSWORD)
    assert "no shift 77" in refused("show", "77", password=ADMIN_PASSWORD)
    assert "no shift is open" in refused("close", "--user", "olga", "--counted", "0")
    code, out, _ = run("list", "--format", "json", password=ADMIN_PASSWORD)
    assert code == 0
    data: Any = json.loads(out)
    assert data["shifts"] == [] and data["total"]["cash"] == "0.00"
    monkeypatch.setenv("CALLSHOP_USER", "olga")
    code, out, _ = run("open", "--float", "10", "--format", "csv")
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["operator"], row["opening_float"], row["status"]) == ("olga", "10.00", "open")
