"""``callshop-pos receipt PAYMENT_ID --pdf FILE`` (a real subprocess, password on stdin)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from callshop_pos.cli import build_parser
from callshop_pos.cli import run as run_cli
from callshop_pos.db.models.devices import PrintLog
from callshop_pos.services.auth import Actor
from callshop_pos.services.cards.till import sell_card
from callshop_pos.services.context import Shop
from callshop_pos.services.till.payments import pay_calls
from callshop_pos.services.till.shifts import open_shift
from tests.callshop_pos.services.cards.cards_support import make_batch
from tests.callshop_pos.services.till_support import record_call
from tests.callshop_pos.support import ADMIN_PASSWORD, OPERATOR_PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def receipt_cli(db_url: str, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", "--db", db_url, "receipt", *args],
        cwd=ROOT,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_receipt_pdf_copy(shop: Shop, operator: Actor, db_url: str, tmp_path: Path) -> None:
    open_shift(shop, operator, 0)
    paid = pay_calls(shop, operator, [record_call(shop, 137, booth="B4")], 200)
    target = tmp_path / "receipt.pdf"
    done = receipt_cli(
        db_url,
        str(paid.payment_id),
        "--pdf",
        str(target),
        "--user",
        "olga",
        password=OPERATOR_PASSWORD,
    )
    assert done.returncode == 0, done.stderr
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert "1.37 €" in text and "0.63 €" in text and "B4" in text
    assert "КОПИЕ" in text  # the shop's language by default: Bulgarian
    with shop.db.read() as s:
        log = s.scalars(select(PrintLog)).one()
    assert (log.document, log.subject_id, log.copy, log.target) == (
        "receipt",
        paid.payment_id,
        True,
        "pdf",
    )


def run_in_process(monkeypatch: pytest.MonkeyPatch, db_url: str, *args: str, password: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    parsed = build_parser().parse_args(["--db", db_url, "receipt", *args])
    return run_cli(parsed)


def test_receipt_errors_change_nothing(
    shop: Shop,
    operator: Actor,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    open_shift(shop, operator, 0)
    paid = pay_calls(shop, operator, [record_call(shop, 137)], 200)
    assert (
        run_in_process(
            monkeypatch,
            db_url,
            "999",
            "--pdf",
            str(tmp_path / "x.pdf"),
            "--user",
            "admin",
            password=ADMIN_PASSWORD,
        )
        == 1
    )
    assert "no payment 999" in capsys.readouterr().err
    assert (
        run_in_process(
            monkeypatch,
            db_url,
            str(paid.payment_id),
            "--pdf",
            str(tmp_path / "y.pdf"),
            "--user",
            "olga",
            password="wrong",
        )
        == 1
    )
    assert (
        run_in_process(
            monkeypatch,
            db_url,
            str(paid.payment_id),
            "--pdf",
            str(tmp_path),
            "--user",
            "olga",
            password=OPERATOR_PASSWORD,
        )
        == 1
    )
    assert "is a directory" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()
    with shop.db.read() as s:
        assert s.scalars(select(PrintLog)).all() == []


def test_a_card_sale_receipt_as_pdf(
    shop: Shop,
    admin: Actor,
    operator: Actor,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    printed = make_batch(shop, admin, tmp_path / "sheets", quantity=1, face_value_minor=1000)
    open_shift(shop, operator, 0)
    sale = sell_card(shop, operator, printed.cards[0][0], 2000)
    number = f"K{sale.movement_id:06d}"
    target = tmp_path / "card.pdf"
    args = (number, "--pdf", str(target), "--user", "olga")
    assert run_in_process(monkeypatch, db_url, *args, password=OPERATOR_PASSWORD) == 0
    assert f"wrote {target} (receipt {number}, copy)" in capsys.readouterr().out
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert printed.cards[0][0] in text and "Предплатена фонокарта" in text and "КОПИЕ" in text
    assert printed.cards[0][1] not in text  # never the PIN
    with shop.db.read() as s:
        log = s.scalars(select(PrintLog)).one()
    assert (log.document, log.subject_id, log.copy, log.target) == (
        "card_receipt",
        sale.movement_id,
        True,
        "pdf",
    )
    bad = ("K12x", "--pdf", str(tmp_path / "z.pdf"), "--user", "olga")
    with pytest.raises(SystemExit):
        run_in_process(monkeypatch, db_url, *bad, password=OPERATOR_PASSWORD)
    assert "not a receipt number" in capsys.readouterr().err
