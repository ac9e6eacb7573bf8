"""``callshop-pos fx set / list`` in-process through ``main.main`` (stdin replaced)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from callshop_pos.cli.fx import parse_rate
from callshop_pos.db.models.journal import JournalEntry
from callshop_pos.errors import InvalidInput
from callshop_pos.services.admin import admin_prices, fx, users
from callshop_pos.services.auth import Role, login
from callshop_pos.services.context import Shop
from tests.callshop_pos.cli.test_commands import InProcessCli, inproc, ready

__all__ = ["inproc", "ready"]  # the fixtures, shared with the other command tests


def _state(cli: InProcessCli) -> tuple[list[fx.UsdRate], int]:
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        with shop.db.read() as s:
            journal = s.scalar(select(func.count()).select_from(JournalEntry)) or 0
        return fx.rate_history(shop), journal


def test_set_and_list(ready: InProcessCli) -> None:
    cli = ready
    first = cli(
        "fx", "set", "0.921234", "--date", "2020-01-01", "--user", "boss", stdin="boss-pass\n"
    )
    assert first.returncode == 0, first.stderr
    assert "USD rate 0.921234 EUR from 2020-01-01 (set by boss)" in first.stdout
    for rate, day in (("0.95", "2020-02-01"), ("0.96", "2020-02-01"), ("2", "2999-01-01")):
        done = cli("fx", "set", rate, "--date", day, "--user", "boss", stdin="boss-pass\n")
        assert done.returncode == 0, done.stderr
    history, _ = _state(cli)
    # a second rate for the same date corrects the first; nothing is overwritten
    assert [(r.effective_on, r.local_per_usd) for r in history] == [
        (date(2999, 1, 1), Decimal("2")),
        (date(2020, 2, 1), Decimal("0.96")),
        (date(2020, 2, 1), Decimal("0.95")),
        (date(2020, 1, 1), Decimal("0.921234")),
    ]
    listed = json.loads(cli("fx", "list", "--format", "json").stdout)
    assert listed["currency"] == "EUR"
    assert [
        (r["effective_on"], r["local_per_usd"], r["set_by"], r["in_force_today"])
        for r in listed["rates"]
    ] == [
        ("2999-01-01", "2", "boss", False),
        ("2020-02-01", "0.96", "boss", True),  # the newest correction of the latest past date
        ("2020-02-01", "0.95", "boss", False),
        ("2020-01-01", "0.921234", "boss", False),
    ]
    table = cli("fx", "list").stdout.splitlines()
    assert "rate" in table[0] and len(table) == 5
    assert table[2].startswith("* 2020-02-01") and "0.96" in table[2]
    assert "(corrected later)" in table[3] and "0.921234" in table[4]


def test_set_defaults_to_today(ready: InProcessCli) -> None:
    cli = ready
    assert cli("fx", "set", "1.5", "--user", "boss", stdin="boss-pass\n").returncode == 0
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        [rate] = fx.rate_history(shop)
        assert rate.effective_on == admin_prices.today(shop)


def test_empty_list(ready: InProcessCli) -> None:
    assert "no USD rate has been set yet" in ready("fx", "list").stdout
    assert json.loads(ready("fx", "list", "--format", "json").stdout)["rates"] == []


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("abc", "plain decimal number"),
        ("1,95", "plain decimal number"),
        ("-0.9", "plain decimal number"),
        ("1e3", "plain decimal number"),
        ("NaN", "plain decimal number"),
        ("", "plain decimal number"),
        ("0", "above zero"),
        ("0.0000001", "at most 6 decimals"),
        ("1955.83", "typing error"),
    ],
)
def test_a_bad_rate_is_refused_and_nothing_changes(
    ready: InProcessCli, rate: str, message: str
) -> None:
    before = _state(ready)
    result = ready("fx", "set", rate, "--date", "2026-01-01", "--user", "boss", stdin="boss-pass\n")
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ")
    assert _state(ready)[0] == before[0] == []


def test_a_bad_date_is_refused(ready: InProcessCli) -> None:
    result = ready(
        "fx", "set", "0.92", "--date", "01.02.2026", "--user", "boss", stdin="boss-pass\n"
    )
    assert result.returncode == 1 and "--date must be a date YYYY-MM-DD" in result.stderr
    assert _state(ready)[0] == []


def test_operators_and_wrong_passwords_are_refused(ready: InProcessCli) -> None:
    cli = ready
    with Shop.open(f"sqlite:///{cli.db}") as shop:
        boss = login(shop, "boss", "boss-pass")
        users.add_user(shop, boss, "olga", "olga-pass", Role.OPERATOR)
    refused = cli("fx", "set", "0.92", "--user", "olga", stdin="olga-pass\n")
    assert refused.returncode == 1 and "may not" in refused.stderr
    wrong = cli("fx", "set", "0.92", "--user", "boss", stdin="nope\n")
    assert wrong.returncode == 1 and "wrong user name or password" in wrong.stderr
    assert _state(cli)[0] == []


def test_parse_rate_is_exact() -> None:
    assert parse_rate(" 0.921234 ") == Decimal("0.921234")
    assert str(parse_rate("1.10")) == "1.10"
    with pytest.raises(InvalidInput):
        parse_rate("+1")
