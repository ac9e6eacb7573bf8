"""``callshop-pos cards``: batch create/list/block, show, sell, balance."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from callshop_pos.services.admin import users
from callshop_pos.services.cards.common import format_serial
from callshop_pos.services.context import Shop
from tests.callshop_pos.cli.test_commands import InProcessCli


@pytest.fixture
def ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    cli = InProcessCli(tmp_path / "shop.db", monkeypatch, capsys)
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        users.create_first_admin(shop, "boss", "boss-pass")
    assert (
        cli(
            "user",
            "add",
            "olga",
            "--role",
            "operator",
            "--user",
            "boss",
            stdin="boss-pass\nolga-pass\n",
        ).returncode
        == 0
    )
    return cli


def _boss(cli: InProcessCli, *args: str) -> tuple[int, str, str]:
    done = cli(*args, "--user", "boss", stdin="boss-pass\n")
    return done.returncode, done.stdout, done.stderr


def test_the_card_commands(ready: InProcessCli, tmp_path: Path) -> None:
    cli = ready
    out = tmp_path / "sheets"
    out.mkdir()
    code, text, err = _boss(
        cli,
        "cards",
        "batch",
        "create",
        "3",
        "5.00",
        "--out",
        str(out),
        "--expiry",
        "after_first_use",
        "--expiry-days",
        "60",
        "--note",
        "summer",
    )
    assert code == 0, err
    assert "3 × 5.00 EUR" in text and "never written again" in text
    [folder] = [p for p in out.iterdir() if p.is_dir()]
    with (folder / "cards.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    serial = rows[0]["serial"]
    assert serial == format_serial(1)
    for row in rows:
        assert row["pin"] not in text  # the PINs are only in the sheets
    code, text, _ = _boss(cli, "cards", "batch", "list", "--format", "json")
    [batch] = json.loads(text)
    assert (batch["quantity"], batch["cards"], batch["expiry_days"]) == (3, {"created": 3}, 60)
    # Selling needs the cashier's open shift.
    assert (
        cli("shifts", "open", "--user", "olga", "--float", "0", stdin="olga-pass\n").returncode == 0
    )
    sold = cli("cards", "sell", serial, "--tendered", "10", "--user", "olga", stdin="olga-pass\n")
    assert sold.returncode == 0, sold.stderr
    assert "sold for 5.00 EUR" in sold.stdout and "change 5.00" in sold.stdout
    again = cli("cards", "sell", serial, "--user", "olga", stdin="olga-pass\n")
    assert again.returncode == 1 and "sold already" in again.stderr
    short = cli(
        "cards", "sell", rows[1]["serial"], "--tendered", "1", "--user", "olga", stdin="olga-pass\n"
    )
    assert short.returncode == 1 and "less than" in short.stderr
    balance = cli(
        "cards", "balance", serial, "--user", "olga", "--format", "json", stdin="olga-pass\n"
    )
    assert json.loads(balance.stdout)["balance"] == "5.00"
    denied = cli("cards", "show", serial, "--user", "olga", stdin="olga-pass\n")
    assert denied.returncode == 1
    code, text, _ = _boss(cli, "cards", "show", serial)
    assert code == 0 and "sold, balance 5.00 EUR of 5.00" in text and "sale" in text
    code, text, _ = _boss(cli, "cards", "show", serial, "--block", "lost by the customer")
    assert code == 0 and "blocked" in text
    code, text, _ = _boss(
        cli, "cards", "batch", "block", str(batch["id"]), "--reason", "sheet lost"
    )
    assert code == 0 and "blocked: 3 cards" in text
    code, _, err = _boss(cli, "cards", "show", "123")
    assert code == 1 and "not a card serial" in err


def test_a_bad_batch_is_refused_before_the_password(ready: InProcessCli, tmp_path: Path) -> None:
    done = ready("cards", "batch", "create", "3", "five", "--out", str(tmp_path), "--user", "boss")
    assert done.returncode == 1 and "face value" in done.stderr
