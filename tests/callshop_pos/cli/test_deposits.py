"""``callshop-pos deposits``: take, top up, list and settle a prepaid booth's deposit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callshop_pos.clock import FakeClock
from callshop_pos.db.models.deposits import BoothDeposit
from callshop_pos.services.admin import users
from callshop_pos.services.context import Shop
from tests.callshop_pos.cli.test_commands import InProcessCli
from tests.callshop_pos.services.till_support import record_call


@pytest.fixture
def ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> InProcessCli:
    """A database with the administrator boss / boss-pass, and an in-process runner."""
    cli = InProcessCli(tmp_path / "shop.db", monkeypatch, capsys)
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        users.create_first_admin(shop, "boss", "boss-pass")
    return cli


def _setup(cli: InProcessCli) -> None:
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
    assert (
        cli(
            "booths",
            "add",
            "P1",
            "--prepaid",
            "--deposit",
            "10.00",
            "--user",
            "boss",
            stdin="boss-pass\n",
        ).returncode
        == 0
    )
    assert cli("booths", "add", "B1", "--user", "boss", stdin="boss-pass\n").returncode == 0
    opened = cli("shifts", "open", "--user", "olga", "--float", "20.00", stdin="olga-pass\n")
    assert opened.returncode == 0, opened.stderr


def test_take_top_up_list_and_settle(ready: InProcessCli) -> None:
    cli = ready
    _setup(cli)
    taken = cli("deposits", "take", "P1", "10.00", "--user", "olga", stdin="olga-pass\n")
    assert taken.returncode == 0, taken.stderr
    assert "P1: 10.00 taken; deposit now 10.00" in taken.stdout
    more = cli(
        "deposits", "take", "P1", "5", "--user", "olga", "--format", "json", stdin="olga-pass\n"
    )
    assert json.loads(more.stdout) | {"deposit_id": 0} == {
        "deposit_id": 0,
        "booth": "P1",
        "shift_id": 1,
        "taken": "5.00",
        "deposit": "15.00",
        "top_up": True,
    }
    # Calls answered after the deposit was taken (the CLI ran on the real clock).
    later = FakeClock(datetime.now(UTC) + timedelta(seconds=5))
    with Shop.open(f"sqlite:///{cli.db}", clock=later) as shop:
        first = record_call(shop, 437, booth="P1")
        second = record_call(shop, 261, booth="P1")
        record_call(shop, 999, booth="B1")  # another booth: not the deposit's
    listed = cli("deposits", "list", "--user", "boss", "--format", "json", stdin="boss-pass\n")
    (row,) = json.loads(listed.stdout)
    assert (row["booth"], row["deposit"], row["used"], row["left"], row["calls"]) == (
        "P1",
        "15.00",
        "6.98",
        "8.02",
        [first, second],
    )
    assert "+" in row["taken_at"] or row["taken_at"].endswith("Z")  # with its UTC offset
    settled = cli(
        "deposits", "settle", "P1", "--user", "olga", "--format", "json", stdin="olga-pass\n"
    )
    assert settled.returncode == 0, settled.stderr
    data = json.loads(settled.stdout)
    assert (data["used"], data["paid_calls"], data["returned"], data["left_unserved"]) == (
        "6.98",
        [first, second],
        "8.02",
        [],
    )
    assert cli("deposits", "list", "--user", "olga", stdin="olga-pass\n").stdout == (
        "no open deposits\n"
    )


def test_bad_input_changes_nothing(ready: InProcessCli) -> None:
    cli = ready
    _setup(cli)
    for args, message in (
        (("take", "P1", "ten"), "deposit amount"),
        (("take", "B1", "10.00"), "postpaid booth"),
        (("take", "NOPE", "10.00"), "no booth named"),
        (("settle", "P1"), "P1 has no open deposit"),
    ):
        result = cli("deposits", *args, "--user", "olga", stdin="olga-pass\n")
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)
    wrong = cli("deposits", "take", "P1", "10.00", "--user", "olga", stdin="nope\n")
    assert wrong.returncode != 0
    with Shop.open(f"sqlite:///{cli.db}") as shop, shop.db.read() as s:
        assert s.scalar(select(func.count()).select_from(BoothDeposit)) == 0
