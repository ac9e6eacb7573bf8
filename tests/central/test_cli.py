"""``callshop-central`` set-up commands: init, shop add, token create/revoke/list, user
add, topup, prices publish."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from central import auth, service
from central.cli import main
from central.clock import SystemClock
from central.db import CentralDb
from central.errors import Unauthorized


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_setting_up_a_shop_and_its_till(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    code, _, err = run(capsys, "--db", url, "shop", "add", "sofia-1")
    assert code == 1 and "callshop-central init" in err  # not initialised yet
    assert run(capsys, "--db", url, "init")[0] == 0
    assert run(capsys, "--db", url, "shop", "add", "sofia-1", "--name", "Sofia 1")[0] == 0
    code, _, err = run(capsys, "--db", url, "shop", "add", "Sofia One")
    assert code == 1 and "lowercase" in err
    code, out, err = run(capsys, "--db", url, "token", "create", "sofia-1", "--label", "till 1")
    assert code == 0 and "shown only once" in err
    token = out.strip()
    db = CentralDb(url)
    try:
        assert auth.authenticate_token(db, token).shops == frozenset({"sofia-1"})
        _, listing, _ = run(capsys, "--db", url, "token", "list")
        assert token.split(".")[0] in listing and token.split(".")[1] not in listing
        assert run(capsys, "--db", url, "token", "revoke", token.split(".")[0])[0] == 0
        with pytest.raises(Unauthorized):
            auth.authenticate_token(db, token)

        monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
        assert run(capsys, "--db", url, "user", "add", "boss", "--role", "owner")[0] == 0
        monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
        code, _, err = run(capsys, "--db", url, "user", "add", "mira", "--role", "manager")
        assert code == 1 and "at least one shop" in err

        assert run(capsys, "--db", url, "topup", "sofia-1", "125.50")[0] == 0
        assert service.balance(db, SystemClock(), "sofia-1").balance_micro_usd == 125_500_000
        code, _, err = run(capsys, "--db", url, "topup", "sofia-1", "0.0000001")
        assert code == 1

        prices = tmp_path / "wholesale.csv"
        prices.write_text("code,country,wholesale_usd\n359,Bulgaria,0.0123\n", encoding="utf-8")
        code, out, _ = run(capsys, "--db", url, "prices", "publish", str(prices))
        assert code == 0 and "version 1" in out
        assert service.wholesale_price_list(db).version == 1
        prices.write_text("code,country,wholesale_usd\n359,Bulgaria,0.01234567\n", encoding="utf-8")
        code, _, err = run(capsys, "--db", url, "prices", "publish", str(prices))
        assert code == 1 and ":2:" in err
    finally:
        db.dispose()
